//! Callbacks may call the engine, synchronous operations included: nothing deadlocks. Every
//! wait is bounded, so a deadlock fails the test instead of hanging it.

use crate::common::*;
use awsiotjobs::core::engine::{Completion, Done, Engine, EngineConfig, NotifyEvent, Outcome};
use awsiotjobs::core::topics::{Notify, Operation};
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;
use crossbeam_channel::{bounded, Receiver, Sender};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// A callback completion that runs `then` with the engine, on the callback thread.
fn then(
    rig: &Rig,
    then: impl FnOnce(&Engine) -> Result<Outcome, JobsError> + Send + 'static,
) -> (Completion, Receiver<Result<Outcome, JobsError>>) {
    let (tx, rx) = bounded(1);
    let engine = rig.engine.clone();
    let completion = Completion::Callback(Box::new(move |done: Done| {
        assert_eq!(done.outcome.status, JobsError::Success);
        let _ = tx.send(then(&engine));
    }));
    (completion, rx)
}

fn outcome(rx: &Receiver<Result<Outcome, JobsError>>) -> Result<Outcome, JobsError> {
    rx.recv_timeout(BOUND)
        .expect("the nested synchronous operation deadlocked")
}

#[test]
fn a_completion_callback_may_run_a_synchronous_operation() {
    let rig = Rig::new();
    let (completion, rx) = then(&rig, |e| run_on(e, submission("T1", describe("job1"))));
    rig.engine
        .submit(submission("T1", start_next()), completion)
        .unwrap();
    assert_eq!(outcome(&rx).unwrap().status, JobsError::Success);
}

#[test]
fn a_completion_callback_may_run_a_synchronous_operation_of_the_same_kind() {
    let rig = Rig::new();
    let (completion, rx) = then(&rig, |e| run_on(e, submission("T1", get_pending())));
    rig.engine
        .submit(submission("T1", get_pending()), completion)
        .unwrap();
    assert_eq!(outcome(&rx).unwrap().status, JobsError::Success);
}

#[test]
fn a_callback_may_reuse_a_subscription_whose_unsubscribe_is_queued_behind_it() {
    // With no lingering, the last release of a subscription queues its unsubscribe on the
    // callback thread; a callback already queued that needs the same subscription must not
    // wait for that unsubscribe (it would wait for itself).
    let rig = Rig::with(
        false,
        EngineConfig {
            linger_max: 0,
            ..EngineConfig::default()
        },
    );
    let (go_tx, go_rx) = bounded::<()>(1);
    let (completion, rx) = then(&rig, move |e| {
        go_rx.recv_timeout(BOUND).unwrap();
        run_on(e, submission("T1", get_pending()))
    });
    let done = Completions::new();
    rig.engine
        .submit(submission("T1", get_pending()), completion)
        .unwrap();
    let waiting = rig.submit_cb("T1", get_pending(), &done).unwrap();
    // Both replies are handled: the subscription's unsubscribe is queued.
    assert!(eventually(|| rig.engine.stats().in_flight == 0));
    go_tx.send(()).unwrap();
    assert_eq!(outcome(&rx).unwrap().status, JobsError::Success);
    assert_eq!(done.once(&rig, waiting).status, JobsError::Success);
}

#[test]
fn a_callback_may_reuse_a_subscription_the_timer_marked_idle_behind_it() {
    let rig = Rig::with(
        false,
        EngineConfig {
            linger_idle: Duration::from_millis(1),
            ..EngineConfig::default()
        },
    );
    rig.run("T1", describe("job1")).unwrap();
    let (go_tx, go_rx) = bounded::<()>(1);
    let (completion, rx) = then(&rig, move |e| {
        go_rx.recv_timeout(BOUND).unwrap();
        run_on(e, submission("T1", describe("job1")))
    });
    rig.engine
        .submit(submission("T1", get_pending()), completion)
        .unwrap();
    // Wait for the timer's sweep to pick the idle describe subscription (its unsubscribe is
    // queued behind the blocked callback) before letting the callback reuse it.
    assert!(eventually(
        || rig.engine.stats().lingering == 0 && rig.engine.stats().in_flight == 0
    ));
    go_tx.send(()).unwrap();
    assert!(outcome(&rx).is_ok());
}

