//! Device operations (the data plane): get pending executions, start the next one,
//! describe one (or `$next`), and update one. Each applies the protocol doc's rules (§2–§4):
//! the state machine, `versionNumber`/`expectedVersion`, `executionNumber`, status details,
//! step and in-progress timers and queue order; failures are [`ServiceError`]s carrying the
//! MQTT rejection code. Injected failures (see [`JobsService::inject_failure`]) apply here.

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::model::{Execution, ExecutionStatus, StatusDetails};
use super::tx::{pending_of, Tx};
use super::validate::{self, StepTimeout};
use super::views::execution_state;
use super::{JobsService, RegistryMode};
use serde_json::{Map, Value};

/// The job id that names a thing's next pending execution in describe.
pub const NEXT_JOB_ID: &str = "$next";

/// Parameters of StartNextPendingJobExecution.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StartNextRequest {
    /// Replaces the status details when the execution starts.
    pub status_details: Option<StatusDetails>,
    /// `stepTimeoutInMinutes` as sent (0 or `None` = not sent, -1 = cancel).
    pub step_timeout_minutes: Option<i64>,
}

/// Parameters of UpdateJobExecution.
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRequest {
    /// The new status; only IN_PROGRESS, SUCCEEDED, FAILED and REJECTED are accepted.
    pub status: ExecutionStatus,
    /// Replaces the status details when given.
    pub status_details: Option<StatusDetails>,
    /// Must equal the current `versionNumber` when given.
    pub expected_version: Option<i64>,
    /// Must equal the execution's `executionNumber` when given.
    pub execution_number: Option<i64>,
    /// `stepTimeoutInMinutes` as sent (0 or `None` = not sent, -1 = cancel).
    pub step_timeout_minutes: Option<i64>,
}

impl UpdateRequest {
    /// An update to `status` with nothing else set.
    pub fn new(status: ExecutionStatus) -> Self {
        UpdateRequest {
            status,
            status_details: None,
            expected_version: None,
            execution_number: None,
            step_timeout_minutes: None,
        }
    }
}

/// A thing's pending executions, each list in queue order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PendingExecutions {
    pub in_progress: Vec<Execution>,
    pub queued: Vec<Execution>,
}

/// An execution with its job's document.
#[derive(Debug, Clone, PartialEq)]
pub struct ExecutionWithDocument {
    pub execution: Execution,
    pub document: Map<String, Value>,
}

impl Tx<'_> {
    /// In strict registry mode, a request for a thing the registry lacks is ResourceNotFound.
    pub(crate) fn require_thing(&self, thing: &str) -> ServiceResult<()> {
        if self.svc.registry == RegistryMode::Strict && !self.st.things.contains_key(thing) {
            return Err(ServiceError::not_found(format!(
                "Thing {thing} does not exist"
            )));
        }
        Ok(())
    }

    fn take_fault(&mut self, thing: &str) -> ServiceResult<()> {
        let Some((code, left)) = self.st.faults.get_mut(thing) else {
            return Ok(());
        };
        let code = *code;
        *left -= 1;
        if *left == 0 {
            self.st.faults.remove(thing);
        }
        Err(ServiceError::new(code, format!("Injected failure: {code}")))
    }

    fn with_document(&self, execution: Execution) -> ExecutionWithDocument {
        let document = self
            .st
            .jobs
            .get(&execution.job_id)
            .map(|j| j.document.clone())
            .unwrap_or_default();
        ExecutionWithDocument {
            execution,
            document,
        }
    }

    /// Moves a QUEUED execution to IN_PROGRESS and starts its in-progress timer.
    fn start(&self, e: &mut Execution) {
        e.status = ExecutionStatus::InProgress;
        e.started_at = Some(self.now_secs());
        let minutes = self
            .st
            .jobs
            .get(&e.job_id)
            .and_then(|j| j.in_progress_timeout_minutes);
        e.in_progress_deadline_ms = minutes.map(|m| self.now_ms + m as u64 * self.svc.minute_ms);
    }

    /// Applies a requested step timeout to an IN_PROGRESS execution.
    fn apply_step_timeout(&self, e: &mut Execution, t: StepTimeout) -> ServiceResult<()> {
        match t {
            StepTimeout::Unchanged => {}
            StepTimeout::Cancel if e.step_deadline_ms.is_none() => {
                return Err(ServiceError::invalid("No step timer to cancel"));
            }
            StepTimeout::Cancel => e.step_deadline_ms = None,
            StepTimeout::Minutes(m) => {
                let d = self.now_ms + m as u64 * self.svc.minute_ms;
                e.step_deadline_ms = Some(e.in_progress_deadline_ms.map_or(d, |ip| d.min(ip)));
            }
        }
        Ok(())
    }
}

fn check_thing(thing: &str) -> ServiceResult<()> {
    validate::thing_name(thing)
}

impl JobsService {
    /// GetPendingJobExecutions: the IN_PROGRESS and QUEUED executions of a thing.
    pub fn get_pending_executions(&self, thing: &str) -> ServiceResult<PendingExecutions> {
        check_thing(thing)?;
        let mut tx = self.begin();
        tx.take_fault(thing)?;
        tx.require_thing(thing)?;
        let (in_progress, queued) = pending_of(&tx.st, thing)
            .into_iter()
            .cloned()
            .partition(|e| e.status == ExecutionStatus::InProgress);
        Ok(PendingExecutions {
            in_progress,
            queued,
        })
    }

