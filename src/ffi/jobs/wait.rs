//! `AwsIotJobs_Wait`, and the wait for a reply that it shares with the Sync calls.
//!
//! Ownership: a waitable operation handle belongs to the caller until passed to
//! `AwsIotJobs_Wait`, which consumes it whatever it returns. A response buffer from
//! `AwsIotJobs_Wait` or a Sync call comes from the request's `mallocResponse`, is
//! NUL-terminated for convenience (the length excludes the NUL), and belongs to the caller.

use crate::core::engine::{OpId, Outcome, Waiter};
use crate::core::{Engine, JobsError};
use crate::ffi::boundary::{code, guard, JOBS_PANIC};
use crate::ffi::jobs::library::{self, Library};
use crate::ffi::types::*;
use std::ffi::c_void;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

type MallocFn = unsafe extern "C" fn(usize) -> *mut c_void;

/// Waits for a waitable operation and hands its reply to the caller.
///
/// # Safety
/// `response` is valid and writable; `malloc` behaves like `malloc`.
pub unsafe fn finish_wait(
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

/// Waits up to `timeoutMs` for a waitable operation and consumes its handle, whatever the
/// result: a handle can be waited for once. On a reply (success or a service rejection code),
/// `pJobsResponse` receives a buffer from `mallocResponse` that the caller frees; otherwise it
/// is set to NULL and 0. A handle that is not a pending waitable operation (a callback
/// operation's, a stale, foreign or already-waited one) is `AWS_IOT_JOBS_BAD_PARAMETER`. The
/// one call that does not consume the handle is one with a NULL `pJobsResponse`: it returns
/// `AWS_IOT_JOBS_BAD_PARAMETER` and the operation can still be waited for.
/// Blocks the calling thread only. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_Wait(
    operation: AwsIotJobsOperation_t,
    timeoutMs: u32,
    pJobsResponse: *mut AwsIotJobsResponse_t,
) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
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
