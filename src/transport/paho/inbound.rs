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
//! is the connection's [`Route`] number, not a pointer: a message that comes after the
//! transport is gone finds no route and is dropped, whatever Paho's threads still do.

use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use paho_mqtt as paho;
use parking_lot::RwLock;
use rustc_hash::FxHashMap;

use crate::core::log;
use crate::core::panics::contain;
use crate::core::router::Router;
use crate::ffi::mqtt::paho_inbound;

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

/// The routers of the live connections, by route number.
static ROUTES: LazyLock<RwLock<FxHashMap<usize, Arc<Router>>>> = LazyLock::new(Default::default);

/// Route numbers are never reused within a process.
static NEXT_ROUTE: AtomicUsize = AtomicUsize::new(1);

/// A connection's route from Paho to its router, for as long as it lives: dropped, the route is
/// gone and later messages are dropped.
pub struct Route(usize);

impl Drop for Route {
    fn drop(&mut self) {
        ROUTES.write().remove(&self.0);
    }
}

/// Sends the messages `client` receives to `router` until the [`Route`] is dropped.
pub(super) fn route(client: &paho::AsyncClient, router: Arc<Router>) -> Route {
    let id = NEXT_ROUTE.fetch_add(1, Ordering::Relaxed);
    ROUTES.write().insert(id, router);
    let routed = paho_inbound::route(client, id);
    debug_assert!(routed, "the message callback is set before connecting");
    Route(id)
}

/// One message for route `route`, as Paho received it. Runs on Paho's thread, called from C:
/// nothing unwinds out of it.
pub(crate) fn deliver(route: usize, topic: &[u8], payload: &[u8], meta: InboundMeta) {
    let Some(router) = ROUTES.read().get(&route).cloned() else {
        return;
    };
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
