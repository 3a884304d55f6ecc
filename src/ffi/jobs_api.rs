//! The `AwsIotJobs_*` operations of the v4 API: Init, Cleanup, the four operations in Async and
//! Sync forms, Wait, and RemovePersistentSubscriptions.
//!
//! Ownership: request and update infos, strings and callback infos are borrowed for the call
//! only (the library copies what it keeps). A waitable operation handle belongs to the caller
//! until passed to `AwsIotJobs_Wait`, which consumes it whatever it returns. A response buffer
//! from `AwsIotJobs_Wait` or a Sync call comes from the request's `mallocResponse`, is
//! NUL-terminated for convenience (the length excludes the NUL), and belongs to the caller.

use crate::core::engine::{Completion, OpId, Outcome, Submission, Waiter};
use crate::core::request::Request;
use crate::core::topics::Operation;
use crate::core::{Engine, JobsError};
use crate::ffi::boundary::{code, guard, try_ref};
use crate::ffi::callbacks::{operation_completion, CCallback};
use crate::ffi::handles::{self, Waitable};
use crate::ffi::library::{self, Library};
use crate::ffi::request_info::{self, RequestView};
use crate::ffi::types::*;
use std::ffi::c_void;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

const PANIC: AwsIotJobsError_t = JobsError::BadParameter as u32;

/// Starts the library. `mqttTimeoutMs` bounds each subscribe, unsubscribe and publish; 0 keeps
/// the default of 5000 ms. Calling it again while running succeeds and changes nothing.
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
#[no_mangle]
pub extern "C" fn AwsIotJobs_Cleanup() {
    guard((), library::cleanup)
}

enum Mode {
    Async {
        flags: u32,
        callback: *const AwsIotJobsCallbackInfo_t,
        out: *mut AwsIotJobsOperation_t,
    },
    Sync {
        flags: u32,
        timeout_ms: u32,
        response: *mut AwsIotJobsResponse_t,
    },
}

impl Mode {
    fn run_async(
        flags: u32,
        callback: *const AwsIotJobsCallbackInfo_t,
        out: *mut AwsIotJobsOperation_t,
    ) -> Mode {
        Mode::Async {
            flags,
            callback,
            out,
        }
    }

    fn run_sync(flags: u32, timeout_ms: u32, response: *mut AwsIotJobsResponse_t) -> Mode {
        Mode::Sync {
            flags,
            timeout_ms,
            response,
        }
    }
}

type MallocFn = unsafe extern "C" fn(usize) -> *mut c_void;

