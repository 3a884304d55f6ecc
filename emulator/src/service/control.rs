//! Control operations (what the HTTP control plane translates): create / describe /
//! list / cancel / delete jobs, and describe / cancel / delete / list job executions.
//! Cancel and delete change executions through the same path as device updates, so the
//! `notify` and `notify-next` messages the real service sends follow automatically.

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::model::{CancelInfo, Execution, ExecutionStatus, Job, JobStatus, StatusDetails, Thing};
use super::tx::executions_of;
use super::validate;
use super::JobsService;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Parameters of CreateJob.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateJobRequest {
    pub job_id: String,
    /// Thing ARNs (`arn:aws:iot:REGION:ACCOUNT:thing/NAME`) or plain thing names.
    pub targets: Vec<String>,
    /// The job document; must be a JSON object of at most 32 KiB.
    pub document: Value,
    pub description: Option<String>,
    /// `timeoutConfig.inProgressTimeoutInMinutes` (1..=10080).
    pub in_progress_timeout_minutes: Option<i64>,
}

impl CreateJobRequest {
    /// A job with a document and targets, nothing else.
    pub fn new(job_id: &str, targets: &[&str], document: Value) -> Self {
        CreateJobRequest {
            job_id: job_id.to_string(),
            targets: targets.iter().map(|t| t.to_string()).collect(),
            document,
            description: None,
            in_progress_timeout_minutes: None,
        }
    }
}

/// The thing name a target names: a thing ARN or a plain thing name.
pub fn target_thing_name(target: &str) -> ServiceResult<String> {
    let name = match target.strip_prefix("arn:") {
        None => target,
        Some(rest) => {
            let resource = rest.splitn(5, ':').nth(4).unwrap_or("");
            resource
                .strip_prefix("thing/")
                .ok_or_else(|| ServiceError::invalid(format!("Unsupported target: {target}")))?
        }
    };
    validate::thing_name(name)?;
    Ok(name.to_string())
}

fn job_not_found(job_id: &str) -> ServiceError {
    ServiceError::not_found(format!("Job {job_id} does not exist"))
}

fn exec_not_found(job_id: &str, thing: &str) -> ServiceError {
    ServiceError::not_found(format!("No job execution {job_id} for thing {thing}"))
}

fn transition(message: String) -> ServiceError {
    ServiceError::new(ErrorCode::InvalidStateTransition, message)
}

impl JobsService {
    /// CreateJob: queues one execution per target (registering unknown things).
    pub fn create_job(&self, req: &CreateJobRequest) -> ServiceResult<Job> {
        validate::job_id(&req.job_id)?;
        let document = validate::document(&req.document)?;
        if req.targets.is_empty() {
            return Err(ServiceError::invalid("A job needs at least one target"));
        }
        let mut seen = std::collections::HashSet::with_capacity(req.targets.len());
        let mut names: Vec<String> = Vec::with_capacity(req.targets.len());
        for t in &req.targets {
            let name = target_thing_name(t)?;
            if seen.insert(name.clone()) {
                names.push(name);
            }
        }
        if let Some(m) = req.in_progress_timeout_minutes {
            if !(1..=validate::MAX_TIMEOUT_MINUTES).contains(&m) {
                return Err(ServiceError::invalid(format!(
                    "inProgressTimeoutInMinutes out of range: {m}"
                )));
            }
        }
        let mut tx = self.begin();
        for name in &names {
            tx.require_thing(name)?;
        }
        if tx.st.jobs.contains_key(&req.job_id) {
            let msg = format!("Job {} already exists", req.job_id);
            return Err(ServiceError::new(ErrorCode::ResourceAlreadyExists, msg));
        }
        let now = tx.now_secs();
        let job = Job {
            job_id: req.job_id.clone(),
            job_arn: self.job_arn(&req.job_id),
            document,
            description: req.description.clone(),
            targets: names.iter().map(|n| self.thing_arn(n)).collect(),
            status: JobStatus::InProgress,
            in_progress_timeout_minutes: req.in_progress_timeout_minutes,
            created_at: now,
            last_updated_at: now,
            completed_at: None,
            cancel: None,
        };
        tx.put_job(job.clone());
        for name in names {
            if !tx.st.things.contains_key(&name) {
                let thing = Thing {
                    thing_name: name.clone(),
                    thing_arn: self.thing_arn(&name),
                    attributes: BTreeMap::new(),
                    created_at: now,
                    version: 1,
                };
                tx.put_thing(thing);
            }
            let seq = tx.st.next_seq;
            tx.st.next_seq += 1;
            tx.put_exec(Execution {
                job_id: job.job_id.clone(),
                thing_name: name,
                status: ExecutionStatus::Queued,
                status_details: StatusDetails::new(),
                version_number: 1,
                execution_number: 1,
                queued_at: now,
                started_at: None,
                last_updated_at: now,
                queue_seq: seq,
                step_deadline_ms: None,
                in_progress_deadline_ms: None,
                force_canceled: false,
            });
        }
        Ok(job)
    }

