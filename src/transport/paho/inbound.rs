//! Inbound routing: every message Paho receives for a connection goes to the connection's
//! [`Router`], on Paho's receive thread, inside the panic boundary (the callback is called from
//! C). The router only matches the topic and enqueues, so nothing here waits or runs
//! application code. While a router handler runs, the message's QoS and retain flag are
//! available to it through [`current_inbound`], which is how the C API's subscription
//! callbacks learn them.

use std::cell::Cell;
use std::sync::Arc;

use paho_mqtt as paho;

use crate::core::panics::contain;
use crate::core::router::Router;

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

/// Sends the messages `client` receives to `router` from now on.
pub(super) fn route(client: &paho::AsyncClient, router: Arc<Router>) {
    // Runs on Paho's thread, called from C: nothing may unwind out of it.
    client.set_message_callback(move |_, message| {
        let Some(message) = message else { return };
        contain("the MQTT receive callback", || {
            let meta = InboundMeta {
                qos: message.qos() as u8,
                retain: message.retained(),
            };
            INBOUND.with(|slot| slot.set(Some(meta)));
            router.deliver(message.topic(), message.payload());
        });
        INBOUND.with(|slot| slot.set(None));
    });
}
