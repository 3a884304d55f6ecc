//! Helpers for the MQTT conformance tests: an in-process emulator shared by the tests of one
//! binary, device clients that send Jobs requests and wait (bounded) for the reply, and
//! watchers that collect `notify` / `notify-next` messages.
#![allow(dead_code)]

pub mod bare;

use jobs_emulator::app::Emulator;
use jobs_emulator::cli::Options;
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::JobsService;
use paho_mqtt as paho;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Longest wait for any expected message.
pub const WAIT: Duration = Duration::from_secs(5);
/// Real milliseconds per emulated minute in the shared emulator.
pub const MINUTE_MS: u64 = 200;

static EMULATOR: OnceLock<Emulator> = OnceLock::new();

/// The shared in-process emulator (embedded broker on a free port).
pub fn emulator() -> &'static Emulator {
    EMULATOR.get_or_init(|| {
        let opts = Options {
            mqtt: "127.0.0.1:0".parse().unwrap(),
            minute_ms: MINUTE_MS,
            ..Default::default()
        };
        Emulator::start(&opts).expect("emulator starts")
    })
}

/// The shared emulator's service.
pub fn service() -> Arc<JobsService> {
    emulator().service.clone()
}

/// `tcp://` URI of the shared emulator's broker.
pub fn broker_uri() -> String {
    format!("tcp://{}", emulator().mqtt_addr.unwrap())
}

/// A name unique within the test binary (things and jobs of different tests never meet).
pub fn unique(prefix: &str) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

/// Creates a job through the service API.
pub fn create_job(job_id: &str, targets: &[&str], document: Value) {
    service()
        .create_job(&CreateJobRequest::new(job_id, targets, document))
        .expect("create job");
}

/// A connected MQTT client with its message queue.
pub struct Client {
    pub client: paho::Client,
    rx: paho::SyncReceiver<Option<paho::Message>>,
}

impl Client {
    /// Connects to `uri` (MQTT 3.1.1, clean session).
    pub fn connect(uri: &str, id: &str) -> Client {
        let create = paho::CreateOptionsBuilder::new()
            .server_uri(uri)
            .client_id(id)
            .finalize();
        let mut client = paho::Client::new(create).expect("client");
        client.set_timeout(WAIT);
        let rx = client.start_consuming();
        let opts = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client.connect(opts).expect("connect");
        Client { client, rx }
    }

    /// Subscribes at QoS 1.
    pub fn subscribe(&self, filter: &str) {
        self.client.subscribe(filter, 1).expect("subscribe");
    }

    /// Publishes at QoS 1.
    pub fn publish(&self, topic: &str, payload: impl Into<Vec<u8>>) {
        self.client
            .publish(paho::Message::new(topic, payload.into(), 1))
            .expect("publish");
    }

    /// The next message whose topic satisfies `want`, waiting at most `timeout`.
    pub fn next_matching(
        &self,
        timeout: Duration,
        want: impl Fn(&str) -> bool,
    ) -> Option<(String, Vec<u8>)> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.rx.recv_timeout(left) {
                Ok(Some(m)) if want(m.topic()) => {
                    return Some((m.topic().to_string(), m.payload().to_vec()))
                }
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    }
}

/// paho-mqtt's connect token holds a clone of the client, and Paho C drops its reference to
/// the token on its own thread just after completing it. Were that the last clone, Paho would
/// destroy the client on its own thread with its global mutex held and every client of the
/// test binary would deadlock (seen when a test ended right after connecting). So the last
/// clone is dropped on a thread of ours, a moment later.
impl Drop for Client {
    fn drop(&mut self) {
        let client = self.client.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(500));
            drop(client);
        });
    }
}

/// A reply to a Jobs request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub topic: String,
    pub accepted: bool,
    pub body: Value,
}

impl Reply {
    /// The rejection code (panics on an accepted reply).
    pub fn code(&self) -> &str {
        assert!(!self.accepted, "expected a rejection, got {:?}", self);
        self.body["code"].as_str().unwrap_or("")
    }

    /// Asserts acceptance and returns the body.
    pub fn ok(&self) -> &Value {
        assert!(self.accepted, "expected acceptance, got {:?}", self);
        &self.body
    }
}

/// A device: one thing's client that sends requests without subscribing to replies.
pub struct Device {
    pub thing: String,
    pub client: Client,
}

