//! The Paho transport against a real mosquitto: the Jobs engine over it, TLS accepted and
//! refused, connection failures classified within the timeout, and the broker killed and
//! restarted under operations in flight.

use crate::emulator_support::Emu;
use crate::mqtt_support::*;
use awsiotjobs::core::engine::{
    Completion, Engine, EngineConfig, NotifyCallback, Outcome, Submission, Waiter,
};
use awsiotjobs::core::request::{JobState, Request, UpdateFields};
use awsiotjobs::core::router::Router;
use awsiotjobs::core::runtime::Runtime;
use awsiotjobs::core::topics::{Notify, Operation};
use awsiotjobs::core::transport::{Qos, Transport, TransportError};
use awsiotjobs::core::JobsError;
use awsiotjobs::transport::paho::{
    Backoff, ConnectError, LinkEvents, PahoTransport, Settings, TlsSettings,
};
use awsiotjobs_testkit::responder::Scripted;
use parking_lot::Mutex;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Default)]
struct Events {
    lost: AtomicUsize,
    restored: AtomicUsize,
}

impl LinkEvents for Events {
    fn lost(&self) {
        self.lost.fetch_add(1, Ordering::SeqCst);
    }
    fn restored(&self) {
        self.restored.fetch_add(1, Ordering::SeqCst);
    }
}

/// An engine over a Paho connection to `settings`.
struct Client {
    transport: Arc<PahoTransport>,
    engine: Arc<Engine>,
    events: Arc<Events>,
    _rt: Runtime,
}

impl Client {
    fn connect(settings: &Settings) -> Client {
        let router = Router::new();
        let events = Arc::new(Events::default());
        let transport =
            PahoTransport::connect(settings, router.clone(), events.clone(), BOUND).unwrap();
        let rt = Runtime::start().unwrap();
        let config = EngineConfig {
            mqtt_timeout: Duration::from_secs(5),
            ..EngineConfig::default()
        };
        let engine = Engine::new(transport.clone(), rt.clone(), config);
        let weak = Arc::downgrade(&engine);
        router.set_jobs_handler(Some(Arc::new(move |t: &str, p: &[u8]| {
            if let Some(e) = weak.upgrade() {
                e.handle_inbound(t, p)
            }
        })));
        Client {
            transport,
            engine,
            events,
            _rt: rt,
        }
    }

    /// Submits a waitable operation with a deadline `within` from now.
    fn submit(&self, thing: &str, request: Request<'_>, within: Duration) -> Arc<Waiter> {
        let waiter = Waiter::new();
        let sub = Submission {
            thing,
            request,
            client_token: None,
            keep_subscriptions: false,
            deadline: Instant::now() + within,
        };
        self.engine
            .submit(sub, Completion::Waitable(waiter.clone()))
            .expect("submitted");
        waiter
    }

    fn run(&self, thing: &str, request: Request<'_>) -> Outcome {
        self.submit(thing, request, Duration::from_secs(10))
            .wait_until(Instant::now() + BOUND)
            .expect("an outcome")
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.engine.shutdown(JobsError::NotInitialized);
        self.transport.close(true);
    }
}

fn settings(port: u16, id: &str) -> Settings {
    let mut s = Settings::new("127.0.0.1", port, id);
    s.backoff = Backoff {
        first: Duration::from_millis(50),
        max: Duration::from_millis(400),
    };
    s
}

fn doc(outcome: &Outcome) -> serde_json::Value {
    serde_json::from_slice(outcome.document.as_deref().unwrap()).unwrap()
}

fn start_next() -> Request<'static> {
    Request::StartNext {
        status_details: None,
        step_timeout_minutes: 0,
    }
}

fn update(job_id: &str, status: JobState) -> Request<'_> {
    Request::Update {
        job_id,
        fields: UpdateFields {
            status,
            ..UpdateFields::default()
        },
    }
}

/// Every operation, accepted and rejected, against the jobs-emulator attached to mosquitto
/// (which delivers only what is subscribed), in generic mode or in awsIotMqttMode.
fn every_jobs_operation_over_mosquitto(aws_iot: bool) {
    let broker = Broker::plain();
    let emu = Emu::attached(broker.port);
    emu.create_job("job1", "T1", json!({ "operation": "job1" }));
    emu.create_job("job2", "T1", json!({ "operation": "job2" }));
    let mut settings = settings(broker.port, "every-op");
    settings.aws_iot = aws_iot;
    let client = Client::connect(&settings);

    let got = client.run("T1", Request::GetPending);
    assert_eq!(got.status, JobsError::Success);
    assert_eq!(doc(&got)["queuedJobs"][0]["jobId"], "job1");

    let got = client.run("T1", start_next());
    assert_eq!(got.status, JobsError::Success);
    assert_eq!(doc(&got)["execution"]["jobId"], "job1");

    let got = client.run(
        "T1",
        Request::Describe {
            job_id: "job2",
            // The service numbers a thing's executions of a job from 1.
            execution_number: 1,
            include_job_document: true,
        },
    );
    assert_eq!(got.status, JobsError::Success);
    assert_eq!(doc(&got)["execution"]["jobDocument"]["operation"], "job2");

    let got = client.run("T1", update("job1", JobState::Succeeded));
    assert_eq!(got.status, JobsError::Success);
    assert_eq!(emu.status("T1", "job1"), "SUCCEEDED");

    let got = client.run("T1", update("job1", JobState::InProgress));
    assert_eq!(got.status, JobsError::InvalidState);
    // One subscription of the thing carried every reply.
    assert_eq!(client.engine.stats().reply_subscriptions, 1);
}

