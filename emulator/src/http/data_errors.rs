//! The `iot-jobs-data` data plane answers each operation only with the errors the botocore
//! model declares for it (GetPendingJobExecutions and StartNextPendingJobExecution:
//! InvalidRequest, ResourceNotFound, Throttling, ServiceUnavailable, CertificateValidation;
//! DescribeJobExecution adds TerminalState; UpdateJobExecution adds InvalidStateTransition).
//! The service's codes map onto them: a stale `expectedVersion` (MQTT's VersionMismatch) is
//! an InvalidStateTransitionException carrying the current `executionState`, as that shape's
//! documentation describes; an internal failure is ServiceUnavailableException.

use super::error::{ApiError, ErrorKind};
use crate::service::views::execution_state_json;
use crate::service::{ErrorCode, ServiceError};

/// An operation of the data plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataOp {
    GetPending,
    StartNext,
    Describe,
    Update,
}

impl DataOp {
    /// The error shapes the model declares for the operation.
    pub fn declared(self) -> &'static [ErrorKind] {
        use ErrorKind::*;
        match self {
            DataOp::GetPending | DataOp::StartNext => &[
                InvalidRequest,
                ResourceNotFound,
                Throttling,
                ServiceUnavailable,
                CertificateValidation,
            ],
            DataOp::Describe => &[
                InvalidRequest,
                ResourceNotFound,
                Throttling,
                ServiceUnavailable,
                CertificateValidation,
                TerminalState,
            ],
            DataOp::Update => &[
                InvalidRequest,
                ResourceNotFound,
                Throttling,
                ServiceUnavailable,
                CertificateValidation,
                InvalidStateTransition,
            ],
        }
    }
}

/// The answer to a service error of `op`.
pub fn data_error(op: DataOp, e: ServiceError) -> ApiError {
    let kind = match e.code {
        ErrorCode::ResourceNotFound => ErrorKind::ResourceNotFound,
        ErrorCode::RequestThrottled => ErrorKind::Throttling,
        ErrorCode::InternalError => ErrorKind::ServiceUnavailable,
        ErrorCode::TerminalStateReached => ErrorKind::TerminalState,
        ErrorCode::InvalidStateTransition | ErrorCode::VersionMismatch => {
            ErrorKind::InvalidStateTransition
        }
        _ => ErrorKind::InvalidRequest,
    };
    let kind = if op.declared().contains(&kind) {
        kind
    } else {
        ErrorKind::InvalidRequest
    };
    let message = match e.code {
        ErrorCode::VersionMismatch => format!("VersionMismatch: {}", e.message),
        _ => e.message,
    };
    let mut err = ApiError::new(kind, message);
    if kind == ErrorKind::InvalidStateTransition {
        err.execution_state = e.execution_state.as_ref().map(execution_state_json);
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODES: [ErrorCode; 14] = [
        ErrorCode::InvalidTopic,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidStateTransition,
        ErrorCode::ResourceNotFound,
        ErrorCode::VersionMismatch,
        ErrorCode::InternalError,
        ErrorCode::RequestThrottled,
        ErrorCode::TerminalStateReached,
        ErrorCode::ResourceAlreadyExists,
        ErrorCode::VersionConflict,
        ErrorCode::LimitExceeded,
        ErrorCode::CertificateState,
        ErrorCode::DeleteConflict,
    ];

    #[test]
    fn every_code_maps_to_an_error_the_operation_declares() {
        for op in [
            DataOp::GetPending,
            DataOp::StartNext,
            DataOp::Describe,
            DataOp::Update,
        ] {
            for code in CODES {
                let e = data_error(op, ServiceError::new(code, "x"));
                assert!(
                    op.declared().contains(&e.kind),
                    "{op:?} {code:?} -> {:?}",
                    e.kind
                );
            }
        }
        let stale = data_error(
            DataOp::Update,
            ServiceError::new(ErrorCode::VersionMismatch, "v"),
        );
        assert_eq!(stale.kind, ErrorKind::InvalidStateTransition);
        assert_eq!(
            data_error(
                DataOp::Describe,
                ServiceError::new(ErrorCode::TerminalStateReached, "t")
            )
            .kind,
            ErrorKind::TerminalState
        );
    }
}
