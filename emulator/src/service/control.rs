//! Control operations (what the HTTP control plane translates): describe / list / cancel /
//! delete jobs, and describe / cancel / delete / list job executions (CreateJob and
//! UpdateJob are in [`super::jobs`]).
//! Cancel and delete change executions through the same path as device updates, so the
//! `notify` and `notify-next` messages the real service sends follow automatically.

use super::error::{ErrorCode, ServiceError, ServiceResult};
pub use super::jobs::{target_thing_name, CreateJobRequest};
use super::model::{CancelInfo, Execution, ExecutionStatus, Job, JobStatus, StatusDetails};
use super::tx::executions_of;
use super::JobsService;
use serde_json::{Map, Value};

pub(crate) fn job_not_found(job_id: &str) -> ServiceError {
    ServiceError::not_found(format!("Job {job_id} does not exist"))
}

fn exec_not_found(job_id: &str, thing: &str) -> ServiceError {
    ServiceError::not_found(format!("No job execution {job_id} for thing {thing}"))
}

fn transition(message: String) -> ServiceError {
    ServiceError::new(ErrorCode::InvalidStateTransition, message)
}

impl JobsService {
    /// DescribeJob.
    pub fn describe_job(&self, job_id: &str) -> ServiceResult<Job> {
        let tx = self.begin();
        tx.st
            .jobs
            .get(job_id)
            .cloned()
            .ok_or_else(|| job_not_found(job_id))
    }

    /// The counts of a job's executions by status.
    pub fn job_counts(&self, job_id: &str) -> super::index::StatusCounts {
        self.begin().st.counts_of_job(job_id)
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
        let mut job = tx.job(job_id)?;
        if job.status == JobStatus::Completed {
            return Err(ServiceError::invalid(format!(
                "Job {job_id} is already COMPLETED"
            )));
        }
        tx.cancel_job_in(job_id, info);
        job = tx.st.jobs[job_id].clone();
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
        tx.stop_rollout(job_id);
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
