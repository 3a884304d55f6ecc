//! Deadlines, cancellation and shutdown: every operation completes exactly once, and nothing
//! completes after it was given up.

use crate::common::*;
use awsiotjobs::core::engine::{Completion, Submission, Waiter};
use awsiotjobs::core::request::JobState;
use awsiotjobs::core::topics::Operation;
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;
use std::time::{Duration, Instant};

fn silent_submission(rig: &Rig, operation: Operation, deadline: Instant) -> Submission<'static> {
    rig.jobs.lock().script(operation, Scripted::Silence);
    Submission {
        deadline,
        ..submission("T1", get_pending())
    }
}

#[test]
fn an_unanswered_callback_operation_times_out_at_its_deadline_once() {
    let rig = Rig::new();
    let done = Completions::new();
    let deadline = Instant::now() + Duration::from_millis(100);
    let id = rig
        .submit_sub_cb(
            silent_submission(&rig, Operation::GetPending, deadline),
            &done,
        )
        .unwrap();
    let out = done.once(&rig, id);
    assert!(Instant::now() >= deadline, "timed out before its deadline");
    assert_eq!(out.status, JobsError::Timeout);
    assert_eq!(out.document, None);
    assert_eq!(done.off_thread(), 0);
    // Give the timer every chance to fire twice.
    std::thread::sleep(Duration::from_millis(200));
    rig.drain_callbacks();
    assert_eq!(done.of(id).len(), 1);
    assert_eq!(rig.engine.stats().in_flight, 0);
}

#[test]
fn a_reply_after_the_timeout_completes_nothing() {
    let rig = Rig::new();
    let done = Completions::new();
    let deadline = Instant::now() + Duration::from_millis(50);
    let sub = Submission {
        client_token: Some("late-1"),
        ..silent_submission(&rig, Operation::GetPending, deadline)
    };
    let id = rig.submit_sub_cb(sub, &done).unwrap();
    assert_eq!(done.once(&rig, id).status, JobsError::Timeout);
    rig.inject(
        "$aws/things/T1/jobs/get/accepted",
        br#"{"clientToken":"late-1","queuedJobs":[]}"#,
    );
    rig.inject(
        "$aws/things/T1/jobs/get/rejected",
        br#"{"code":"InvalidJson"}"#,
    );
    rig.settle();
    rig.drain_callbacks();
    assert_eq!(done.of(id).len(), 1);
    assert_eq!(done.total(), 1);
}

#[test]
fn operations_with_different_deadlines_each_time_out_exactly_once() {
    let rig = Rig::new();
    let done = Completions::new();
    let start = Instant::now();
    let mut ids = Vec::new();
    for ms in [120u64, 30, 90, 60] {
        let deadline = start + Duration::from_millis(ms);
        let sub = silent_submission(&rig, Operation::GetPending, deadline);
        ids.push((ms, rig.submit_sub_cb(sub, &done).unwrap()));
    }
    done.wait_for(4);
    for (_, id) in &ids {
        assert_eq!(done.once(&rig, *id).status, JobsError::Timeout);
    }
    assert_eq!(done.total(), 4);
}

#[test]
fn an_operation_whose_deadline_has_passed_still_completes_exactly_once() {
    let rig = Rig::new();
    let done = Completions::new();
    let sub = Submission {
        deadline: Instant::now(),
        ..submission("T1", get_pending())
    };
    let id = rig.submit_sub_cb(sub, &done).unwrap();
    let out = done.once(&rig, id);
    assert!(matches!(
        out.status,
        JobsError::Success | JobsError::Timeout
    ));
}

#[test]
fn a_waitable_operation_times_out_into_its_waiter() {
    let rig = Rig::new();
    let waiter = Waiter::new();
    let deadline = Instant::now() + Duration::from_millis(50);
    let sub = silent_submission(&rig, Operation::GetPending, deadline);
    rig.engine
        .submit(sub, Completion::Waitable(waiter.clone()))
        .unwrap();
    let out = waiter.wait_until(give_up()).expect("the waiter was woken");
    assert!(Instant::now() >= deadline);
    assert_eq!(out.status, JobsError::Timeout);
    assert_eq!(out.document, None);
    assert_eq!(waiter.try_take(), None, "the outcome is taken once");
}

#[test]
fn cancel_withdraws_a_waitable_operation_and_a_later_reply_is_ignored() {
    let rig = Rig::new();
    let waiter = Waiter::new();
    let sub = Submission {
        client_token: Some("cancel-me"),
        ..silent_submission(&rig, Operation::GetPending, far())
    };
    let id = rig
        .engine
        .submit(sub, Completion::Waitable(waiter.clone()))
        .unwrap();
    assert!(waiter
        .wait_until(Instant::now() + Duration::from_millis(20))
        .is_none());
    assert!(rig.engine.cancel(id));
    assert!(!rig.engine.cancel(id), "a second cancel finds nothing");
    assert_eq!(rig.engine.stats().in_flight, 0);
    rig.inject(
        "$aws/things/T1/jobs/get/accepted",
        br#"{"clientToken":"cancel-me"}"#,
    );
    rig.settle();
    assert_eq!(waiter.try_take(), None);
}

