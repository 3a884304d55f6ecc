//! Encoding the JSON requests, field for field in the order the v4 library sent them.
//!
//! Optional fields are written only when they differ from the service's default, exactly as v4
//! did (`includeJobDocument` on describe only when false; `expectedVersion` as a JSON string).
//! Status details arrive already validated (`validate::status_details`) and are inserted as
//! they are.

use crate::core::topics::Operation;
use std::io::Write as _;

/// Execution states, numbered as the C `AwsIotJobState_t`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum JobState {
    Queued = 0,
    InProgress = 1,
    Failed = 2,
    Succeeded = 3,
    Canceled = 4,
    TimedOut = 5,
    Rejected = 6,
    Removed = 7,
}

impl JobState {
    pub fn from_raw(raw: u32) -> Option<JobState> {
        Some(match raw {
            0 => JobState::Queued,
            1 => JobState::InProgress,
            2 => JobState::Failed,
            3 => JobState::Succeeded,
            4 => JobState::Canceled,
            5 => JobState::TimedOut,
            6 => JobState::Rejected,
            7 => JobState::Removed,
            _ => return None,
        })
    }

    /// The state as the service spells it on the wire.
    pub fn wire_name(self) -> &'static str {
        match self {
            JobState::Queued => "QUEUED",
            JobState::InProgress => "IN_PROGRESS",
            JobState::Failed => "FAILED",
            JobState::Succeeded => "SUCCEEDED",
            JobState::Canceled => "CANCELED",
            JobState::TimedOut => "TIMED_OUT",
            JobState::Rejected => "REJECTED",
            JobState::Removed => "REMOVED",
        }
    }

    /// True for the states a device may report in an update.
    pub fn device_may_set(self) -> bool {
        matches!(
            self,
            JobState::InProgress | JobState::Failed | JobState::Succeeded | JobState::Rejected
        )
    }
}

/// The fields of an update (and of start-next, which uses only status details and the step
/// timeout), after validation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateFields<'a> {
    pub status: JobState,
    pub status_details: Option<&'a str>,
    /// 0 means "no expected version".
    pub expected_version: u32,
    /// -1 means "no execution number".
    pub execution_number: i32,
    pub include_job_execution_state: bool,
    pub include_job_document: bool,
    /// 0 means "not sent".
    pub step_timeout_minutes: i32,
}

impl Default for UpdateFields<'_> {
    fn default() -> Self {
        UpdateFields {
            status: JobState::InProgress,
            status_details: None,
            expected_version: 0,
            execution_number: -1,
            include_job_execution_state: false,
            include_job_document: false,
            step_timeout_minutes: 0,
        }
    }
}

/// One request, with what its operation needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request<'a> {
    GetPending,
    StartNext {
        status_details: Option<&'a str>,
        step_timeout_minutes: i32,
    },
    Describe {
        job_id: &'a str,
        execution_number: i32,
        include_job_document: bool,
    },
    Update {
        job_id: &'a str,
        fields: UpdateFields<'a>,
    },
}

impl Request<'_> {
    pub fn operation(&self) -> Operation {
        match self {
            Request::GetPending => Operation::GetPending,
            Request::StartNext { .. } => Operation::StartNext,
            Request::Describe { .. } => Operation::Describe,
            Request::Update { .. } => Operation::Update,
        }
    }

    pub fn job_id(&self) -> Option<&str> {
        match self {
            Request::Describe { job_id, .. } | Request::Update { job_id, .. } => Some(job_id),
            _ => None,
        }
    }

    /// The request document with `client_token` as its `clientToken`.
    pub fn encode(&self, client_token: &str) -> Vec<u8> {
        let mut w = JsonWriter::with_capacity(REQUEST_CAPACITY);
        match self {
            Request::GetPending => {}
            Request::StartNext {
                status_details,
                step_timeout_minutes,
            } => {
                if let Some(details) = status_details {
                    w.raw("statusDetails", details);
                }
                if *step_timeout_minutes != 0 {
                    w.number("stepTimeoutInMinutes", *step_timeout_minutes as i64);
                }
            }
            Request::Describe {
                execution_number,
                include_job_document,
                ..
            } => {
                if !include_job_document {
                    w.raw("includeJobDocument", "false");
                }
                if *execution_number != -1 {
                    w.number("executionNumber", *execution_number as i64);
                }
            }
            Request::Update { fields, .. } => {
                w.plain("status", fields.status.wire_name());
                if let Some(details) = fields.status_details {
                    w.raw("statusDetails", details);
                }
                if fields.expected_version != 0 {
                    w.string("expectedVersion", &fields.expected_version.to_string());
                }
                if fields.execution_number != -1 {
                    w.number("executionNumber", fields.execution_number as i64);
                }
                if fields.include_job_execution_state {
                    w.raw("includeJobExecutionState", "true");
                }
                if fields.include_job_document {
                    w.raw("includeJobDocument", "true");
                }
                if fields.step_timeout_minutes != 0 {
                    w.number("stepTimeoutInMinutes", fields.step_timeout_minutes as i64);
                }
            }
        }
        w.string("clientToken", client_token);
        w.finish()
    }
}