#[test]
fn every_jobs_operation_completes_over_mosquitto() {
    every_jobs_operation_over_mosquitto(false);
}

#[test]
fn every_jobs_operation_completes_over_mosquitto_in_aws_iot_mode() {
    every_jobs_operation_over_mosquitto(true);
}

#[test]
fn tls_with_a_client_certificate_is_accepted() {
    let certs = Certs::new();
    let broker = Broker::tls(&certs, "server");
    let mut s = settings(broker.port, "tls-ok");
    s.host = "localhost".into();
    s.tls = Some(TlsSettings {
        root_ca: Some(certs.path("ca.crt")),
        client_cert: Some(certs.path("client.crt")),
        private_key: Some(certs.path("client.key")),
        alpn: Vec::new(),
        ..TlsSettings::default()
    });
    let router = Router::new();
    let t = PahoTransport::connect(&s, router, Arc::new(Events::default()), BOUND).unwrap();
    t.publish("a/b", b"x", Qos::AtLeastOnce, BOUND).unwrap();
    t.close(true);
}

/// Connects with TLS settings that must be refused, and checks that it fails, quickly, as a
/// network error.
fn refused_tls(certs: &Certs, server: &str, tls: TlsSettings) {
    let broker = Broker::tls(certs, server);
    let mut s = settings(broker.port, "tls-refused");
    s.host = "localhost".into();
    s.tls = Some(tls);
    let started = Instant::now();
    let result = PahoTransport::connect(&s, Router::new(), Arc::new(Events::default()), BOUND);
    assert!(
        matches!(result, Err(ConnectError::Network(_))),
        "{:?}",
        result.err()
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

fn mutual(certs: &Certs, ca: &str) -> TlsSettings {
    TlsSettings {
        root_ca: Some(certs.path(ca)),
        client_cert: Some(certs.path("client.crt")),
        private_key: Some(certs.path("client.key")),
        alpn: Vec::new(),
        ..TlsSettings::default()
    }
}

#[test]
fn tls_with_the_wrong_ca_is_refused() {
    let certs = Certs::new();
    refused_tls(&certs, "server", mutual(&certs, "other-ca.crt"));
}

#[test]
fn tls_without_a_client_certificate_is_refused() {
    let certs = Certs::new();
    let tls = TlsSettings {
        root_ca: Some(certs.path("ca.crt")),
        ..TlsSettings::default()
    };
    refused_tls(&certs, "server", tls);
}

#[test]
fn tls_to_a_server_signed_by_an_untrusted_ca_is_refused() {
    let certs = Certs::new();
    refused_tls(&certs, "other-server", mutual(&certs, "ca.crt"));
}

#[test]
fn tls_to_a_server_certified_for_another_name_is_refused() {
    let certs = Certs::new();
    refused_tls(&certs, "wrong-host", mutual(&certs, "ca.crt"));
}

#[test]
fn a_closed_port_is_a_network_error_within_the_timeout() {
    let port = free_port();
    let started = Instant::now();
    let result = PahoTransport::connect(
        &settings(port, "closed"),
        Router::new(),
        Arc::new(Events::default()),
        Duration::from_secs(3),
    );
    assert!(
        matches!(result, Err(ConnectError::Network(_))),
        "{:?}",
        result.err()
    );
    assert!(started.elapsed() < Duration::from_secs(3));
}

/// The longest the system resolver may take to say that a name does not exist: glibc's
/// defaults are a 5 s timeout and 2 attempts for each of up to 3 name servers. A name under the
/// reserved `.invalid` (RFC 6761) never exists, but whether the answer comes from a local
/// cache at once or from a slow or unreachable DNS server is the machine's business, so the
/// bound below only catches a connect that hangs, not a slow resolver.
const RESOLVER_WORST: Duration = Duration::from_secs(30);

#[test]
fn an_unknown_host_is_a_network_error_within_the_timeout() {
    let mut s = settings(1883, "nohost");
    s.host = "no-such-host.invalid".into();
    let started = Instant::now();
    let result = PahoTransport::connect(
        &s,
        Router::new(),
        Arc::new(Events::default()),
        Duration::from_secs(3),
    );
    assert!(
        matches!(
            result,
            Err(ConnectError::Network(_)) | Err(ConnectError::Timeout)
        ),
        "{:?}",
        result.err()
    );
    // Network if the resolver answered within the 3 s, Timeout if not: both are right.
    let took = started.elapsed();
    eprintln!("an unknown host failed after {took:?}");
    assert!(took < Duration::from_secs(3) + RESOLVER_WORST, "{took:?}");
}

#[test]
fn a_publish_while_the_broker_is_down_fails_within_its_timeout() {
    let mut broker = Broker::plain();
    let client = Client::connect(&settings(broker.port, "down-publish"));
    broker.kill();
    assert!(eventually(|| client.events.lost.load(Ordering::SeqCst) == 1));
    let started = Instant::now();
    let result =
        client
            .transport
            .publish("a/b", b"x", Qos::AtLeastOnce, Duration::from_millis(300));
    assert_eq!(result, Err(TransportError::NotConnected));
    assert!(started.elapsed() < Duration::from_secs(1));
}

#[test]
fn the_broker_restarted_mid_run_loses_no_operation_and_notifications_resume() {
    let mut broker = Broker::plain();
    let responder = JobsResponder::start(broker.port);
    let client = Client::connect(&settings(broker.port, "restart"));

    // A notify-next callback, counted.
    let notes = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = notes.clone();
    let callback: NotifyCallback = Arc::new(move |event| {
        seen.lock()
            .push(String::from_utf8_lossy(event.document).into_owned());
    });
    client
        .engine
        .set_notify("T1", Notify::Next, None, Some((1, callback)), 4)
        .unwrap();
    responder.notify_next("T1", Some("before"));
    assert!(eventually(|| notes.lock().len() == 1));

    // Operations in flight when the broker dies: the responder is told to stay silent, so
    // they are still waiting for replies. Six silences for three requests: a request whose
    // PUBACK the dying broker never sent is published again after the reconnect (QoS 1), and
    // that copy must find the responder silent too.
    for _ in 0..6 {
        responder
            .jobs
            .lock()
            .script(Operation::GetPending, Scripted::Silence);
    }
    let in_flight: Vec<Arc<Waiter>> = (0..3)
        .map(|_| client.submit("T1", Request::GetPending, Duration::from_secs(4)))
        .collect();
    broker.kill();
    assert!(eventually(|| client.events.lost.load(Ordering::SeqCst) == 1));
    std::thread::sleep(Duration::from_millis(300));
    broker.start();
    responder.wait_connected();
    assert!(eventually(
        || client.events.restored.load(Ordering::SeqCst) == 1
    ));

    // Each completes exactly once (no reply came: timeout at its deadline), none later.
    for waiter in &in_flight {
        let outcome = waiter
            .wait_until(Instant::now() + BOUND)
            .expect("completes");
        assert_eq!(outcome.status, JobsError::Timeout);
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(in_flight.iter().all(|w| w.try_take().is_none()));

    // Requests work again, and the notify subscription was restored.
    responder.jobs.lock().script(
        Operation::StartNext,
        Scripted::Accept(json!({ "execution": { "jobId": "before" } })),
    );
    let got = client.run("T1", start_next());
    assert_eq!(got.status, JobsError::Success);
    assert_eq!(doc(&got)["execution"]["jobId"], "before");
    let got = client.run("T1", update("before", JobState::Succeeded));
    assert_eq!(got.status, JobsError::Success);
    responder.notify_next("T1", None);
    assert!(
        eventually(|| notes.lock().len() >= 2),
        "notify-next after the restart"
    );
    responder.notify_next("T1", Some("after"));
    assert!(eventually(|| notes
        .lock()
        .iter()
        .any(|n| n.contains("\"after\""))));
}

#[test]
fn an_operation_submitted_while_the_broker_is_down_succeeds_once_it_is_back() {
    let mut broker = Broker::plain();
    let responder = Arc::new(JobsResponder::start(broker.port));
    responder.jobs.lock().script(
        Operation::GetPending,
        Scripted::Accept(json!({ "inProgressJobs": [], "queuedJobs": [{ "jobId": "job1" }] })),
    );
    // The client retries only after 2.5 s, by when the responder (reconnected right after the
    // restart) is listening again, so the request does not go out to nobody.
    let mut s = settings(broker.port, "submit-down");
    s.backoff = Backoff {
        first: Duration::from_millis(2500),
        max: Duration::from_millis(2500),
    };
    let client = Client::connect(&s);
    // Measured from the kill, which comes before the loss: noticing the loss below can take
    // a while on a loaded machine, and the reconnect's 2.5 s count from the loss itself.
    let lost_at = Instant::now();
    broker.kill();
    assert!(eventually(|| client.events.lost.load(Ordering::SeqCst) == 1));
    let listener = responder.clone();
    let restarter = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(300));
        broker.start();
        listener.wait_connected();
        broker
    });
    // The request waits for the link (within the 5 s MQTT timeout) and then goes out.
    let got = client.run("T2", Request::GetPending);
    let broker = restarter.join().unwrap();
    assert_eq!(got.status, JobsError::Success, "{got:?}\n{}", broker.log());
    assert_eq!(doc(&got)["queuedJobs"][0]["jobId"], "job1");
    assert!(lost_at.elapsed() >= Duration::from_millis(2500));
}
