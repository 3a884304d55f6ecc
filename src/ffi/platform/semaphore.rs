//! The counting semaphores of `platform/iot_threads.h`: `IotSemaphore_Create`, `Destroy`,
//! `GetCount`, `Wait`, `TryWait`, `TimedWait` and `Post`. An `IotSemaphore_t` is a `sem_t` in
//! the application's memory, used in place as v4's POSIX port did.
//!
//! Differences from v4, on purpose: `IotSemaphore_TimedWait` measures its timeout on the
//! monotonic clock (`sem_clockwait`), so setting the system time neither shortens nor stretches
//! it; a signal does not end a wait early; where v4 aborted the process (a failed destroy,
//! wait or post), these log one error line and return; NULL is refused (`false`, 0) or ignored.
//! As in v4 on POSIX, `maxValue` is only checked against `SEM_VALUE_MAX`: the count is not
//! capped at it.

use std::ffi::c_int;

use crate::ffi::boundary::guard;
use crate::ffi::platform::logging::report_error;
use crate::ffi::types::IotSemaphore_t;

/// The largest count a `sem_t` holds on Linux (glibc's `SEM_VALUE_MAX`, `INT_MAX`).
const SEM_VALUE_MAX: u32 = i32::MAX as u32;

extern "C" {
    /// glibc 2.30 and later: `sem_timedwait` against the given clock.
    fn sem_clockwait(
        sem: *mut libc::sem_t,
        clock: libc::clockid_t,
        abstime: *const libc::timespec,
    ) -> c_int;
}

fn errno() -> c_int {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// Calls `operation` again for as long as it fails with `EINTR`; its final result.
fn retry_interrupted(mut operation: impl FnMut() -> c_int) -> c_int {
    loop {
        let result = operation();
        if result == 0 || errno() != libc::EINTR {
            return result;
        }
    }
}

/// Initialises the semaphore at `pNewSemaphore` with count `initialValue`. Returns `false` for
/// NULL, a `maxValue` or `initialValue` above `SEM_VALUE_MAX` (2147483647), or if the system
/// refuses.
/// The semaphore's storage is the caller's; free what this sets up with `IotSemaphore_Destroy`. Any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_Create(
    pNewSemaphore: *mut IotSemaphore_t,
    initialValue: u32,
    maxValue: u32,
) -> bool {
    guard(false, || {
        if pNewSemaphore.is_null() || maxValue > SEM_VALUE_MAX || initialValue > SEM_VALUE_MAX {
            return false;
        }
        // SAFETY: non-NULL, and the caller gives a writable, uninitialised semaphore.
        unsafe { libc::sem_init(pNewSemaphore, 0, initialValue) == 0 }
    })
}

/// Runs `operation` (a semaphore call that sets `errno`) on `pSemaphore` unless it is NULL; a
/// failure is reported as "Failed to `what` semaphore".
fn on_semaphore(
    pSemaphore: *mut IotSemaphore_t,
    what: &str,
    operation: impl FnOnce(*mut libc::sem_t) -> c_int,
) {
    guard((), || {
        if !pSemaphore.is_null() && operation(pSemaphore) != 0 {
            let error = errno();
            report_error(
                "THREAD",
                format_args!("Failed to {what} semaphore {pSemaphore:p}. errno={error}."),
            );
        }
    })
}

/// Frees the semaphore, on which no thread may be waiting. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_Destroy(pSemaphore: *mut IotSemaphore_t) {
    // SAFETY: called with a non-NULL semaphore the caller made with Create.
    on_semaphore(pSemaphore, "destroy", |semaphore| unsafe {
        libc::sem_destroy(semaphore)
    });
}

/// The current count (0 for NULL).
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_GetCount(pSemaphore: *mut IotSemaphore_t) -> u32 {
    guard(0, || {
        if pSemaphore.is_null() {
            return 0;
        }
        let mut count: c_int = 0;
        // SAFETY: non-NULL, a semaphore made by Create; `count` is a local.
        if unsafe { libc::sem_getvalue(pSemaphore, &mut count) } != 0 {
            let error = errno();
            report_error(
                "THREAD",
                format_args!("Failed to read semaphore {pSemaphore:p}. errno={error}."),
            );
            return 0;
        }
        count.max(0) as u32
    })
}

/// Waits until the count is positive and decrements it. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_Wait(pSemaphore: *mut IotSemaphore_t) {
    on_semaphore(pSemaphore, "wait on", |semaphore| {
        // SAFETY: called with a non-NULL semaphore the caller made with Create.
        retry_interrupted(|| unsafe { libc::sem_wait(semaphore) })
    });
}

/// Decrements the count and returns `true` if it is positive; returns `false` at once if it is
/// 0 (or for NULL).
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_TryWait(pSemaphore: *mut IotSemaphore_t) -> bool {
    guard(false, || {
        // SAFETY: non-NULL (checked first), and the caller gives a semaphore made by Create.
        !pSemaphore.is_null() && retry_interrupted(|| unsafe { libc::sem_trywait(pSemaphore) }) == 0
    })
}

