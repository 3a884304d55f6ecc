//! The library's result codes, numbered exactly as the C enum `AwsIotJobsError_t`.

use std::fmt;

/// A Jobs result code. The discriminants are the values of the C `AwsIotJobsError_t`, so the
/// C layer converts with `as u32`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u32)]
pub enum JobsError {
    Success = 0,
    StatusPending = 1,
    InitFailed = 2,
    BadParameter = 3,
    NoMemory = 4,
    MqttError = 5,
    BadResponse = 7,
    Timeout = 8,
    NotInitialized = 11,
    InvalidTopic = 12,
    InvalidJson = 13,
    InvalidRequest = 14,
    InvalidState = 15,
    NotFound = 16,
    VersionMismatch = 17,
    InternalError = 18,
    Throttled = 19,
    TerminalState = 20,
}

impl JobsError {
    /// The code a rejected reply's `code` field maps to; anything unknown or missing is
    /// `BadResponse`.
    pub fn from_service_code(code: Option<&str>) -> JobsError {
        match code {
            Some("InvalidTopic") => JobsError::InvalidTopic,
            Some("InvalidJson") => JobsError::InvalidJson,
            Some("InvalidRequest") => JobsError::InvalidRequest,
            Some("InvalidStateTransition") => JobsError::InvalidState,
            Some("ResourceNotFound") => JobsError::NotFound,
            Some("VersionMismatch") => JobsError::VersionMismatch,
            Some("InternalError") => JobsError::InternalError,
            Some("RequestThrottled") => JobsError::Throttled,
            Some("TerminalStateReached") => JobsError::TerminalState,
            _ => JobsError::BadResponse,
        }
    }

    /// True for the codes that carry the service's reply document (success and the service's
    /// own rejection codes), for which Wait hands the reply to the caller. An unknown code
    /// (`BadResponse`) does not: the caller could not know to free it.
    pub fn carries_document(self) -> bool {
        matches!(
            self,
            JobsError::Success
                | JobsError::InvalidTopic
                | JobsError::InvalidJson
                | JobsError::InvalidRequest
                | JobsError::InvalidState
                | JobsError::NotFound
                | JobsError::VersionMismatch
                | JobsError::InternalError
                | JobsError::Throttled
                | JobsError::TerminalState
        )
    }

    /// The fixed description of a code, identical to the original `AwsIotJobs_strerror`.
    pub fn text(code: u32) -> &'static str {
        match code {
            0 => "SUCCESS",
            1 => "STATUS PENDING",
            2 => "INIT FAILED",
            3 => "BAD PARAMETER",
            4 => "NO MEMORY",
            5 => "MQTT ERROR",
            7 => "BAD RESPONSE",
            8 => "TIMEOUT",
            11 => "NOT INITIALIZED",
            12 => "FAILED: INVALID TOPIC",
            13 => "FAILED: INVALID JSON",
            14 => "FAILED: INVALID REQUEST",
            15 => "FAILED: INVALID STATE TRANSITION",
            16 => "FAILED: NOT FOUND",
            17 => "FAILED: VERSION MISMATCH",
            18 => "FAILED: INTERNAL ERROR",
            19 => "FAILED: THROTTLED",
            20 => "FAILED: TERMINAL STATE",
            _ => "INVALID STATUS",
        }
    }
}

impl fmt::Display for JobsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(JobsError::text(*self as u32))
    }
}

impl std::error::Error for JobsError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_codes_map_to_their_c_values() {
        assert_eq!(
            JobsError::from_service_code(Some("InvalidTopic")) as u32,
            12
        );
        assert_eq!(
            JobsError::from_service_code(Some("TerminalStateReached")) as u32,
            20
        );
        assert_eq!(
            JobsError::from_service_code(Some("Whatever")),
            JobsError::BadResponse
        );
        assert_eq!(JobsError::from_service_code(None), JobsError::BadResponse);
    }

    #[test]
    fn unknown_codes_read_invalid_status() {
        assert_eq!(JobsError::text(6), "INVALID STATUS");
        assert_eq!(JobsError::text(u32::MAX), "INVALID STATUS");
        assert_eq!(JobsError::Timeout.to_string(), "TIMEOUT");
    }
}
