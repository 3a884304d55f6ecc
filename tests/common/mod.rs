//! Shared wiring for the engine tests: an engine on the loopback transport with the canned Jobs
//! responder behind it (no job model), request builders, and completion recorders with bounded
//! waits.
#![allow(dead_code)]

use awsiotjobs::core::engine::{
    Completion, Done, Engine, EngineConfig, OpId, Outcome, Submission, Waiter,
};
use awsiotjobs::core::request::{JobState, Request, UpdateFields};
use awsiotjobs::core::router::Router;
use awsiotjobs::core::runtime::Runtime;
use awsiotjobs::core::transport::{Qos, Transport, TransportError};
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::loopback::Loopback;
use awsiotjobs_testkit::responder::CannedJobs;
use parking_lot::{Condvar, Mutex};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long any test waits for something that should happen promptly. A test that would hang
/// fails after this instead.
pub const BOUND: Duration = Duration::from_secs(10);

/// A deadline far enough away that no operation times out during a test unless it is meant to.
pub fn far() -> Instant {
    Instant::now() + Duration::from_secs(30)
}

/// When a bounded wait gives up.
pub fn give_up() -> Instant {
    Instant::now() + BOUND
}

/// Polls `cond` until it holds or the bound passes; returns whether it held.
pub fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let end = give_up();
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    cond()
}

/// One engine wired to a loopback broker with the canned Jobs responder.
pub struct Rig {
    pub router: Arc<Router>,
    pub lb: Arc<Loopback>,
    pub rt: Runtime,
    pub engine: Arc<Engine>,
    /// The responder, shared with the loopback so tests can script it and read requests.
    pub jobs: Arc<Mutex<CannedJobs>>,
}

impl Rig {
    /// A generic broker (replies need subscriptions) and the default settings.
    pub fn new() -> Rig {
        Rig::with(false, EngineConfig::default())
    }

    /// An AWS IoT broker (replies arrive without subscriptions).
    pub fn aws_iot() -> Rig {
        Rig::with(true, EngineConfig::default())
    }

    pub fn with(aws_iot: bool, config: EngineConfig) -> Rig {
        Rig::hooked(aws_iot, config).0
    }

    /// Like `with`, with the engine talking to the loopback through a transport whose calls can
    /// be held up by a hook.
    pub fn hooked(aws_iot: bool, config: EngineConfig) -> (Rig, Arc<Hooked>) {
        let router = Router::new();
        let lb = Loopback::new(router.clone(), aws_iot);
        let jobs = Arc::new(Mutex::new(CannedJobs::new()));
        let service = jobs.clone();
        lb.set_responder(move |topic: &str, payload: &[u8]| {
            use awsiotjobs_testkit::responder::Responder;
            service.lock().respond(topic, payload)
        });
        let rt = Runtime::start().expect("runtime threads");
        let hooked = Arc::new(Hooked {
            inner: lb.clone(),
            on_subscribe: Mutex::new(None),
        });
        let engine = Engine::new(hooked.clone(), rt.clone(), config);
        let weak = Arc::downgrade(&engine);
        router.set_jobs_handler(Some(Arc::new(move |t: &str, p: &[u8]| {
            if let Some(e) = weak.upgrade() {
                e.handle_inbound(t, p)
            }
        })));
        let rig = Rig {
            router,
            lb,
            rt,
            engine,
            jobs,
        };
        (rig, hooked)
    }

    /// Submits a waitable operation and waits (bounded) for its outcome.
    pub fn run(&self, thing: &str, request: Request<'_>) -> Result<Outcome, JobsError> {
        self.run_sub(submission(thing, request))
    }

    /// Submits a waitable operation with full control of the submission, and waits for it.
    pub fn run_sub(&self, sub: Submission<'_>) -> Result<Outcome, JobsError> {
        run_on(&self.engine, sub)
    }

    /// Submits a callback operation recorded in `done`.
    pub fn submit_cb(
        &self,
        thing: &str,
        request: Request<'_>,
        done: &Completions,
    ) -> Result<OpId, JobsError> {
        self.engine
            .submit(submission(thing, request), done.completion(&self.rt))
    }

