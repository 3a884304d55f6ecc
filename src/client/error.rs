//! What can go wrong with a Jobs call: the service's rejection (its error code, message and,
//! for some codes, the execution's state), a connection that could not be made (and why: a
//! certificate file, the network or TLS handshake, the broker's refusal, a timeout), a request
//! the service would refuse anyway, and the call's own timeout.

use super::types::JobExecutionState;
use crate::core::JobsError;
use crate::transport::paho::ConnectError;
use serde::Deserialize;
use std::fmt;

/// The service's error codes of a rejected request, as sent over MQTT.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// A code this library does not know, as sent.
    Other(String),
}

impl ErrorCode {
    /// The code as the service spells it.
    ///
    /// ```
    /// use awsiotjobs::client::ErrorCode;
    /// assert_eq!(ErrorCode::parse("VersionMismatch"), ErrorCode::VersionMismatch);
    /// assert_eq!(ErrorCode::parse("Teapot").as_str(), "Teapot");
    /// ```
    pub fn as_str(&self) -> &str {
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
            ErrorCode::Other(code) => code,
        }
    }

    /// The code named `code`: the names are those of [`ErrorCode::as_str`], so the two never
    /// disagree.
    pub fn parse(code: &str) -> ErrorCode {
        const KNOWN: [ErrorCode; 9] = [
            ErrorCode::InvalidTopic,
            ErrorCode::InvalidJson,
            ErrorCode::InvalidRequest,
            ErrorCode::InvalidStateTransition,
            ErrorCode::ResourceNotFound,
            ErrorCode::VersionMismatch,
            ErrorCode::InternalError,
            ErrorCode::RequestThrottled,
            ErrorCode::TerminalStateReached,
        ];
        KNOWN
            .into_iter()
            .find(|known| known.as_str() == code)
            .unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request the service rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub code: ErrorCode,
    pub message: String,
    /// The execution's state, sent with `InvalidStateTransition` and `VersionMismatch`.
    pub execution_state: Option<JobExecutionState>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RejectedReply {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    execution_state: Option<JobExecutionState>,
}

impl Rejection {
    /// Reads a rejected reply; `None` when it is not one.
    pub(crate) fn parse(document: &[u8]) -> Option<Rejection> {
        let reply: RejectedReply = serde_json::from_slice(document).ok()?;
        Some(Rejection {
            code: ErrorCode::parse(reply.code.as_deref().unwrap_or("")),
            message: reply.message.unwrap_or_default(),
            execution_state: reply.execution_state,
        })
    }
}

/// Why a connection could not be made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    /// A TLS file (CA, certificate or key) is missing, unreadable or unusable.
    CertificateFile(String),
    /// The options cannot make a connection (a NUL in the client ID, a key without a
    /// certificate).
    InvalidOptions(String),
    /// The network or the TLS handshake failed (no route, connection refused, ...), and no
    /// more precise reason was found.
    Network(String),
    /// The TLS handshake failed, and why: the broker's certificate was not accepted (not
    /// issued by the CA given, or for another host name), or the broker turned the device
    /// certificate away (during the handshake or right after it).
    Handshake(String),
    /// The broker refused the CONNECT with this CONNACK code (5: not authorized).
    Refused(u8),
    /// Nothing conclusive within the connect timeout.
    Timeout,
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectFailure::CertificateFile(why) => write!(f, "certificate file: {why}"),
            ConnectFailure::InvalidOptions(why) => write!(f, "invalid connection options: {why}"),
            ConnectFailure::Network(why) => write!(f, "network or TLS handshake failed: {why}"),
            ConnectFailure::Handshake(why) => write!(f, "TLS handshake failed: {why}"),
            ConnectFailure::Refused(code) => {
                write!(f, "the broker refused the connection (CONNACK code {code})")
            }
            ConnectFailure::Timeout => f.write_str("timed out connecting to the broker"),
        }
    }
}

impl From<ConnectError> for ConnectFailure {
    fn from(error: ConnectError) -> Self {
        match error {
            ConnectError::Invalid(why) => ConnectFailure::InvalidOptions(why),
            ConnectError::Network(why) => ConnectFailure::Network(why),
            ConnectError::Refused(code) => ConnectFailure::Refused(code),
            ConnectError::Timeout => ConnectFailure::Timeout,
        }
    }
}

/// The error of a [`Client`](super::Client) call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The service rejected the request.
    Rejected(Rejection),
    /// The connection could not be made.
    Connect(ConnectFailure),
    /// The request breaks the service's rules (a thing name too long, a step timeout out of
    /// range, ...); nothing was sent.
    InvalidRequest(&'static str),
    /// No reply within the timeout.
    Timeout,
    /// The request could not be published (the link stayed down).
    Mqtt,
    /// The reply could not be read.
    BadResponse(String),
    /// The client was closed.
    Closed,
}

impl Error {
    /// The error of an engine outcome other than success, given the reply if there was one.
    pub(crate) fn from_outcome(status: JobsError, document: Option<&[u8]>) -> Error {
        match status {
            JobsError::Timeout => Error::Timeout,
            JobsError::MqttError => Error::Mqtt,
            JobsError::NotInitialized => Error::Closed,
            JobsError::BadParameter => Error::InvalidRequest("a parameter is out of range"),
            _ => match document.and_then(Rejection::parse) {
                Some(rejection) => Error::Rejected(rejection),
                None => Error::BadResponse(format!("the request failed: {status}")),
            },
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Rejected(r) => write!(f, "rejected ({}): {}", r.code, r.message),
            Error::Connect(why) => write!(f, "could not connect: {why}"),
            Error::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Error::Timeout => f.write_str("no reply within the timeout"),
            Error::Mqtt => f.write_str("the request could not be published"),
            Error::BadResponse(why) => write!(f, "unreadable reply: {why}"),
            Error::Closed => f.write_str("the client is closed"),
        }
    }
}

impl std::error::Error for Error {}
