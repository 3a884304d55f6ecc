//! The engine's side of reply subscriptions: taking one for an operation (subscribing the
//! thing's reply filters on its first use), giving it back, unsubscribing what lingered too long
//! or too many (on the callback thread, never on the caller's or the receive thread), and
//! `RemovePersistentSubscriptions`. The bookkeeping itself is `subscriptions::SubTable`.

use super::subscriptions::Acquire;
use super::{Engine, ReplyKey};
use crate::core::topics::{self, Operation};
use crate::core::transport::{Qos, TransportError};
use crate::core::{log, validate, JobsError};
use std::time::Instant;

impl Engine {
    /// Makes sure the replies of `thing` reach us: takes a reference on its reply
    /// subscription, subscribing first if it has none. True when a reference was taken (release
    /// it with the operation); false in awsIotMqttMode when the broker refused the subscription
    /// (AWS IoT delivers the reply to its requester anyway).
    pub(super) fn acquire_subscription(
        &self,
        thing: &str,
        operation: Operation,
        keep: bool,
    ) -> Result<bool, JobsError> {
        let mut subs = self.subs.lock();
        loop {
            if self.is_closed() {
                return Err(JobsError::NotInitialized);
            }
            match subs.acquire(thing, operation, keep) {
                Acquire::Ready => return Ok(true),
                Acquire::Refused => return Ok(false),
                Acquire::Wait => {
                    self.subs_changed.wait(&mut subs);
                }
                Acquire::MustSubscribe => break,
            }
        }
        drop(subs);
        let filters = topics::reply_filters(thing);
        let refs = filters.each_ref().map(String::as_str);
        let result = self
            .transport
            .subscribe(&refs, Qos::AtLeastOnce, self.config.mqtt_timeout);
        let evicted = {
            let mut subs = self.subs.lock();
            subs.subscribed(thing, result.is_ok(), operation, keep);
            self.subs_changed.notify_all();
            // A new thing may take the table over its bound: a lingering one makes room.
            if subs.over(&self.bounds) {
                subs.evictions(Instant::now(), &self.bounds)
            } else {
                Vec::new()
            }
        };
        self.unsubscribe_later(evicted);
        match result {
            Ok(()) => Ok(true),
            Err(e) if self.transport.is_aws_iot() => {
                let until = Instant::now() + self.config.linger_idle;
                self.subs.lock().remember_refusal(thing, until);
                log::warn(&format!(
                    "subscribing to the replies of {thing} failed ({e}); going on without: \
                     AWS IoT delivers replies to their requester"
                ));
                Ok(false)
            }
            Err(e) => {
                log::debug(&format!("subscribe to {} failed: {e}", filters[0]));
                Err(JobsError::MqttError)
            }
        }
    }

    pub(super) fn release_subscription(&self, key: &ReplyKey, subscribed: bool) {
        if !subscribed {
            return;
        }
        let now = Instant::now();
        let evicted = {
            let mut subs = self.subs.lock();
            subs.release(key.thing(), now);
            if subs.over(&self.bounds) {
                subs.evictions(now, &self.bounds)
            } else {
                Vec::new()
            }
        };
        self.unsubscribe_later(evicted);
    }

    /// Unsubscribes things on the callback thread (the caller may be the receive thread).
    pub(super) fn unsubscribe_later(&self, things: Vec<String>) {
        if things.is_empty() {
            return;
        }
        let me = self.me.clone();
        let task = Box::new(move || {
            if let Some(engine) = me.upgrade() {
                engine.unsubscribe_now(&things);
            }
        });
        if !self.runtime.spawn(task) {
            let mut subs = self.subs.lock();
            subs.clear();
            self.subs_changed.notify_all();
        }
    }

    fn unsubscribe_replies(&self, thing: &str) -> Result<(), TransportError> {
        let filters = topics::reply_filters(thing);
        let refs = filters.each_ref().map(String::as_str);
        let result = self.transport.unsubscribe(&refs, self.config.mqtt_timeout);
        if let Err(e) = &result {
            log::debug(&format!("unsubscribe from {} failed: {e}", filters[0]));
        }
        result
    }

    fn unsubscribe_now(&self, things: &[String]) {
        for thing in things {
            if !self.subs.lock().begin_unsubscribe(thing) {
                continue;
            }
            let filters = topics::reply_filters(thing);
            let refs = filters.each_ref().map(String::as_str);
            self.transport
                .unsubscribe_queued(&refs, self.config.mqtt_timeout);
            self.subs.lock().unsubscribed(thing);
            self.subs_changed.notify_all();
        }
    }

    /// `AwsIotJobs_RemovePersistentSubscriptions`: drops the kept reply subscriptions of
    /// `thing` for `operations` (and lingering ones). One still in use loses its persistent
    /// mark and, after its last operation, lingers like any unused subscription (bounded by
    /// `linger_max` and `linger_idle`). Blocks until the unsubscribes are acknowledged.
    pub fn remove_persistent_subscriptions(
        &self,
        thing: &str,
        operations: &[Operation],
    ) -> Result<(), JobsError> {
        validate::thing_name(thing)?;
        if self.is_closed() {
            return Err(JobsError::NotInitialized);
        }
        let chosen = self.subs.lock().remove_persistent(thing, operations);
        let Some(thing) = chosen else {
            return Ok(());
        };
        let result = self.unsubscribe_replies(&thing);
        self.subs.lock().unsubscribed(&thing);
        self.subs_changed.notify_all();
        result.map_err(|_| JobsError::MqttError)
    }
}
