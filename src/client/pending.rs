//! The non-blocking form of a call: a [`PendingReply`] is an operation in flight. Poll it with
//! [`PendingReply::try_take`] or block on it with [`PendingReply::wait`]; it completes exactly
//! once (reply, rejection or timeout), and dropping it unanswered withdraws the operation.

use super::error::Error;
use crate::core::engine::{Engine, OpId, Outcome, Waiter};
use crate::core::JobsError;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long past its deadline a waiter sleeps for the engine's own timeout.
const GRACE: Duration = Duration::from_secs(1);

/// An operation in flight whose reply will be a `T`.
#[must_use = "dropping a PendingReply withdraws its operation"]
pub struct PendingReply<T> {
    engine: Arc<Engine>,
    id: OpId,
    waiter: Arc<Waiter>,
    deadline: Instant,
    done: bool,
    reply: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> PendingReply<T> {
    pub(crate) fn new(
        engine: Arc<Engine>,
        id: OpId,
        waiter: Arc<Waiter>,
        deadline: Instant,
    ) -> PendingReply<T> {
        PendingReply {
            engine,
            id,
            waiter,
            deadline,
            done: false,
            reply: PhantomData,
        }
    }

    /// The outcome if it arrived; `None` while the operation is in flight (and after the
    /// outcome was taken once).
    pub fn try_take(&mut self) -> Option<Result<T, Error>> {
        if self.done {
            return None;
        }
        let outcome = self.waiter.try_take()?;
        self.done = true;
        Some(decode(outcome))
    }

    /// Blocks until the reply, the rejection or the timeout.
    pub fn wait(mut self) -> Result<T, Error> {
        if self.done {
            return Err(Error::Closed);
        }
        let outcome = self.waiter.wait_until(self.deadline + GRACE);
        self.done = true;
        match outcome {
            Some(outcome) => decode(outcome),
            None => {
                self.engine.cancel(self.id);
                Err(Error::Timeout)
            }
        }
    }
}

impl<T> Drop for PendingReply<T> {
    fn drop(&mut self) {
        if !self.done {
            self.engine.cancel(self.id);
        }
    }
}

/// A typed reply, or the error of the outcome.
fn decode<T: DeserializeOwned>(outcome: Outcome) -> Result<T, Error> {
    match (outcome.status, outcome.document) {
        (JobsError::Success, Some(document)) => {
            serde_json::from_slice(&document).map_err(|e| Error::BadResponse(e.to_string()))
        }
        (JobsError::Success, None) => Err(Error::BadResponse("an empty reply".into())),
        (status, document) => Err(Error::from_outcome(status, document.as_deref())),
    }
}