/// Room for a request without status details or a large clientToken, reserved at once: an
/// update with its token is about 90 bytes, which growing from empty reached in five
/// reallocations.
const REQUEST_CAPACITY: usize = 128;

/// True when JSON must escape something in `s`: a quote, a backslash or a control character.
fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\')
}

/// A minimal writer for one flat JSON object; strings that need escaping go through
/// serde_json.
struct JsonWriter {
    out: Vec<u8>,
}

impl JsonWriter {
    fn with_capacity(capacity: usize) -> JsonWriter {
        JsonWriter {
            out: Vec::with_capacity(capacity),
        }
    }

    fn key(&mut self, key: &str) {
        self.out.push(if self.out.is_empty() { b'{' } else { b',' });
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
    }

    fn raw(&mut self, key: &str, json: &str) {
        self.key(key);
        self.out.extend_from_slice(json.as_bytes());
    }

    fn number(&mut self, key: &str, n: i64) {
        self.key(key);
        // Writing into a Vec cannot fail; no String in between.
        let _ = write!(self.out, "{n}");
    }

    /// `s` between quotes, as it is: for a string JSON need not escape.
    fn quoted(&mut self, s: &str) {
        self.out.push(b'"');
        self.out.extend_from_slice(s.as_bytes());
        self.out.push(b'"');
    }

    /// A string of ours that JSON writes as it is (a status name).
    fn plain(&mut self, key: &str, s: &'static str) {
        debug_assert!(!needs_escape(s));
        self.key(key);
        self.quoted(s);
    }

    fn string(&mut self, key: &str, s: &str) {
        self.key(key);
        // The common case, a string JSON writes as it is (a token), is copied; anything with a
        // quote, a backslash or a control character goes through serde_json's escaping. Both
        // give the same text.
        if !needs_escape(s) {
            self.quoted(s);
        } else {
            // Serialising a &str into a Vec cannot fail.
            serde_json::to_writer(&mut self.out, s).expect("string serialisation");
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.out.is_empty() {
            self.out.push(b'{');
        }
        self.out.push(b'}');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: &Request<'_>, token: &str) -> String {
        String::from_utf8(r.encode(token)).unwrap()
    }

    #[test]
    fn get_pending_carries_only_the_token() {
        assert_eq!(
            text(&Request::GetPending, "91257680"),
            r#"{"clientToken":"91257680"}"#
        );
    }

    #[test]
    fn start_next_matches_the_v4_layout() {
        let r = Request::StartNext {
            status_details: Some(r#"{"a":"b"}"#),
            step_timeout_minutes: 10,
        };
        assert_eq!(
            text(&r, "tok-start"),
            r#"{"statusDetails":{"a":"b"},"stepTimeoutInMinutes":10,"clientToken":"tok-start"}"#
        );
    }

    #[test]
    fn describe_writes_only_non_defaults() {
        let r = Request::Describe {
            job_id: "job1",
            execution_number: 3,
            include_job_document: false,
        };
        assert_eq!(
            text(&r, "t"),
            r#"{"includeJobDocument":false,"executionNumber":3,"clientToken":"t"}"#
        );
        let r = Request::Describe {
            job_id: "$next",
            execution_number: -1,
            include_job_document: true,
        };
        assert_eq!(text(&r, "tok-d2"), r#"{"clientToken":"tok-d2"}"#);
    }

    #[test]
    fn update_matches_the_v4_layout() {
        let fields = UpdateFields {
            status: JobState::Succeeded,
            status_details: Some(r#"{"x":"1"}"#),
            expected_version: 7,
            execution_number: 2,
            include_job_execution_state: true,
            include_job_document: true,
            step_timeout_minutes: -1,
        };
        let r = Request::Update {
            job_id: "job1",
            fields,
        };
        assert_eq!(
            text(&r, "tok-upd"),
            r#"{"status":"SUCCEEDED","statusDetails":{"x":"1"},"expectedVersion":"7","executionNumber":2,"includeJobExecutionState":true,"includeJobDocument":true,"stepTimeoutInMinutes":-1,"clientToken":"tok-upd"}"#
        );
        let r = Request::Update {
            job_id: "job1",
            fields: UpdateFields::default(),
        };
        assert_eq!(
            text(&r, "tok-upd"),
            r#"{"status":"IN_PROGRESS","clientToken":"tok-upd"}"#
        );
    }

    #[test]
    fn tokens_are_escaped() {
        let out = text(&Request::GetPending, "a\"b\\c");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["clientToken"], "a\"b\\c");
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        for s in [
            "plain",
            "",
            "a\"b",
            "back\\slash",
            "tab\there",
            "\u{1f}",
            "\u{7f}é✓",
            "/",
        ] {
            let out = text(&Request::GetPending, s);
            let expected = format!(r#"{{"clientToken":{}}}"#, serde_json::to_string(s).unwrap());
            assert_eq!(out, expected, "{s:?}");
        }
    }
}
