//! Input rules, checked before anything is encoded or sent.
//!
//! Thing names and job IDs follow the service's character rules, which also guarantees that
//! no `/`, `+`, `#` or NUL can reach a topic. Status details must be a JSON object whose values
//! are all strings. Every check returns `BadParameter` on failure.

use crate::core::JobsError;

pub const MAX_THING_NAME: usize = 128;
pub const MAX_JOB_ID: usize = 64;
pub const MAX_CLIENT_TOKEN: usize = 64;
pub const MAX_STATUS_DETAILS: usize = 32768;
pub const MAX_DETAIL_KEY: usize = 128;
pub const MAX_DETAIL_VALUE: usize = 1024;
pub const MAX_STEP_TIMEOUT: i32 = 10080;
/// The job ID that names "the next pending execution" (describe only).
pub const NEXT_JOB: &str = "$next";

/// The bytes a rule allows, one lookup per byte.
type Allowed = [bool; 256];

/// `[a-zA-Z0-9]` and the bytes of `extra`.
const fn alphanumeric_and(extra: &[u8]) -> Allowed {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
}

/// Thing names and status detail keys.
const NAME: Allowed = alphanumeric_and(b":_-");
const JOB_ID: Allowed = alphanumeric_and(b"_-");
/// Printable ASCII but space.
const TOKEN: Allowed = {
    let mut t = [false; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        t[b] = true;
        b += 1;
    }
    t
};

fn all_bytes(s: &str, allowed: &Allowed) -> bool {
    s.bytes().all(|b| allowed[b as usize])
}

/// A thing name: 1 to 128 characters of `[a-zA-Z0-9:_-]`.
pub fn thing_name(name: &str) -> Result<(), JobsError> {
    let ok = !name.is_empty() && name.len() <= MAX_THING_NAME && all_bytes(name, &NAME);
    ok.then_some(()).ok_or(JobsError::BadParameter)
}

/// A job ID: 1 to 64 characters of `[a-zA-Z0-9_-]`, or `$next` where `allow_next`.
pub fn job_id(id: &str, allow_next: bool) -> Result<(), JobsError> {
    if id == NEXT_JOB {
        return allow_next.then_some(()).ok_or(JobsError::BadParameter);
    }
    let ok = !id.is_empty() && id.len() <= MAX_JOB_ID && all_bytes(id, &JOB_ID);
    ok.then_some(()).ok_or(JobsError::BadParameter)
}

/// A client token given by the application: 1 to 64 bytes of printable, non-space ASCII.
pub fn client_token(token: &str) -> Result<(), JobsError> {
    let ok = !token.is_empty() && token.len() <= MAX_CLIENT_TOKEN && all_bytes(token, &TOKEN);
    ok.then_some(()).ok_or(JobsError::BadParameter)
}

/// A step timeout: 0 (none), -1 (cancel the current one) or 1 to 10080 minutes.
pub fn step_timeout(minutes: i32) -> Result<(), JobsError> {
    let ok = minutes == 0 || minutes == -1 || (1..=MAX_STEP_TIMEOUT).contains(&minutes);
    ok.then_some(()).ok_or(JobsError::BadParameter)
}

/// An execution number: -1 (none) or a non-negative number.
pub fn execution_number(number: i32) -> Result<(), JobsError> {
    (number >= -1).then_some(()).ok_or(JobsError::BadParameter)
}

