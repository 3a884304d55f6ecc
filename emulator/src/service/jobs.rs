//! CreateJob and UpdateJob. Targets are thing ARNs (or plain thing names) and thing-group
//! ARNs; groups are expanded to their members and targets de-duplicated with a set. A job
//! with `jobExecutionsRolloutConfig` queues its executions at the configured rate (see
//! [`super::rollout`]); without one, all at once. The iot API's limit of 100 targets per
//! CreateJob is enforced by the HTTP plane; this Rust API (and seed files) accept more.

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::jobconfig::JobConfig;
use super::model::{Job, JobStatus, RolloutState, TargetSelection, Thing};
use super::validate;
use super::JobsService;
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

/// Most targets one CreateJob may name on the iot API.
pub const MAX_TARGETS: usize = 100;

/// Parameters of CreateJob.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreateJobRequest {
    pub job_id: String,
    /// Thing ARNs (`arn:aws:iot:REGION:ACCOUNT:thing/NAME`), plain thing names, or thing
    /// group ARNs (`...:thinggroup/NAME`).
    pub targets: Vec<String>,
    /// The job document; must be a JSON object of at most 32 KiB.
    pub document: Value,
    pub description: Option<String>,
    /// `timeoutConfig.inProgressTimeoutInMinutes` (1..=10080).
    pub in_progress_timeout_minutes: Option<i64>,
    pub target_selection: TargetSelection,
    pub config: JobConfig,
}

impl CreateJobRequest {
    /// A job with a document and targets, nothing else.
    pub fn new(job_id: &str, targets: &[&str], document: Value) -> Self {
        CreateJobRequest {
            job_id: job_id.to_string(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
            document,
            ..Default::default()
        }
    }
}

/// What a target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Thing(String),
    Group(String),
}

/// Reads a target: a thing ARN, a thing group ARN, or a plain thing name.
pub fn parse_target(target: &str) -> ServiceResult<Target> {
    let Some(rest) = target.strip_prefix("arn:") else {
        validate::thing_name(target)?;
        return Ok(Target::Thing(target.to_string()));
    };
    let resource = rest.splitn(5, ':').nth(4).unwrap_or("");
    let unsupported = || ServiceError::invalid(format!("Unsupported target: {target}"));
    if let Some(name) = resource.strip_prefix("thing/") {
        validate::thing_name(name)?;
        Ok(Target::Thing(name.to_string()))
    } else if let Some(name) = resource.strip_prefix("thinggroup/") {
        validate::thing_name(name).map_err(|_| unsupported())?;
        Ok(Target::Group(name.to_string()))
    } else {
        Err(unsupported())
    }
}

/// The thing name a thing target names (a thing ARN or a plain name).
pub fn target_thing_name(target: &str) -> ServiceResult<String> {
    match parse_target(target)? {
        Target::Thing(name) => Ok(name),
        Target::Group(_) => Err(ServiceError::invalid(format!(
            "Not a thing target: {target}"
        ))),
    }
}

fn check_timeout(minutes: Option<i64>) -> ServiceResult<()> {
    match minutes {
        Some(m) if !(1..=validate::MAX_TIMEOUT_MINUTES).contains(&m) => Err(ServiceError::invalid(
            format!("inProgressTimeoutInMinutes out of range: {m}"),
        )),
        _ => Ok(()),
    }
}

