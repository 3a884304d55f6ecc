//! Arbitrary inbound messages handed to an engine with operations in flight.
//!
//! Each input builds a fresh `Engine` on a fresh `Loopback` (a generic broker, or AWS IoT
//! mode), starts waitable and callback operations on a few things and jobs (their client tokens
//! are read back from what the loopback saw published), registers notify callbacks and an
//! application handler, then feeds messages through `Engine::handle_inbound` or the `Router`.
//! After every message the callback thread is drained and the engine is compared with a model:
//! - nothing panics (libFuzzer aborts on any panic, caught or not);
//! - an operation completes at most once, and only with a reply on its own reply topic whose
//!   token is its token (or, for a rejection without a token, when it is the oldest operation
//!   of that topic and the reply has no `clientToken` at all), with status SUCCESS for accepted and the code's mapping for rejected;
//! - a reply the model says completes an operation does complete it, with the payload as
//!   the document; notify callbacks run once per registered callback per notification (the
//!   callback thread is drained after each message, so no notification is coalesced with a
//!   newer one; `tests/engine/notify.rs` covers coalescing);
//! - at shutdown every remaining operation completes exactly once with NOT_INITIALIZED.
#![no_main]

use awsiotjobs::core::engine::{Completion, Done, EngineConfig, OpId, Outcome, Submission, Waiter};
use awsiotjobs::core::request::{JobState, Request, UpdateFields};
use awsiotjobs::core::runtime::Runtime;
use awsiotjobs::core::topics::{self, Notify, Operation, Verdict};
use awsiotjobs::core::{Engine, JobsError};
use awsiotjobs::core::topics::topic_matches;
use awsiotjobs::core::router::Router;
use awsiotjobs_fuzz::inbound::*;
use awsiotjobs_fuzz::{
    beyond_value_limits, expected_rejection, recording_loopback, value_head, LEGAL_CODES,
};
use libfuzzer_sys::fuzz_target;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| Runtime::start().expect("runtime"))
}

/// Waits until every task queued on the callback thread so far has run.
fn drain_callbacks() {
    let (tx, rx) = std::sync::mpsc::channel();
    assert!(runtime().spawn(Box::new(move || {
        let _ = tx.send(());
    })));
    rx.recv().expect("callback thread alive");
}

/// One operation of the model.
struct Op {
    id: OpId,
    thing: &'static str,
    operation: Operation,
    job: Option<&'static str>,
    token: String,
    waiter: Option<Arc<Waiter>>,
    done: bool,
}

type Completed = Arc<Mutex<Vec<(OpId, Outcome)>>>;
/// Notify callback calls: (registration, thing, document).
type Notified = Arc<Mutex<Vec<(usize, String, Vec<u8>)>>>;

fn operation_of(i: usize) -> Operation {
    Operation::ALL[i]
}

fn request_of(spec: &OpSpec) -> Request<'static> {
    let job = JOBS[spec.job];
    match operation_of(spec.operation) {
        Operation::GetPending => Request::GetPending,
        Operation::StartNext => Request::StartNext {
            status_details: Some(r#"{"step":"1"}"#),
            step_timeout_minutes: 5,
        },
        Operation::Describe => Request::Describe {
            job_id: job,
            execution_number: -1,
            include_job_document: true,
        },
        Operation::Update => Request::Update {
            job_id: job,
            fields: UpdateFields {
                status: JobState::Succeeded,
                ..UpdateFields::default()
            },
        },
    }
}