    /// Submits a callback operation with full control of the submission.
    pub fn submit_sub_cb(
        &self,
        sub: Submission<'_>,
        done: &Completions,
    ) -> Result<OpId, JobsError> {
        self.engine.submit(sub, done.completion(&self.rt))
    }

    /// Delivers a message to the engine as the broker would, even unsubscribed.
    pub fn inject(&self, topic: &str, payload: &[u8]) {
        self.lb.inject_unsolicited(topic, payload);
    }

    /// Waits until every message injected so far has been handled by the engine.
    pub fn settle(&self) {
        let marker = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = marker.clone();
        self.router.set_app_handler(
            "settle/marker",
            Arc::new(move |_: &str, _: &[u8]| {
                seen.store(true, std::sync::atomic::Ordering::SeqCst)
            }),
        );
        self.lb.inject_unsolicited("settle/marker", b"");
        assert!(
            eventually(|| marker.load(std::sync::atomic::Ordering::SeqCst)),
            "the loopback receive thread did not drain"
        );
        self.router.remove_app_handler("settle/marker");
    }

    /// Waits until every callback queued so far has run.
    pub fn drain_callbacks(&self) {
        let (tx, rx) = crossbeam_channel::bounded(1);
        assert!(self.rt.spawn(Box::new(move || {
            let _ = tx.send(());
        })));
        rx.recv_timeout(BOUND)
            .expect("the callback thread did not drain");
    }

    /// The requests the responder received, as (topic, parsed payload).
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.jobs
            .lock()
            .requests
            .iter()
            .map(|(t, p)| (t.clone(), serde_json::from_slice(p).unwrap_or(Value::Null)))
            .collect()
    }

    /// The client token of the newest request the responder received.
    pub fn last_token(&self) -> String {
        let (_, request) = self.requests().pop().expect("a request was published");
        request["clientToken"]
            .as_str()
            .expect("a client token")
            .to_owned()
    }
}

/// The loopback behind a hook that runs at the start of every subscribe (to hold one up).
pub struct Hooked {
    pub inner: Arc<Loopback>,
    pub on_subscribe: Mutex<Option<Box<dyn FnMut() + Send>>>,
}

impl Hooked {
    /// Makes the next subscribe signal `entered` and then wait (bounded) for `release`.
    pub fn hold_next_subscribe(
        &self,
    ) -> (
        crossbeam_channel::Receiver<()>,
        crossbeam_channel::Sender<()>,
    ) {
        let (entered_tx, entered_rx) = crossbeam_channel::bounded(1);
        let (release_tx, release_rx) = crossbeam_channel::bounded::<()>(1);
        *self.on_subscribe.lock() = Some(Box::new(move || {
            let _ = entered_tx.send(());
            let _ = release_rx.recv_timeout(BOUND);
        }));
        (entered_rx, release_tx)
    }
}

impl Transport for Hooked {
    fn subscribe(
        &self,
        filters: &[&str],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let hook = self.on_subscribe.lock().take();
        if let Some(mut hook) = hook {
            hook();
        }
        self.inner.subscribe(filters, qos, timeout)
    }

    fn unsubscribe(&self, filters: &[&str], timeout: Duration) -> Result<(), TransportError> {
        self.inner.unsubscribe(filters, timeout)
    }

    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        self.inner.publish(topic, payload, qos, timeout)
    }

    fn is_aws_iot(&self) -> bool {
        self.inner.is_aws_iot()
    }
}

/// Submits a waitable operation on `engine` and waits (bounded) for its outcome. A wait that
/// gives up panics, so a hang fails the test.
pub fn run_on(engine: &Engine, sub: Submission<'_>) -> Result<Outcome, JobsError> {
    let waiter = Waiter::new();
    engine.submit(sub, Completion::Waitable(waiter.clone()))?;
    Ok(waiter
        .wait_until(give_up())
        .expect("a waitable operation never completed"))
}