/// Waits up to `timeoutMs` milliseconds for the count to be positive, then decrements it and
/// returns `true`; returns `false` if the time runs out first (or for NULL). A timeout of 0
/// only tries.
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_TimedWait(
    pSemaphore: *mut IotSemaphore_t,
    timeoutMs: u32,
) -> bool {
    guard(false, || {
        if pSemaphore.is_null() {
            return false;
        }
        let mut deadline = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `clock_gettime` writes the local; CLOCK_MONOTONIC cannot fail on Linux.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut deadline) };
        let nanos = deadline.tv_nsec + i64::from(timeoutMs % 1000) * 1_000_000;
        deadline.tv_sec += i64::from(timeoutMs / 1000) + nanos / 1_000_000_000;
        deadline.tv_nsec = nanos % 1_000_000_000;
        // SAFETY: a semaphore made by Create and a local deadline on the same clock.
        retry_interrupted(|| unsafe { sem_clockwait(pSemaphore, libc::CLOCK_MONOTONIC, &deadline) })
            == 0
    })
}

/// Increments the count, waking one waiter. NULL is ignored; a count already at
/// `SEM_VALUE_MAX` stays there, with an error line.
#[no_mangle]
pub unsafe extern "C" fn IotSemaphore_Post(pSemaphore: *mut IotSemaphore_t) {
    // SAFETY: called with a non-NULL semaphore the caller made with Create.
    on_semaphore(pSemaphore, "post to", |semaphore| unsafe {
        libc::sem_post(semaphore)
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::MaybeUninit;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// A semaphore made by IotSemaphore_Create, destroyed on drop.
    struct Semaphore(Box<MaybeUninit<IotSemaphore_t>>);

    // SAFETY: a POSIX semaphore is made to be shared between threads.
    unsafe impl Send for Semaphore {}
    // SAFETY: as above.
    unsafe impl Sync for Semaphore {}

    impl Semaphore {
        fn new(initial: u32) -> Semaphore {
            let mut storage = Box::new(MaybeUninit::uninit());
            // SAFETY: a boxed, writable semaphore.
            assert!(unsafe { IotSemaphore_Create(storage.as_mut_ptr(), initial, 100) });
            Semaphore(storage)
        }
        fn ptr(&self) -> *mut IotSemaphore_t {
            self.0.as_ptr().cast_mut()
        }
    }

    impl Drop for Semaphore {
        fn drop(&mut self) {
            // SAFETY: created in `new`; no waiter is left when a test ends.
            unsafe { IotSemaphore_Destroy(self.ptr()) };
        }
    }

    #[test]
    fn try_wait_takes_exactly_the_count() {
        let semaphore = Semaphore::new(3);
        // SAFETY: the semaphore is live.
        unsafe {
            assert_eq!(IotSemaphore_GetCount(semaphore.ptr()), 3);
            assert!(IotSemaphore_TryWait(semaphore.ptr()));
            assert!(IotSemaphore_TryWait(semaphore.ptr()));
            assert!(IotSemaphore_TryWait(semaphore.ptr()));
            assert!(!IotSemaphore_TryWait(semaphore.ptr()));
            assert_eq!(IotSemaphore_GetCount(semaphore.ptr()), 0);
            IotSemaphore_Post(semaphore.ptr());
            assert_eq!(IotSemaphore_GetCount(semaphore.ptr()), 1);
            IotSemaphore_Wait(semaphore.ptr());
            assert_eq!(IotSemaphore_GetCount(semaphore.ptr()), 0);
        }
    }

    #[test]
    fn a_timed_wait_times_out_after_at_least_its_timeout() {
        let semaphore = Semaphore::new(0);
        let start = Instant::now();
        // SAFETY: the semaphore is live.
        assert!(!unsafe { IotSemaphore_TimedWait(semaphore.ptr(), 1050) });
        assert!(start.elapsed() >= Duration::from_millis(1050));
        // SAFETY: as above.
        assert!(!unsafe { IotSemaphore_TimedWait(semaphore.ptr(), 0) });
    }

    #[test]
    fn a_timed_wait_returns_when_another_thread_posts() {
        let semaphore = Arc::new(Semaphore::new(0));
        let poster = Arc::clone(&semaphore);
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(20));
            // SAFETY: the semaphore outlives the thread (joined below).
            unsafe { IotSemaphore_Post(poster.ptr()) };
        });
        // SAFETY: as above.
        assert!(unsafe { IotSemaphore_TimedWait(semaphore.ptr(), 60_000) });
        thread.join().unwrap();
        // SAFETY: as above.
        assert_eq!(unsafe { IotSemaphore_GetCount(semaphore.ptr()) }, 0);
    }

    #[test]
    fn bad_arguments_are_refused_or_ignored() {
        let mut storage = MaybeUninit::<IotSemaphore_t>::uninit();
        // SAFETY: NULL is checked first; the local is only written by a successful Create.
        unsafe {
            assert!(!IotSemaphore_Create(std::ptr::null_mut(), 0, 1));
            assert!(!IotSemaphore_Create(storage.as_mut_ptr(), 0, u32::MAX));
            assert!(!IotSemaphore_Create(storage.as_mut_ptr(), u32::MAX, 1));
            assert!(!IotSemaphore_TryWait(std::ptr::null_mut()));
            assert!(!IotSemaphore_TimedWait(std::ptr::null_mut(), 1));
            assert_eq!(IotSemaphore_GetCount(std::ptr::null_mut()), 0);
            IotSemaphore_Wait(std::ptr::null_mut());
            IotSemaphore_Post(std::ptr::null_mut());
            IotSemaphore_Destroy(std::ptr::null_mut());
        }
    }
}
