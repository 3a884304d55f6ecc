//! The optional fields of the requests that have some: start-next, describe and update, with
//! the service's defaults, and their translation into the core's request (status details
//! become JSON text, "not given" becomes the core's sentinel values).

use super::error::Error;
use super::types::{JobStatus, StatusDetails};
use crate::core::request::{JobState, UpdateFields};

/// The optional fields of start-next.
///
/// ```
/// use awsiotjobs::client::StartNextRequest;
/// let request = StartNextRequest { step_timeout_in_minutes: Some(10), ..Default::default() };
/// assert!(request.status_details.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StartNextRequest {
    pub status_details: Option<StatusDetails>,
    /// 1 to 10080 minutes.
    pub step_timeout_in_minutes: Option<i32>,
}

/// The optional fields of describe.
///
/// ```
/// use awsiotjobs::client::DescribeRequest;
/// assert!(DescribeRequest::default().include_job_document);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DescribeRequest {
    /// A past execution of the job, rather than the latest.
    pub execution_number: Option<i32>,
    /// True by default, as the service.
    pub include_job_document: bool,
}

impl Default for DescribeRequest {
    fn default() -> Self {
        DescribeRequest {
            execution_number: None,
            include_job_document: true,
        }
    }
}

/// An update: the new status and the optional fields.
///
/// ```
/// use awsiotjobs::client::{JobStatus, UpdateRequest};
/// let mut done = UpdateRequest::new(JobStatus::Succeeded);
/// done.status_details = Some([("progress".to_string(), "100%".to_string())].into());
/// done.expected_version = Some(2);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateRequest {
    /// IN_PROGRESS, SUCCEEDED, FAILED or REJECTED: the states a device may set.
    pub status: JobStatus,
    pub status_details: Option<StatusDetails>,
    /// The version the execution must be at (1 or more), or the update is rejected with
    /// `VersionMismatch`.
    pub expected_version: Option<u32>,
    pub execution_number: Option<i32>,
    pub include_job_execution_state: bool,
    pub include_job_document: bool,
    /// A fresh step timeout (1 to 10080 minutes; -1 cancels the current one).
    pub step_timeout_in_minutes: Option<i32>,
}

impl UpdateRequest {
    /// An update to `status` with nothing else.
    pub fn new(status: JobStatus) -> UpdateRequest {
        UpdateRequest {
            status,
            status_details: None,
            expected_version: None,
            execution_number: None,
            include_job_execution_state: false,
            include_job_document: false,
            step_timeout_in_minutes: None,
        }
    }

    /// The core's update fields; `details` is the status details' JSON text.
    pub(crate) fn fields<'a>(&self, details: Option<&'a str>) -> Result<UpdateFields<'a>, Error> {
        if self.expected_version == Some(0) {
            return Err(Error::InvalidRequest("an expected version is 1 or more"));
        }
        Ok(UpdateFields {
            status: job_state(self.status),
            status_details: details,
            expected_version: self.expected_version.unwrap_or(0),
            execution_number: self.execution_number.unwrap_or(-1),
            include_job_execution_state: self.include_job_execution_state,
            include_job_document: self.include_job_document,
            step_timeout_minutes: step_timeout(self.step_timeout_in_minutes)?,
        })
    }
}

/// The core's step timeout: 0 when not given (0 itself cannot be sent).
pub(crate) fn step_timeout(minutes: Option<i32>) -> Result<i32, Error> {
    match minutes {
        Some(0) => Err(Error::InvalidRequest(
            "a step timeout is 1 to 10080 minutes, or -1",
        )),
        other => Ok(other.unwrap_or(0)),
    }
}

/// Status details as the JSON text the core inserts into a request.
pub(crate) fn details_json(details: &Option<StatusDetails>) -> Option<String> {
    details
        .as_ref()
        .map(|d| serde_json::to_string(d).unwrap_or_default())
}

fn job_state(status: JobStatus) -> JobState {
    match status {
        JobStatus::Queued => JobState::Queued,
        JobStatus::InProgress => JobState::InProgress,
        JobStatus::Succeeded => JobState::Succeeded,
        JobStatus::Failed => JobState::Failed,
        JobStatus::TimedOut => JobState::TimedOut,
        JobStatus::Rejected => JobState::Rejected,
        JobStatus::Removed => JobState::Removed,
        JobStatus::Canceled => JobState::Canceled,
    }
}
