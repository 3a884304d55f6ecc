//! The Jobs service's state types: things, jobs and job executions, with their status
//! enums. Every type is `serde`-serializable (camelCase field names, AWS status spellings)
//! so a persistence backend can store them as they are. Times are integers: `*_at` fields
//! are seconds since the Unix epoch, `*_deadline_ms` fields are milliseconds since the
//! epoch on the service clock (see [`super::clock`]).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Status of a job as a whole (control plane view).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum JobStatus {
    InProgress,
    Canceled,
    DeletionInProgress,
    Completed,
}

impl JobStatus {
    /// The AWS spelling, e.g. `IN_PROGRESS`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::InProgress => "IN_PROGRESS",
            JobStatus::Canceled => "CANCELED",
            JobStatus::DeletionInProgress => "DELETION_IN_PROGRESS",
            JobStatus::Completed => "COMPLETED",
        }
    }

    /// Parses the AWS spelling.
    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::InProgress,
            Self::Canceled,
            Self::DeletionInProgress,
            Self::Completed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }
}

/// Status of one job execution (one job on one thing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExecutionStatus {
    Queued,
    InProgress,
    Succeeded,
    Failed,
    Rejected,
    TimedOut,
    Canceled,
    Removed,
}

impl ExecutionStatus {
    /// The AWS spelling, e.g. `TIMED_OUT`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Queued => "QUEUED",
            ExecutionStatus::InProgress => "IN_PROGRESS",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::Rejected => "REJECTED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Canceled => "CANCELED",
            ExecutionStatus::Removed => "REMOVED",
        }
    }

    /// Parses the AWS spelling.
    pub fn parse(s: &str) -> Option<Self> {
        use ExecutionStatus::*;
        [
            Queued, InProgress, Succeeded, Failed, Rejected, TimedOut, Canceled, Removed,
        ]
        .into_iter()
        .find(|v| v.as_str() == s)
    }

    /// True for every status an execution can never leave.
    pub fn is_terminal(self) -> bool {
        !matches!(self, ExecutionStatus::Queued | ExecutionStatus::InProgress)
    }

    /// True for the four statuses a device may send in an update.
    pub fn is_device_settable(self) -> bool {
        use ExecutionStatus::*;
        matches!(self, InProgress | Succeeded | Failed | Rejected)
    }
}

/// Status details: a flat string-to-string map, ordered for stable output.
pub type StatusDetails = BTreeMap<String, String>;

/// A registered thing. Things are created explicitly or implicitly when a job targets them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Thing {
    pub thing_name: String,
    pub thing_arn: String,
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
    pub created_at: i64,
    /// Grows by one on every UpdateThing.
    #[serde(default = "first_version")]
    pub version: i64,
}

fn first_version() -> i64 {
    1
}

/// Why and how a job was cancelled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CancelInfo {
    pub force: bool,
    pub reason_code: Option<String>,
    pub comment: Option<String>,
}

/// A job: a document sent to a set of target things.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Job {
    pub job_id: String,
    pub job_arn: String,
    /// The job document; always a JSON object.
    pub document: Map<String, Value>,
    pub description: Option<String>,
    /// Target ARNs as given (plain names are turned into thing ARNs).
    pub targets: Vec<String>,
    pub status: JobStatus,
    /// `timeoutConfig.inProgressTimeoutInMinutes`, if configured.
    pub in_progress_timeout_minutes: Option<i64>,
    pub created_at: i64,
    pub last_updated_at: i64,
    pub completed_at: Option<i64>,
    pub cancel: Option<CancelInfo>,
    /// SNAPSHOT (targets fixed at creation) or CONTINUOUS (things joining a target group
    /// later get the job too).
    #[serde(default)]
    pub target_selection: TargetSelection,
    /// Names of the thing groups among the targets.
    #[serde(default)]
    pub group_targets: Vec<String>,
    /// Rollout, abort, retry and presigned-URL configurations as sent.
    #[serde(default)]
    pub config: super::jobconfig::JobConfig,
    /// Things not yet released by a rollout rate, if the job has one.
    #[serde(default)]
    pub rollout: Option<RolloutState>,
}

/// How a job picks its things.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetSelection {
    #[default]
    Snapshot,
    Continuous,
}

impl TargetSelection {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TargetSelection::Snapshot => "SNAPSHOT",
            TargetSelection::Continuous => "CONTINUOUS",
        }
    }
}

/// Progress of a rate-limited rollout.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutState {
    /// Things still to be notified, in target order.
    pub pending: std::collections::VecDeque<String>,
    /// Things notified per (scaled) minute now.
    pub rate: f64,
    /// Things notified so far.
    pub released: u64,
    /// Exponential rollouts: the notified / succeeded counts that raise the rate next.
    pub next_notified: Option<u64>,
    pub next_succeeded: Option<u64>,
    /// When the next batch is due (ms on the service clock).
    pub next_tick_ms: Option<u64>,
}

/// One job's execution on one thing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Execution {
    pub job_id: String,
    pub thing_name: String,
    pub status: ExecutionStatus,
    #[serde(default)]
    pub status_details: StatusDetails,
    pub version_number: i64,
    pub execution_number: i64,
    pub queued_at: i64,
    pub started_at: Option<i64>,
    pub last_updated_at: i64,
    /// Global creation sequence: breaks `queued_at` ties so queue order is stable.
    pub queue_seq: u64,
    /// When the step timer fires (ms since epoch), if one runs.
    pub step_deadline_ms: Option<u64>,
    /// When the in-progress timer fires (ms since epoch), if one runs.
    pub in_progress_deadline_ms: Option<u64>,
    /// Cancelled while IN_PROGRESS by a forced CancelJob or CancelJobExecution.
    #[serde(default)]
    pub force_canceled: bool,
    /// Retries so far after FAILED and after TIMED_OUT (jobExecutionsRetryConfig).
    #[serde(default)]
    pub retries: [u64; 2],
}

impl Execution {
    /// The earliest of the running timers, if any.
    pub fn deadline_ms(&self) -> Option<u64> {
        match (self.step_deadline_ms, self.in_progress_deadline_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// True while the execution is QUEUED or IN_PROGRESS.
    pub fn is_pending(&self) -> bool {
        !self.status.is_terminal()
    }
}

/// Everything the service holds; what a [`super::persist::Store`] loads at start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Snapshot {
    pub things: Vec<Thing>,
    pub jobs: Vec<Job>,
    pub executions: Vec<Execution>,
    /// Certificates, principal attachments and thing groups (see [`Record`]).
    #[serde(default)]
    pub records: Vec<Record>,
}

/// A registry record other than things, jobs and executions, stored as `(kind, key, body)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub kind: String,
    pub key: String,
    pub body: Value,
}