    /// StartNextPendingJobExecution: the head of the queue, started if it was QUEUED
    /// (`None` when nothing is pending). An IN_PROGRESS head is returned unchanged.
    pub fn start_next_execution(
        &self,
        thing: &str,
        req: &StartNextRequest,
    ) -> ServiceResult<Option<ExecutionWithDocument>> {
        check_thing(thing)?;
        let step = validate::step_timeout(req.step_timeout_minutes)?;
        let mut tx = self.begin();
        tx.take_fault(thing)?;
        tx.require_thing(thing)?;
        let Some(head) = pending_of(&tx.st, thing).first().map(|e| (*e).clone()) else {
            return Ok(None);
        };
        if head.status == ExecutionStatus::InProgress {
            return Ok(Some(tx.with_document(head)));
        }
        let mut e = head;
        tx.start(&mut e);
        tx.apply_step_timeout(&mut e, step)?;
        if let Some(details) = &req.status_details {
            e.status_details = details.clone();
        }
        e.version_number += 1;
        e.last_updated_at = tx.now_secs();
        tx.put_exec(e.clone());
        Ok(Some(tx.with_document(e)))
    }

    /// DescribeJobExecution. `job_id` may be [`NEXT_JOB_ID`]; then `None` means nothing is
    /// pending. A terminal execution answers `TerminalStateReached`.
    pub fn describe_execution(
        &self,
        thing: &str,
        job_id: &str,
        execution_number: Option<i64>,
    ) -> ServiceResult<Option<ExecutionWithDocument>> {
        check_thing(thing)?;
        if job_id != NEXT_JOB_ID {
            validate::job_id(job_id)?;
        }
        let mut tx = self.begin();
        tx.take_fault(thing)?;
        tx.require_thing(thing)?;
        let found = if job_id == NEXT_JOB_ID {
            match pending_of(&tx.st, thing).first() {
                Some(e) => (*e).clone(),
                None => return Ok(None),
            }
        } else {
            tx.exec(thing, job_id)
                .cloned()
                .ok_or_else(|| not_found(thing, job_id))?
        };
        if execution_number.is_some_and(|n| n != found.execution_number) {
            return Err(not_found(thing, &found.job_id));
        }
        if found.status.is_terminal() {
            return Err(ServiceError::new(
                ErrorCode::TerminalStateReached,
                format!(
                    "Job execution {} on {thing} is {}",
                    found.job_id,
                    found.status.as_str()
                ),
            ));
        }
        Ok(Some(tx.with_document(found)))
    }

    /// UpdateJobExecution by a device.
    pub fn update_execution(
        &self,
        thing: &str,
        job_id: &str,
        req: &UpdateRequest,
    ) -> ServiceResult<ExecutionWithDocument> {
        check_thing(thing)?;
        validate::job_id(job_id)?;
        if !req.status.is_device_settable() {
            return Err(ServiceError::invalid(format!(
                "Invalid status: {}",
                req.status.as_str()
            )));
        }
        let step = validate::step_timeout(req.step_timeout_minutes)?;
        let mut tx = self.begin();
        tx.take_fault(thing)?;
        tx.require_thing(thing)?;
        let mut e = tx
            .exec(thing, job_id)
            .cloned()
            .ok_or_else(|| not_found(thing, job_id))?;
        if req
            .execution_number
            .is_some_and(|n| n != e.execution_number)
        {
            return Err(not_found(thing, job_id));
        }
        if e.status.is_terminal() {
            let msg = format!("Job execution is already {}", e.status.as_str());
            return Err(ServiceError::new(ErrorCode::InvalidStateTransition, msg)
                .with_state(execution_state(&e)));
        }
        if req.expected_version.is_some_and(|v| v != e.version_number) {
            let msg = format!(
                "Expected version {} but current is {}",
                req.expected_version.unwrap_or(0),
                e.version_number
            );
            return Err(
                ServiceError::new(ErrorCode::VersionMismatch, msg).with_state(execution_state(&e))
            );
        }
        if e.status == ExecutionStatus::Queued && req.status == ExecutionStatus::InProgress {
            tx.start(&mut e);
        }
        if req.status == ExecutionStatus::InProgress {
            tx.apply_step_timeout(&mut e, step)?;
        } else {
            e.status = req.status;
            e.step_deadline_ms = None;
            e.in_progress_deadline_ms = None;
        }
        if let Some(details) = &req.status_details {
            e.status_details = details.clone();
        }
        e.version_number += 1;
        e.last_updated_at = tx.now_secs();
        if e.status == ExecutionStatus::Failed {
            tx.put_with_retry(e.clone());
        } else {
            tx.put_exec(e.clone());
        }
        Ok(tx.with_document(e))
    }
}

fn not_found(thing: &str, job_id: &str) -> ServiceError {
    ServiceError::not_found(format!("No job execution {job_id} for thing {thing}"))
}
