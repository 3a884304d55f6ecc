//! The fixed texts of the Jobs API: `AwsIotJobs_strerror` and `AwsIotJobs_StateName` (the
//! MQTT ones are in `ffi::mqtt::strings`).
//!
//! Each returns a pointer to a static NUL-terminated string that lives for the whole process;
//! the caller must not modify or free it. Any value, including ones outside the enum, is
//! accepted and gets the "invalid" text, as in the original library.

use core::ffi::{c_char, CStr};
use std::ffi::CString;
use std::sync::OnceLock;

use crate::core::JobsError;
use crate::ffi::boundary::guard;
use crate::ffi::types::{AwsIotJobState_t, AwsIotJobsError_t};

/// The largest `AwsIotJobsError_t` value that has its own text.
const LAST_JOBS_CODE: u32 = 20;

/// The texts of `AwsIotJobs_strerror`, made NUL-terminated once from [`JobsError::text`]:
/// index `code` for codes up to [`LAST_JOBS_CODE`], the last entry for everything else.
fn jobs_error_texts() -> &'static [CString] {
    static TEXTS: OnceLock<Vec<CString>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        (0..=LAST_JOBS_CODE)
            .chain([u32::MAX])
            .map(|code| {
                CString::new(JobsError::text(code)).expect("Jobs error texts contain no NUL byte")
            })
            .collect()
    })
}

/// Describes a Jobs result code.
/// Returns a static string: never free it. Any thread.
#[no_mangle]
pub extern "C" fn AwsIotJobs_strerror(status: AwsIotJobsError_t) -> *const c_char {
    guard(c"INVALID STATUS".as_ptr(), || {
        let texts = jobs_error_texts();
        let index = if status <= LAST_JOBS_CODE {
            status as usize
        } else {
            texts.len() - 1
        };
        texts[index].as_ptr()
    })
}

/// The text of a job execution state.
fn state_name(state: AwsIotJobState_t) -> &'static CStr {
    match state {
        0 => c"QUEUED",
        1 => c"IN PROGRESS",
        2 => c"FAILED",
        3 => c"SUCCEEDED",
        4 => c"CANCELED",
        5 => c"TIMED OUT",
        6 => c"REJECTED",
        7 => c"REMOVED",
        _ => c"INVALID STATE",
    }
}

/// Names a job execution state.
/// Returns a static string: never free it. Any thread.
#[no_mangle]
pub extern "C" fn AwsIotJobs_StateName(state: AwsIotJobState_t) -> *const c_char {
    state_name(state).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: *const c_char) -> &'static str {
        // SAFETY: every function tested returns a pointer to a static NUL-terminated string.
        unsafe { CStr::from_ptr(text) }.to_str().unwrap()
    }

    #[test]
    fn jobs_codes_read_as_the_core_texts_and_unknown_ones_as_invalid() {
        for code in [0, 1, 6, 11, 20, 21, 1000, u32::MAX] {
            assert_eq!(read(AwsIotJobs_strerror(code)), JobsError::text(code));
        }
        assert_eq!(
            read(AwsIotJobs_strerror(15)),
            "FAILED: INVALID STATE TRANSITION"
        );
        assert_eq!(read(AwsIotJobs_strerror(u32::MAX)), "INVALID STATUS");
    }

    #[test]
    fn every_text_call_returns_the_same_static_pointer() {
        assert_eq!(AwsIotJobs_strerror(3), AwsIotJobs_strerror(3));
        assert_eq!(AwsIotJobs_StateName(1), AwsIotJobs_StateName(1));
    }

    #[test]
    fn state_names_match_the_v4_texts() {
        assert_eq!(read(AwsIotJobs_StateName(1)), "IN PROGRESS");
        assert_eq!(read(AwsIotJobs_StateName(5)), "TIMED OUT");
        assert_eq!(read(AwsIotJobs_StateName(8)), "INVALID STATE");
        assert_eq!(read(AwsIotJobs_StateName(u32::MAX)), "INVALID STATE");
    }
}
