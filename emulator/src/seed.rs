//! Seed files (`--seed FILE`): things and jobs created when the emulator starts, so a
//! spawned emulator can be tested before an HTTP control plane is involved. Format:
//! `{"things": ["t1"], "groups": {"g1": ["t1"]}, "jobs": [{"jobId": "j1", "targets": ["t1"],
//! "document": {..}, "description": "..", "inProgressTimeoutInMinutes": 5}]}`; every key is
//! optional but `jobId`, `targets` and `document`; a target may be a thing group ARN. Things
//! are created first, then groups, then jobs in file order. Seeds are a bulk-loading path:
//! the iot API's 100-target limit does not apply to them.

use crate::service::control::CreateJobRequest;
use crate::service::JobsService;
use anyhow::Context;
use serde::Deserialize;
use serde_json::Value;
use std::path::Path;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SeedJob {
    job_id: String,
    targets: Vec<String>,
    document: Value,
    description: Option<String>,
    in_progress_timeout_in_minutes: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SeedFile {
    things: Vec<String>,
    /// Thing groups and their members (registered things).
    groups: std::collections::BTreeMap<String, Vec<String>>,
    jobs: Vec<SeedJob>,
}

/// Applies a seed file's JSON text to the service.
pub fn apply_str(svc: &JobsService, text: &str) -> anyhow::Result<()> {
    let seed: SeedFile = serde_json::from_str(text).context("seed file")?;
    for name in &seed.things {
        svc.create_thing(name, Default::default())?;
    }
    for (group, members) in &seed.groups {
        svc.create_thing_group(group, None)?;
        for thing in members {
            svc.add_thing_to_group(group, thing)?;
        }
    }
    for j in seed.jobs {
        let req = CreateJobRequest {
            job_id: j.job_id,
            targets: j.targets,
            document: j.document,
            description: j.description,
            in_progress_timeout_minutes: j.in_progress_timeout_in_minutes,
            ..Default::default()
        };
        svc.create_job(&req)?;
    }
    Ok(())
}

/// Applies a seed file.
pub fn apply(svc: &JobsService, path: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    apply_str(svc, &text)
}
