//! The one boundary between C and Rust.
//!
//! Every exported function runs its body through [`guard`]: the crate's one panic boundary
//! (`core::panics::contain`, which logs the panic once with its message and location) plus the
//! value the function documents for a panic instead of unwinding into C. A function returning a
//! status returns [`JOBS_PANIC`] or [`MQTT_PANIC`], codes no caller's mistake produces
//! (`AwsIotJobs_Init` returns `AWS_IOT_JOBS_INIT_FAILED`); `bool` functions return `false`,
//! pointer functions NULL (or their fixed value), `void` functions just return. The few
//! functions whose body is a constant, a table lookup or one atomic store (`IotSdk_*`,
//! `IotNetworkOpenssl_Init`/`_Cleanup`, `IotMqtt_Init`/`_Cleanup`, the name functions) cannot
//! panic and go without. Raw pointers and (pointer, length) pairs become references and strings
//! only through the helpers below, each of which maps NULL, a length without a pointer, or
//! invalid UTF-8 to `BadParameter`. C enums arrive as integers and are converted with checked
//! functions here, never transmuted. `handles` turns the opaque handles given to C into
//! checked lookups.

pub mod handles;

use crate::core::panics::contain;
use crate::core::request::JobState;
use crate::core::JobsError;
use crate::ffi::types::{AwsIotJobsError_t, IotMqttError};
use std::ffi::c_char;

/// What a Jobs function returns when a panic inside it was contained: a bug of the library,
/// never a caller's mistake (that is `AWS_IOT_JOBS_BAD_PARAMETER`).
pub const JOBS_PANIC: AwsIotJobsError_t = JobsError::InternalError as AwsIotJobsError_t;

/// What an MQTT function returns (or an asynchronous MQTT operation completes with) when a
/// panic inside it was contained: v4's code for an operation the library could not carry out,
/// which nothing else here returns.
pub const MQTT_PANIC: IotMqttError = IotMqttError::IOT_MQTT_SCHEDULING_ERROR;

/// Runs `body`, returning `on_panic` if it panics (the panic is logged once, with its message
/// and location, by `core::panics::contain`).
pub fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    contain("a function of the C API", body).unwrap_or(on_panic)
}

/// A Jobs result as the C `AwsIotJobsError_t`.
pub fn code(result: Result<JobsError, JobsError>) -> u32 {
    match result {
        Ok(c) | Err(c) => c as u32,
    }
}

/// Borrows `*p`, or `BadParameter` for NULL.
///
/// # Safety
/// `p` is NULL or points to a valid `T` that outlives `'a`.
pub unsafe fn try_ref<'a, T>(p: *const T) -> Result<&'a T, JobsError> {
    // SAFETY: the caller promises `p` is NULL or valid; NULL is handled by `as_ref`.
    unsafe { p.as_ref() }.ok_or(JobsError::BadParameter)
}

/// Borrows `len` bytes at `p`: `None` for (NULL, 0), `BadParameter` for NULL with a length.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes that outlive `'a`.
pub unsafe fn try_bytes<'a>(p: *const u8, len: usize) -> Result<Option<&'a [u8]>, JobsError> {
    if p.is_null() {
        return if len == 0 {
            Ok(None)
        } else {
            Err(JobsError::BadParameter)
        };
    }
    if len > isize::MAX as usize {
        return Err(JobsError::BadParameter);
    }
    // SAFETY: non-NULL, and the caller promises `len` readable bytes.
    Ok(Some(unsafe { std::slice::from_raw_parts(p, len) }))
}

/// Borrows a C string given with its length (no NUL needed) as UTF-8.
///
/// # Safety
/// As [`try_bytes`].
pub unsafe fn try_str<'a>(p: *const c_char, len: usize) -> Result<Option<&'a str>, JobsError> {
    // SAFETY: forwarded contract.
    match unsafe { try_bytes(p.cast(), len) }? {
        None => Ok(None),
        Some(bytes) => std::str::from_utf8(bytes)
            .map(Some)
            .map_err(|_| JobsError::BadParameter),
    }
}

/// A required string: present and non-empty.
///
/// # Safety
/// As [`try_bytes`].
pub unsafe fn required_str<'a>(p: *const c_char, len: usize) -> Result<&'a str, JobsError> {
    // SAFETY: forwarded contract.
    match unsafe { try_str(p, len) }? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(JobsError::BadParameter),
    }
}

/// An optional string: NULL (whatever the length) is absent; otherwise as [`required_str`],
/// present and non-empty.
///
/// # Safety
/// As [`try_bytes`].
pub unsafe fn optional_str<'a>(p: *const c_char, len: usize) -> Result<Option<&'a str>, JobsError> {
    if p.is_null() {
        return Ok(None);
    }
    // SAFETY: forwarded contract.
    unsafe { required_str(p, len) }.map(Some)
}

/// `AwsIotJobState_t` from C.
pub fn job_state(raw: u32) -> Result<JobState, JobsError> {
    JobState::from_raw(raw).ok_or(JobsError::BadParameter)
}

/// `IotMqttQos_t` from C: the Jobs API accepts QoS 0 and 1 (requests are always published at
/// QoS 1, which only strengthens delivery).
pub fn qos(raw: u32) -> Result<(), JobsError> {
    (raw <= 1).then_some(()).ok_or(JobsError::BadParameter)
}

/// Raw pointers that are handed to the callback thread. C owns what they point to and promises
/// (by the API contract) that it stays valid while registered.
pub struct SendPtr<T>(pub *mut T);

impl<T> SendPtr<T> {
    /// The pointer (a method, so closures capture the whole `SendPtr`).
    pub fn get(self) -> *mut T {
        self.0
    }
}

impl<T> Clone for SendPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for SendPtr<T> {}

// SAFETY: the pointer is only passed back to the C function that registered it, as C expects.
unsafe impl<T> Send for SendPtr<T> {}
// SAFETY: as above; it is never dereferenced in Rust.
unsafe impl<T> Sync for SendPtr<T> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_lengths_are_checked() {
        // SAFETY: the pointers are NULL or point to the literal.
        unsafe {
            assert_eq!(try_str(std::ptr::null(), 0), Ok(None));
            assert_eq!(try_str(std::ptr::null(), 3), Err(JobsError::BadParameter));
            assert_eq!(try_str(c"abc".as_ptr(), 2), Ok(Some("ab")));
            assert_eq!(
                try_str(b"\xff".as_ptr().cast(), 1),
                Err(JobsError::BadParameter)
            );
            assert_eq!(required_str(c"".as_ptr(), 0), Err(JobsError::BadParameter));
            assert!(try_ref::<u32>(std::ptr::null()).is_err());
        }
    }

    #[test]
    fn panics_become_the_fallback() {
        assert_eq!(guard(7u32, || panic!("boom")), 7);
        assert_ne!(JOBS_PANIC, JobsError::BadParameter as u32);
        assert_ne!(MQTT_PANIC, IotMqttError::IOT_MQTT_BAD_PARAMETER);
        assert_eq!(guard(7u32, || 1), 1);
        assert!(job_state(8).is_err());
        assert!(qos(2).is_err());
    }
}
