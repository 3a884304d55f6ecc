//! Reply subscriptions: one per thing (three wildcard filters that match every reply of the
//! thing and nothing else), taken before the first request goes out, in every mode; kept while
//! in use, lingering (bounded) afterwards; in awsIotMqttMode within AWS IoT's quota.

use crate::common::*;
use awsiotjobs::core::engine::{EngineConfig, Submission};
use awsiotjobs::core::request::JobState;
use awsiotjobs::core::topics::{reply_filters, Operation};
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;
use std::time::Duration;

fn config(linger_max: usize, linger_idle: Duration) -> EngineConfig {
    EngineConfig {
        linger_max,
        linger_idle,
        ..EngineConfig::default()
    }
}

fn kept<'a>(thing: &'a str, request: awsiotjobs::core::request::Request<'a>) -> Submission<'a> {
    Submission {
        keep_subscriptions: true,
        ..submission(thing, request)
    }
}

/// The subscriptions of these things, sorted as the loopback lists them.
fn filters_of(things: &[&str]) -> Vec<String> {
    let mut all: Vec<String> = things.iter().flat_map(|t| reply_filters(t)).collect();
    all.sort();
    all
}

#[test]
fn two_updates_on_one_thing_both_complete() {
    let rig = Rig::new();
    let done = Completions::new();
    for _ in 0..2 {
        rig.jobs.lock().script(Operation::Update, Scripted::Silence);
    }
    let a = rig
        .submit_cb("T1", update("job1", JobState::InProgress), &done)
        .unwrap();
    let token_a = rig.last_token();
    let b = rig
        .submit_cb("T1", update("job2", JobState::InProgress), &done)
        .unwrap();
    let token_b = rig.last_token();
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));
    // The service answers on each job's own topic; a generic broker delivers only those
    // subscribed.
    rig.lb.inject(
        "$aws/things/T1/jobs/job2/update/accepted",
        format!(r#"{{"clientToken":"{token_b}"}}"#).as_bytes(),
    );
    rig.lb.inject(
        "$aws/things/T1/jobs/job1/update/accepted",
        format!(r#"{{"clientToken":"{token_a}"}}"#).as_bytes(),
    );
    assert_eq!(done.once(&rig, a).status, JobsError::Success);
    assert_eq!(done.once(&rig, b).status, JobsError::Success);
}

#[test]
fn every_operation_and_job_of_a_thing_shares_one_subscription() {
    let rig = Rig::new();
    for request in [
        describe("job1"),
        describe("job2"),
        describe("$next"),
        get_pending(),
        start_next(),
        update("job2", JobState::InProgress),
    ] {
        assert_eq!(rig.run("T1", request).unwrap().status, JobsError::Success);
    }
    assert_eq!(rig.lb.counts().subscribes, 1);
    assert_eq!(rig.engine.stats().reply_subscriptions, 1);
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));
}

#[test]
fn each_thing_is_subscribed_in_one_request_of_three_filters() {
    let rig = Rig::new();
    rig.run("T1", get_pending()).unwrap();
    assert_eq!(rig.lb.counts().subscribes, 1);
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));
    rig.run("T2", get_pending()).unwrap();
    assert_eq!(rig.lb.counts().subscribes, 2);
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1", "T2"]));
}

#[test]
fn steady_state_costs_one_publish_and_no_subscribe_per_operation() {
    let rig = Rig::new();
    rig.run("T1", describe("job1")).unwrap();
    rig.run("T1", update("job1", JobState::InProgress)).unwrap();
    let before = rig.lb.counts();
    for _ in 0..20 {
        assert_eq!(
            rig.run("T1", describe("job1")).unwrap().status,
            JobsError::Success
        );
        assert_eq!(
            rig.run("T1", update("job1", JobState::InProgress))
                .unwrap()
                .status,
            JobsError::Success
        );
    }
    let after = rig.lb.counts();
    assert_eq!(after.publishes - before.publishes, 40);
    assert_eq!(after.subscribes, before.subscribes);
    assert_eq!(after.unsubscribes, before.unsubscribes);
}

#[test]
fn aws_iot_mode_subscribes_once_per_thing_as_v4_did() {
    let rig = Rig::aws_iot();
    for request in [
        get_pending(),
        start_next(),
        describe("job1"),
        describe("$next"),
        update("job1", JobState::Succeeded),
    ] {
        assert_eq!(rig.run("T1", request).unwrap().status, JobsError::Success);
    }
    assert_eq!(rig.lb.counts().subscribes, 1);
    assert_eq!(rig.lb.counts().publishes, 5);
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));
    assert_eq!(rig.engine.stats().reply_subscriptions, 1);
}

