//! The slot a waitable operation's outcome lands in, and the condition variable its waiter
//! sleeps on.

use super::Outcome;
use parking_lot::{Condvar, Mutex};
use std::sync::Arc;
use std::time::Instant;

/// Where a waitable operation's outcome is delivered.
#[derive(Default)]
pub struct Waiter {
    slot: Mutex<Option<Outcome>>,
    ready: Condvar,
}

impl Waiter {
    pub fn new() -> Arc<Waiter> {
        Arc::new(Waiter::default())
    }

    pub(crate) fn complete(&self, outcome: Outcome) {
        let mut slot = self.slot.lock();
        if slot.is_none() {
            *slot = Some(outcome);
        }
        self.ready.notify_all();
    }

    /// Sleeps until the outcome arrives or `deadline` passes; takes the outcome.
    pub fn wait_until(&self, deadline: Instant) -> Option<Outcome> {
        let mut slot = self.slot.lock();
        while slot.is_none() {
            if self.ready.wait_until(&mut slot, deadline).timed_out() {
                break;
            }
        }
        slot.take()
    }

    /// Takes the outcome if it already arrived.
    pub fn try_take(&self) -> Option<Outcome> {
        self.slot.lock().take()
    }
}
