//! Inbound routing: every message Paho receives for a connection goes to the connection's
//! [`Router`], on Paho's receive thread, inside the panic boundary (the callback is called from
//! C). The router only matches the topic and enqueues, so nothing here waits or runs
//! application code. While a router handler runs, the message's QoS and retain flag are
//! available to it through [`current_inbound`], which is how the C API's subscription
//! callbacks learn them.
//!
//! Paho C hands each message to `ffi::mqtt::paho_inbound` (the unsafe half), which reads the
//! topic and payload where Paho keeps them and calls [`deliver`]: the paho-mqtt crate's own
//! callback would first copy both into a message of its own (and abort the process on a topic
//! that is not UTF-8, which [`deliver`] drops with a log line). Paho's context for the callback
//! is the key of the connection's [`Route`] in a handle table, not a pointer: a message that
//! comes after the transport is gone finds no route and is dropped, whatever Paho's threads
//! still do.

use std::cell::Cell;

use crate::core::log;
use crate::core::panics::contain;
use crate::core::router::Router;
/// `route(client, router)` sends the messages `client` receives to `router` until the returned
/// [`Route`] is dropped.
pub(super) use crate::ffi::mqtt::paho_inbound::{route, Route};

/// QoS and retain flag of an inbound message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboundMeta {
    pub qos: u8,
    pub retain: bool,
}

thread_local! {
    static INBOUND: Cell<Option<InboundMeta>> = const { Cell::new(None) };
}

/// The QoS and retain flag of the message a router handler is being called for, when the
/// handler runs inside a [`super::PahoTransport`] delivery; `None` elsewhere.
pub fn current_inbound() -> Option<InboundMeta> {
    INBOUND.with(Cell::get)
}

/// One message for `router`, as Paho received it. Runs on Paho's thread, called from C: nothing
/// unwinds out of it.
pub(crate) fn deliver(router: &Router, topic: &[u8], payload: &[u8], meta: InboundMeta) {
    let Ok(topic) = std::str::from_utf8(topic) else {
        log::warn("dropped a message whose topic is not UTF-8");
        return;
    };
    contain("the MQTT receive callback", || {
        INBOUND.with(|slot| slot.set(Some(meta)));
        router.deliver(topic, payload);
    });
    INBOUND.with(|slot| slot.set(None));
}