/// The shared body of every operation.
///
/// # Safety
/// The pointers in `mode` and `info` are NULL or valid, as the v4 API requires.
unsafe fn run<'a>(
    operation: Operation,
    info: *const AwsIotJobsRequestInfo_t,
    mode: Mode,
    request: impl FnOnce(&RequestView<'a>) -> Result<Request<'a>, JobsError>,
) -> Result<JobsError, JobsError> {
    let lib = library::get()?;
    // SAFETY: `info` is NULL or valid (caller contract).
    let view: RequestView<'a> = unsafe { request_info::read(info, operation.has_job_id()) }?;
    let request = request(&view)?;
    let engine = lib.engine(view.connection)?;
    let keep = |flags: u32| flags & AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS != 0;
    match mode {
        Mode::Async {
            flags,
            callback,
            out,
        } => {
            // SAFETY: `callback` is NULL or valid (caller contract).
            let callback = unsafe { callback.as_ref() };
            let waitable = flags & AWS_IOT_JOBS_FLAG_WAITABLE != 0;
            let (completion, waiter) = if waitable {
                let malloc = view.malloc.ok_or(JobsError::BadParameter)?;
                if callback.is_some() || out.is_null() {
                    return Err(JobsError::BadParameter);
                }
                let waiter = Waiter::new();
                (Completion::Waitable(waiter.clone()), Some((waiter, malloc)))
            } else {
                let completion = match callback {
                    Some(info) => {
                        let c = CCallback::from_info(info).ok_or(JobsError::BadParameter)?;
                        operation_completion(c, operation, view.thing, view.connection)
                    }
                    None => Completion::Callback(Box::new(|_, _| {})),
                };
                (completion, None)
            };
            let deadline = Instant::now() + library::response_timeout();
            let submission = submission(&view, request, keep(flags), deadline);
            // The handle exists, is written and (waitable) can be waited for before anything is
            // sent: a callback comparing its reference with the caller's copy sees the same.
            let mut reserved = None;
            let submitted = engine.submit_reserving(submission, completion, |id| {
                reserved = Some(id);
                if !out.is_null() {
                    // SAFETY: `out` is non-NULL and writable (caller contract).
                    unsafe { *out = handles::operation_handle(id) };
                }
                if let Some((waiter, malloc)) = waiter {
                    let waitable = Waitable {
                        engine: Arc::downgrade(&engine),
                        waiter,
                        malloc,
                    };
                    lib.add_waitable(id, waitable);
                }
            });
            if let Err(e) = submitted {
                if let Some(id) = reserved {
                    lib.forget_waitable(id);
                }
                return Err(e);
            }
            Ok(JobsError::StatusPending)
        }
        Mode::Sync {
            flags,
            timeout_ms,
            response,
        } => {
            let malloc = view.malloc.ok_or(JobsError::BadParameter)?;
            if response.is_null() {
                return Err(JobsError::BadParameter);
            }
            let waiter = Waiter::new();
            let deadline = Instant::now() + Duration::from_millis(timeout_ms as u64);
            let submission = submission(&view, request, keep(flags), deadline);
            let id = engine.submit(submission, Completion::Waitable(waiter.clone()))?;
            // SAFETY: `response` is non-NULL and writable (caller contract).
            unsafe {
                finish_wait(
                    &Arc::downgrade(&engine),
                    id,
                    &waiter,
                    deadline,
                    malloc,
                    response,
                )
            }
        }
    }
}

fn submission<'a>(
    view: &RequestView<'a>,
    request: Request<'a>,
    keep_subscriptions: bool,
    deadline: Instant,
) -> Submission<'a> {
    Submission {
        thing: view.thing,
        request,
        client_token: view.client_token,
        keep_subscriptions,
        deadline,
    }
}

/// `run` inside the panic boundary, as a C result code.
///
/// # Safety
/// As `run`.
unsafe fn entry<'a>(
    operation: Operation,
    info: *const AwsIotJobsRequestInfo_t,
    mode: Mode,
    request: impl FnOnce(&RequestView<'a>) -> Result<Request<'a>, JobsError>,
) -> AwsIotJobsError_t {
    // SAFETY: forwarded contract.
    guard(PANIC, || {
        code(unsafe { run(operation, info, mode, request) })
    })
}

/// Waits for a waitable operation and hands its reply to the caller.
///
/// # Safety
/// `response` is valid and writable; `malloc` behaves like `malloc`.
unsafe fn finish_wait(
    engine: &Weak<Engine>,
    id: OpId,
    waiter: &Waiter,
    deadline: Instant,
    malloc: MallocFn,
    response: *mut AwsIotJobsResponse_t,
) -> Result<JobsError, JobsError> {
    let outcome = waiter.wait_until(deadline).unwrap_or_else(|| {
        let withdrawn = engine.upgrade().is_some_and(|e| e.cancel(id));
        let late = if withdrawn { None } else { waiter.try_take() };
        late.unwrap_or(Outcome {
            status: JobsError::Timeout,
            document: None,
        })
    });
    // SAFETY: forwarded contract.
    let out = unsafe { &mut *response };
    out.pJobsResponse = std::ptr::null();
    out.jobsResponseLength = 0;
    if let (true, Some(document)) = (outcome.status.carries_document(), outcome.document) {
        // SAFETY: the application's allocator, called as malloc.
        let buffer = unsafe { malloc(document.len() + 1) }.cast::<u8>();
        if buffer.is_null() {
            return Err(JobsError::NoMemory);
        }
        // SAFETY: `buffer` has room for the document and a NUL.
        unsafe {
            std::ptr::copy_nonoverlapping(document.as_ptr(), buffer, document.len());
            *buffer.add(document.len()) = 0;
        }
        out.pJobsResponse = buffer.cast();
        out.jobsResponseLength = document.len();
    }
    Ok(outcome.status)
}