fn topic_of(msg: &TopicSpec, ops: &[Op]) -> String {
    let op = |i: usize| ops.get(i % ops.len().max(1));
    let reply = |o: &Op, rejected: bool| {
        let verdict = if rejected {
            Verdict::Rejected
        } else {
            Verdict::Accepted
        };
        topics::reply_topic(o.thing, o.operation, o.job, verdict)
    };
    match msg {
        TopicSpec::ReplyOf { op: i, rejected } => {
            op(*i).map_or_else(String::new, |o| reply(o, *rejected))
        }
        TopicSpec::Built {
            thing,
            operation,
            job,
            rejected,
        } => {
            let name = |n: &NameSpec, pool: &[&str]| match n {
                NameSpec::Pool(i) => pool[*i].to_owned(),
                NameSpec::Raw(s) => s.clone(),
            };
            let operation = operation_of(*operation);
            let job = name(job, &JOBS);
            let verdict = if *rejected {
                Verdict::Rejected
            } else {
                Verdict::Accepted
            };
            topics::reply_topic(
                &name(thing, &THINGS),
                operation,
                operation.has_job_id().then_some(job.as_str()),
                verdict,
            )
        }
        TopicSpec::Notify { thing, next } => topics::notify_topic(
            THINGS[*thing],
            if *next { Notify::Next } else { Notify::Pending },
        ),
        TopicSpec::Mutated {
            op: i,
            rejected,
            at,
            byte,
            mode,
        } => {
            let Some(o) = op(*i) else {
                return String::new();
            };
            let mut bytes = reply(o, *rejected).into_bytes();
            let at = *at as usize % (bytes.len() + 1);
            match mode {
                0 if at < bytes.len() => bytes[at] = *byte,
                1 => bytes.insert(at, *byte),
                _ if at < bytes.len() => {
                    bytes.remove(at);
                }
                _ => {}
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
        TopicSpec::Raw(s) => s.clone(),
        TopicSpec::RequestOf { op: i } => op(*i).map_or_else(String::new, |o| {
            topics::request_topic(o.thing, o.operation, o.job)
        }),
    }
}

fn payload_of(spec: &PayloadSpec, ops: &[Op]) -> Vec<u8> {
    let token_of = |i: usize| {
        ops.get(i % ops.len().max(1))
            .map_or_else(String::new, |o| o.token.clone())
    };
    let json = |s: &str| serde_json::to_string(s).expect("string");
    match spec {
        PayloadSpec::Raw(b) => b.clone(),
        PayloadSpec::Template { token, code, extra } => {
            let mut out = b"{\"timestamp\":1".to_vec();
            let token = match token {
                TokenField::OfOp(i) => Some(json(&token_of(*i))),
                TokenField::Absent => None,
                TokenField::Raw(s) => Some(json(s)),
                TokenField::Number => Some("12".to_owned()),
                TokenField::Null => Some("null".to_owned()),
            };
            if let Some(t) = token {
                out.extend_from_slice(b",\"clientToken\":");
                out.extend_from_slice(t.as_bytes());
            }
            let code = match code {
                CodeField::Absent => None,
                CodeField::Known(i) => Some(json(awsiotjobs_fuzz::SERVICE_CODES[*i].0)),
                CodeField::Raw(s) => Some(json(s)),
                CodeField::Number => Some("404".to_owned()),
            };
            if let Some(c) = code {
                out.extend_from_slice(b",\"code\":");
                out.extend_from_slice(c.as_bytes());
            }
            out.extend_from_slice(extra);
            out.push(b'}');
            out
        }
        PayloadSpec::Wrapped { prefix, op, suffix } => {
            let mut out = prefix.clone();
            out.extend_from_slice(json(&token_of(*op)).as_bytes());
            out.extend_from_slice(suffix);
            out
        }
    }
}

/// The operation the model says `topic`/`payload` completes, and with which status.
fn expected_completion(ops: &[Op], topic: &str, payload: &[u8]) -> Option<(usize, u32)> {
    let head = value_head(payload)?;
    let (token, code) = (head.client_token, head.code);
    let rejected = topic.ends_with("/rejected");
    let belongs = |o: &Op| {
        !o.done
            && [Verdict::Accepted, Verdict::Rejected].iter().any(|v| {
                (*v == Verdict::Rejected) == rejected
                    && topics::reply_topic(o.thing, o.operation, o.job, *v) == topic
            })
    };
    // Operations are in submission order, which is the engine's age order.
    let index = match token {
        Some(t) => ops.iter().position(|o| belongs(o) && o.token == t),
        None if rejected && !head.token_unreadable => ops.iter().position(belongs),
        None => None,
    }?;
    let status = if rejected {
        expected_rejection(code.as_deref())
    } else {
        0
    };
    Some((index, status))
}

fn run(input: &Input) {
    let router = Router::new();
    let (loopback, published) = recording_loopback(router.clone(), input.aws_iot);
    let engine = Engine::new(loopback.clone(), runtime().clone(), EngineConfig::default());
    let weak = Arc::downgrade(&engine);
    router.set_jobs_handler(Some(Arc::new(move |topic: &str, payload: &[u8]| {
        if let Some(engine) = weak.upgrade() {
            engine.handle_inbound(topic, payload);
        }
    })));
    let app_hits = Arc::new(Mutex::new(0usize));
    let app_filter = match &input.app_filter {
        FilterSpec::None => None,
        FilterSpec::Pool(i) => Some(FILTERS[*i].to_owned()),
        FilterSpec::Raw(s) => Some(s.clone()),
    };
    if let Some(filter) = &app_filter {
        let hits = app_hits.clone();
        router.set_app_handler(
            filter,
            Arc::new(move |_: &str, _: &[u8]| *hits.lock().unwrap() += 1),
        );
    }

    // Notify callbacks: (thing, kind) per registration; each counts its calls.
    let notified: Notified = Arc::default();
    let mut registrations: Vec<(&str, Notify)> = Vec::new();
    let plan = [
        (0, THINGS[0], Notify::Pending),
        (1, THINGS[0], Notify::Next),
        (2, THINGS[1], Notify::Pending),
        (3, THINGS[0], Notify::Pending),
    ];
    for (bit, thing, kind) in plan {
        if input.notify_bits & (1 << bit) == 0 {
            continue;
        }
        let slot = registrations.len();
        let sink = notified.clone();
        let callback = Arc::new(move |e: &awsiotjobs::core::engine::NotifyEvent<'_>| {
            assert_eq!(e.kind, kind);
            sink.lock()
                .unwrap()
                .push((slot, e.thing.to_owned(), e.document.to_vec()));
        });
        engine
            .set_notify(thing, kind, None, Some((0x1000 + bit, callback)), 4)
            .expect("set_notify");
        registrations.push((thing, kind));
    }

    // Operations in flight.
    let specs = if input.ops.is_empty() {
        default_ops()
    } else {
        input.ops.clone()
    };
    let completed: Completed = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(3600);
    let mut ops: Vec<Op> = Vec::new();
    for spec in &specs {
        let request = request_of(spec);
        let operation = request.operation();
        let job = operation.has_job_id().then_some(JOBS[spec.job]);
        let app_token = match &spec.token {
            TokenSpec::Auto => None,
            TokenSpec::App(i) => Some(APP_TOKENS[*i].to_owned()),
            TokenSpec::Raw(s) => Some(s.clone()),
        };
        let waiter = spec.waitable.then(Waiter::new);
        let completion = match &waiter {
            Some(w) => Completion::Waitable(w.clone()),
            None => {
                let sink = completed.clone();
                Completion::Callback(Box::new(move |done: Done| {
                    sink.lock().unwrap().push((done.id, done.outcome));
                }))
            }
        };
        let submission = Submission {
            thing: THINGS[spec.thing],
            request,
            client_token: app_token.as_deref(),
            keep_subscriptions: false,
            deadline,
        };
        let before = published.lock().unwrap().len();
        let Ok(id) = engine.submit(submission, completion) else {
            assert_eq!(
                published.lock().unwrap().len(),
                before,
                "rejected yet published"
            );
            continue;
        };
        let sent = published.lock().unwrap();
        assert_eq!(sent.len(), before + 1, "one publish per operation");
        let (topic, payload) = &sent[before];
        assert_eq!(
            *topic,
            topics::request_topic(THINGS[spec.thing], operation, job)
        );
        let request: serde_json::Value = serde_json::from_slice(payload).expect("request JSON");
        let token = request["clientToken"].as_str().expect("token").to_owned();
        if let Some(t) = &app_token {
            assert_eq!(*t, token);
        }
        ops.push(Op {
            id,
            thing: THINGS[spec.thing],
            operation,
            job,
            token,
            waiter,
            done: false,
        });
    }
    // Waitable completions are delivered synchronously by `handle_inbound`; callback
    // completions and notifications go through the callback thread in order, so they are
    // compared with the model's expected sequence once, at the end (notifications each
    // delivered before the next message, see below).
    let mut expected_callbacks: Vec<(OpId, u32, Option<Vec<u8>>)> = Vec::new();
    let mut expected_notifications: Vec<(usize, String, Vec<u8>)> = Vec::new();
    let take_waitables = |ops: &[Op]| -> Vec<(usize, Outcome)> {
        let mut out = Vec::new();
        for (i, op) in ops.iter().enumerate() {
            if let Some(outcome) = op.waiter.as_ref().and_then(|w| w.try_take()) {
                assert!(!op.done, "operation {i} completed twice");
                out.push((i, outcome));
            }
        }
        out
    };
    assert!(
        take_waitables(&ops).is_empty(),
        "completed before any reply"
    );

    for message in &input.messages {
        let topic = topic_of(&message.topic, &ops);
        let payload = payload_of(&message.payload, &ops);
        // The model reads replies with `serde_json::Value`, which refuses documents beyond its
        // own limits (a number past f64 such as `1e400`, nesting deeper than 128) that the
        // engine's reader, skipping unused fields, accepts: for those the model cannot say what
        // completes. `reply_head` checks the reader on them; here they are not delivered.
        if beyond_value_limits(&payload) {
            continue;
        }
        let expected = expected_completion(&ops, &topic, &payload);
        let app_before = *app_hits.lock().unwrap();
        if message.via_router {
            router.deliver(&topic, &payload);
        } else {
            engine.handle_inbound(&topic, &payload);
        }
        let waited = take_waitables(&ops);
        match expected {
            None => assert!(
                waited.is_empty(),
                "{topic:?} {payload:?} completed {waited:?}"
            ),
            Some((index, status)) => {
                assert!(LEGAL_CODES.contains(&status));
                let op = &mut ops[index];
                op.done = true;
                if op.waiter.is_some() {
                    assert_eq!(
                        waited.len(),
                        1,
                        "{topic:?} {payload:?} completed {waited:?}"
                    );
                    let (i, outcome) = &waited[0];
                    assert_eq!(*i, index, "{topic:?} completed the wrong operation");
                    assert_eq!(outcome.status as u32, status);
                    assert_eq!(outcome.document.as_deref(), Some(&payload[..]));
                } else {
                    assert!(
                        waited.is_empty(),
                        "{topic:?} completed a waitable {waited:?}"
                    );
                    expected_callbacks.push((op.id, status, Some(payload.clone())));
                }
            }
        }
        assert_eq!(
            engine.stats().in_flight,
            ops.iter().filter(|o| !o.done).count(),
            "{topic:?} {payload:?}: the engine completed something else"
        );
        // Notifications: one call per registered callback of that thing and kind. The engine
        // keeps only the newest undelivered notification of a thing and kind, and drops what is
        // undelivered at shutdown, so the model lets each one be delivered before going on.
        let mut notified_here = false;
        for (slot, (thing, kind)) in registrations.iter().enumerate() {
            if topics::notify_topic(thing, *kind) == topic {
                expected_notifications.push((slot, thing.to_string(), payload.clone()));
                notified_here = true;
            }
        }
        if notified_here {
            drain_callbacks();
        }
        // The application's handler sees exactly the topics its filter matches.
        let hits = *app_hits.lock().unwrap() - app_before;
        let wanted = app_filter
            .as_deref()
            .is_some_and(|f| message.via_router && topic_matches(f, &topic));
        assert_eq!(hits, wanted as usize, "app handler for {topic:?}");
    }

    engine.shutdown(JobsError::NotInitialized);
    for (i, outcome) in take_waitables(&ops) {
        assert_eq!(outcome.status, JobsError::NotInitialized, "op {i}");
        assert_eq!(outcome.document, None);
        ops[i].done = true;
    }
    for op in ops.iter_mut().filter(|o| !o.done) {
        assert!(op.waiter.is_none(), "a waitable operation never completed");
        expected_callbacks.push((op.id, JobsError::NotInitialized as u32, None));
        op.done = true;
    }
    drain_callbacks();
    let callbacks: Vec<_> = completed
        .lock()
        .unwrap()
        .drain(..)
        .map(|(id, o)| (id, o.status as u32, o.document))
        .collect();
    assert_eq!(callbacks, expected_callbacks, "callback completions");
    assert_eq!(
        *notified.lock().unwrap(),
        expected_notifications,
        "notify callbacks"
    );
    router.set_jobs_handler(None);
}

fuzz_target!(|data: &[u8]| {
    run(&Input::decode(data));
});
