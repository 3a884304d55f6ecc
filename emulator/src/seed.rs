//! Seed files (`--seed FILE`): things and jobs created when the emulator starts, so a
//! spawned emulator can be tested before an HTTP control plane is involved. Format:
//! `{"things": ["t1"], "jobs": [{"jobId": "j1", "targets": ["t1"], "document": {..},
//! "description": "..", "inProgressTimeoutInMinutes": 5}]}`; every key is optional but
//! `jobId`, `targets` and `document`. Jobs are created in file order.

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
    jobs: Vec<SeedJob>,
}

/// Applies a seed file's JSON text to the service.
pub fn apply_str(svc: &JobsService, text: &str) -> anyhow::Result<()> {
    let seed: SeedFile = serde_json::from_str(text).context("seed file")?;
    for name in &seed.things {
        svc.create_thing(name, Default::default())?;
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