/// A submission with a far deadline, a generated token and no kept subscriptions.
pub fn submission<'a>(thing: &'a str, request: Request<'a>) -> Submission<'a> {
    Submission {
        thing,
        request,
        client_token: None,
        keep_subscriptions: false,
        deadline: far(),
    }
}

/// A submission carrying the application's own client token.
pub fn with_token<'a>(token: &'a str, thing: &'a str, request: Request<'a>) -> Submission<'a> {
    Submission {
        client_token: Some(token),
        ..submission(thing, request)
    }
}

pub fn get_pending() -> Request<'static> {
    Request::GetPending
}

pub fn start_next() -> Request<'static> {
    Request::StartNext {
        status_details: None,
        step_timeout_minutes: 0,
    }
}

pub fn describe(job_id: &str) -> Request<'_> {
    Request::Describe {
        job_id,
        execution_number: -1,
        include_job_document: true,
    }
}

pub fn update(job_id: &str, status: JobState) -> Request<'_> {
    Request::Update {
        job_id,
        fields: UpdateFields {
            status,
            ..UpdateFields::default()
        },
    }
}

/// An update with status details and an expected version.
pub fn update_versioned<'a>(
    job_id: &'a str,
    status: JobState,
    status_details: Option<&'a str>,
    expected_version: u32,
) -> Request<'a> {
    Request::Update {
        job_id,
        fields: UpdateFields {
            status,
            status_details,
            expected_version,
            ..UpdateFields::default()
        },
    }
}

/// The reply document of an outcome, parsed.
pub fn doc(outcome: &Outcome) -> Value {
    serde_json::from_slice(outcome.document.as_deref().expect("a reply document"))
        .expect("the reply is JSON")
}

/// Records callback completions per operation ID, and where they ran.
#[derive(Clone, Default)]
pub struct Completions {
    inner: Arc<(Mutex<Record>, Condvar)>,
}

#[derive(Default)]
struct Record {
    by_op: HashMap<OpId, Vec<Outcome>>,
    total: usize,
    off_thread: usize,
}

impl Completions {
    pub fn new() -> Completions {
        Completions::default()
    }

    /// A callback completion that records its outcome.
    pub fn completion(&self, rt: &Runtime) -> Completion {
        let me = self.clone();
        let rt = rt.clone();
        Completion::Callback(Box::new(move |done: Done| {
            me.record(done.id, done.outcome, rt.in_callback())
        }))
    }

    fn record(&self, id: OpId, outcome: Outcome, in_callback: bool) {
        let (lock, cv) = &*self.inner;
        let mut r = lock.lock();
        r.by_op.entry(id).or_default().push(outcome);
        r.total += 1;
        if !in_callback {
            r.off_thread += 1;
        }
        cv.notify_all();
    }

    /// Waits (bounded) until at least `n` completions arrived; panics otherwise.
    pub fn wait_for(&self, n: usize) {
        let (lock, cv) = &*self.inner;
        let end = give_up();
        let mut r = lock.lock();
        while r.total < n {
            if cv.wait_until(&mut r, end).timed_out() {
                panic!("only {} of {n} completions arrived", r.total);
            }
        }
    }

    pub fn total(&self) -> usize {
        self.inner.0.lock().total
    }

    /// Completions that ran anywhere but the callback thread.
    pub fn off_thread(&self) -> usize {
        self.inner.0.lock().off_thread
    }

    /// The outcomes recorded for `id`.
    pub fn of(&self, id: OpId) -> Vec<Outcome> {
        self.inner
            .0
            .lock()
            .by_op
            .get(&id)
            .cloned()
            .unwrap_or_default()
    }

    /// Waits for `id`'s completion and asserts it ran exactly once; returns its outcome.
    pub fn once(&self, rig: &Rig, id: OpId) -> Outcome {
        assert!(
            eventually(|| !self.of(id).is_empty()),
            "operation {id} never completed"
        );
        rig.settle();
        rig.drain_callbacks();
        let outcomes = self.of(id);
        assert_eq!(outcomes.len(), 1, "operation {id} completed {outcomes:?}");
        outcomes.into_iter().next().unwrap()
    }
}
