//! Inbound routing: every message Paho receives for a connection goes to the connection's
//! [`Router`], on a routing thread of [`super::handoff`], inside the panic boundary. The
//! router only matches the topic and enqueues, so routing never waits on the network or runs
//! application code. When no other message waits, the routing thread then runs the Jobs
//! callbacks its routing queued ([`work`]), the other routing thread standing in for it
//! meanwhile. While a router handler runs, the message's QoS and retain flag are available to
//! it through [`current_inbound`], which is how the C API's subscription callbacks learn them.
//!
//! Paho C hands each message to `ffi::mqtt::paho_inbound` (the unsafe half), which reads the
//! topic and payload where Paho keeps them and calls [`arrived`] with the key of the
//! connection's [`Route`] (the paho-mqtt crate's own callback would first copy both into a
//! message of its own, and abort the process on a topic that is not UTF-8, which [`deliver`]
//! drops with a log line). [`arrived`] copies the message into the hand-off and returns, so that
//! Paho's receive thread gets back to its lock and the PUBACK at once; a routing thread looks
//! the route up by its key when the message's turn comes. A message whose route is gone by then
//! (its transport was dropped) is dropped, whatever Paho's threads still do.

use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};

use super::handoff::{Handoff, Weighed, BUDGET, ROOM_WAIT};
use crate::core::log::{self, Level, Throttle};
use crate::core::panics::contain;
use crate::core::router::Router;
use crate::core::runtime;
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

/// The routing threads: one routes while the other stands by, to take over while the first
/// runs callbacks.
const WORKERS: usize = 2;

/// The hand-off to the routing threads, which are started with it; `None` if none could be
/// started (messages are then routed on Paho's thread, as they arrive).
static HANDOFF: LazyLock<Option<Arc<Handoff<Arrived>>>> = LazyLock::new(|| {
    let handoff = Arc::new(Handoff::new(BUDGET, ROOM_WAIT));
    let spawn = |me: usize| {
        let handoff = handoff.clone();
        std::thread::Builder::new()
            .name(ROUTING_THREAD.into())
            .spawn(move || work(&handoff, me))
    };
    if let Err(e) = spawn(0) {
        log::warn(&format!(
            "could not start {ROUTING_THREAD} ({e}): messages are routed on Paho's thread"
        ));
        return None;
    }
    // A thread runs callbacks only if another can route meanwhile.
    HELPING.store((1..WORKERS).all(|me| spawn(me).is_ok()), Ordering::Release);
    Some(handoff)
});

/// True once every routing thread runs: only then may one of them run callbacks.
static HELPING: AtomicBool = AtomicBool::new(false);

/// A routing thread's life: take the next message when its turn comes and route it. When no
/// other message waits, it then runs the callbacks its routing queued (operation completions,
/// notifications) itself, having stepped away so that the other thread routes meanwhile (a
/// callback may wait for a reply, or take long): one thread crossing and one wake-up less per
/// reply. When messages wait, it wakes the callback thread for them at once and routes on, so
/// that routing and callbacks go on side by side.
fn work(handoff: &Handoff<Arrived>, me: usize) {
    let mut helped = runtime::Helped::default();
    loop {
        let m = handoff.take(me);
        helped.routing(|| {
            if let Some(router) = router_of(m.route) {
                let (topic, payload) = m.bytes.split_at(m.topic_len);
                deliver(&router, topic, payload, m.meta);
            }
        });
        drop(m);
        if HELPING.load(Ordering::Acquire) && handoff.step_away(me) {
            helped.run();
            handoff.step_back(me);
        } else {
            helped.wake();
        }
    }
}

/// Starts the routing threads, if they are not running yet: before a connection's first
/// message.
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
