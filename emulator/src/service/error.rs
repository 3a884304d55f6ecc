//! Service errors. [`ErrorCode`] lists the rejection codes of the MQTT data plane (protocol
//! doc §3) and the few extra conditions of the control plane; [`ServiceError`] pairs a code
//! with a message and, for `InvalidStateTransition` and `VersionMismatch`, the execution
//! state that the rejection must carry.

use super::model::{ExecutionStatus, StatusDetails};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A rejection code. The first nine are the MQTT ones; the rest only come from control
/// operations (the HTTP plane maps them to HTTP statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ErrorCode {
    InvalidTopic,
    InvalidJson,
    InvalidRequest,
    InvalidStateTransition,
    ResourceNotFound,
    VersionMismatch,
    InternalError,
    RequestThrottled,
    TerminalStateReached,
    /// Control plane: a job with this id already exists.
    ResourceAlreadyExists,
    /// Control plane: `expectedVersion` of a cancel-execution did not match.
    VersionConflict,
    /// Control plane: a service limit (targets of a job, ...) was exceeded.
    LimitExceeded,
    /// Control plane: the certificate's status forbids the operation.
    CertificateState,
    /// Control plane: the resource is still in use (a certificate attached to a thing).
    DeleteConflict,
}

impl ErrorCode {
    /// The code's wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidTopic => "InvalidTopic",
            ErrorCode::InvalidJson => "InvalidJson",
            ErrorCode::InvalidRequest => "InvalidRequest",
            ErrorCode::InvalidStateTransition => "InvalidStateTransition",
            ErrorCode::ResourceNotFound => "ResourceNotFound",
            ErrorCode::VersionMismatch => "VersionMismatch",
            ErrorCode::InternalError => "InternalError",
            ErrorCode::RequestThrottled => "RequestThrottled",
            ErrorCode::TerminalStateReached => "TerminalStateReached",
            ErrorCode::ResourceAlreadyExists => "ResourceAlreadyExists",
            ErrorCode::VersionConflict => "VersionConflict",
            ErrorCode::LimitExceeded => "LimitExceeded",
            ErrorCode::CertificateState => "CertificateState",
            ErrorCode::DeleteConflict => "DeleteConflict",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The execution state carried by some rejections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionState {
    pub status: ExecutionStatus,
    pub status_details: StatusDetails,
    pub version_number: i64,
}

/// An operation's failure.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceError {
    pub code: ErrorCode,
    pub message: String,
    pub execution_state: Option<ExecutionState>,
}

impl ServiceError {
    /// An error without execution state.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ServiceError {
            code,
            message: message.into(),
            execution_state: None,
        }
    }

    /// Shorthand for `InvalidRequest`.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidRequest, message)
    }

    /// Shorthand for `ResourceNotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::ResourceNotFound, message)
    }

    /// Attaches the execution state.
    pub fn with_state(mut self, state: ExecutionState) -> Self {
        self.execution_state = Some(state);
        self
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for ServiceError {}

/// Result of a service operation.
pub type ServiceResult<T> = Result<T, ServiceError>;
