//! `AwsIotJobs_SetNotifyPendingCallback` and `AwsIotJobs_SetNotifyNextCallback`.
//!
//! Ownership: the callback info is copied; the context pointer in it must stay valid until the
//! callback is removed or the library cleaned up. Callbacks run on the library's callback
//! thread; the document they receive is the raw message, valid during the call only.

use crate::core::topics::Notify;
use crate::core::JobsError;
use crate::ffi::boundary::{code, guard, required_str, try_ref, JOBS_PANIC};
use crate::ffi::jobs::callbacks::{notify_callback, CCallback};
use crate::ffi::jobs::library;
use crate::ffi::types::{AwsIotJobsCallbackInfo_t, AwsIotJobsError_t, IotMqttConnection_t};
use std::ffi::c_char;

/// # Safety
/// The pointers are NULL or valid for the call.
unsafe fn set(
    kind: Notify,
    connection: IotMqttConnection_t,
    thing: *const c_char,
    thing_length: usize,
    info: *const AwsIotJobsCallbackInfo_t,
) -> Result<JobsError, JobsError> {
    let lib = library::get()?;
    // SAFETY: forwarded contract.
    let thing = unsafe { required_str(thing, thing_length) }?;
    // SAFETY: forwarded contract.
    let info = unsafe { try_ref(info) }?;
    if info.function.is_none() && info.oldFunction.is_none() {
        return Err(JobsError::BadParameter);
    }
    let engine = lib.engine(connection)?;
    let old_key = info.oldFunction.map(|f| f as usize);
    let new =
        CCallback::from_info(info).map(|c| (c.function as usize, notify_callback(c, connection)));
    engine
        .set_notify(thing, kind, old_key, new, library::notify_limit())
        .map(|_| JobsError::Success)
}

/// Adds, replaces or removes a notify-pending callback of a thing. `oldFunction` NULL adds
/// `function` (at most `AwsIotJobs_SetNotifyCallbackLimit` per thing, default 4, else
/// `AWS_IOT_JOBS_NO_MEMORY`); `oldFunction` set replaces it with `function`, or removes it when
/// `function` is NULL; an `oldFunction` that is not registered for this thing is
/// `AWS_IOT_JOBS_BAD_PARAMETER`. `flags` is reserved. Subscribes to the notify topic for the first
/// callback and unsubscribes after the last.
///
/// Callbacks run on the library's callback thread with the raw message, valid during the call.
/// Notifications of one thing and kind coalesce to the newest: one that arrives while an older
/// one still waits for the callback thread replaces it (only the latest list, or the latest
/// head of the queue, matters to a device), so a slow callback never makes the library hold
/// more than one message per thing and kind.
/// Ownership: the callback info is copied; its `pCallbackContext` must stay valid until the
/// callback is removed, its connection closes or `AwsIotJobs_Cleanup`. Any thread, Jobs callbacks
/// included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_SetNotifyPendingCallback(
    mqttConnection: IotMqttConnection_t,
    pThingName: *const c_char,
    thingNameLength: usize,
    flags: u32,
    pNotifyPendingCallback: *const AwsIotJobsCallbackInfo_t,
) -> AwsIotJobsError_t {
    let _ = flags;
    // SAFETY: the v4 pointer contract.
    guard(JOBS_PANIC, || {
        code(unsafe {
            set(
                Notify::Pending,
                mqttConnection,
                pThingName,
                thingNameLength,
                pNotifyPendingCallback,
            )
        })
    })
}

/// As `AwsIotJobs_SetNotifyPendingCallback`, for notify-next messages (coalesced to the newest
/// in the same way).
/// Same ownership and threads. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_SetNotifyNextCallback(
    mqttConnection: IotMqttConnection_t,
    pThingName: *const c_char,
    thingNameLength: usize,
    flags: u32,
    pNotifyNextCallback: *const AwsIotJobsCallbackInfo_t,
) -> AwsIotJobsError_t {
    let _ = flags;
    // SAFETY: the v4 pointer contract.
    guard(JOBS_PANIC, || {
        code(unsafe {
            set(
                Notify::Next,
                mqttConnection,
                pThingName,
                thingNameLength,
                pNotifyNextCallback,
            )
        })
    })
}
