//! The four Jobs operations of the v4 API in their Async and Sync forms: get-pending,
//! start-next, describe and update. Each reads its own arguments and hands the rest to
//! `submit`.
//!
//! Ownership: request and update infos, strings and callback infos are borrowed for the call
//! only (the library copies what it keeps). A waitable operation handle and a response buffer
//! belong to the caller, as `wait` says.

use crate::core::request::Request;
use crate::core::topics::Operation;
use crate::core::JobsError;
use crate::ffi::jobs::request_info::{self, RequestView};
use crate::ffi::jobs::submit::{entry, Mode};
use crate::ffi::types::*;

/// Sends a get-pending request. Returns `AWS_IOT_JOBS_STATUS_PENDING` once sent; the result
/// arrives at the callback or through `AwsIotJobs_Wait`.
/// Ownership: the infos are read during the call only. Threads: the callback runs once, on the
/// library's callback thread, with a parameter valid during the call; it may call any
/// `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_GetPendingAsync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    flags: u32,
    pCallbackInfo: *const AwsIotJobsCallbackInfo_t,
    pGetPendingOperation: *mut AwsIotJobsOperation_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_async(flags, pCallbackInfo, pGetPendingOperation);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::GetPending, pRequestInfo, mode, |_| {
            Ok(Request::GetPending)
        })
    }
}

/// Get-pending, blocking up to `timeoutMs`. The reply goes to `pJobsResponse`.
/// Ownership: the infos are read during the call only; a response buffer comes from
/// `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
/// callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_GetPendingSync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    flags: u32,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_sync(flags, timeoutMs, pJobsResponse);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::GetPending, pRequestInfo, mode, |_| {
            Ok(Request::GetPending)
        })
    }
}

/// Sends a start-next request with the status details and step timeout of `pUpdateInfo`.
/// Ownership: the infos are read during the call only. Threads: the callback runs once, on the
/// library's callback thread, with a parameter valid during the call; it may call any
/// `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_StartNextAsync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    pUpdateInfo: *const AwsIotJobsUpdateInfo_t,
    flags: u32,
    pCallbackInfo: *const AwsIotJobsCallbackInfo_t,
    pStartNextOperation: *mut AwsIotJobsOperation_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_async(flags, pCallbackInfo, pStartNextOperation);
    // SAFETY: the v4 pointer contract; the update info outlives the call.
    unsafe {
        entry(Operation::StartNext, pRequestInfo, mode, |_| {
            request_info::start_next(pUpdateInfo)
        })
    }
}

/// Start-next, blocking up to `timeoutMs`.
/// Ownership: the infos are read during the call only; a response buffer comes from
/// `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
/// callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_StartNextSync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    pUpdateInfo: *const AwsIotJobsUpdateInfo_t,
    flags: u32,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_sync(flags, timeoutMs, pJobsResponse);
    // SAFETY: the v4 pointer contract; the update info outlives the call.
    unsafe {
        entry(Operation::StartNext, pRequestInfo, mode, |_| {
            request_info::start_next(pUpdateInfo)
        })
    }
}

fn describe<'a>(
    view: &RequestView<'a>,
    execution_number: i32,
    include_job_document: bool,
) -> Result<Request<'a>, JobsError> {
    let job_id = view.job_id.ok_or(JobsError::BadParameter)?;
    Ok(Request::Describe {
        job_id,
        execution_number,
        include_job_document,
    })
}

/// Sends a describe request for `pJobId` (`$next` allowed) of the request info.
/// Ownership: the infos are read during the call only. Threads: the callback runs once, on the
/// library's callback thread, with a parameter valid during the call; it may call any
/// `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_DescribeAsync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    executionNumber: i32,
    includeJobDocument: bool,
    flags: u32,
    pCallbackInfo: *const AwsIotJobsCallbackInfo_t,
    pDescribeOperation: *mut AwsIotJobsOperation_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_async(flags, pCallbackInfo, pDescribeOperation);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::Describe, pRequestInfo, mode, |v| {
            describe(v, executionNumber, includeJobDocument)
        })
    }
}

/// Describe, blocking up to `timeoutMs`.
/// Ownership: the infos are read during the call only; a response buffer comes from
/// `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
/// callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_DescribeSync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    executionNumber: i32,
    includeJobDocument: bool,
    flags: u32,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_sync(flags, timeoutMs, pJobsResponse);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::Describe, pRequestInfo, mode, |v| {
            describe(v, executionNumber, includeJobDocument)
        })
    }
}

/// The update request of a request info and an update info.
///
/// # Safety
/// `update` is NULL or valid for `'a`.
unsafe fn update<'a>(
    view: &RequestView<'a>,
    update: *const AwsIotJobsUpdateInfo_t,
) -> Result<Request<'a>, JobsError> {
    let job_id = view.job_id.ok_or(JobsError::BadParameter)?;
    // SAFETY: forwarded contract.
    let fields = unsafe { request_info::update_fields(update) }?;
    Ok(Request::Update { job_id, fields })
}

/// Sends an update of the execution of `pJobId` (not `$next`) with `pUpdateInfo`.
/// Ownership: the infos are read during the call only. Threads: the callback runs once, on the
/// library's callback thread, with a parameter valid during the call; it may call any
/// `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_UpdateAsync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    pUpdateInfo: *const AwsIotJobsUpdateInfo_t,
    flags: u32,
    pCallbackInfo: *const AwsIotJobsCallbackInfo_t,
    pUpdateOperation: *mut AwsIotJobsOperation_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_async(flags, pCallbackInfo, pUpdateOperation);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::Update, pRequestInfo, mode, |v| {
            update(v, pUpdateInfo)
        })
    }
}

/// Update, blocking up to `timeoutMs`.
/// Ownership: the infos are read during the call only; a response buffer comes from
/// `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
/// callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_UpdateSync(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    pUpdateInfo: *const AwsIotJobsUpdateInfo_t,
    flags: u32,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    let mode = Mode::run_sync(flags, timeoutMs, pJobsResponse);
    // SAFETY: the v4 pointer contract.
    unsafe {
        entry(Operation::Update, pRequestInfo, mode, |v| {
            update(v, pUpdateInfo)
        })
    }
}
