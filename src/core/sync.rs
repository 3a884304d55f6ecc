//! The locks and condition variables of `core`, from one place so that a model checker can stand
//! in for them.
//!
//! Normally these are `parking_lot`'s. Built with the `loom` feature they are `loom`'s, behind
//! the same small API (a `lock` that cannot fail, a `wait` that takes the guard by `&mut`), so
//! that `tests/loom_lifecycle.rs` explores every interleaving of the callback queue and of an
//! engine's operation table under Cleanup. Only the loom test may be built with that feature:
//! loom's types work inside `loom::model` and nowhere else.

#[cfg(not(feature = "loom"))]
pub use parking_lot::{Condvar, Mutex, MutexGuard};
#[cfg(not(feature = "loom"))]
pub use std::sync::atomic::AtomicBool;
#[cfg(not(feature = "loom"))]
pub use std::thread_local;

#[cfg(feature = "loom")]
pub use self::modelled::{Condvar, Mutex, MutexGuard};
#[cfg(feature = "loom")]
pub use loom::sync::atomic::AtomicBool;
#[cfg(feature = "loom")]
pub use loom::thread_local;

#[cfg(feature = "loom")]
mod modelled {
    /// A loom mutex with `parking_lot`'s signature.
    pub struct Mutex<T>(loom::sync::Mutex<T>);

    /// The guard of [`Mutex`]; an `Option` inside so that [`Condvar::wait`] can take it by
    /// `&mut` as `parking_lot` does.
    pub struct MutexGuard<'a, T>(Option<loom::sync::MutexGuard<'a, T>>);

    impl<T> Mutex<T> {
        pub fn new(value: T) -> Mutex<T> {
            Mutex(loom::sync::Mutex::new(value))
        }

        pub fn lock(&self) -> MutexGuard<'_, T> {
            MutexGuard(Some(self.0.lock().expect("a loom mutex is never poisoned")))
        }

        pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
            self.0.try_lock().ok().map(|guard| MutexGuard(Some(guard)))
        }
    }

    impl<T> std::ops::Deref for MutexGuard<'_, T> {
        type Target = T;
        fn deref(&self) -> &T {
            self.0.as_ref().expect("held")
        }
    }

    impl<T> std::ops::DerefMut for MutexGuard<'_, T> {
        fn deref_mut(&mut self) -> &mut T {
            self.0.as_mut().expect("held")
        }
    }

    /// A loom condition variable with `parking_lot`'s `wait`. Timed waits are not modelled;
    /// code under the model never uses them.
    pub struct Condvar(loom::sync::Condvar);

    impl Default for Condvar {
        fn default() -> Condvar {
            Condvar::new()
        }
    }

    impl Condvar {
        pub fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
            let inner = guard.0.take().expect("held");
            guard.0 = Some(self.0.wait(inner).expect("a loom mutex is never poisoned"));
        }

        pub fn notify_one(&self) {
            self.0.notify_one();
        }

        pub fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}
