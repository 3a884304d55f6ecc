//! Inbound routing: every message Paho receives for a connection goes to the connection's
//! [`Router`], on the routing thread of [`super::handoff`], inside the panic boundary. The
//! router only matches the topic and enqueues, so nothing here waits on the network or runs
//! application code. While a router handler runs, the message's QoS and retain flag are
//! available to it through [`current_inbound`], which is how the C API's subscription
//! callbacks learn them.
//!
//! Paho C hands each message to `ffi::mqtt::paho_inbound` (the unsafe half), which reads the
//! topic and payload where Paho keeps them and calls [`arrived`] with the key of the
//! connection's [`Route`] (the paho-mqtt crate's own callback would first copy both into a
//! message of its own, and abort the process on a topic that is not UTF-8, which [`deliver`]
//! drops with a log line). [`arrived`] copies the message into the hand-off and returns, so that
//! Paho's receive thread gets back to its lock and the PUBACK at once; the routing thread looks
//! the route up by its key when the message's turn comes. A message whose route is gone by then
//! (its transport was dropped) is dropped, whatever Paho's threads still do.

use std::cell::Cell;
use std::sync::{Arc, LazyLock};

use super::handoff::{Handoff, Weighed, BUDGET, ROOM_WAIT};
use crate::core::log::{self, Level, Throttle};
use crate::core::panics::contain;
use crate::core::router::Router;
/// `route(client, router)` sends the messages `client` receives to `router` until the returned
/// [`Route`] is dropped; `router_of(key)` is the router of a live route.
pub(super) use crate::ffi::mqtt::paho_inbound::{route, router_of, Route};

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

/// A message waiting for the routing thread: its topic and payload in one allocation.
struct Arrived {
    route: usize,
    bytes: Vec<u8>,
    topic_len: usize,
    meta: InboundMeta,
}

impl Weighed for Arrived {
    fn bytes(&self) -> usize {
        self.bytes.len()
    }
}

const ROUTING_THREAD: &str = "awsiotjobs-mqtt-in";

/// The hand-off to the routing thread, which is started with it; `None` if the thread could
/// not be started (messages are then routed on Paho's thread, as they arrive).
static HANDOFF: LazyLock<Option<Arc<Handoff<Arrived>>>> = LazyLock::new(|| {
    let handoff = Arc::new(Handoff::new(BUDGET, ROOM_WAIT));
    let queue = handoff.clone();
    let started = std::thread::Builder::new()
        .name(ROUTING_THREAD.into())
        .spawn(move || loop {
            let m: Arrived = queue.pop();
            if let Some(router) = router_of(m.route) {
                let (topic, payload) = m.bytes.split_at(m.topic_len);
                deliver(&router, topic, payload, m.meta);
            }
        });
    match started {
        Ok(_) => Some(handoff),
        Err(e) => {
            log::warn(&format!(
                "could not start {ROUTING_THREAD} ({e}): messages are routed on Paho's thread"
            ));
            None
        }
    }
});

/// Starts the routing thread, if it is not running yet: before a connection's first message.
pub(super) fn start_routing() {
    LazyLock::force(&HANDOFF);
}

/// One message for the route with key `route`, as Paho received it: handed to the routing
/// thread. Runs on Paho's receive thread, called from C: nothing unwinds out of it.
pub(crate) fn arrived(route: usize, topic: &[u8], payload: &[u8], meta: InboundMeta) {
    contain("the MQTT receive callback", || match HANDOFF.as_ref() {
        Some(handoff) => {
            let mut bytes = Vec::with_capacity(topic.len() + payload.len());
            bytes.extend_from_slice(topic);
            bytes.extend_from_slice(payload);
            let within = handoff.push(Arrived {
                route,
                bytes,
                topic_len: topic.len(),
                meta,
            });
            if !within {
                static OVER: Throttle = Throttle::new();
                OVER.line(Level::Warn, || {
                    format!(
                        "{ROUTING_THREAD} is behind by more than {BUDGET} bytes of messages for \
                         {} ms: taking more anyway",
                        ROOM_WAIT.as_millis()
                    )
                });
            }
        }
        None => {
            if let Some(router) = router_of(route) {
                deliver(&router, topic, payload, meta);
            }
        }
    });
}

/// One message for `router`: a topic that is not UTF-8 is dropped with a log line. Nothing
/// unwinds out of it.
fn deliver(router: &Router, topic: &[u8], payload: &[u8], meta: InboundMeta) {
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
