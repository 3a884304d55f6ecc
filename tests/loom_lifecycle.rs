//! Model checking, with loom, of the mechanisms behind "every accepted operation completes
//! exactly once, even when Cleanup races it": the callback queue (a push is ordered against
//! the close), an engine's operation table under `shutdown` (an operation is either refused
//! or drained, and its completion reaches the queue before the queue closes), and the runtime's
//! turn shared by the callback thread and a routing thread that runs callbacks itself.
//!
//! loom runs each model under every interleaving of its threads (up to a preemption bound) and
//! fails on a deadlock or a failed assertion. The real `TaskQueue`, `Runtime` and `Engine` are
//! under test; only their locks are loom's (`src/core/sync.rs`). Run with:
//!
//! ```sh
//! cargo test --release --features loom --test loom_lifecycle
//! ```
#![cfg(feature = "loom")]

use awsiotjobs::core::engine::{Completion, Done, Engine, EngineConfig, Submission};
use awsiotjobs::core::queue::TaskQueue;
use awsiotjobs::core::request::Request;
use awsiotjobs::core::runtime::Runtime;
use awsiotjobs::core::transport::{Qos, Transport, TransportError};
use awsiotjobs::core::JobsError;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::sync::Arc;
use std::time::{Duration, Instant};

/// Checks `f` under every interleaving with at most `LOOM_MAX_PREEMPTIONS` (default 5)
/// preemptions, and prints how many interleavings that was.
fn model(name: &str, f: impl Fn() + Sync + Send + 'static) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let runs = std::sync::Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = builder.preemption_bound.or(Some(5));
    builder.check(move || {
        counted.fetch_add(1, Ordering::Relaxed);
        f()
    });
    println!(
        "{name}: {} interleavings checked",
        runs.load(Ordering::Relaxed)
    );
}

/// A push either lands before the close (and its task is handed out exactly once) or is
/// refused (and never runs); the consumer ends only after the last accepted task.
#[test]
fn every_accepted_task_runs_once_and_no_refused_one_runs() {
    model("queue", || {
        let queue = Arc::new(TaskQueue::default());
        let ran = Arc::new(AtomicUsize::new(0));
        let consumer = {
            let queue = queue.clone();
            loom::thread::spawn(move || {
                while let Some(task) = queue.pop() {
                    task();
                }
            })
        };
        let producer = {
            let (queue, ran) = (queue.clone(), ran.clone());
            loom::thread::spawn(move || {
                let mut accepted = 0;
                for _ in 0..2 {
                    let ran = ran.clone();
                    if queue.push(Box::new(move || {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })) {
                        accepted += 1;
                    }
                }
                accepted
            })
        };
        queue.close();
        let accepted = producer.join().unwrap();
        consumer.join().unwrap();
        assert_eq!(ran.load(Ordering::SeqCst), accepted);
    });
}

/// A transport that acknowledges everything at once and records nothing.
struct AcksAll;

impl Transport for AcksAll {
    fn subscribe(&self, _: &[&str], _: Qos, _: Duration) -> Result<(), TransportError> {
        Ok(())
    }
    fn unsubscribe(&self, _: &[&str], _: Duration) -> Result<(), TransportError> {
        Ok(())
    }
    fn publish(&self, _: &str, _: &[u8], _: Qos, _: Duration) -> Result<(), TransportError> {
        Ok(())
    }
    fn is_aws_iot(&self) -> bool {
        true
    }
}

const REPLY_TOPIC: &str = "$aws/things/T/jobs/get/accepted";
const REPLY: &[u8] = br#"{"clientToken":"tok"}"#;

/// One operation submitted while its reply arrives and Cleanup runs (engine shutdown, then the
/// runtime's), with the callback thread serving the queue: accepted ⇒ its callback ran exactly
/// once, with the reply or with NOT_INITIALIZED; refused ⇒ it never ran.
#[test]
fn an_operation_racing_cleanup_completes_exactly_once_or_is_refused() {
    model("cleanup race", || {
        let runtime = Runtime::without_threads();
        let engine = Engine::new(
            std::sync::Arc::new(AcksAll),
            runtime.clone(),
            EngineConfig::default(),
        );
        let calls = Arc::new(AtomicUsize::new(0));
        let callback_thread = {
            let runtime = runtime.clone();
            loom::thread::spawn(move || runtime.serve_callbacks())
        };
        let submitter = {
            let (engine, calls) = (engine.clone(), calls.clone());
            loom::thread::spawn(move || {
                let submission = Submission {
                    thing: "T",
                    request: Request::GetPending,
                    client_token: Some("tok"),
                    keep_subscriptions: false,
                    deadline: Instant::now() + Duration::from_secs(3600),
                };
                let completion = Completion::Callback(Box::new(move |done: Done| {
                    assert!(matches!(
                        done.outcome.status,
                        JobsError::Success | JobsError::NotInitialized
                    ));
                    calls.fetch_add(1, Ordering::SeqCst);
                }));
                engine.submit(submission, completion)
            })
        };
        let replier = {
            let engine = engine.clone();
            loom::thread::spawn(move || engine.handle_inbound(REPLY_TOPIC, REPLY))
        };
        // Cleanup, as the library does it.
        engine.shutdown(JobsError::NotInitialized);
        runtime.shutdown();
        let accepted = submitter.join().unwrap().is_ok();
        replier.join().unwrap();
        callback_thread.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), usize::from(accepted));
    });
}

