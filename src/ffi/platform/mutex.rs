//! The mutexes of `platform/iot_threads.h`: `IotMutex_Create`, `Destroy`, `Lock`, `TryLock` and
//! `Unlock`. An `IotMutex_t` is a `pthread_mutex_t` in the application's memory, used in place
//! exactly as v4's POSIX port did (default type, or `PTHREAD_MUTEX_RECURSIVE` on request), so a
//! mutex is the same object whichever library's functions handle it.
//!
//! Where v4 aborted the process on a failed destroy, lock or unlock, these log one error line
//! and return; NULL is refused (`false`) or ignored.

use std::ffi::c_int;

use crate::ffi::boundary::guard;
use crate::ffi::platform::logging::report_error;
use crate::ffi::types::IotMutex_t;

/// Initialises the mutex at `pNewMutex`, unlocked. With `recursive` the thread holding it may
/// lock it again (and must unlock it as many times); without, locking it again deadlocks, as in
/// v4. Returns `false` for NULL or if the system refuses.
/// The mutex's storage is the caller's; free what this sets up with `IotMutex_Destroy`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMutex_Create(pNewMutex: *mut IotMutex_t, recursive: bool) -> bool {
    guard(false, || {
        if pNewMutex.is_null() {
            return false;
        }
        // SAFETY: the attributes are a local initialised before use and destroyed after;
        // `pNewMutex` is non-NULL and points to the caller's uninitialised mutex.
        unsafe {
            let mut attributes: libc::pthread_mutexattr_t = std::mem::zeroed();
            if libc::pthread_mutexattr_init(&mut attributes) != 0 {
                return false;
            }
            let kind = if recursive {
                libc::PTHREAD_MUTEX_RECURSIVE
            } else {
                libc::PTHREAD_MUTEX_DEFAULT
            };
            let created = libc::pthread_mutexattr_settype(&mut attributes, kind) == 0
                && libc::pthread_mutex_init(pNewMutex, &attributes) == 0;
            libc::pthread_mutexattr_destroy(&mut attributes);
            created
        }
    })
}

/// Runs `operation` (a pthread mutex call) on `pMutex` unless it is NULL; a failure is reported
/// as "Failed to `what` mutex".
fn on_mutex(
    pMutex: *mut IotMutex_t,
    what: &str,
    operation: unsafe extern "C" fn(*mut libc::pthread_mutex_t) -> c_int,
) {
    guard((), || {
        if pMutex.is_null() {
            return;
        }
        // SAFETY: non-NULL, and the caller gives a mutex made by IotMutex_Create.
        let error = unsafe { operation(pMutex) };
        if error != 0 {
            report_error(
                "THREAD",
                format_args!("Failed to {what} mutex {pMutex:p}. errno={error}."),
            );
        }
    })
}

/// Frees the mutex, which must be unlocked. NULL is ignored; a locked mutex is left as it is,
/// with an error line.
#[no_mangle]
pub unsafe extern "C" fn IotMutex_Destroy(pMutex: *mut IotMutex_t) {
    on_mutex(pMutex, "destroy", libc::pthread_mutex_destroy);
}

/// Locks the mutex, waiting as long as it takes. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn IotMutex_Lock(pMutex: *mut IotMutex_t) {
    on_mutex(pMutex, "lock", libc::pthread_mutex_lock);
}

/// Locks the mutex if it is free (or, if recursive, held by this thread) and returns `true`;
/// otherwise returns `false` at once. `false` for NULL.
#[no_mangle]
pub unsafe extern "C" fn IotMutex_TryLock(pMutex: *mut IotMutex_t) -> bool {
    guard(false, || {
        // SAFETY: non-NULL (checked first), and the caller gives a mutex made by IotMutex_Create.
        !pMutex.is_null() && unsafe { libc::pthread_mutex_trylock(pMutex) } == 0
    })
}

