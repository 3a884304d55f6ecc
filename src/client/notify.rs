//! Notifications as a Rust program takes them: a callback ([`Client::on_notify_next`],
//! [`Client::on_notify_pending`]) or an iterator ([`Client::notify_next`],
//! [`Client::notify_pending`]). Either is a registration with the engine, which subscribes to
//! the notification topic for the first one and keeps the subscription across reconnects;
//! dropping the [`NotifySubscription`] (or the iterator) removes it. A notification that
//! cannot be read as the service's message is skipped. Callbacks run on the library's
//! callback thread, one at a time, and may call the client.
//!
//! [`Client::on_notify_next`]: super::Client::on_notify_next
//! [`Client::on_notify_pending`]: super::Client::on_notify_pending
//! [`Client::notify_next`]: super::Client::notify_next
//! [`Client::notify_pending`]: super::Client::notify_pending

use super::error::Error;
use crate::core::engine::{Engine, NotifyCallback, NotifyEvent};
use crate::core::topics::Notify;
use crate::core::JobsError;
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Weak};
use std::time::Duration;

/// The most notify registrations per thing and kind on one client.
const LIMIT: usize = 64;

static NEXT_KEY: AtomicUsize = AtomicUsize::new(1);

/// A notify callback's registration; dropping it removes the callback.
pub struct NotifySubscription {
    engine: Weak<Engine>,
    thing: String,
    kind: Notify,
    key: usize,
}

impl Drop for NotifySubscription {
    fn drop(&mut self) {
        if let Some(engine) = self.engine.upgrade() {
            let _ = engine.set_notify(&self.thing, self.kind, Some(self.key), None, LIMIT);
        }
    }
}

/// Registers `deliver` for the notifications of `kind` on `thing`, decoded as `T`.
pub(crate) fn register<T, F>(
    engine: &Arc<Engine>,
    thing: &str,
    kind: Notify,
    deliver: F,
) -> Result<NotifySubscription, Error>
where
    T: DeserializeOwned,
    F: Fn(T) + Send + Sync + 'static,
{
    let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
    let callback: NotifyCallback = Arc::new(move |event: &NotifyEvent<'_>| {
        if let Ok(message) = serde_json::from_slice::<T>(event.document) {
            deliver(message);
        }
    });
    engine
        .set_notify(thing, kind, None, Some((key, callback)), LIMIT)
        .map_err(|status| match status {
            JobsError::BadParameter => Error::InvalidRequest("not a valid thing name"),
            other => Error::from_outcome(other, None),
        })?;
    Ok(NotifySubscription {
        engine: Arc::downgrade(engine),
        thing: thing.to_owned(),
        kind,
        key,
    })
}

/// Notifications as an iterator: `next` blocks until one arrives and ends when the client
/// closes. Dropping it removes the registration.
pub struct Notifications<T> {
    // Declared first so that the registration goes before the receiver.
    _subscription: NotifySubscription,
    messages: Receiver<T>,
}

impl<T> Notifications<T> {
    pub(crate) fn new(subscription: NotifySubscription, messages: Receiver<T>) -> Self {
        Notifications {
            _subscription: subscription,
            messages,
        }
    }

    /// The next notification if one arrives within `timeout`; `Err(Error::Closed)` once the
    /// client closed.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Option<T>, Error> {
        match self.messages.recv_timeout(timeout) {
            Ok(message) => Ok(Some(message)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(Error::Closed),
        }
    }

    /// A notification already received, without waiting.
    pub fn try_next(&self) -> Option<T> {
        self.messages.try_recv().ok()
    }
}

impl<T> Iterator for Notifications<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        self.messages.recv().ok()
    }
}
