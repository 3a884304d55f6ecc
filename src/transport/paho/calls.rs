//! The calls a [`PahoTransport`] makes over its link: subscribing and unsubscribing on behalf
//! of the Jobs engine or the application, publishing (waiting for the PUBACK, or handed to
//! Paho and watched by `acks`), and the port's [`Transport`] on top of them. Each waits for the
//! link and, if the link drops under it, tries again on the next one while its time remains
//! (`PahoTransport::with_link`); the link itself is kept in `connection`.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use paho_mqtt as paho;

use super::acks::Resend;
use super::connection::{PahoTransport, POLL};
use super::sent::Sent;
use super::settings::{classify, paho_qos};
use super::subscriptions::{per_request, subscribe_chunk, Holder};
use crate::core::transport::{PublishFailed, Qos, Transport, TransportError};
use crate::ffi::mqtt::paho_send;

impl PahoTransport {
    /// The QoS a filter is subscribed with and whether the application holds it; `None` if
    /// nobody holds it.
    pub fn subscription(&self, filter: &str) -> Option<(Qos, bool)> {
        self.subs.subscription(filter)
    }

    /// The QoS of a Jobs subscription whose filter delivers `topic` (a topic name, no
    /// wildcards): the Jobs engine subscribes to a thing's replies with wildcard filters, and a
    /// v4 application may ask whether one reply topic is subscribed.
    pub fn jobs_coverage(&self, topic: &str) -> Option<Qos> {
        self.subs.jobs_coverage(topic)
    }

    /// Subscribes on behalf of `holder`, each filter with its own QoS, in one SUBSCRIBE per
    /// eight filters on AWS IoT (one in all elsewhere). The filters are held (and restored on
    /// reconnection) from the moment the request is made; a failure releases those this call
    /// added.
    pub fn subscribe_as(
        &self,
        holder: Holder,
        filters: &[(&str, Qos)],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let (added, wanted) = self.subs.hold(holder, filters);
        let result = self.send_subscribe(&wanted, timeout);
        if result.is_err() {
            self.subs.release(holder, &added);
        }
        result
    }

    /// Releases `filters` for `holder`, sending UNSUBSCRIBE for those nobody holds any more.
    pub fn unsubscribe_as(
        &self,
        holder: Holder,
        filters: &[&str],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let released = self.subs.release(holder, filters);
        if released.is_empty() {
            return Ok(());
        }
        self.with_link(timeout, |client, left| {
            client
                .unsubscribe_many(&released)
                .wait_for(left)
                .map(|_| ())
        })
    }

    /// Records subscriptions the broker already has (a persistent session's), without sending
    /// anything; they are restored on reconnection like the others.
    pub fn adopt(&self, holder: Holder, filters: &[(&str, Qos)]) {
        self.subs.adopt(holder, filters);
    }

    /// Publishes one message: waits for the link, then (QoS 1) for the PUBACK, all within
    /// `timeout`.
    pub fn publish_message(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        retain: bool,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        if topic.contains('\0') {
            return Err(TransportError::Failed("topic contains a NUL byte".into()));
        }
        self.with_link(timeout, |client, left| {
            let message = if retain {
                paho::Message::new_retained(topic, payload, paho_qos(qos))
            } else {
                paho::Message::new(topic, payload, paho_qos(qos))
            };
            client.publish(message).wait_for(left)
        })
    }

    fn send_subscribe(
        &self,
        wanted: &[(String, Qos)],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let deadline = Instant::now() + timeout;
        for chunk in wanted.chunks(per_request(self.aws_iot, wanted.len())) {
            let left = deadline.saturating_duration_since(Instant::now());
            self.with_link(left, |client, left| subscribe_chunk(client, chunk, left))?;
        }
        Ok(())
    }
}

impl Transport for PahoTransport {
    fn subscribe(
        &self,
        filters: &[&str],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let filters: Vec<(&str, Qos)> = filters.iter().map(|f| (*f, qos)).collect();
        self.subscribe_as(Holder::Jobs, &filters, timeout)
    }

    fn unsubscribe(&self, filters: &[&str], timeout: Duration) -> Result<(), TransportError> {
        self.unsubscribe_as(Holder::Jobs, filters, timeout)
    }

    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        self.publish_message(topic, payload, qos, false, timeout)
    }

    /// Releases the filters at once and, over a live link, hands the UNSUBSCRIBE to Paho
    /// without waiting: nothing is lost if it never reaches the broker (a clean session forgets
    /// it anyway; at worst a persistent one keeps delivering replies the engine ignores).
    fn unsubscribe_queued(&self, filters: &[&str], _timeout: Duration) {
        let released = self.subs.release(Holder::Jobs, filters);
        if !released.is_empty() && self.is_up() {
            drop(self.client.unsubscribe_many(&released));
        }
    }

    /// Hands the message to Paho C (without the crate's token: [`Sent`]) and returns;
    /// [`super::acks::Acks`] watches it from then on.
    fn publish_queued(
        &self,
        topic: String,
        payload: Vec<u8>,
        qos: Qos,
        timeout: Duration,
        failed: PublishFailed,
    ) -> Result<(), TransportError> {
        let sent = Arc::new(Sent::new(topic, payload, paho_qos(qos))?);
        let Some(acks) = self.acks.get() else {
            return Err(TransportError::NotConnected);
        };
        let deadline = Instant::now() + timeout;
        let drops = self.resend(&sent, deadline)?;
        acks.watch(sent, failed, deadline, drops);
        Ok(())
    }

    fn is_aws_iot(&self) -> bool {
        self.aws_iot
    }
}

impl Resend for PahoTransport {
    /// Waits for the link (until `deadline`) and hands `sent` to Paho; again on the next
    /// link if Paho finds this one gone.
    fn resend(&self, sent: &Arc<Sent>, deadline: Instant) -> Result<u64, TransportError> {
        let drops = self.link_drops();
        loop {
            self.wait_up(deadline)?;
            match paho_send::send(&self.client, sent) {
                Ok(()) => return Ok(drops),
                Err(rc) => {
                    if self.client.is_connected() || Instant::now() + POLL >= deadline {
                        return Err(classify(paho::Error::from(rc)));
                    }
                    std::thread::sleep(POLL);
                }
            }
        }
    }

    fn link_down(&self) -> bool {
        !self.client.is_connected() || !self.is_up()
    }

    fn link_drops(&self) -> u64 {
        self.drops.load(Ordering::SeqCst)
    }
}