#[test]
fn aws_iot_mode_goes_on_when_the_broker_refuses_the_subscription() {
    let config = EngineConfig {
        linger_idle: Duration::from_millis(300),
        ..EngineConfig::default()
    };
    let rig = Rig::with(true, config);
    rig.lb.fail_subscribes(1);
    // AWS IoT delivers the reply to its requester without any subscription.
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::Success
    );
    assert!(rig.lb.subscriptions().is_empty());
    assert_eq!(rig.engine.stats(), Default::default());
    // The refusal is remembered: the next operations do not ask again...
    for _ in 0..3 {
        rig.run("T1", get_pending()).unwrap();
    }
    assert_eq!(rig.lb.counts().subscribes, 1);
    // ...until it is forgotten (after linger_idle), when the thing subscribes again.
    assert!(eventually(|| {
        rig.run("T1", get_pending()).unwrap();
        rig.lb.subscriptions() == filters_of(&["T1"])
    }));
}

#[test]
fn aws_iot_mode_keeps_within_the_subscription_quota() {
    let config = EngineConfig {
        aws_iot_max_things: 2,
        ..EngineConfig::default()
    };
    let rig = Rig::with(true, config.clone());
    let things = ["T1", "T2", "T3", "T4", "T5"];
    for thing in things {
        assert_eq!(
            rig.run(thing, get_pending()).unwrap().status,
            JobsError::Success
        );
    }
    // Each new thing beyond two made the oldest lingering one go.
    assert!(eventually(
        || rig.lb.subscriptions() == filters_of(&["T4", "T5"])
    ));
    assert!(eventually(|| rig.lb.counts().unsubscribes == 3));
    assert_eq!(rig.engine.stats().reply_subscriptions, 2);
    // In generic mode nothing limits the things in use.
    let generic = Rig::with(false, config);
    for thing in things {
        generic.run(thing, get_pending()).unwrap();
    }
    assert_eq!(generic.lb.subscriptions(), filters_of(&things));
}

#[test]
fn aws_iot_mode_still_times_out_unanswered_operations() {
    let rig = Rig::aws_iot();
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Silence);
    let out = rig.run_sub(Submission {
        deadline: std::time::Instant::now() + Duration::from_millis(30),
        ..submission("T1", get_pending())
    });
    assert_eq!(out.unwrap().status, JobsError::Timeout);
}

#[test]
fn concurrent_submits_on_one_thing_share_a_single_subscribe() {
    let (rig, hooked) = Rig::hooked(false, EngineConfig::default());
    let (entered, release) = hooked.hold_next_subscribe();
    let done = Completions::new();
    std::thread::scope(|s| {
        let first = s.spawn(|| rig.submit_cb("T1", get_pending(), &done).unwrap());
        entered.recv_timeout(BOUND).unwrap();
        let others: Vec<_> = (0..4)
            .map(|_| s.spawn(|| rig.submit_cb("T1", get_pending(), &done).unwrap()))
            .collect();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            rig.lb.counts().publishes,
            0,
            "no request before its subscription"
        );
        release.send(()).unwrap();
        first.join().unwrap();
        for o in others {
            o.join().unwrap();
        }
    });
    done.wait_for(5);
    assert_eq!(rig.lb.counts().subscribes, 1);
}

#[test]
fn a_failed_subscribe_is_an_mqtt_error_and_leaves_nothing_behind() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.lb.fail_subscribes(1);
    assert_eq!(
        rig.submit_cb("T1", get_pending(), &done),
        Err(JobsError::MqttError)
    );
    assert_eq!(rig.lb.counts().publishes, 0);
    assert!(rig.lb.subscriptions().is_empty());
    assert_eq!(rig.engine.stats(), Default::default());
    rig.drain_callbacks();
    assert_eq!(done.total(), 0);
    // The next attempt subscribes afresh and works.
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::Success
    );
    assert_eq!(rig.lb.counts().subscribes, 2);
}

#[test]
fn a_failed_subscribe_wakes_the_others_waiting_on_it_and_they_retry() {
    let (rig, hooked) = Rig::hooked(false, EngineConfig::default());
    let (entered, release) = hooked.hold_next_subscribe();
    rig.lb.fail_subscribes(1);
    let done = Completions::new();
    std::thread::scope(|s| {
        let first = s.spawn(|| rig.submit_cb("T1", get_pending(), &done));
        entered.recv_timeout(BOUND).unwrap();
        let second = s.spawn(|| rig.submit_cb("T1", get_pending(), &done));
        std::thread::sleep(Duration::from_millis(20));
        release.send(()).unwrap();
        assert_eq!(first.join().unwrap(), Err(JobsError::MqttError));
        let id = second
            .join()
            .unwrap()
            .expect("the waiter subscribed itself");
        assert_eq!(done.once(&rig, id).status, JobsError::Success);
    });
}

#[test]
fn a_failed_publish_is_an_mqtt_error_and_the_completion_never_runs() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.lb.fail_publishes(1);
    assert_eq!(
        rig.submit_cb("T1", get_pending(), &done),
        Err(JobsError::MqttError)
    );
    rig.settle();
    rig.drain_callbacks();
    assert_eq!(done.total(), 0);
    assert_eq!(rig.engine.stats().in_flight, 0);
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::Success
    );
}