/// Status details: 1 to 32768 bytes holding one JSON object whose keys are 1 to 128
/// characters of `[a-zA-Z0-9:_-]` and whose values are strings of 1 to 1024 characters with no
/// control characters (the service's rules). Returns the text trimmed of surrounding white
/// space, ready to be placed in a request.
pub fn status_details(text: &str) -> Result<&str, JobsError> {
    if text.is_empty() || text.len() > MAX_STATUS_DETAILS {
        return Err(JobsError::BadParameter);
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|_| JobsError::BadParameter)?;
    let object = value.as_object().ok_or(JobsError::BadParameter)?;
    let key_ok = |k: &str| (1..=MAX_DETAIL_KEY).contains(&k.len()) && all_bytes(k, &NAME);
    let value_ok = |v: &serde_json::Value| {
        v.as_str().is_some_and(|v| {
            let chars = v.chars().count();
            (1..=MAX_DETAIL_VALUE).contains(&chars) && !v.chars().any(char::is_control)
        })
    };
    if object.iter().all(|(k, v)| key_ok(k) && value_ok(v)) {
        Ok(text.trim())
    } else {
        Err(JobsError::BadParameter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_tables_hold_the_rules_they_name() {
        for b in 0..=255u8 {
            let alphanumeric = b.is_ascii_alphanumeric();
            assert_eq!(NAME[b as usize], alphanumeric || b":_-".contains(&b), "{b}");
            assert_eq!(
                JOB_ID[b as usize],
                alphanumeric || b"_-".contains(&b),
                "{b}"
            );
            assert_eq!(TOKEN[b as usize], (0x21..=0x7e).contains(&b), "{b}");
        }
    }

    #[test]
    fn thing_names_follow_the_service_rules() {
        assert!(thing_name("T1").is_ok());
        assert!(thing_name("a:b_c-D9").is_ok());
        assert!(thing_name(&"x".repeat(128)).is_ok());
        for bad in ["", "a/b", "a+b", "a#", "a\0b", "a b", "é"] {
            assert_eq!(thing_name(bad), Err(JobsError::BadParameter), "{bad:?}");
        }
        assert!(thing_name(&"x".repeat(129)).is_err());
    }

    #[test]
    fn job_ids_follow_the_service_rules() {
        assert!(job_id("job-1_A", false).is_ok());
        assert!(job_id(&"j".repeat(64), false).is_ok());
        assert!(job_id(&"j".repeat(65), false).is_err());
        assert!(job_id("a:b", false).is_err());
        assert!(job_id("$next", true).is_ok());
        assert!(job_id("$next", false).is_err());
        assert!(job_id("+", true).is_err());
    }

    #[test]
    fn client_tokens_up_to_64_printable_bytes() {
        assert!(client_token(&"t".repeat(64)).is_ok());
        assert!(client_token(&"t".repeat(65)).is_err());
        assert!(client_token("").is_err());
        assert!(client_token("a b").is_err());
        assert!(client_token("quote\"ok").is_ok());
    }

    #[test]
    fn step_timeouts_and_execution_numbers() {
        for ok in [0, -1, 1, 10080] {
            assert!(step_timeout(ok).is_ok());
        }
        for bad in [-2, 10081, i32::MIN, i32::MAX] {
            assert!(step_timeout(bad).is_err());
        }
        assert!(execution_number(-1).is_ok());
        assert!(execution_number(-2).is_err());
    }

    #[test]
    fn status_details_must_be_an_object_of_strings() {
        assert_eq!(status_details(" {\"a\":\"b\"} "), Ok("{\"a\":\"b\"}"));
        assert!(status_details("{}").is_ok());
        for bad in [
            "",
            "{\"x\":1}",
            "[\"a\"]",
            "\"s\"",
            "{\"a\":\"b\"",
            "{\"a\":\"b\"} x",
            "{\"a\":{\"b\":\"c\"}}",
            "{\"a\":\"\"}",
            "{\"\":\"v\"}",
            "{\"a b\":\"v\"}",
            "{\"a\":\"line\\nbreak\"}",
        ] {
            assert_eq!(status_details(bad), Err(JobsError::BadParameter), "{bad:?}");
        }
        let big = format!("{{\"k\":\"{}\"}}", "v".repeat(MAX_STATUS_DETAILS));
        assert!(status_details(&big).is_err());
        let long_value = format!("{{\"k\":\"{}\"}}", "é".repeat(MAX_DETAIL_VALUE));
        assert!(status_details(&long_value).is_ok());
        let too_long = format!("{{\"k\":\"{}\"}}", "v".repeat(MAX_DETAIL_VALUE + 1));
        assert!(status_details(&too_long).is_err());
        let long_key = format!("{{\"{}\":\"v\"}}", "k".repeat(MAX_DETAIL_KEY + 1));
        assert!(status_details(&long_key).is_err());
    }
}
