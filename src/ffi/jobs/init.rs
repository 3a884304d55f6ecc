//! `AwsIotJobs_Init` and `AwsIotJobs_Cleanup`: starting and stopping the library's state
//! (`library`).

use crate::core::JobsError;
use crate::ffi::boundary::{code, guard};
use crate::ffi::jobs::library;
use crate::ffi::types::AwsIotJobsError_t;

/// Starts the library. `mqttTimeoutMs` bounds each subscribe, unsubscribe and publish; 0 keeps
/// the default of 5000 ms. Calling it again while running succeeds and changes nothing.
/// Any thread, Jobs callbacks included. A panic inside returns `AWS_IOT_JOBS_INIT_FAILED`; in every
/// other `AwsIotJobs_*` function it returns `AWS_IOT_JOBS_INTERNAL_ERROR`.
#[no_mangle]
pub extern "C" fn AwsIotJobs_Init(mqttTimeoutMs: u32) -> AwsIotJobsError_t {
    guard(JobsError::InitFailed as u32, || {
        code(library::init(mqttTimeoutMs).map(|_| JobsError::Success))
    })
}

/// Stops the library. Operations still in flight complete: their callbacks run with
/// `AWS_IOT_JOBS_NOT_INITIALIZED` before this returns, a thread blocked in Wait or a Sync call
/// returns `AWS_IOT_JOBS_NOT_INITIALIZED`, and waitable handles not yet waited for are released
/// (waiting on one later is an error, not a leak). Notify callbacks are forgotten.
/// Any thread. From a Jobs callback it does not wait for the callbacks queued after the current
/// one, which still run before the callback thread ends.
#[no_mangle]
pub extern "C" fn AwsIotJobs_Cleanup() {
    guard((), library::cleanup)
}
