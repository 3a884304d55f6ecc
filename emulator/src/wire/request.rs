//! Request payloads (protocol doc §2): bytes to a JSON object, the echoed `clientToken`, and
//! typed field readers. Malformed payloads become [`WireError`]s: invalid UTF-8, non-JSON
//! and non-object payloads are `InvalidJson` (no client token, since it cannot be read);
//! oversized payloads, bad client tokens and wrongly typed fields are `InvalidRequest`.

use crate::service::device::{StartNextRequest, UpdateRequest};
use crate::service::model::{ExecutionStatus, StatusDetails};
use crate::service::validate;
use crate::service::{ErrorCode, ServiceError};
use serde_json::{Map, Value};

/// Largest request payload the service reads (the AWS IoT message size limit).
pub const MAX_PAYLOAD_BYTES: usize = 128 * 1024;
/// Longest client token.
pub const MAX_CLIENT_TOKEN: usize = 64;

/// A failure to read a request, with the client token when it could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct WireError {
    pub error: ServiceError,
    pub client_token: Option<String>,
}

fn fail(code: ErrorCode, msg: &str, client_token: Option<String>) -> WireError {
    WireError {
        error: ServiceError::new(code, msg),
        client_token,
    }
}

/// A parsed request: its fields and its client token.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub fields: Map<String, Value>,
    pub client_token: Option<String>,
}

/// Reads a request payload. An empty payload counts as `{}`.
pub fn parse(payload: &[u8]) -> Result<Request, WireError> {
    if payload.len() > MAX_PAYLOAD_BYTES {
        return Err(fail(
            ErrorCode::InvalidRequest,
            "Payload exceeds 128 KiB",
            None,
        ));
    }
    let text = std::str::from_utf8(payload)
        .map_err(|_| fail(ErrorCode::InvalidJson, "Payload is not UTF-8", None))?;
    if text.trim().is_empty() {
        return Ok(Request {
            fields: Map::new(),
            client_token: None,
        });
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| fail(ErrorCode::InvalidJson, &format!("Invalid JSON: {e}"), None))?;
    let Value::Object(fields) = value else {
        return Err(fail(
            ErrorCode::InvalidJson,
            "Payload is not a JSON object",
            None,
        ));
    };
    let client_token = match fields.get("clientToken") {
        None => None,
        Some(Value::String(t)) if !t.is_empty() && t.chars().count() <= MAX_CLIENT_TOKEN => {
            Some(t.clone())
        }
        Some(_) => return Err(fail(ErrorCode::InvalidRequest, "Invalid clientToken", None)),
    };
    Ok(Request {
        fields,
        client_token,
    })
}

impl Request {
    fn err(&self, msg: String) -> WireError {
        WireError {
            error: ServiceError::invalid(msg),
            client_token: self.client_token.clone(),
        }
    }

    /// Wraps a service error with this request's client token.
    pub fn wrap(&self, error: ServiceError) -> WireError {
        WireError {
            error,
            client_token: self.client_token.clone(),
        }
    }

    /// An optional boolean field.
    pub fn bool_or(&self, name: &str, default: bool) -> Result<bool, WireError> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.err(format!("{name} must be a boolean"))),
        }
    }

    /// An optional integer field; with `lenient`, a string of digits is accepted too (the v4
    /// library sent `expectedVersion` as a string).
    pub fn int(&self, name: &str, lenient: bool) -> Result<Option<i64>, WireError> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.err(format!("{name} must be an integer"))),
            Some(Value::String(s)) if lenient => s
                .trim()
                .parse()
                .map(Some)
                .map_err(|_| self.err(format!("{name} must be an integer"))),
            Some(_) => Err(self.err(format!("{name} must be an integer"))),
        }
    }

    /// The optional `statusDetails` object.
    pub fn status_details(&self) -> Result<Option<StatusDetails>, WireError> {
        match self.fields.get("statusDetails") {
            None | Some(Value::Null) => Ok(None),
            Some(v) => validate::status_details(v)
                .map(Some)
                .map_err(|e| self.wrap(e)),
        }
    }

    /// The fields of a start-next request.
    pub fn start_next(&self) -> Result<StartNextRequest, WireError> {
        Ok(StartNextRequest {
            status_details: self.status_details()?,
            step_timeout_minutes: self.int("stepTimeoutInMinutes", false)?,
        })
    }

    /// The fields of an update request (`status` is required).
    pub fn update(&self) -> Result<UpdateRequest, WireError> {
        let status = match self.fields.get("status") {
            Some(Value::String(s)) => {
                ExecutionStatus::parse(s).ok_or_else(|| self.err(format!("Invalid status: {s}")))?
            }
            Some(_) => return Err(self.err("status must be a string".into())),
            None => return Err(self.err("status is required".into())),
        };
        Ok(UpdateRequest {
            status,
            status_details: self.status_details()?,
            expected_version: self.int("expectedVersion", true)?,
            execution_number: self.int("executionNumber", true)?,
            step_timeout_minutes: self.int("stepTimeoutInMinutes", false)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_payloads() {
        assert_eq!(
            parse(b"\xff\xfe").unwrap_err().error.code,
            ErrorCode::InvalidJson
        );
        assert_eq!(
            parse(b"{nope").unwrap_err().error.code,
            ErrorCode::InvalidJson
        );
        assert_eq!(
            parse(b"[1]").unwrap_err().error.code,
            ErrorCode::InvalidJson
        );
        assert_eq!(
            parse(b"{\"clientToken\":5}").unwrap_err().error.code,
            ErrorCode::InvalidRequest
        );
        let big = vec![b' '; MAX_PAYLOAD_BYTES + 1];
        assert_eq!(
            parse(&big).unwrap_err().error.code,
            ErrorCode::InvalidRequest
        );
        assert!(parse(b"").unwrap().fields.is_empty());
    }

    #[test]
    fn fields() {
        let r =
            parse(br#"{"clientToken":"t","status":"IN_PROGRESS","expectedVersion":"3"}"#).unwrap();
        assert_eq!(r.client_token.as_deref(), Some("t"));
        let u = r.update().unwrap();
        assert_eq!(u.expected_version, Some(3));
        let r = parse(br#"{"clientToken":"t","status":7}"#).unwrap();
        assert_eq!(r.update().unwrap_err().client_token.as_deref(), Some("t"));
    }
}
