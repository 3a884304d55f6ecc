//! Run-time settings of the library that the v4 API fixed at compile time. Both may be called
//! at any time, before or after `AwsIotJobs_Init`; they apply to operations and callbacks set
//! afterwards.

use crate::core::JobsError;
use crate::ffi::boundary::{guard, JOBS_PANIC};
use crate::ffi::jobs::library::{self, MAX_NOTIFY_CALLBACK_LIMIT};
use crate::ffi::types::AwsIotJobsError_t;

/// Sets how long an asynchronous operation waits for its reply before completing with
/// `AWS_IOT_JOBS_TIMEOUT` (default 30000 ms). Sync calls and `AwsIotJobs_Wait` use their own
/// `timeoutMs`. 0 is `AWS_IOT_JOBS_BAD_PARAMETER`.
/// Any thread, at any time.
#[no_mangle]
pub extern "C" fn AwsIotJobs_SetResponseTimeout(timeoutMs: u32) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
        if timeoutMs == 0 {
            return JobsError::BadParameter as u32;
        }
        library::set_response_timeout(timeoutMs);
        JobsError::Success as u32
    })
}

/// Sets how many notify callbacks of each kind one thing may have (default 4; the v4 library
/// fixed this at build time with `AWS_IOT_JOBS_NOTIFY_CALLBACKS`). 1 to 1024; other values are
/// `AWS_IOT_JOBS_BAD_PARAMETER`. Lowering it keeps callbacks already set.
/// Any thread, at any time.
#[no_mangle]
pub extern "C" fn AwsIotJobs_SetNotifyCallbackLimit(limit: usize) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
        if limit == 0 || limit > MAX_NOTIFY_CALLBACK_LIMIT {
            return JobsError::BadParameter as u32;
        }
        library::set_notify_limit(limit);
        JobsError::Success as u32
    })
}