/// Unlocks the mutex, which this thread must hold. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn IotMutex_Unlock(pMutex: *mut IotMutex_t) {
    on_mutex(pMutex, "unlock", libc::pthread_mutex_unlock);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::MaybeUninit;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;

    /// A mutex made by IotMutex_Create, destroyed on drop.
    struct Mutex(Box<MaybeUninit<IotMutex_t>>);

    // SAFETY: a pthread mutex is made to be shared between threads.
    unsafe impl Send for Mutex {}
    // SAFETY: as above.
    unsafe impl Sync for Mutex {}

    impl Mutex {
        fn new(recursive: bool) -> Mutex {
            let mut storage = Box::new(MaybeUninit::uninit());
            // SAFETY: a boxed, writable mutex.
            assert!(unsafe { IotMutex_Create(storage.as_mut_ptr(), recursive) });
            Mutex(storage)
        }
        fn ptr(&self) -> *mut IotMutex_t {
            self.0.as_ptr().cast_mut()
        }
    }

    impl Drop for Mutex {
        fn drop(&mut self) {
            // SAFETY: created in `new`, unlocked by every test before it ends.
            unsafe { IotMutex_Destroy(self.ptr()) };
        }
    }

    #[test]
    fn try_lock_fails_while_another_thread_holds_it() {
        let mutex = Arc::new(Mutex::new(false));
        // SAFETY: the mutex is live for the whole test.
        unsafe { IotMutex_Lock(mutex.ptr()) };
        let other = Arc::clone(&mutex);
        // SAFETY: as above.
        let taken = std::thread::spawn(move || unsafe { IotMutex_TryLock(other.ptr()) })
            .join()
            .unwrap();
        assert!(!taken);
        // SAFETY: as above; this thread holds it.
        unsafe { IotMutex_Unlock(mutex.ptr()) };
        let other = Arc::clone(&mutex);
        // SAFETY: as above.
        let taken = std::thread::spawn(move || unsafe {
            let taken = IotMutex_TryLock(other.ptr());
            if taken {
                IotMutex_Unlock(other.ptr());
            }
            taken
        })
        .join()
        .unwrap();
        assert!(taken);
    }

    #[test]
    fn a_recursive_mutex_can_be_taken_twice_by_its_holder_only() {
        let recursive = Arc::new(Mutex::new(true));
        let plain = Mutex::new(false);
        // SAFETY: both mutexes are live; every lock is unlocked before the end.
        unsafe {
            IotMutex_Lock(recursive.ptr());
            assert!(IotMutex_TryLock(recursive.ptr()));
            let other = Arc::clone(&recursive);
            assert!(!std::thread::spawn(move || IotMutex_TryLock(other.ptr()))
                .join()
                .unwrap());
            IotMutex_Unlock(recursive.ptr());
            IotMutex_Unlock(recursive.ptr());

            IotMutex_Lock(plain.ptr());
            assert!(!IotMutex_TryLock(plain.ptr()));
            IotMutex_Unlock(plain.ptr());
        }
    }

    #[test]
    fn the_mutex_excludes() {
        let mutex = Arc::new(Mutex::new(false));
        let inside = Arc::new(AtomicBool::new(false));
        let overlaps = Arc::new(AtomicBool::new(false));
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (mutex, inside, overlaps) = (mutex.clone(), inside.clone(), overlaps.clone());
                std::thread::spawn(move || {
                    for _ in 0..2000 {
                        // SAFETY: the mutex outlives the workers.
                        unsafe { IotMutex_Lock(mutex.ptr()) };
                        if inside.swap(true, Ordering::SeqCst) {
                            overlaps.store(true, Ordering::SeqCst);
                        }
                        inside.store(false, Ordering::SeqCst);
                        // SAFETY: as above.
                        unsafe { IotMutex_Unlock(mutex.ptr()) };
                    }
                })
            })
            .collect();
        for worker in workers {
            worker.join().unwrap();
        }
        assert!(!overlaps.load(Ordering::SeqCst));
    }

    #[test]
    fn null_is_refused_or_ignored() {
        // SAFETY: NULL is checked before any use.
        unsafe {
            assert!(!IotMutex_Create(std::ptr::null_mut(), false));
            assert!(!IotMutex_TryLock(std::ptr::null_mut()));
            IotMutex_Lock(std::ptr::null_mut());
            IotMutex_Unlock(std::ptr::null_mut());
            IotMutex_Destroy(std::ptr::null_mut());
        }
    }
}