#[test]
fn a_disconnected_link_is_an_mqtt_error() {
    let rig = Rig::new();
    rig.lb.set_connected(false);
    assert_eq!(
        rig.run("T1", get_pending()).unwrap_err(),
        JobsError::MqttError
    );
    let aws = Rig::aws_iot();
    aws.lb.set_connected(false);
    assert_eq!(
        aws.run("T1", get_pending()).unwrap_err(),
        JobsError::MqttError
    );
    assert_eq!(aws.engine.stats().in_flight, 0);
}

#[test]
fn kept_subscriptions_outlive_their_operations_until_removed() {
    let rig = Rig::with(false, config(0, Duration::from_millis(1)));
    let out = rig
        .run_sub(kept("T1", update("job1", JobState::InProgress)))
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    std::thread::sleep(Duration::from_millis(50));
    rig.drain_callbacks();
    assert_eq!(rig.engine.stats().reply_subscriptions, 1);
    assert_eq!(rig.engine.stats().lingering, 0);
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));
    assert_eq!(rig.lb.counts().unsubscribes, 0);

    // Removing another operation's mark leaves it alone.
    rig.engine
        .remove_persistent_subscriptions("T1", &[Operation::Describe])
        .unwrap();
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]));

    rig.engine
        .remove_persistent_subscriptions("T1", &[Operation::Update])
        .unwrap();
    assert!(rig.lb.subscriptions().is_empty());
    assert_eq!(rig.lb.counts().unsubscribes, 1);
    assert_eq!(rig.engine.stats().reply_subscriptions, 0);
}

#[test]
fn a_kept_subscription_in_use_when_removed_goes_after_its_operation() {
    let rig = Rig::with(false, config(0, Duration::from_millis(1)));
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Silence);
    let done = Completions::new();
    let id = rig.submit_sub_cb(kept("T1", get_pending()), &done).unwrap();
    let token = rig.last_token();
    rig.engine
        .remove_persistent_subscriptions("T1", &Operation::ALL)
        .unwrap();
    assert_eq!(rig.lb.subscriptions(), filters_of(&["T1"]), "still in use");
    rig.inject(
        "$aws/things/T1/jobs/get/accepted",
        format!(r#"{{"clientToken":"{token}"}}"#).as_bytes(),
    );
    assert_eq!(done.once(&rig, id).status, JobsError::Success);
    assert!(eventually(|| rig.lb.subscriptions().is_empty()));
}

#[test]
fn removing_persistent_subscriptions_also_drops_lingering_ones() {
    let rig = Rig::new();
    rig.run("T1", get_pending()).unwrap();
    assert_eq!(rig.engine.stats().lingering, 1);
    rig.engine
        .remove_persistent_subscriptions("T1", &[Operation::GetPending])
        .unwrap();
    assert!(rig.lb.subscriptions().is_empty());
    assert_eq!(rig.engine.stats().reply_subscriptions, 0);
}

#[test]
fn removing_persistent_subscriptions_checks_the_thing_name() {
    let rig = Rig::new();
    assert_eq!(
        rig.engine
            .remove_persistent_subscriptions("a/b", &Operation::ALL),
        Err(JobsError::BadParameter)
    );
    assert_eq!(
        rig.engine
            .remove_persistent_subscriptions("T1", &Operation::ALL),
        Ok(())
    );
    assert_eq!(rig.lb.counts().unsubscribes, 0);
}

#[test]
fn lingering_subscriptions_are_bounded_in_number() {
    let rig = Rig::with(false, config(2, Duration::from_secs(600)));
    for thing in ["T1", "T2", "T3", "T4", "T5"] {
        assert_eq!(
            rig.run(thing, get_pending()).unwrap().status,
            JobsError::Success
        );
    }
    // The newest ones are kept.
    assert!(eventually(
        || rig.lb.subscriptions() == filters_of(&["T4", "T5"])
    ));
    assert_eq!(rig.engine.stats().lingering, 2);
    assert_eq!(rig.lb.counts().unsubscribes, 3);
}

#[test]
fn lingering_subscriptions_are_dropped_when_idle() {
    let rig = Rig::with(false, config(64, Duration::from_millis(20)));
    rig.run("T1", get_pending()).unwrap();
    assert!(
        eventually(|| rig.lb.subscriptions().is_empty()),
        "an idle subscription was never dropped"
    );
    assert_eq!(rig.lb.counts().unsubscribes, 1);
    assert!(eventually(|| rig.engine.stats().reply_subscriptions == 0));
    // And is taken again when needed.
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::Success
    );
    assert_eq!(rig.lb.counts().subscribes, 2);
}

#[test]
fn with_no_lingering_every_operation_subscribes_and_unsubscribes() {
    let rig = Rig::with(false, config(0, Duration::from_secs(600)));
    for _ in 0..3 {
        assert_eq!(
            rig.run("T1", get_pending()).unwrap().status,
            JobsError::Success
        );
        assert!(eventually(|| rig.lb.subscriptions().is_empty()));
    }
    assert_eq!(rig.lb.counts().subscribes, 3);
    assert!(eventually(|| rig.lb.counts().unsubscribes == 3));
}