#[test]
fn a_notify_callback_may_run_a_synchronous_operation() {
    let rig = Rig::new();
    rig.jobs.lock().script(
        Operation::StartNext,
        Scripted::Accept(json!({ "execution": { "jobId": "job1" } })),
    );
    let (tx, rx): (Sender<Result<Outcome, JobsError>>, _) = bounded(1);
    let engine = rig.engine.clone();
    rig.engine
        .set_notify(
            "T1",
            Notify::Next,
            None,
            Some((
                1,
                Arc::new(move |event: &NotifyEvent<'_>| {
                    let _ = tx.try_send(run_on(&engine, submission(event.thing, start_next())));
                }),
            )),
            4,
        )
        .unwrap();
    rig.lb.inject(
        "$aws/things/T1/jobs/notify-next",
        br#"{"timestamp":1,"execution":{"jobId":"job1"}}"#,
    );
    let out = outcome(&rx).unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(doc(&out)["execution"]["jobId"], "job1");
}

#[test]
fn a_notify_callback_may_remove_itself() {
    let rig = Rig::new();
    let (tx, rx) = bounded(1);
    let engine = rig.engine.clone();
    rig.engine
        .set_notify(
            "T1",
            Notify::Pending,
            None,
            Some((
                7,
                Arc::new(move |event: &NotifyEvent<'_>| {
                    let _ =
                        tx.try_send(engine.set_notify(event.thing, event.kind, Some(7), None, 4));
                }),
            )),
            4,
        )
        .unwrap();
    rig.lb.inject(
        "$aws/things/T1/jobs/notify",
        br#"{"timestamp":1,"jobs":{}}"#,
    );
    assert_eq!(rx.recv_timeout(BOUND).expect("no deadlock"), Ok(()));
    assert!(rig.lb.subscriptions().is_empty());
}

#[test]
fn a_completion_callback_may_chain_callback_operations() {
    let rig = Rig::new();
    let (tx, rx) = bounded(1);
    fn chain(engine: Arc<Engine>, left: usize, tx: Sender<usize>) {
        let next = engine.clone();
        let completion = Completion::Callback(Box::new(move |done: Done| {
            assert_eq!(done.outcome.status, JobsError::Success);
            if left == 0 {
                let _ = tx.send(0);
            } else {
                chain(next, left - 1, tx);
            }
        }));
        engine
            .submit(submission("T1", get_pending()), completion)
            .unwrap();
    }
    chain(rig.engine.clone(), 20, tx);
    assert_eq!(rx.recv_timeout(BOUND), Ok(0));
}

#[test]
fn a_completion_callback_may_shut_the_engine_down() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.lb.set_responder(|t: &str, p: &[u8]| {
        // Answer only describe; get-pending stays in flight.
        if t.ends_with("/get") && t.contains("/job1/") {
            let token =
                serde_json::from_slice::<serde_json::Value>(p).unwrap()["clientToken"].clone();
            let body = serde_json::json!({ "clientToken": token });
            vec![(format!("{t}/accepted"), body.to_string().into_bytes())]
        } else {
            Vec::new()
        }
    });
    let pending = rig.submit_cb("T1", get_pending(), &done).unwrap();
    let (completion, rx) = then(&rig, |e| {
        e.shutdown(JobsError::InitFailed);
        run_on(e, submission("T1", get_pending()))
    });
    rig.engine
        .submit(submission("T1", describe("job1")), completion)
        .unwrap();
    assert_eq!(outcome(&rx).unwrap_err(), JobsError::NotInitialized);
    assert_eq!(done.once(&rig, pending).status, JobsError::InitFailed);
}
