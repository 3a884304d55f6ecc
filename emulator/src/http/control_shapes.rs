//! The JSON the control plane (`iot` service model) answers with: `Job`,
//! `JobSummary`, `JobExecution`, and the per-job and per-thing execution
//! summaries. Member names follow botocore's model exactly; timestamps are
//! epoch seconds, which botocore reads as its default REST-JSON timestamp
//! format. No job is concurrent.

use serde_json::{json, Map, Value};

use crate::service::index::StatusCounts;
use crate::service::views::seconds_before_timeout;
use crate::service::{Execution, ExecutionStatus, Job, JobsService};

fn insert_opt<T: Into<Value>>(m: &mut Map<String, Value>, key: &str, value: Option<T>) {
    if let Some(v) = value {
        m.insert(key.to_owned(), v.into());
    }
}

/// Counts of a job's executions by status, as `jobProcessDetails`, with the targets still
/// being rolled out as `processingTargets` (absent once the rollout is over).
fn process_details(job: &Job, counts: &StatusCounts) -> Value {
    let count = |s: ExecutionStatus| counts.get(s);
    let mut details = json!({
        "numberOfCanceledThings": count(ExecutionStatus::Canceled),
        "numberOfSucceededThings": count(ExecutionStatus::Succeeded),
        "numberOfFailedThings": count(ExecutionStatus::Failed),
        "numberOfRejectedThings": count(ExecutionStatus::Rejected),
        "numberOfQueuedThings": count(ExecutionStatus::Queued),
        "numberOfInProgressThings": count(ExecutionStatus::InProgress),
        "numberOfRemovedThings": count(ExecutionStatus::Removed),
        "numberOfTimedOutThings": count(ExecutionStatus::TimedOut),
    });
    if job.rollout.as_ref().is_some_and(|r| !r.pending.is_empty()) {
        details["processingTargets"] = json!(job.targets);
    }
    details
}

/// The members a `Job` and a `JobSummary` share.
fn job_common(job: &Job) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("jobArn".into(), json!(job.job_arn));
    m.insert("jobId".into(), json!(job.job_id));
    m.insert(
        "targetSelection".into(),
        json!(job.target_selection.as_str()),
    );
    m.insert("status".into(), json!(job.status.as_str()));
    m.insert("createdAt".into(), json!(job.created_at));
    m.insert("lastUpdatedAt".into(), json!(job.last_updated_at));
    insert_opt(&mut m, "completedAt", job.completed_at);
    m.insert("isConcurrent".into(), json!(false));
    m
}

/// The `Job` of DescribeJob, with the counts of the job's executions.
pub fn job(job: &Job, counts: &StatusCounts) -> Value {
    let mut m = job_common(job);
    m.insert("targets".into(), json!(job.targets));
    insert_opt(&mut m, "description", job.description.clone());
    if let Some(cancel) = &job.cancel {
        m.insert("forceCanceled".into(), json!(cancel.force));
        insert_opt(&mut m, "reasonCode", cancel.reason_code.clone());
        insert_opt(&mut m, "comment", cancel.comment.clone());
    }
    m.insert("jobProcessDetails".into(), process_details(job, counts));
    let c = &job.config;
    for (key, value) in [
        ("presignedUrlConfig", &c.presigned_url_config),
        (
            "jobExecutionsRolloutConfig",
            &c.job_executions_rollout_config,
        ),
        ("abortConfig", &c.abort_config),
        ("jobExecutionsRetryConfig", &c.job_executions_retry_config),
    ] {
        insert_opt(&mut m, key, value.clone());
    }
    let timeout = job
        .in_progress_timeout_minutes
        .map(|t| json!({ "inProgressTimeoutInMinutes": t }))
        .unwrap_or_else(|| json!({}));
    m.insert("timeoutConfig".into(), timeout);
    Value::Object(m)
}

/// A `JobSummary` of ListJobs.
pub fn job_summary(job: &Job) -> Value {
    Value::Object(job_common(job))
}

/// The `JobExecution` of the control plane's DescribeJobExecution.
pub fn execution(service: &JobsService, e: &Execution) -> Value {
    let mut m = Map::new();
    m.insert("jobId".into(), json!(e.job_id));
    m.insert("status".into(), json!(e.status.as_str()));
    m.insert(
        "statusDetails".into(),
        json!({ "detailsMap": e.status_details }),
    );
    m.insert("thingArn".into(), json!(service.thing_arn(&e.thing_name)));
    m.insert("forceCanceled".into(), json!(e.force_canceled));
    m.insert("queuedAt".into(), json!(e.queued_at));
    insert_opt(&mut m, "startedAt", e.started_at);
    m.insert("lastUpdatedAt".into(), json!(e.last_updated_at));
    m.insert("executionNumber".into(), json!(e.execution_number));
    m.insert("versionNumber".into(), json!(e.version_number));
    let left = seconds_before_timeout(e, service.now_ms(), service.minute_ms());
    insert_opt(&mut m, "approximateSecondsBeforeTimedOut", left);
    Value::Object(m)
}

/// A `JobExecutionSummary`.
fn execution_summary(e: &Execution) -> Value {
    let mut m = Map::new();
    m.insert("status".into(), json!(e.status.as_str()));
    m.insert("queuedAt".into(), json!(e.queued_at));
    insert_opt(&mut m, "startedAt", e.started_at);
    m.insert("lastUpdatedAt".into(), json!(e.last_updated_at));
    m.insert("executionNumber".into(), json!(e.execution_number));
    Value::Object(m)
}

/// A `JobExecutionSummaryForJob` of ListJobExecutionsForJob.
pub fn summary_for_job(service: &JobsService, e: &Execution) -> Value {
    json!({
        "thingArn": service.thing_arn(&e.thing_name),
        "jobExecutionSummary": execution_summary(e),
    })
}

/// A `JobExecutionSummaryForThing` of ListJobExecutionsForThing.
pub fn summary_for_thing(e: &Execution) -> Value {
    json!({
        "jobId": e.job_id,
        "jobExecutionSummary": execution_summary(e),
    })
}