#[test]
fn a_cancelled_callback_operation_never_runs_its_callback() {
    let rig = Rig::new();
    let done = Completions::new();
    let deadline = Instant::now() + Duration::from_millis(50);
    let id = rig
        .submit_sub_cb(
            silent_submission(&rig, Operation::GetPending, deadline),
            &done,
        )
        .unwrap();
    assert!(rig.engine.cancel(id));
    std::thread::sleep(Duration::from_millis(150));
    rig.drain_callbacks();
    assert_eq!(done.total(), 0);
}

#[test]
fn cancel_of_an_unknown_id_is_false() {
    let rig = Rig::new();
    assert!(!rig.engine.cancel(u64::MAX));
}

#[test]
fn shutdown_completes_every_pending_operation_once_with_the_reason() {
    let rig = Rig::new();
    let done = Completions::new();
    let waiter = Waiter::new();
    let mut ids = Vec::new();
    for _ in 0..5 {
        let sub = silent_submission(&rig, Operation::GetPending, far());
        ids.push(rig.submit_sub_cb(sub, &done).unwrap());
    }
    let sub = silent_submission(&rig, Operation::GetPending, far());
    rig.engine
        .submit(sub, Completion::Waitable(waiter.clone()))
        .unwrap();
    rig.engine.shutdown(JobsError::MqttError);
    for id in ids {
        let out = done.once(&rig, id);
        assert_eq!(out.status, JobsError::MqttError);
        assert_eq!(out.document, None);
    }
    assert_eq!(
        waiter.wait_until(give_up()).unwrap().status,
        JobsError::MqttError
    );
    assert_eq!(rig.engine.stats().in_flight, 0);
}

#[test]
fn after_shutdown_every_call_is_not_initialized() {
    let rig = Rig::new();
    rig.engine.shutdown(JobsError::NotInitialized);
    assert!(rig.engine.is_closed());
    assert_eq!(
        rig.run("T1", get_pending()).unwrap_err(),
        JobsError::NotInitialized
    );
    assert_eq!(
        rig.run("T1", update("job1", JobState::Succeeded))
            .unwrap_err(),
        JobsError::NotInitialized
    );
    assert_eq!(
        rig.engine
            .remove_persistent_subscriptions("T1", &Operation::ALL),
        Err(JobsError::NotInitialized)
    );
    assert_eq!(rig.lb.counts().publishes, 0);
}

#[test]
fn a_reply_after_shutdown_completes_nothing_more() {
    let rig = Rig::new();
    let done = Completions::new();
    let sub = Submission {
        client_token: Some("after-shutdown"),
        ..silent_submission(&rig, Operation::GetPending, far())
    };
    let id = rig.submit_sub_cb(sub, &done).unwrap();
    rig.engine.shutdown(JobsError::Timeout);
    rig.inject(
        "$aws/things/T1/jobs/get/accepted",
        br#"{"clientToken":"after-shutdown"}"#,
    );
    rig.settle();
    assert_eq!(done.once(&rig, id).status, JobsError::Timeout);
}

#[test]
fn submits_racing_shutdown_either_fail_or_complete_with_the_reason() {
    for _ in 0..20 {
        let rig = Rig::new();
        rig.lb.set_responder(|_: &str, _: &[u8]| Vec::new());
        let done = Completions::new();
        let accepted = std::sync::Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| loop {
                    let sub = Submission {
                        client_token: Some("racer"),
                        ..submission("T1", describe("job1"))
                    };
                    match rig.submit_sub_cb(sub, &done) {
                        Ok(id) => accepted.lock().unwrap().push(id),
                        Err(e) => {
                            assert_eq!(e, JobsError::NotInitialized);
                            return;
                        }
                    }
                });
            }
            std::thread::sleep(Duration::from_millis(5));
            rig.engine.shutdown(JobsError::InternalError);
        });
        for id in accepted.into_inner().unwrap() {
            let outcomes = {
                assert!(
                    eventually(|| !done.of(id).is_empty()),
                    "operation {id} accepted while shutting down never completed"
                );
                done.of(id)
            };
            assert_eq!(outcomes.len(), 1);
            assert_eq!(outcomes[0].status, JobsError::InternalError);
        }
        assert_eq!(rig.engine.stats().in_flight, 0);
    }
}

#[test]
fn a_submit_caught_by_shutdown_while_subscribing_fails_instead_of_hanging() {
    let (rig, hooked) = Rig::hooked(false, awsiotjobs::core::engine::EngineConfig::default());
    let (entered, release) = hooked.hold_next_subscribe();
    let done = Completions::new();
    std::thread::scope(|s| {
        let submitter = s.spawn(|| rig.submit_cb("T1", get_pending(), &done));
        entered
            .recv_timeout(BOUND)
            .expect("the submit reached subscribe");
        rig.engine.shutdown(JobsError::InternalError);
        release.send(()).unwrap();
        match submitter.join().unwrap() {
            Err(e) => assert_eq!(e, JobsError::NotInitialized),
            Ok(id) => assert_eq!(done.once(&rig, id).status, JobsError::InternalError),
        }
    });
    assert_eq!(rig.engine.stats().in_flight, 0);
}
