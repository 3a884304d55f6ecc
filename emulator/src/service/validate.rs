//! Input limits from the protocol doc §6: thing names, job ids, status details, step
//! timeouts, job document size. Each check returns an `InvalidRequest` [`ServiceError`]
//! whose message names the offending field.

use super::error::{ServiceError, ServiceResult};
use super::model::StatusDetails;
use serde_json::{Map, Value};

/// Largest job document, serialized.
pub const MAX_DOCUMENT_BYTES: usize = 32 * 1024;
/// Largest step or in-progress timeout in minutes (one week).
pub const MAX_TIMEOUT_MINUTES: i64 = 10080;

fn is_name_char(c: char, colon: bool) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-' || (colon && c == ':')
}

/// Thing names: 1–128 characters of `[a-zA-Z0-9:_-]`.
pub fn is_valid_thing_name(name: &str) -> bool {
    (1..=128).contains(&name.len()) && name.chars().all(|c| is_name_char(c, true))
}

/// Job ids: 1–64 characters of `[a-zA-Z0-9_-]`.
pub fn is_valid_job_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.chars().all(|c| is_name_char(c, false))
}

/// Checks a thing name.
pub fn thing_name(name: &str) -> ServiceResult<()> {
    if is_valid_thing_name(name) {
        Ok(())
    } else {
        Err(ServiceError::invalid(format!(
            "Invalid thing name: {name:?}"
        )))
    }
}

/// Checks a job id.
pub fn job_id(id: &str) -> ServiceResult<()> {
    if is_valid_job_id(id) {
        Ok(())
    } else {
        Err(ServiceError::invalid(format!("Invalid job id: {id:?}")))
    }
}

/// Converts and checks a JSON `statusDetails` object: keys 1–128 of `[a-zA-Z0-9:_-]`,
/// string values of 1–1024 printable characters.
pub fn status_details(value: &Value) -> ServiceResult<StatusDetails> {
    let Value::Object(map) = value else {
        return Err(ServiceError::invalid("statusDetails must be an object"));
    };
    let mut out = StatusDetails::new();
    for (key, v) in map {
        if !(1..=128).contains(&key.len()) || !key.chars().all(|c| is_name_char(c, true)) {
            return Err(ServiceError::invalid(format!(
                "Invalid statusDetails key: {key:?}"
            )));
        }
        let Value::String(s) = v else {
            return Err(ServiceError::invalid(format!(
                "statusDetails.{key} must be a string"
            )));
        };
        let len = s.chars().count();
        if !(1..=1024).contains(&len) || s.chars().any(char::is_control) {
            return Err(ServiceError::invalid(format!(
                "Invalid statusDetails value for {key}"
            )));
        }
        out.insert(key.clone(), s.clone());
    }
    Ok(out)
}

/// What a request's `stepTimeoutInMinutes` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepTimeout {
    /// Not sent (or 0): leave any running step timer alone.
    Unchanged,
    /// `-1`: cancel the running step timer (InvalidRequest when none runs).
    Cancel,
    /// Start (or replace) a step timer of this many minutes.
    Minutes(i64),
}

/// Checks `stepTimeoutInMinutes`: 0 or absent, -1, or 1..=10080.
pub fn step_timeout(value: Option<i64>) -> ServiceResult<StepTimeout> {
    match value {
        None | Some(0) => Ok(StepTimeout::Unchanged),
        Some(-1) => Ok(StepTimeout::Cancel),
        Some(m) if (1..=MAX_TIMEOUT_MINUTES).contains(&m) => Ok(StepTimeout::Minutes(m)),
        Some(m) => Err(ServiceError::invalid(format!(
            "stepTimeoutInMinutes out of range: {m}"
        ))),
    }
}

/// Checks a job document: a JSON object of at most 32 KiB.
pub fn document(doc: &Value) -> ServiceResult<Map<String, Value>> {
    let Value::Object(map) = doc else {
        return Err(ServiceError::invalid(
            "The job document must be a JSON object",
        ));
    };
    if doc.to_string().len() > MAX_DOCUMENT_BYTES {
        return Err(ServiceError::invalid("The job document exceeds 32 KiB"));
    }
    Ok(map.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names() {
        assert!(is_valid_thing_name("a:b_c-1"));
        assert!(!is_valid_thing_name(""));
        assert!(!is_valid_thing_name(&"x".repeat(129)));
        assert!(!is_valid_job_id("a:b"));
        assert!(is_valid_job_id(&"j".repeat(64)));
        assert!(!is_valid_job_id("$next"));
    }

    #[test]
    fn details_and_timeouts() {
        assert!(status_details(&json!({"k":"v"})).is_ok());
        assert!(status_details(&json!({"k":1})).is_err());
        assert!(status_details(&json!({"k":""})).is_err());
        assert!(status_details(&json!({"bad key":"v"})).is_err());
        assert!(status_details(&json!([1])).is_err());
        assert_eq!(step_timeout(Some(0)).unwrap(), StepTimeout::Unchanged);
        assert_eq!(step_timeout(Some(-1)).unwrap(), StepTimeout::Cancel);
        assert!(step_timeout(Some(10081)).is_err());
        assert!(step_timeout(Some(-2)).is_err());
    }
}