/// An operation whose deadline has passed, expired by the timer while Cleanup runs: accepted ⇒
/// its callback ran exactly once, with TIMEOUT or NOT_INITIALIZED; refused ⇒ never.
#[test]
fn an_operation_timing_out_during_cleanup_completes_exactly_once_or_is_refused() {
    use awsiotjobs::core::runtime::Expiring;
    model("timeout during cleanup", || {
        let runtime = Runtime::without_threads();
        let engine = Engine::new(
            std::sync::Arc::new(AcksAll),
            runtime.clone(),
            EngineConfig::default(),
        );
        let calls = Arc::new(AtomicUsize::new(0));
        let callback_thread = {
            let runtime = runtime.clone();
            loom::thread::spawn(move || runtime.serve_callbacks())
        };
        let deadline = Instant::now();
        let submitter = {
            let (engine, calls) = (engine.clone(), calls.clone());
            loom::thread::spawn(move || {
                let submission = Submission {
                    thing: "T",
                    request: Request::GetPending,
                    client_token: None,
                    keep_subscriptions: false,
                    deadline,
                };
                let completion = Completion::Callback(Box::new(move |done: Done| {
                    assert!(matches!(
                        done.outcome.status,
                        JobsError::Timeout | JobsError::NotInitialized
                    ));
                    calls.fetch_add(1, Ordering::SeqCst);
                }));
                engine.submit(submission, completion)
            })
        };
        let timer = {
            let engine = engine.clone();
            loom::thread::spawn(move || {
                engine.expire_due(deadline);
            })
        };
        // Cleanup joins the timer before it stops the runtime.
        engine.shutdown(JobsError::NotInitialized);
        timer.join().unwrap();
        runtime.shutdown();
        let accepted = submitter.join().unwrap().is_ok();
        callback_thread.join().unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), usize::from(accepted));
    });
}

/// A routing thread that runs the callbacks its routing queued ([`Helped`]) beside the
/// callback thread, while Cleanup stops the runtime: every accepted callback runs exactly
/// once, never two at a time, and all of them have run when the callback thread has ended
/// (Cleanup waits for that thread, so none still runs on the helper when Cleanup returns).
#[test]
fn a_helping_routing_thread_and_the_callback_thread_run_each_callback_once_and_alone() {
    use awsiotjobs::core::runtime::Helped;
    use loom::sync::atomic::AtomicBool;
    model("helper beside the callback thread", || {
        let runtime = Runtime::without_threads();
        let ran = Arc::new(AtomicUsize::new(0));
        let running = Arc::new(AtomicBool::new(false));
        let task = {
            let (ran, running) = (ran.clone(), running.clone());
            move || -> awsiotjobs::core::runtime::Task {
                let (ran, running) = (ran.clone(), running.clone());
                Box::new(move || {
                    assert!(
                        !running.swap(true, Ordering::SeqCst),
                        "two callbacks at once"
                    );
                    ran.fetch_add(1, Ordering::SeqCst);
                    running.store(false, Ordering::SeqCst);
                })
            }
        };
        let callback_thread = {
            let runtime = runtime.clone();
            loom::thread::spawn(move || runtime.serve_callbacks())
        };
        // What the routing thread got accepted, counted as soon as it was.
        let routed = Arc::new(AtomicUsize::new(0));
        let router = {
            let (runtime, task, routed) = (runtime.clone(), task.clone(), routed.clone());
            loom::thread::spawn(move || {
                let mut helped = Helped::default();
                helped.routing(|| {
                    if runtime.spawn(task()) {
                        routed.fetch_add(1, Ordering::SeqCst);
                    }
                });
                helped.run();
            })
        };
        // A completion from elsewhere (the timer thread's kind), then Cleanup.
        let accepted = usize::from(runtime.spawn(task()));
        runtime.shutdown();
        callback_thread.join().unwrap();
        // The callback thread ended: what was accepted so far has run, on whichever thread.
        assert!(ran.load(Ordering::SeqCst) >= accepted + routed.load(Ordering::SeqCst));
        router.join().unwrap();
        assert_eq!(
            ran.load(Ordering::SeqCst),
            accepted + routed.load(Ordering::SeqCst)
        );
    });
}