impl JobsService {
    /// The ARN of a thing group.
    pub fn thing_group_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:iot:{}:{}:thinggroup/{name}",
            self.region, self.account_id
        )
    }

    /// CreateJob: queues one execution per target thing (now, or at the rollout rate).
    pub fn create_job(&self, req: &CreateJobRequest) -> ServiceResult<Job> {
        validate::job_id(&req.job_id)?;
        let document = validate::document(&req.document)?;
        if req.targets.is_empty() {
            return Err(ServiceError::invalid("A job needs at least one target"));
        }
        check_timeout(req.in_progress_timeout_minutes)?;
        req.config.validate()?;
        let mut things = Vec::new();
        let mut groups = Vec::new();
        let mut arns = Vec::new();
        for t in &req.targets {
            match parse_target(t)? {
                Target::Thing(name) => {
                    arns.push(self.thing_arn(&name));
                    things.push(name);
                }
                Target::Group(name) => {
                    arns.push(self.thing_group_arn(&name));
                    groups.push(name);
                }
            }
        }
        let mut seen_arn = HashSet::with_capacity(arns.len());
        arns.retain(|a| seen_arn.insert(a.clone()));
        groups.sort();
        groups.dedup();
        let mut tx = self.begin();
        for g in &groups {
            let members = tx.st.registry.groups.get(g).ok_or_else(|| {
                ServiceError::not_found(format!("Thing group {g} does not exist"))
            })?;
            things.extend(members.things.iter().cloned());
        }
        let mut seen = HashSet::with_capacity(things.len());
        things.retain(|t| seen.insert(t.clone()));
        for name in &things {
            tx.require_thing(name)?;
        }
        if tx.st.jobs.contains_key(&req.job_id) {
            let msg = format!("Job {} already exists", req.job_id);
            return Err(ServiceError::new(ErrorCode::ResourceAlreadyExists, msg));
        }
        let now = tx.now_secs();
        for name in &things {
            if !tx.st.things.contains_key(name) {
                let thing = Thing {
                    thing_name: name.clone(),
                    thing_arn: self.thing_arn(name),
                    attributes: BTreeMap::new(),
                    created_at: now,
                    version: 1,
                };
                tx.put_thing(thing);
            }
        }
        let rollout = req.config.rollout()?;
        let job = Job {
            job_id: req.job_id.clone(),
            job_arn: self.job_arn(&req.job_id),
            document,
            description: req.description.clone(),
            targets: arns,
            status: JobStatus::InProgress,
            in_progress_timeout_minutes: req.in_progress_timeout_minutes,
            created_at: now,
            last_updated_at: now,
            completed_at: None,
            cancel: None,
            target_selection: req.target_selection,
            group_targets: groups,
            config: req.config.clone(),
            rollout: rollout.map(|r| RolloutState {
                pending: things.iter().cloned().collect(),
                ..super::rollout::initial_state(r)
            }),
        };
        tx.put_job(job.clone());
        if job.rollout.is_some() {
            tx.rollout_step(&job.job_id);
        } else {
            for name in things {
                tx.queue_execution(&job.job_id, name);
            }
            tx.after_change(&job.job_id);
        }
        Ok(tx.st.jobs[&job.job_id].clone())
    }

    /// UpdateJob: description, timeoutConfig (for executions started from now on) and the
    /// rollout, abort, retry and presigned-URL configurations. A rollout rate applies to the
    /// things not yet released.
    pub fn update_job(
        &self,
        job_id: &str,
        description: Option<String>,
        in_progress_timeout_minutes: Option<i64>,
        config: JobConfig,
    ) -> ServiceResult<Job> {
        check_timeout(in_progress_timeout_minutes)?;
        config.validate()?;
        let mut tx = self.begin();
        let mut job = tx.job(job_id)?;
        if job.status != JobStatus::InProgress {
            return Err(ServiceError::invalid(format!(
                "Job {job_id} is {}; only an IN_PROGRESS job can be updated",
                job.status.as_str()
            )));
        }
        if description.is_some() {
            job.description = description;
        }
        if in_progress_timeout_minutes.is_some() {
            job.in_progress_timeout_minutes = in_progress_timeout_minutes;
        }
        let new_rate = config.rollout()?;
        job.config.merge(config);
        if let (Some(rate), Some(state)) = (new_rate, job.rollout.as_mut()) {
            let pending = std::mem::take(&mut state.pending);
            let next_tick = state.next_tick_ms;
            let released = state.released;
            *state = super::rollout::initial_state(rate);
            state.pending = pending;
            state.next_tick_ms = next_tick;
            state.released = released;
        }
        job.last_updated_at = tx.now_secs();
        tx.put_job(job.clone());
        Ok(job)
    }
}