    /// DescribeJob.
    pub fn describe_job(&self, job_id: &str) -> ServiceResult<Job> {
        let tx = self.begin();
        tx.st
            .jobs
            .get(job_id)
            .cloned()
            .ok_or_else(|| job_not_found(job_id))
    }

    /// GetJobDocument.
    pub fn job_document(&self, job_id: &str) -> ServiceResult<Map<String, Value>> {
        self.describe_job(job_id).map(|j| j.document)
    }

    /// ListJobs, optionally only those with a status, by job id.
    pub fn list_jobs(&self, status: Option<JobStatus>) -> Vec<Job> {
        let tx = self.begin();
        tx.st
            .jobs
            .values()
            .filter(|j| status.is_none_or(|s| j.status == s))
            .cloned()
            .collect()
    }

    /// CancelJob: QUEUED executions become CANCELED, IN_PROGRESS ones too when `force`.
    /// A COMPLETED job cannot be cancelled (InvalidRequest).
    pub fn cancel_job(&self, job_id: &str, info: CancelInfo) -> ServiceResult<Job> {
        let mut tx = self.begin();
        let mut job = tx
            .st
            .jobs
            .get(job_id)
            .cloned()
            .ok_or_else(|| job_not_found(job_id))?;
        if job.status == JobStatus::Completed {
            return Err(ServiceError::invalid(format!(
                "Job {job_id} is already COMPLETED"
            )));
        }
        let force = info.force;
        job.status = JobStatus::Canceled;
        job.last_updated_at = tx.now_secs();
        job.cancel = Some(info);
        tx.put_job(job.clone());
        let execs: Vec<Execution> = tx
            .st
            .executions_of_job(job_id)
            .into_iter()
            .filter(|e| e.is_pending())
            .cloned()
            .collect();
        for mut e in execs {
            if e.status == ExecutionStatus::Queued || force {
                e.force_canceled = e.status == ExecutionStatus::InProgress;
                tx.finish_by_service(&mut e, ExecutionStatus::Canceled);
                tx.put_exec(e);
            }
        }
        Ok(job)
    }

    /// DeleteJob: removes the job and all its executions. A job still IN_PROGRESS needs
    /// `force` (InvalidStateTransition otherwise).
    pub fn delete_job(&self, job_id: &str, force: bool) -> ServiceResult<()> {
        let mut tx = self.begin();
        let job = tx
            .st
            .jobs
            .get(job_id)
            .ok_or_else(|| job_not_found(job_id))?;
        if job.status == JobStatus::InProgress && !force {
            return Err(transition(format!(
                "Job {job_id} is IN_PROGRESS; deleting it needs force"
            )));
        }
        let things = tx.st.things_of_job(job_id);
        for thing in things {
            tx.remove_exec(&thing, job_id);
        }
        tx.remove_job(job_id);
        Ok(())
    }

