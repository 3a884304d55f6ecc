//! Notifications. The service publishes `notify` when an execution enters or leaves a
//! thing's pending set and `notify-next` when the head of that set changes (protocol doc §5).
//! They are delivered as [`Event`]s to every receiver obtained from
//! [`super::JobsService::subscribe`]; the MQTT layer publishes them at QoS 1.

use super::model::{Execution, ExecutionStatus};
use super::views::{execution_json, summary_json};
use serde_json::{json, Map, Value};

/// Which notification topic an event goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `$aws/things/{thing}/jobs/notify` (JobExecutionsChanged).
    Notify,
    /// `$aws/things/{thing}/jobs/notify-next` (NextJobExecutionChanged).
    NotifyNext,
}

/// One notification to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub thing_name: String,
    pub kind: EventKind,
    pub payload: Value,
}

impl Event {
    /// The MQTT topic the event is published to.
    pub fn topic(&self) -> String {
        let suffix = match self.kind {
            EventKind::Notify => "notify",
            EventKind::NotifyNext => "notify-next",
        };
        format!("$aws/things/{}/jobs/{suffix}", self.thing_name)
    }

    /// The payload as bytes.
    pub fn payload_bytes(&self) -> Vec<u8> {
        self.payload.to_string().into_bytes()
    }
}

/// Most entries a `notify` lists.
pub const NOTIFY_MAX_ENTRIES: usize = 10;

/// The `notify` payload for a thing's pending executions, given in queue order.
pub fn notify_payload(pending: &[&Execution], timestamp: i64) -> Value {
    let mut jobs = Map::new();
    for e in pending.iter().take(NOTIFY_MAX_ENTRIES) {
        let key = match e.status {
            ExecutionStatus::InProgress => "IN_PROGRESS",
            _ => "QUEUED",
        };
        let list = jobs.entry(key).or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(items) = list {
            items.push(summary_json(e));
        }
    }
    json!({ "timestamp": timestamp, "jobs": jobs })
}

/// The `notify-next` payload: the new head with its document, or only the timestamp.
pub fn notify_next_payload(
    head: Option<(&Execution, Value)>,
    timestamp: i64,
    now_ms: u64,
    minute_ms: u64,
) -> Value {
    match head {
        Some((e, doc)) => json!({
            "timestamp": timestamp,
            "execution": execution_json(e, Some(doc), now_ms, minute_ms),
        }),
        None => json!({ "timestamp": timestamp }),
    }
}