impl Device {
    /// A device of `thing` on the shared emulator.
    pub fn new(thing: &str) -> Device {
        Device::on(&broker_uri(), thing, false)
    }

    /// A device on any broker; `subscribe` subscribes to its reply topics (needed on a
    /// generic broker).
    pub fn on(uri: &str, thing: &str, subscribe: bool) -> Device {
        let client = Client::connect(uri, &unique(&format!("dev-{thing}")));
        if subscribe {
            client.subscribe(&format!("$aws/things/{thing}/jobs/+/accepted"));
            client.subscribe(&format!("$aws/things/{thing}/jobs/+/rejected"));
            client.subscribe(&format!("$aws/things/{thing}/jobs/+/+/accepted"));
            client.subscribe(&format!("$aws/things/{thing}/jobs/+/+/rejected"));
        }
        Device {
            thing: thing.to_string(),
            client,
        }
    }

    /// The full topic of a request suffix (`get`, `start-next`, `J/get`, `J/update`).
    pub fn topic(&self, suffix: &str) -> String {
        format!("$aws/things/{}/jobs/{suffix}", self.thing)
    }

    /// Sends raw bytes to a request suffix and waits for the reply.
    pub fn call_raw(&self, suffix: &str, payload: impl Into<Vec<u8>>) -> Reply {
        let topic = self.topic(suffix);
        self.client.publish(&topic, payload);
        self.wait_reply(&topic)
            .unwrap_or_else(|| panic!("no reply to {topic} within {WAIT:?}"))
    }

    /// Waits for the reply to a request topic.
    pub fn wait_reply(&self, topic: &str) -> Option<Reply> {
        let (accepted_t, rejected_t) = (format!("{topic}/accepted"), format!("{topic}/rejected"));
        let (t, payload) = self
            .client
            .next_matching(WAIT, |t| t == accepted_t || t == rejected_t)?;
        let body = serde_json::from_slice(&payload).expect("reply is JSON");
        Some(Reply {
            accepted: t == accepted_t,
            topic: t,
            body,
        })
    }

    /// Sends a JSON request and waits for the reply.
    pub fn call(&self, suffix: &str, body: Value) -> Reply {
        self.call_raw(suffix, body.to_string())
    }

    /// Shorthand: an update to `status`.
    pub fn update(&self, job: &str, status: &str) -> Reply {
        self.call(&format!("{job}/update"), json!({ "status": status }))
    }
}

/// A client subscribed to a thing's `notify` and `notify-next`.
pub struct Watcher {
    pub thing: String,
    pub client: Client,
}

impl Watcher {
    /// Watches `thing` on the shared emulator.
    pub fn new(thing: &str) -> Watcher {
        Watcher::on(&broker_uri(), thing)
    }

    /// Watches `thing` on any broker.
    pub fn on(uri: &str, thing: &str) -> Watcher {
        let client = Client::connect(uri, &unique(&format!("watch-{thing}")));
        client.subscribe(&format!("$aws/things/{thing}/jobs/notify"));
        client.subscribe(&format!("$aws/things/{thing}/jobs/notify-next"));
        Watcher {
            thing: thing.to_string(),
            client,
        }
    }

    /// The next notification as (`notify` | `notify-next`, payload), bounded by `timeout`.
    pub fn next_within(&self, timeout: Duration) -> Option<(String, Value)> {
        let (t, p) = self.client.next_matching(timeout, |_| true)?;
        let kind = t.rsplit('/').next().unwrap_or("").to_string();
        Some((
            kind,
            serde_json::from_slice(&p).expect("notification is JSON"),
        ))
    }

    /// The next notification; panics after [`WAIT`].
    pub fn next(&self) -> (String, Value) {
        self.next_within(WAIT)
            .unwrap_or_else(|| panic!("no notification for {}", self.thing))
    }

    /// Asserts that nothing arrives for `quiet` (used only after a later message proves the
    /// earlier ones were already delivered, or to check absence).
    pub fn expect_none(&self, quiet: Duration) {
        if let Some(n) = self.next_within(quiet) {
            panic!("unexpected notification {n:?}");
        }
    }
}

/// Job ids listed in a notify payload under `key` (`IN_PROGRESS` or `QUEUED`).
pub fn notify_ids(payload: &Value, key: &str) -> Vec<String> {
    payload["jobs"][key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["jobId"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}
