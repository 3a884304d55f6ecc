//! Errors of the HTTP planes in the AWS REST-JSON shape. Every failure a
//! handler can meet becomes an [`ApiError`]: an error type name as botocore
//! knows it (sent in the `x-amzn-ErrorType` header and as `__type` in the
//! body), the HTTP status the service model gives that type, and a message
//! (`{"message": ...}`), so boto3 and the AWS CLI raise the exception class
//! they would raise against AWS.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::service::{ErrorCode, ServiceError};

/// The error types the emulator answers with, named as in the botocore models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    InvalidRequest,
    ResourceNotFound,
    ResourceAlreadyExists,
    Conflict,
    InvalidStateTransition,
    VersionConflict,
    TerminalState,
    LimitExceeded,
    Throttling,
    InternalFailure,
    ServiceUnavailable,
    CertificateValidation,
    CertificateState,
    DeleteConflict,
    UnknownOperation,
}

impl ErrorKind {
    /// The name botocore looks up to pick the exception class.
    pub fn type_name(self) -> &'static str {
        match self {
            ErrorKind::InvalidRequest => "InvalidRequestException",
            ErrorKind::ResourceNotFound => "ResourceNotFoundException",
            ErrorKind::ResourceAlreadyExists => "ResourceAlreadyExistsException",
            ErrorKind::Conflict => "ConflictException",
            ErrorKind::InvalidStateTransition => "InvalidStateTransitionException",
            ErrorKind::VersionConflict => "VersionConflictException",
            ErrorKind::TerminalState => "TerminalStateException",
            ErrorKind::LimitExceeded => "LimitExceededException",
            ErrorKind::Throttling => "ThrottlingException",
            ErrorKind::InternalFailure => "InternalFailureException",
            ErrorKind::ServiceUnavailable => "ServiceUnavailableException",
            ErrorKind::CertificateValidation => "CertificateValidationException",
            ErrorKind::CertificateState => "CertificateStateException",
            ErrorKind::DeleteConflict => "DeleteConflictException",
            ErrorKind::UnknownOperation => "UnknownOperationException",
        }
    }

    /// The HTTP status the service models give the error shape.
    pub fn status(self) -> StatusCode {
        match self {
            ErrorKind::InvalidRequest | ErrorKind::CertificateValidation => StatusCode::BAD_REQUEST,
            ErrorKind::ResourceNotFound | ErrorKind::UnknownOperation => StatusCode::NOT_FOUND,
            ErrorKind::ResourceAlreadyExists
            | ErrorKind::Conflict
            | ErrorKind::DeleteConflict
            | ErrorKind::InvalidStateTransition
            | ErrorKind::VersionConflict => StatusCode::CONFLICT,
            ErrorKind::TerminalState | ErrorKind::LimitExceeded => StatusCode::GONE,
            ErrorKind::Throttling => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::InternalFailure => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorKind::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorKind::CertificateState => StatusCode::NOT_ACCEPTABLE,
        }
    }
}

/// One failed request: what went wrong and the text the caller reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub kind: ErrorKind,
    pub message: String,
    /// `resourceId` of ResourceAlreadyExists and Conflict errors.
    pub resource_id: Option<String>,
    /// `resourceArn` of ResourceAlreadyExists errors.
    pub resource_arn: Option<String>,
    /// `executionState` of the data plane's InvalidStateTransitionException.
    pub execution_state: Option<serde_json::Value>,
}

impl ApiError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError {
            kind,
            message: message.into(),
            resource_id: None,
            resource_arn: None,
            execution_state: None,
        }
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidRequest, message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::ResourceNotFound, message)
    }

    /// Names the resource a conflict is about.
    pub fn with_resource(mut self, id: &str, arn: Option<String>) -> Self {
        self.resource_id = Some(id.to_owned());
        self.resource_arn = arn;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let name = self.kind.type_name();
        let mut body = json!({ "message": self.message, "__type": name });
        if let Some(id) = &self.resource_id {
            body["resourceId"] = json!(id);
        }
        if let Some(arn) = &self.resource_arn {
            body["resourceArn"] = json!(arn);
        }
        if let Some(state) = &self.execution_state {
            body["executionState"] = state.clone();
        }
        let mut response = (self.kind.status(), axum::Json(body)).into_response();
        response
            .headers_mut()
            .insert("x-amzn-ErrorType", HeaderValue::from_static(name));
        response
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let kind = match e.code {
            ErrorCode::InvalidTopic | ErrorCode::InvalidJson | ErrorCode::InvalidRequest => {
                ErrorKind::InvalidRequest
            }
            ErrorCode::InvalidStateTransition => ErrorKind::InvalidStateTransition,
            ErrorCode::ResourceNotFound => ErrorKind::ResourceNotFound,
            ErrorCode::VersionMismatch | ErrorCode::VersionConflict => ErrorKind::VersionConflict,
            ErrorCode::InternalError => ErrorKind::InternalFailure,
            ErrorCode::RequestThrottled => ErrorKind::Throttling,
            ErrorCode::TerminalStateReached => ErrorKind::TerminalState,
            ErrorCode::ResourceAlreadyExists => ErrorKind::ResourceAlreadyExists,
            ErrorCode::LimitExceeded => ErrorKind::LimitExceeded,
            ErrorCode::CertificateState => ErrorKind::CertificateState,
            ErrorCode::DeleteConflict => ErrorKind::DeleteConflict,
        };
        ApiError::new(kind, e.message)
    }
}

/// The answer to a route or method that neither plane knows.
pub async fn unknown_operation() -> ApiError {
    ApiError::new(ErrorKind::UnknownOperation, "unknown operation")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_model_status() {
        assert_eq!(ErrorKind::InvalidRequest.status(), 400);
        assert_eq!(ErrorKind::ResourceNotFound.status(), 404);
        assert_eq!(ErrorKind::VersionConflict.status(), 409);
        assert_eq!(ErrorKind::TerminalState.status(), 410);
    }

    #[test]
    fn response_carries_type_header() {
        let response = ApiError::not_found("no job").into_response();
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["x-amzn-ErrorType"],
            "ResourceNotFoundException"
        );
    }
}
