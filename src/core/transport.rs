//! The port between the engine and any MQTT client: what the engine needs from a broker.
//!
//! A [`Transport`] subscribes, unsubscribes and publishes (each waiting for the broker's
//! acknowledgement, or, where the transport can, queueing without waiting). Inbound messages
//! travel the other way: a transport hands every message it receives to the [`Router`] it was
//! built with (`core::router`), which passes Jobs topics to the Jobs engine and the rest to the
//! application's own subscriptions. A [`Connection`] is the pair (transport, router); it is what
//! C code holds as an `IotMqttConnection_t`, whatever kind of transport is behind it. The core
//! defines this port; the adapters live outside it: the paho-mqtt client in `transport::paho`,
//! the C function-pointer transport in the FFI layer (calling C is `unsafe`), and the in-memory
//! loopback of the tests in the `awsiotjobs-testkit` crate.

use crate::core::router::Router;
use std::fmt;
use std::sync::{Arc, Weak};
use std::time::Duration;

/// MQTT quality of service of a publish or subscription. QoS 2 is not used by Jobs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qos {
    AtMostOnce = 0,
    AtLeastOnce = 1,
}

/// Why a transport call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransportError {
    /// The link is down (never connected, or dropped and not yet restored).
    NotConnected,
    /// The broker did not acknowledge within the timeout.
    Timeout,
    /// The broker refused (for example a failed SUBACK).
    Refused,
    /// Anything else, with a description for logs.
    Failed(String),
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransportError::NotConnected => f.write_str("not connected"),
            TransportError::Timeout => f.write_str("timed out"),
            TransportError::Refused => f.write_str("refused by the broker"),
            TransportError::Failed(why) => write!(f, "failed: {why}"),
        }
    }
}

impl std::error::Error for TransportError {}

/// An MQTT link as the Jobs engine uses it. Implementations must be callable from any thread
/// and must never call back into the engine from inside these methods: inbound messages go to
/// the [`Router`] from the transport's own receive path.
pub trait Transport: Send + Sync {
    /// Subscribes to all `filters` in one request and waits for the acknowledgement.
    fn subscribe(
        &self,
        filters: &[&str],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError>;
    /// Unsubscribes from all `filters` in one request and waits for the acknowledgement.
    fn unsubscribe(&self, filters: &[&str], timeout: Duration) -> Result<(), TransportError>;
    /// Publishes one message; for QoS 1 waits for the PUBACK.
    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError>;
    /// Publishes one message without waiting for its acknowledgement, where the transport can:
    /// `Ok` once the message is queued (after waiting, within `timeout`, for a link that is
    /// down); `failed` then reports at most once, from a thread of the transport, if the
    /// publish fails for good later. `Err` when it could not be queued; `failed` never reports
    /// then. Topic and payload are handed over, so that a transport which keeps them until the
    /// acknowledgement need not copy them. The default publishes as [`Transport::publish`]
    /// does, waiting, and never reports.
    fn publish_queued(
        &self,
        topic: String,
        payload: Vec<u8>,
        qos: Qos,
        timeout: Duration,
        failed: PublishFailed,
    ) -> Result<(), TransportError> {
        drop(failed);
        self.publish(&topic, &payload, qos, timeout)
    }
    /// Unsubscribes from `filters` without waiting for the broker, where the transport can
    /// (the engine gives up lingering subscriptions this way, on its callback thread, which
    /// must not wait on the network). The default waits, as [`Transport::unsubscribe`] does,
    /// for at most `timeout`; a failure is ignored.
    fn unsubscribe_queued(&self, filters: &[&str], timeout: Duration) {
        let _ = self.unsubscribe(filters, timeout);
    }
    /// True when the broker is AWS IoT, which delivers a Jobs reply to the requesting client
    /// without any subscription (the connection's `awsIotMqttMode`).
    fn is_aws_iot(&self) -> bool;
}

/// Whoever is told when a publish that [`Transport::publish_queued`] accepted fails after all.
pub trait PublishSink: Send + Sync {
    /// The publish numbered `id` (the number given to [`PublishFailed::new`]) failed.
    fn publish_failed(&self, id: u64, error: TransportError);
}

/// Where a queued publish's failure goes: its sink, held weakly (a transport never keeps the
/// engine alive), and the number the sink knows it by. A plain value, so that handing it to
/// the transport costs no allocation per publish.
pub struct PublishFailed {
    sink: Weak<dyn PublishSink>,
    id: u64,
}

impl PublishFailed {
    pub fn new(sink: Weak<dyn PublishSink>, id: u64) -> PublishFailed {
        PublishFailed { sink, id }
    }

    /// Tells the sink, if it still exists.
    pub fn report(self, error: TransportError) {
        if let Some(sink) = self.sink.upgrade() {
            sink.publish_failed(self.id, error);
        }
    }
}

/// A transport together with the router its inbound messages go to: the Rust form of an
/// `IotMqttConnection_t`.
#[derive(Clone)]
pub struct Connection {
    pub transport: Arc<dyn Transport>,
    pub router: Arc<Router>,
}

impl Connection {
    pub fn new(transport: Arc<dyn Transport>, router: Arc<Router>) -> Connection {
        Connection { transport, router }
    }
}
