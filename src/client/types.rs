//! The typed replies of the Jobs data plane, as serde structs whose fields carry the service's
//! names (`jobId`, `versionNumber`, ...) and whose order is the order of the service model, so
//! that serializing one gives the JSON the AWS CLI prints. Timestamps are the service's opaque
//! integers; a job document is the JSON object the service sent over MQTT.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The status of a job execution, spelled as the service spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    Queued,
    InProgress,
    Succeeded,
    Failed,
    TimedOut,
    Rejected,
    Removed,
    Canceled,
}

impl JobStatus {
    /// The wire name (`IN_PROGRESS`, ...).
    ///
    /// ```
    /// use awsiotjobs::client::JobStatus;
    /// assert_eq!(JobStatus::InProgress.as_str(), "IN_PROGRESS");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "QUEUED",
            JobStatus::InProgress => "IN_PROGRESS",
            JobStatus::Succeeded => "SUCCEEDED",
            JobStatus::Failed => "FAILED",
            JobStatus::TimedOut => "TIMED_OUT",
            JobStatus::Rejected => "REJECTED",
            JobStatus::Removed => "REMOVED",
            JobStatus::Canceled => "CANCELED",
        }
    }

    /// The status named by its wire name, if it is one.
    ///
    /// ```
    /// use awsiotjobs::client::JobStatus;
    /// assert_eq!(JobStatus::parse("FAILED"), Some(JobStatus::Failed));
    /// assert_eq!(JobStatus::parse("failed"), None);
    /// ```
    pub fn parse(name: &str) -> Option<JobStatus> {
        serde_json::from_value(Value::String(name.to_owned())).ok()
    }
}

impl fmt::Display for JobStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status details: string keys to string values.
pub type StatusDetails = BTreeMap<String, String>;

/// One job execution (`JobExecution`), fields in the service model's order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobExecution {
    pub job_id: String,
    pub thing_name: String,
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<StatusDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approximate_seconds_before_timed_out: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_number: Option<i64>,
    /// The job document, a JSON object over MQTT (absent when not asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_document: Option<Value>,
}

/// A pending execution as listed by get-pending and notify (`JobExecutionSummary`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobExecutionSummary {
    pub job_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queued_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_updated_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_number: Option<i64>,
}

/// The state of an execution after an update, or in a rejection (`JobExecutionState`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobExecutionState {
    pub status: JobStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_details: Option<StatusDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i64>,
}

/// The reply of get-pending (`GetPendingJobExecutionsResponse`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingJobExecutions {
    #[serde(default)]
    pub in_progress_jobs: Vec<JobExecutionSummary>,
    #[serde(default)]
    pub queued_jobs: Vec<JobExecutionSummary>,
}

/// The reply of start-next and describe: the execution, `None` when nothing is pending.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionReply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<JobExecution>,
}

/// The reply of update (`UpdateJobExecutionResponse`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateReply {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_state: Option<JobExecutionState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_document: Option<Value>,
}

/// A notify-pending message (`JobExecutionsChanged`): the pending executions by status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobExecutionsChanged {
    #[serde(default)]
    pub jobs: BTreeMap<JobStatus, Vec<JobExecutionSummary>>,
    #[serde(default)]
    pub timestamp: Option<i64>,
}

/// A notify-next message (`NextJobExecutionChanged`): the new head of the queue, `None` when
/// the queue became empty.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NextJobExecutionChanged {
    #[serde(default)]
    pub execution: Option<JobExecution>,
    #[serde(default)]
    pub timestamp: Option<i64>,
}
