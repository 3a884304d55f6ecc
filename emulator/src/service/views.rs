//! JSON views of executions as the MQTT data plane shows them (protocol doc §3): the full
//! `JobExecution`, the `JobExecutionSummary` of get-pending and notify, and the
//! `executionState` of update replies and rejections. Notifications and the MQTT wire layer
//! both build their payloads from these.

use super::error::ExecutionState;
use super::model::Execution;
use serde_json::{json, Map, Value};

/// Seconds before the earliest running timer fires, in emulated seconds (a scaled minute
/// counts 60), or `None` when no timer runs.
pub fn seconds_before_timeout(e: &Execution, now_ms: u64, minute_ms: u64) -> Option<i64> {
    let deadline = e.deadline_ms()?;
    let remaining = deadline.saturating_sub(now_ms);
    Some((remaining.saturating_mul(60) / minute_ms.max(1)) as i64)
}

/// The `JobExecution` object. `document` is included as given (an object over MQTT).
pub fn execution_json(
    e: &Execution,
    document: Option<Value>,
    now_ms: u64,
    minute_ms: u64,
) -> Value {
    let mut m = Map::new();
    m.insert("jobId".into(), json!(e.job_id));
    m.insert("thingName".into(), json!(e.thing_name));
    if let Some(doc) = document {
        m.insert("jobDocument".into(), doc);
    }
    m.insert("status".into(), json!(e.status.as_str()));
    if !e.status_details.is_empty() {
        m.insert("statusDetails".into(), json!(e.status_details));
    }
    m.insert("queuedAt".into(), json!(e.queued_at));
    if let Some(started) = e.started_at {
        m.insert("startedAt".into(), json!(started));
    }
    m.insert("lastUpdatedAt".into(), json!(e.last_updated_at));
    m.insert("versionNumber".into(), json!(e.version_number));
    m.insert("executionNumber".into(), json!(e.execution_number));
    if let Some(secs) = seconds_before_timeout(e, now_ms, minute_ms) {
        m.insert("approximateSecondsBeforeTimedOut".into(), json!(secs));
    }
    Value::Object(m)
}

/// The `JobExecutionSummary` object.
pub fn summary_json(e: &Execution) -> Value {
    let mut m = Map::new();
    m.insert("jobId".into(), json!(e.job_id));
    m.insert("queuedAt".into(), json!(e.queued_at));
    if let Some(started) = e.started_at {
        m.insert("startedAt".into(), json!(started));
    }
    m.insert("lastUpdatedAt".into(), json!(e.last_updated_at));
    m.insert("versionNumber".into(), json!(e.version_number));
    m.insert("executionNumber".into(), json!(e.execution_number));
    Value::Object(m)
}

/// The `executionState` of an execution.
pub fn execution_state(e: &Execution) -> ExecutionState {
    ExecutionState {
        status: e.status,
        status_details: e.status_details.clone(),
        version_number: e.version_number,
    }
}

/// The `executionState` object as JSON.
pub fn execution_state_json(s: &ExecutionState) -> Value {
    json!({
        "status": s.status.as_str(),
        "statusDetails": s.status_details,
        "versionNumber": s.version_number,
    })
}
