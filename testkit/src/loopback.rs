//! An in-memory broker for tests: one client, a responder standing in for the Jobs service,
//! and knobs for faults.
//!
//! It behaves like a generic broker (mosquitto) by default: a message reaches the client only
//! if it subscribed to a matching filter. In AWS IoT mode, Jobs replies reach the client
//! without a subscription, as AWS IoT delivers them. Messages are delivered on a thread of the
//! loopback's own, as a network client's receive thread would, and in order. Every call is
//! counted so that tests can assert round trips.

use crate::responder::Responder;
use awsiotjobs::core::queue::Queue;
use awsiotjobs::core::router::Router;
use awsiotjobs::core::topics::topic_matches;
use awsiotjobs::core::transport::{Qos, Transport, TransportError};
use parking_lot::Mutex;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// Counts of the calls the loopback received.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoopbackCounts {
    pub subscribes: usize,
    pub unsubscribes: usize,
    pub publishes: usize,
}

#[derive(Default)]
struct Faults {
    fail_subscribes: usize,
    fail_publishes: usize,
    disconnected: bool,
}

/// The in-memory transport.
pub struct Loopback {
    aws_iot: bool,
    router: Arc<Router>,
    subscriptions: Mutex<BTreeSet<String>>,
    responder: Mutex<Option<Box<dyn Responder>>>,
    faults: Mutex<Faults>,
    outbox: Arc<Queue<(String, Vec<u8>)>>,
    subscribes: AtomicUsize,
    unsubscribes: AtomicUsize,
    publishes: AtomicUsize,
}

impl Loopback {
    /// A loopback delivering to `router`; `aws_iot` selects AWS IoT reply delivery.
    pub fn new(router: Arc<Router>, aws_iot: bool) -> Arc<Loopback> {
        let tx = Arc::new(Queue::<(String, Vec<u8>)>::default());
        let rx = tx.clone();
        let deliver_to = router.clone();
        std::thread::Builder::new()
            .name("loopback-receive".into())
            .spawn(move || {
                while let Some((topic, payload)) = rx.pop() {
                    deliver_to.deliver(&topic, &payload);
                }
            })
            .expect("spawn loopback thread");
        Arc::new(Loopback {
            aws_iot,
            router,
            subscriptions: Mutex::new(BTreeSet::new()),
            responder: Mutex::new(None),
            faults: Mutex::new(Faults::default()),
            outbox: tx,
            subscribes: AtomicUsize::new(0),
            unsubscribes: AtomicUsize::new(0),
            publishes: AtomicUsize::new(0),
        })
    }

    pub fn router(&self) -> &Arc<Router> {
        &self.router
    }

    /// Installs the service that answers published requests.
    pub fn set_responder(&self, responder: impl Responder + 'static) {
        *self.responder.lock() = Some(Box::new(responder));
    }

    /// Runs `f` on the installed responder (for scripting it mid-test).
    pub fn with_responder<R>(&self, f: impl FnOnce(&mut dyn Responder) -> R) -> Option<R> {
        self.responder.lock().as_mut().map(|r| f(r.as_mut()))
    }

    /// Makes the next `n` subscribes fail.
    pub fn fail_subscribes(&self, n: usize) {
        self.faults.lock().fail_subscribes = n;
    }

    /// Makes the next `n` publishes fail.
    pub fn fail_publishes(&self, n: usize) {
        self.faults.lock().fail_publishes = n;
    }

    /// Takes the link down (every call fails with `NotConnected`) or up again.
    pub fn set_connected(&self, up: bool) {
        self.faults.lock().disconnected = !up;
    }

    pub fn counts(&self) -> LoopbackCounts {
        LoopbackCounts {
            subscribes: self.subscribes.load(Ordering::SeqCst),
            unsubscribes: self.unsubscribes.load(Ordering::SeqCst),
            publishes: self.publishes.load(Ordering::SeqCst),
        }
    }

    /// The filters currently subscribed.
    pub fn subscriptions(&self) -> Vec<String> {
        self.subscriptions.lock().iter().cloned().collect()
    }

    /// Delivers a message as the broker would: only if subscribed (or, in AWS IoT mode, if it
    /// is a Jobs reply).
    pub fn inject(&self, topic: &str, payload: &[u8]) {
        let is_reply = topic.ends_with("/accepted") || topic.ends_with("/rejected");
        let wanted = (self.aws_iot && is_reply)
            || self
                .subscriptions
                .lock()
                .iter()
                .any(|f| topic_matches(f, topic));
        if wanted {
            self.outbox.push((topic.to_owned(), payload.to_vec()));
        }
    }

    /// Delivers a message whatever the subscriptions (a misbehaving broker).
    pub fn inject_unsolicited(&self, topic: &str, payload: &[u8]) {
        self.outbox.push((topic.to_owned(), payload.to_vec()));
    }

    fn check_link(&self) -> Result<(), TransportError> {
        if self.faults.lock().disconnected {
            Err(TransportError::NotConnected)
        } else {
            Ok(())
        }
    }
}

impl Transport for Loopback {
    fn subscribe(
        &self,
        filters: &[&str],
        _qos: Qos,
        _timeout: Duration,
    ) -> Result<(), TransportError> {
        self.subscribes.fetch_add(1, Ordering::SeqCst);
        self.check_link()?;
        {
            let mut faults = self.faults.lock();
            if faults.fail_subscribes > 0 {
                faults.fail_subscribes -= 1;
                return Err(TransportError::Refused);
            }
        }
        self.subscriptions
            .lock()
            .extend(filters.iter().map(|f| f.to_string()));
        Ok(())
    }

    fn unsubscribe(&self, filters: &[&str], _timeout: Duration) -> Result<(), TransportError> {
        self.unsubscribes.fetch_add(1, Ordering::SeqCst);
        self.check_link()?;
        let mut subs = self.subscriptions.lock();
        for f in filters {
            subs.remove(*f);
        }
        Ok(())
    }

    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        _qos: Qos,
        _timeout: Duration,
    ) -> Result<(), TransportError> {
        self.publishes.fetch_add(1, Ordering::SeqCst);
        self.check_link()?;
        {
            let mut faults = self.faults.lock();
            if faults.fail_publishes > 0 {
                faults.fail_publishes -= 1;
                return Err(TransportError::Failed("injected publish failure".into()));
            }
        }
        let replies = self
            .responder
            .lock()
            .as_mut()
            .map(|r| r.respond(topic, payload))
            .unwrap_or_default();
        for (reply_topic, reply) in replies {
            self.inject(&reply_topic, &reply);
        }
        Ok(())
    }

    fn is_aws_iot(&self) -> bool {
        self.aws_iot
    }
}

impl Drop for Loopback {
    /// The receive thread ends once what was queued is delivered.
    fn drop(&mut self) {
        self.outbox.close();
    }
}
