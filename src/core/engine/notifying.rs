//! The engine's side of notifications: adding, replacing and removing notify callbacks (with
//! the notification topic's subscription), and handing notifications to them on the callback
//! thread, coalesced to the newest per thing and kind (see `mailbox`).

use super::notify::{Change, Slot};
use super::{Engine, NotifyCallback, NotifyEvent};
use crate::core::panics::contain;
use crate::core::topics::{self, Notify};
use crate::core::transport::Qos;
use crate::core::{log, validate, JobsError};

impl Engine {
    /// A notification arrived: kept as the newest of its thing and kind, and a delivery queued
    /// unless one already waits. Nothing is kept for a thing and kind without callbacks.
    pub(super) fn on_notification(&self, thing: &str, kind: Notify, payload: &[u8]) {
        if self.notify.lock().count(thing, kind) == 0 {
            return;
        }
        if !self.mailbox.lock().post(thing, kind, payload.into()) {
            return;
        }
        let me = self.me.clone();
        let owned = thing.to_owned();
        let task = Box::new(move || {
            if let Some(engine) = me.upgrade() {
                engine.deliver_notification(&owned, kind);
            }
        });
        if !self.runtime.spawn(task) {
            self.mailbox.lock().take(thing, kind);
        }
    }

    /// On the callback thread: the newest notification of (`thing`, `kind`) to every callback
    /// registered now, in slot order. A panicking callback does not keep the others from
    /// theirs.
    fn deliver_notification(&self, thing: &str, kind: Notify) {
        let Some(document) = self.mailbox.lock().take(thing, kind) else {
            return;
        };
        let callbacks: Vec<NotifyCallback> = self.notify.lock().callbacks(thing, kind);
        let event = NotifyEvent {
            thing,
            kind,
            document: &document,
        };
        for callback in callbacks {
            contain("a notify callback", || callback(&event));
        }
    }

    /// Adds, replaces or removes a notify callback (see `notify` for the rules), subscribing
    /// to the notification topic for the first callback and unsubscribing after the last.
    pub fn set_notify(
        &self,
        thing: &str,
        kind: Notify,
        old_key: Option<usize>,
        new: Option<(usize, NotifyCallback)>,
        limit: usize,
    ) -> Result<(), JobsError> {
        validate::thing_name(thing)?;
        if self.is_closed() {
            return Err(JobsError::NotInitialized);
        }
        let new = new.map(|(key, callback)| Slot { key, callback });
        let _serial = self.notify_change.lock();
        let change = self
            .notify
            .lock()
            .plan(thing, kind, old_key, new.as_ref(), limit)?;
        let topic = topics::notify_topic(thing, kind);
        match change {
            Change::Subscribe => {
                self.transport
                    .subscribe(
                        &[topic.as_str()],
                        Qos::AtLeastOnce,
                        self.config.mqtt_timeout,
                    )
                    .map_err(|_| JobsError::MqttError)?;
            }
            Change::Unsubscribe => {
                if let Err(e) = self
                    .transport
                    .unsubscribe(&[topic.as_str()], self.config.mqtt_timeout)
                {
                    log::debug(&format!("unsubscribe from {topic} failed: {e}"));
                }
            }
            Change::None => {}
        }
        self.notify.lock().apply(thing, kind, old_key, new);
        Ok(())
    }
}
