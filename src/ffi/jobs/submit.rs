//! The shared body of the eight operation functions (`operations`): reading the request info,
//! finding the connection's engine, and either submitting with a callback or a waitable handle
//! (Async) or submitting and waiting for the reply (Sync).

use crate::core::engine::{Completion, Submission, Waiter};
use crate::core::request::Request;
use crate::core::topics::Operation;
use crate::core::JobsError;
use crate::ffi::boundary::handles::{self, Waitable};
use crate::ffi::boundary::{code, guard, JOBS_PANIC};
use crate::ffi::jobs::callbacks::{operation_completion, CCallback};
use crate::ffi::jobs::library;
use crate::ffi::jobs::request_info::{self, RequestView};
use crate::ffi::jobs::wait::finish_wait;
use crate::ffi::types::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub enum Mode {
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
    pub fn run_async(
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

    pub fn run_sync(flags: u32, timeout_ms: u32, response: *mut AwsIotJobsResponse_t) -> Mode {
        Mode::Sync {
            flags,
            timeout_ms,
            response,
        }
    }
}

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
                        operation_completion(c, view.connection)
                    }
                    None => Completion::Callback(Box::new(|_| {})),
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
pub unsafe fn entry<'a>(
    operation: Operation,
    info: *const AwsIotJobsRequestInfo_t,
    mode: Mode,
    request: impl FnOnce(&RequestView<'a>) -> Result<Request<'a>, JobsError>,
) -> AwsIotJobsError_t {
    // SAFETY: forwarded contract.
    guard(JOBS_PANIC, || {
        code(unsafe { run(operation, info, mode, request) })
    })
}
