//! `Iot_CreateDetachedThread` of `platform/iot_threads.h`: a thread that runs one routine and
//! cleans up after itself. Mutexes and semaphores, the rest of that header, are in `mutex.rs`
//! and `semaphore.rs`.

use std::ffi::c_void;

use crate::ffi::boundary::{guard, SendPtr};
use crate::ffi::types::{
    IotThreadRoutine_t, IOT_THREAD_IGNORE_PRIORITY, IOT_THREAD_IGNORE_STACK_SIZE,
};

/// Whether a priority can be honoured. Threads are created with the default scheduling policy,
/// whose only priority is 0 (`SCHED_OTHER`); v4's POSIX port failed on any other value, as here.
fn priority_supported(priority: i32) -> bool {
    priority == IOT_THREAD_IGNORE_PRIORITY || priority == 0
}

/// Starts a detached thread running `threadRoutine(pArgument)`; the thread ends when the routine
/// returns. `priority` must be `IOT_THREAD_DEFAULT_PRIORITY` / `IOT_THREAD_IGNORE_PRIORITY` (-1)
/// or 0, and `stackSize` 0 (the system's default) or at least `PTHREAD_STACK_MIN` (16384):
/// otherwise, for a NULL routine, or if the system cannot start a thread, nothing is started
/// and this returns `false`.
/// `pArgument` stays the caller's: the routine, on the new thread, is its only user. Any thread.
#[no_mangle]
pub unsafe extern "C" fn Iot_CreateDetachedThread(
    threadRoutine: IotThreadRoutine_t,
    pArgument: *mut c_void,
    priority: i32,
    stackSize: usize,
) -> bool {
    guard(false, || {
        let Some(routine) = threadRoutine else {
            return false;
        };
        if !priority_supported(priority) {
            return false;
        }
        let mut builder = std::thread::Builder::new();
        if stackSize != IOT_THREAD_IGNORE_STACK_SIZE {
            if stackSize < libc::PTHREAD_STACK_MIN {
                return false;
            }
            builder = builder.stack_size(stackSize);
        }
        let argument = SendPtr(pArgument);
        builder
            .spawn(move || {
                // SAFETY: the application's routine with its own argument, as it asked.
                unsafe { routine(argument.get()) }
            })
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    unsafe extern "C" fn report(argument: *mut c_void) {
        // SAFETY: the test passes a leaked Box<Sender<usize>>; taken back once here.
        let sender = unsafe { Box::from_raw(argument.cast::<mpsc::Sender<usize>>()) };
        let on_stack = 0u8;
        let _ = sender.send(std::ptr::from_ref(&on_stack) as usize);
    }

    fn start(priority: i32, stack: usize) -> Option<usize> {
        let (tx, rx) = mpsc::channel();
        let argument = Box::into_raw(Box::new(tx)).cast();
        // SAFETY: `report` takes the box back exactly once, and only if the thread starts.
        if !unsafe { Iot_CreateDetachedThread(Some(report), argument, priority, stack) } {
            // SAFETY: not started, so the box is still ours.
            drop(unsafe { Box::from_raw(argument.cast::<mpsc::Sender<usize>>()) });
            return None;
        }
        Some(
            rx.recv_timeout(std::time::Duration::from_secs(10))
                .expect("the thread ran"),
        )
    }

    #[test]
    fn detached_threads_run_with_default_or_given_stacks() {
        let here = 0u8;
        let other = start(IOT_THREAD_IGNORE_PRIORITY, 0).unwrap();
        assert_ne!(other, std::ptr::from_ref(&here) as usize);
        assert!(start(0, 64 * 1024).is_some());
    }

    #[test]
    fn unsupported_settings_start_nothing() {
        assert_eq!(start(5, 0), None);
        assert_eq!(start(-2, 0), None);
        assert_eq!(start(IOT_THREAD_IGNORE_PRIORITY, 1024), None);
        // SAFETY: a NULL routine is refused before anything runs.
        assert!(!unsafe { Iot_CreateDetachedThread(None, std::ptr::null_mut(), -1, 0) });
    }
}