/// Sends a get-pending request. Returns `AWS_IOT_JOBS_STATUS_PENDING` once sent; the result
/// arrives at the callback or through `AwsIotJobs_Wait`.
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

/// Waits up to `timeoutMs` for a waitable operation and consumes its handle, whatever the
/// result: a handle can be waited for once. On a reply (success or a service rejection code),
/// `pJobsResponse` receives a buffer from `mallocResponse` that the caller frees; otherwise it
/// is set to NULL and 0. A handle that is not a pending waitable operation (a callback
/// operation's, a stale, foreign or already-waited one) is `AWS_IOT_JOBS_BAD_PARAMETER`. The
/// one call that does not consume the handle is one with a NULL `pJobsResponse`: it returns
/// `AWS_IOT_JOBS_BAD_PARAMETER` and the operation can still be waited for.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_Wait(
    operation: AwsIotJobsOperation_t,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    guard(PANIC, || {
        code((|| {
            let lib: Arc<Library> = library::get()?;
            if pJobsResponse.is_null() {
                return Err(JobsError::BadParameter);
            }
            // SAFETY: non-NULL and writable (caller contract). Cleared first, so a bad handle
            // leaves no stale buffer behind either.
            unsafe {
                (*pJobsResponse).pJobsResponse = std::ptr::null();
                (*pJobsResponse).jobsResponseLength = 0;
            }
            let (id, waitable) = lib
                .take_waitable(operation)
                .ok_or(JobsError::BadParameter)?;
            let deadline = Instant::now() + Duration::from_millis(timeoutMs as u64);
            // SAFETY: `pJobsResponse` is non-NULL and writable (caller contract).
            unsafe {
                finish_wait(
                    &waitable.engine,
                    id,
                    &waitable.waiter,
                    deadline,
                    waitable.malloc,
                    pJobsResponse,
                )
            }
        })())
    })
}

/// Clears the marks `AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS` left on the thing's reply
/// subscription for the operations named by the `AWS_IOT_JOBS_FLAG_REMOVE_*` bits of `flags`, on
/// the request info's connection. Once no mark is left and no operation uses the subscription,
/// it is unsubscribed before this returns (blocking until the broker acknowledged); one still
/// in use goes after its last operation, within the usual lingering bounds.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_RemovePersistentSubscriptions(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    flags: u32,
) -> AwsIotJobsError_t {
    guard(PANIC, || {
        code((|| {
            let lib = library::get()?;
            // SAFETY: `pRequestInfo` is NULL or valid (caller contract).
            let info = unsafe { try_ref(pRequestInfo) }?;
            // SAFETY: as above.
            let thing = unsafe {
                crate::ffi::boundary::required_str(info.pThingName, info.thingNameLength)
            }?;
            let engine = lib.engine(info.mqttConnection)?;
            let bits = [
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS,
                    Operation::GetPending,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS,
                    Operation::StartNext,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS,
                    Operation::Describe,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_UPDATE_SUBSCRIPTIONS,
                    Operation::Update,
                ),
            ];
            let operations: Vec<Operation> = bits
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, op)| *op)
                .collect();
            engine
                .remove_persistent_subscriptions(thing, &operations)
                .map(|_| JobsError::Success)
        })())
    })
}
