//! The physical floor: request/reply round trips of plain Paho clients through the same broker,
//! with no Jobs library in the way.
//!
//! - [`EchoFloor`]: a requester publishes on `bench/echo/request` (QoS 1); an echo client
//!   subscribed to it publishes the payload back on `bench/echo/reply` (QoS 1), to which the
//!   requester is subscribed. Two hops through the broker each way, as any MQTT request/reply
//!   between two clients.
//! - [`RawJobs`]: a Paho client publishes a Jobs update request itself and waits for the
//!   service's reply: the emulator's work included, the library's excluded.

use crate::latency::{submitting, Window};
use crate::span::Span;
use crossbeam_channel::{unbounded, Receiver};
use paho_mqtt as paho;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

fn client(port: u16, id: &str) -> paho::AsyncClient {
    paho::CreateOptionsBuilder::new_v3()
        .server_uri(format!("tcp://127.0.0.1:{port}"))
        .client_id(id)
        .persistence(None)
        // Paho refuses a publish when 100 are queued unsent (its default): pipelining needs more.
        .max_buffered_messages(100_000)
        .create_client()
        .expect("create a Paho client")
}

fn connect(client: &paho::AsyncClient) {
    let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
        .clean_session(true)
        .finalize();
    client.connect(options).wait_for(TIMEOUT).expect("connect");
}

/// A requester that receives its replies on a channel.
struct Requester {
    client: paho::AsyncClient,
    replies: Receiver<Vec<u8>>,
}

impl Requester {
    fn start(port: u16, id: &str, reply_filter: Option<&str>) -> Requester {
        let client = client(port, id);
        let (tx, rx) = unbounded();
        client.set_message_callback(move |_, message| {
            if let Some(m) = message {
                let _ = tx.send(m.payload().to_vec());
            }
        });
        connect(&client);
        if let Some(filter) = reply_filter {
            client
                .subscribe(filter, 1)
                .wait_for(TIMEOUT)
                .expect("subscribe");
        }
        Requester {
            client,
            replies: rx,
        }
    }

    /// Publishes at QoS 1 and waits for one reply; the round trip's duration.
    fn round_trip(&self, topic: &str, payload: Vec<u8>) -> Duration {
        let start = Instant::now();
        let _token = self.client.publish(paho::Message::new(topic, payload, 1));
        self.replies.recv_timeout(TIMEOUT).expect("a reply");
        start.elapsed()
    }
}

impl Drop for Requester {
    fn drop(&mut self) {
        let _ = self.client.disconnect(None).wait_for(TIMEOUT);
    }
}

/// Request/reply between two plain Paho clients.
pub struct EchoFloor {
    requester: Requester,
    echo: paho::AsyncClient,
}

impl EchoFloor {
    pub fn start(port: u16) -> EchoFloor {
        let echo = client(port, "bench-echo-responder");
        echo.set_message_callback(|cli, message| {
            if let Some(m) = message {
                // Never wait on a token in a Paho callback.
                drop(cli.publish(paho::Message::new("bench/echo/reply", m.payload(), 1)));
            }
        });
        connect(&echo);
        echo.subscribe("bench/echo/request", 1)
            .wait_for(TIMEOUT)
            .expect("subscribe");
        let requester = Requester::start(port, "bench-echo-requester", Some("bench/echo/reply"));
        EchoFloor { requester, echo }
    }

    pub fn round_trip(&self) -> Duration {
        self.requester.round_trip(
            "bench/echo/request",
            br#"{"status":"IN_PROGRESS","clientToken":"echo"}"#.to_vec(),
        )
    }
}

impl Drop for EchoFloor {
    fn drop(&mut self) {
        let _ = self.echo.disconnect(None).wait_for(TIMEOUT);
    }
}

/// `prefix` and a number of its own for every run, as a client ID: no run takes over a session
/// the broker is still closing (the floor-ratio control row runs the floor twice in a row).
fn run_id(prefix: &str) -> String {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    format!("{prefix}-{}", RUNS.fetch_add(1, Ordering::Relaxed))
}

/// The update topics of `job` on the first `things` things.
fn update_topics(things: usize, job: &str) -> Vec<String> {
    (0..things)
        .map(|i| {
            format!(
                "$aws/things/{}/jobs/{job}/update",
                crate::emulator::thing(i)
            )
        })
        .collect()
}

/// A plain Paho client speaking the Jobs protocol itself.
pub struct RawJobs {
    requester: Requester,
    topic: String,
    n: u64,
}

impl RawJobs {
    /// Pipelined update requests with up to `window` in flight over `things` things for `span`,
    /// publishing from the calling thread without waiting for PUBACKs; ops/s.
    pub fn pipelined(port: u16, window: usize, things: usize, job: &str, span: Span) -> f64 {
        let client = run_id(&format!("bench-raw-pipelined-{window}"));
        let requester = Requester::start(port, &client, None);
        let topics = update_topics(things, job);
        let start = Instant::now();
        let (mut sent, mut received) = (0usize, 0usize);
        while span.more(start, sent) || received < sent {
            while sent - received < window && span.more(start, sent) {
                let payload = format!(r#"{{"status":"IN_PROGRESS","clientToken":"p-{sent}"}}"#);
                drop(requester.client.publish(paho::Message::new(
                    topics[sent % topics.len()].as_str(),
                    payload,
                    1,
                )));
                sent += 1;
            }
            requester.replies.recv_timeout(TIMEOUT).expect("a reply");
            received += 1;
        }
        received as f64 / start.elapsed().as_secs_f64()
    }

    /// The floor in the shape of the library rows with submitting threads: `submitters`
    /// threads share one Paho client and a window of `window` requests in flight (the same
    /// [`Window`] those rows use), and Paho's message callback frees a slot per reply, on Paho's
    /// receive thread, as a plain Paho application would. Requests go round `things` things for
    /// `duration`; ops/s. What raw Paho itself gives when the application has several threads.
    pub fn pipelined_by(
        port: u16,
        window: usize,
        things: usize,
        job: &str,
        duration: Duration,
        submitters: usize,
    ) -> f64 {
        let client = client(
            port,
            &run_id(&format!("bench-raw-by-{submitters}-{window}")),
        );
        let win = Window::new(window);
        let done = win.clone();
        client.set_message_callback(move |_, message| {
            if message.is_some() {
                done.complete(true);
            }
        });
        connect(&client);
        let topics = update_topics(things, job);
        let (rate, _) = submitting(&win, submitters, duration, |i| {
            let payload = format!(r#"{{"status":"IN_PROGRESS","clientToken":"q-{i}"}}"#);
            drop(client.publish(paho::Message::new(
                topics[i % topics.len()].as_str(),
                payload,
                1,
            )));
            true
        });
        let _ = client.disconnect(None).wait_for(TIMEOUT);
        rate
    }

    /// Update requests for `thing`'s `job`; the emulator's broker delivers replies to the
    /// requester without a subscription, as AWS IoT does.
    pub fn start(port: u16, thing: &str, job: &str) -> RawJobs {
        RawJobs {
            requester: Requester::start(port, "bench-raw-jobs", None),
            topic: format!("$aws/things/{thing}/jobs/{job}/update"),
            n: 0,
        }
    }

    pub fn round_trip(&mut self) -> Duration {
        self.n += 1;
        let payload = format!(
            r#"{{"status":"IN_PROGRESS","clientToken":"raw-{}"}}"#,
            self.n
        );
        let topic = self.topic.clone();
        self.requester.round_trip(&topic, payload.into_bytes())
    }
}
