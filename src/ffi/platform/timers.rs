//! The timers of `platform/iot_clock.h`: `IotClock_TimerCreate`, `IotClock_TimerArm` and
//! `IotClock_TimerDestroy`, over [`crate::core::platform_timers`].
//!
//! The application's `IotTimer_t` (the POSIX port's 24-byte `_IotSystemTimer_t`) holds the
//! service's key for the timer in its `timer` field, and the routine and argument in the other
//! two, as v4 did; the service keeps its own copy, so nothing is read back from the struct but
//! the key. A struct that was never created, or was destroyed, holds no valid key and every
//! call on it is refused (`false`) or does nothing.

use std::ffi::c_void;
use std::sync::Arc;
use std::time::Duration;

use crate::core::platform_timers::{Routine, TimerService};
use crate::ffi::boundary::{guard, SendPtr};
use crate::ffi::types::{IotThreadRoutine_t, IotTimer_t};

/// The key stored in `pTimer`, or `None` for NULL.
///
/// # Safety
/// `pTimer` is NULL or points to a readable `IotTimer_t`.
unsafe fn key_of(pTimer: *const IotTimer_t) -> Option<u64> {
    // SAFETY: the caller's contract; the field is a plain pointer-sized value.
    unsafe { pTimer.as_ref() }.map(|timer| timer.timer as usize as u64)
}

/// Creates an unarmed timer in `*pNewTimer` that runs `expirationRoutine(pArgument)` on a
/// detached thread of its own at each expiry. One run at a time: an expiry that comes while
/// the routine still runs waits for it. Returns `false` for a NULL timer or routine, or if the
/// timer thread cannot be started. Destroy the timer with `IotClock_TimerDestroy`.
/// The timer's storage and `pArgument` are the caller's until `IotClock_TimerDestroy` returns. Any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn IotClock_TimerCreate(
    pNewTimer: *mut IotTimer_t,
    expirationRoutine: IotThreadRoutine_t,
    pArgument: *mut c_void,
) -> bool {
    guard(false, || {
        let Some(function) = expirationRoutine else {
            return false;
        };
        if pNewTimer.is_null() {
            return false;
        }
        let argument = SendPtr(pArgument);
        let routine: Routine = Arc::new(move || {
            // SAFETY: the application's routine with its own argument, as it asked.
            unsafe { function(argument.get()) }
        });
        let Some(key) = TimerService::global().create(routine) else {
            return false;
        };
        // SAFETY: non-NULL, and the caller gives a writable `IotTimer_t`.
        unsafe {
            (*pNewTimer).timer = key as usize as libc::timer_t;
            (*pNewTimer).pArgument = pArgument;
            (*pNewTimer).threadRoutine = expirationRoutine;
        }
        true
    })
}

/// Stops the timer, waits for a run of its routine in progress (unless called from that
/// routine), and frees it: after this returns the routine is never called again. Accepts NULL
/// and a timer already destroyed (nothing happens).
#[no_mangle]
pub unsafe extern "C" fn IotClock_TimerDestroy(pTimer: *mut IotTimer_t) {
    guard((), || {
        // SAFETY: the caller gives NULL or a valid `IotTimer_t`.
        let Some(key) = (unsafe { key_of(pTimer) }) else {
            return;
        };
        if TimerService::global().destroy(key) {
            // SAFETY: as above; the key is cleared so that the struct names no timer.
            unsafe { (*pTimer).timer = std::ptr::null_mut() };
        }
    })
}

/// Arms the timer to expire `relativeTimeoutMs` from now (0: at once), then every `periodMs`
/// (0: once). Arming an armed timer replaces its schedule. Returns `false` for NULL or a timer
/// that was not created or was destroyed.
/// Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotClock_TimerArm(
    pTimer: *mut IotTimer_t,
    relativeTimeoutMs: u32,
    periodMs: u32,
) -> bool {
    guard(false, || {
        // SAFETY: the caller gives NULL or a valid `IotTimer_t`.
        let Some(key) = (unsafe { key_of(pTimer) }) else {
            return false;
        };
        TimerService::global().arm(
            key,
            Duration::from_millis(u64::from(relativeTimeoutMs)),
            Some(Duration::from_millis(u64::from(periodMs))),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::MaybeUninit;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    unsafe extern "C" fn count(argument: *mut c_void) {
        // SAFETY: the tests pass a pointer to a live AtomicUsize.
        unsafe { &*argument.cast::<AtomicUsize>() }.fetch_add(1, Ordering::SeqCst);
    }

    fn wait_for(counter: &AtomicUsize, at_least: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while counter.load(Ordering::SeqCst) < at_least && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(counter.load(Ordering::SeqCst) >= at_least);
    }

    #[test]
    fn create_arm_fire_and_destroy_through_the_c_functions() {
        static FIRED: AtomicUsize = AtomicUsize::new(0);
        let mut timer = MaybeUninit::<IotTimer_t>::zeroed();
        let argument = std::ptr::from_ref(&FIRED).cast_mut().cast();
        // SAFETY: the timer is a local that outlives its use; the argument is a static.
        unsafe {
            assert!(IotClock_TimerCreate(
                timer.as_mut_ptr(),
                Some(count),
                argument
            ));
            assert_eq!((*timer.as_ptr()).pArgument, argument);
            assert!(IotClock_TimerArm(timer.as_mut_ptr(), 0, 1));
            wait_for(&FIRED, 3);
            IotClock_TimerDestroy(timer.as_mut_ptr());
            let after = FIRED.load(Ordering::SeqCst);
            std::thread::sleep(Duration::from_millis(30));
            assert_eq!(FIRED.load(Ordering::SeqCst), after);
            // Destroyed: arming is refused and destroying again does nothing.
            assert!(!IotClock_TimerArm(timer.as_mut_ptr(), 0, 0));
            IotClock_TimerDestroy(timer.as_mut_ptr());
        }
    }

    #[test]
    fn null_and_garbage_timers_are_refused() {
        let mut garbage = MaybeUninit::<IotTimer_t>::zeroed();
        // SAFETY: NULL is checked; the garbage timer is a zeroed local.
        unsafe {
            (*garbage.as_mut_ptr()).timer = 0xdead_beef_usize as libc::timer_t;
            assert!(!IotClock_TimerCreate(
                std::ptr::null_mut(),
                Some(count),
                std::ptr::null_mut()
            ));
            assert!(!IotClock_TimerCreate(
                garbage.as_mut_ptr(),
                None,
                std::ptr::null_mut()
            ));
            assert!(!IotClock_TimerArm(std::ptr::null_mut(), 1, 1));
            assert!(!IotClock_TimerArm(garbage.as_mut_ptr(), 1, 1));
            IotClock_TimerDestroy(std::ptr::null_mut());
            IotClock_TimerDestroy(garbage.as_mut_ptr());
        }
    }
}