    /// DescribeJobExecution of the control plane: any state.
    pub fn get_execution(
        &self,
        job_id: &str,
        thing: &str,
        execution_number: Option<i64>,
    ) -> ServiceResult<Execution> {
        let tx = self.begin();
        let e = tx
            .exec(thing, job_id)
            .ok_or_else(|| exec_not_found(job_id, thing))?;
        if execution_number.is_some_and(|n| n != e.execution_number) {
            return Err(exec_not_found(job_id, thing));
        }
        Ok(e.clone())
    }

    /// CancelJobExecution: a QUEUED execution (or an IN_PROGRESS one with `force`) becomes
    /// CANCELED. `expected_version` mismatch: VersionConflict; terminal or IN_PROGRESS
    /// without force: InvalidStateTransition.
    pub fn cancel_execution(
        &self,
        job_id: &str,
        thing: &str,
        force: bool,
        expected_version: Option<i64>,
        status_details: Option<StatusDetails>,
    ) -> ServiceResult<Execution> {
        let mut tx = self.begin();
        let mut e = tx
            .exec(thing, job_id)
            .cloned()
            .ok_or_else(|| exec_not_found(job_id, thing))?;
        if e.status.is_terminal() {
            return Err(transition(format!(
                "Job execution is already {}",
                e.status.as_str()
            )));
        }
        if e.status == ExecutionStatus::InProgress && !force {
            return Err(transition(
                "Job execution is IN_PROGRESS; cancelling it needs force".into(),
            ));
        }
        if expected_version.is_some_and(|v| v != e.version_number) {
            let msg = format!(
                "Expected version {:?} but current is {}",
                expected_version, e.version_number
            );
            return Err(ServiceError::new(ErrorCode::VersionConflict, msg));
        }
        if let Some(d) = status_details {
            e.status_details = d;
        }
        e.force_canceled = e.status == ExecutionStatus::InProgress;
        tx.finish_by_service(&mut e, ExecutionStatus::Canceled);
        tx.put_exec(e.clone());
        Ok(e)
    }

    /// DeleteJobExecution: a terminal execution, or any with `force`.
    pub fn delete_execution(
        &self,
        job_id: &str,
        thing: &str,
        execution_number: i64,
        force: bool,
    ) -> ServiceResult<()> {
        let mut tx = self.begin();
        let e = tx
            .exec(thing, job_id)
            .ok_or_else(|| exec_not_found(job_id, thing))?;
        if e.execution_number != execution_number {
            return Err(exec_not_found(job_id, thing));
        }
        if e.is_pending() && !force {
            return Err(transition(format!(
                "Job execution is {}; deleting it needs force",
                e.status.as_str()
            )));
        }
        tx.remove_exec(thing, job_id);
        Ok(())
    }

    /// ListJobExecutionsForJob, by thing name.
    pub fn list_executions_for_job(
        &self,
        job_id: &str,
        status: Option<ExecutionStatus>,
    ) -> ServiceResult<Vec<Execution>> {
        let tx = self.begin();
        if !tx.st.jobs.contains_key(job_id) {
            return Err(job_not_found(job_id));
        }
        let matches = |e: &&Execution| status.is_none_or(|s| e.status == s);
        Ok(tx
            .st
            .executions_of_job(job_id)
            .into_iter()
            .filter(matches)
            .cloned()
            .collect())
    }

    /// ListJobExecutionsForThing, in queue order.
    pub fn list_executions_for_thing(
        &self,
        thing: &str,
        status: Option<ExecutionStatus>,
    ) -> ServiceResult<Vec<Execution>> {
        let tx = self.begin();
        if !tx.st.things.contains_key(thing) {
            return Err(ServiceError::not_found(format!(
                "Thing {thing} does not exist"
            )));
        }
        let mut v: Vec<Execution> = executions_of(&tx.st, thing)
            .filter(|e| status.is_none_or(|s| e.status == s))
            .cloned()
            .collect();
        v.sort_by_key(|e| e.queue_seq);
        Ok(v)
    }
}
