//! Notifications over MQTT: the exact `notify` / `notify-next` sequence of scripted
//! scenarios (create, start, finish, cancel, force-cancel, delete), and both timers.
//! Absence of a notification is proven by order: a later, expected one arrives first.

mod mqtt_support;

use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::model::CancelInfo;
use mqtt_support::*;
use serde_json::{json, Value};
use std::time::Instant;

fn expect_notify(w: &Watcher, in_progress: &[&str], queued: &[&str]) -> Value {
    let (kind, p) = w.next();
    assert_eq!(kind, "notify", "{p}");
    assert_eq!(notify_ids(&p, "IN_PROGRESS"), in_progress, "{p}");
    assert_eq!(notify_ids(&p, "QUEUED"), queued, "{p}");
    assert!(p["timestamp"].is_i64());
    if in_progress.is_empty() && queued.is_empty() {
        assert_eq!(p["jobs"], json!({}));
    }
    p
}

/// Expects the notifications of creating `job` as a thing's only pending job.
fn expect_created_alone(w: &Watcher, job: &str) {
    expect_notify(w, &[], &[job]);
    expect_next(w, Some((job, "QUEUED")));
}

fn expect_next(w: &Watcher, job: Option<(&str, &str)>) -> Value {
    let (kind, p) = w.next();
    assert_eq!(kind, "notify-next", "{p}");
    match job {
        Some((id, status)) => {
            assert_eq!(p["execution"]["jobId"], id, "{p}");
            assert_eq!(p["execution"]["status"], status, "{p}");
            assert!(p["execution"]["jobDocument"].is_object(), "{p}");
        }
        None => assert_eq!(
            p.as_object().unwrap().keys().collect::<Vec<_>>(),
            vec!["timestamp"],
            "{p}"
        ),
    }
    p
}

#[test]
fn create_start_finish_cancel_sequence() {
    let thing = unique("seq");
    let w = Watcher::new(&thing);
    let dev = Device::new(&thing);
    let (a, b, c) = (unique("a"), unique("b"), unique("c"));

    create_job(&a, &[&thing], json!({ "n": "a" }));
    expect_notify(&w, &[], &[&a]);
    expect_next(&w, Some((&a, "QUEUED")));

    create_job(&b, &[&thing], json!({ "n": "b" }));
    expect_notify(&w, &[], &[&a, &b]);

    // Starting the head publishes `notify` (its status changed) but not `notify-next` (the
    // head is the same); finishing it moves the head to b.
    dev.call("start-next", json!({})).ok();
    expect_notify(&w, &[&a], &[&b]);
    dev.call(
        &format!("{a}/update"),
        json!({ "status": "IN_PROGRESS", "statusDetails": { "p": "1" } }),
    )
    .ok();
    dev.update(&a, "SUCCEEDED").ok();
    expect_notify(&w, &[], &[&b]);
    expect_next(&w, Some((&b, "QUEUED")));

    service().cancel_job(&b, CancelInfo::default()).unwrap();
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);

    // Fence: nothing else was published in between.
    create_job(&c, &[&thing], json!({}));
    expect_notify(&w, &[], &[&c]);
    expect_next(&w, Some((&c, "QUEUED")));
}

#[test]
fn a_new_job_behind_an_in_progress_head_only_notifies() {
    let thing = unique("head");
    let dev = Device::new(&thing);
    let (a, b, c) = (unique("a"), unique("b"), unique("c"));
    let w = Watcher::new(&thing);
    create_job(&a, &[&thing], json!({}));
    expect_created_alone(&w, &a);
    create_job(&b, &[&thing], json!({}));
    expect_notify(&w, &[], &[&a, &b]);
    // An update can make another execution the head without changing the pending set.
    dev.update(&b, "IN_PROGRESS").ok();
    expect_notify(&w, &[&b], &[&a]);
    expect_next(&w, Some((&b, "IN_PROGRESS")));
    create_job(&c, &[&thing], json!({}));
    expect_notify(&w, &[&b], &[&a, &c]);
    // b (in progress) stays the head even though a was queued first; rejecting b makes a
    // the head.
    dev.update(&b, "REJECTED").ok();
    expect_notify(&w, &[], &[&a, &c]);
    expect_next(&w, Some((&a, "QUEUED")));
}

#[test]
fn cancel_without_force_spares_in_progress_and_force_cancels_it() {
    let thing = unique("force");
    let other = unique("other");
    let dev = Device::new(&thing);
    let j = unique("j");
    let w = Watcher::new(&thing);
    let wo = Watcher::new(&other);
    create_job(&j, &[&thing, &other], json!({}));
    expect_created_alone(&w, &j);
    expect_created_alone(&wo, &j);
    dev.call("start-next", json!({})).ok();
    expect_notify(&w, &[&j], &[]);

    service().cancel_job(&j, CancelInfo::default()).unwrap();
    expect_notify(&wo, &[], &[]);
    expect_next(&wo, None);
    // The in-progress execution goes on and may still be updated.
    dev.call(&format!("{j}/update"), json!({ "status": "IN_PROGRESS" }))
        .ok();

    service()
        .cancel_job(
            &j,
            CancelInfo {
                force: true,
                ..Default::default()
            },
        )
        .unwrap();
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);
    let r = dev.update(&j, "SUCCEEDED");
    assert_eq!(r.code(), "InvalidStateTransition");
    assert_eq!(r.body["executionState"]["status"], "CANCELED");
}

#[test]
fn execution_cancel_and_delete_notify() {
    let thing = unique("exec");
    let (a, b) = (unique("a"), unique("b"));
    let w = Watcher::new(&thing);
    create_job(&a, &[&thing], json!({}));
    expect_created_alone(&w, &a);
    create_job(&b, &[&thing], json!({}));
    expect_notify(&w, &[], &[&a, &b]);
    let svc = service();
    assert_eq!(
        svc.cancel_execution(&a, &thing, false, Some(7), None)
            .unwrap_err()
            .code
            .as_str(),
        "VersionConflict"
    );
    svc.cancel_execution(&a, &thing, false, Some(1), None)
        .unwrap();
    expect_notify(&w, &[], &[&b]);
    expect_next(&w, Some((&b, "QUEUED")));
    assert_eq!(
        svc.delete_execution(&b, &thing, 1, false)
            .unwrap_err()
            .code
            .as_str(),
        "InvalidStateTransition"
    );
    svc.delete_execution(&b, &thing, 1, true).unwrap();
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);
    assert_eq!(
        svc.delete_job(&b, false).unwrap_err().code.as_str(),
        "InvalidStateTransition"
    );
    svc.delete_job(&b, true).unwrap();
    let dev = Device::new(&thing);
    assert_eq!(
        dev.call(&format!("{b}/get"), json!({})).code(),
        "ResourceNotFound"
    );
}

#[test]
fn deleting_a_job_with_pending_executions_notifies() {
    let thing = unique("del");
    let j = unique("j");
    let w = Watcher::new(&thing);
    create_job(&j, &[&thing], json!({}));
    expect_created_alone(&w, &j);
    service().delete_job(&j, true).unwrap();
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);
}

#[test]
fn notify_lists_at_most_ten() {
    let thing = unique("ten");
    let w = Watcher::new(&thing);
    let ids: Vec<String> = (0..12).map(|_| unique("j")).collect();
    for (n, id) in ids.iter().enumerate() {
        create_job(id, &[&thing], json!({}));
        let listed: Vec<&str> = ids
            .iter()
            .take((n + 1).min(10))
            .map(String::as_str)
            .collect();
        expect_notify(&w, &[], &listed);
        if n == 0 {
            expect_next(&w, Some((id, "QUEUED")));
        }
    }
}

#[test]
fn step_timer_times_out_the_execution() {
    let thing = unique("step");
    let j = unique("j");
    let w = Watcher::new(&thing);
    create_job(&j, &[&thing], json!({}));
    expect_created_alone(&w, &j);
    let dev = Device::new(&thing);
    let started = Instant::now();
    let r = dev.call("start-next", json!({ "stepTimeoutInMinutes": 1 }));
    let secs = r.ok()["execution"]["approximateSecondsBeforeTimedOut"]
        .as_i64()
        .unwrap();
    // Loose bounds: the reply is computed a moment after the timer starts.
    assert!((1..=60).contains(&secs), "{secs}");
    expect_notify(&w, &[&j], &[]);
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);
    assert!(
        started.elapsed().as_millis() as u64 >= MINUTE_MS,
        "fired before one (scaled) minute"
    );
    let r = dev.update(&j, "SUCCEEDED");
    assert_eq!(r.code(), "InvalidStateTransition");
    assert_eq!(r.body["executionState"]["status"], "TIMED_OUT");
    assert_eq!(
        dev.call(&format!("{j}/get"), json!({})).code(),
        "TerminalStateReached"
    );
}

#[test]
fn step_timer_is_replaced_cancelled_and_capped() {
    let thing = unique("steps");
    let j = unique("j");
    let svc = service();
    let mut req = CreateJobRequest::new(&j, &[&thing], json!({}));
    req.in_progress_timeout_minutes = Some(100);
    svc.create_job(&req).unwrap();
    let dev = Device::new(&thing);
    let u = format!("{j}/update");
    dev.call(
        &u,
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": 10 }),
    )
    .ok();
    let secs = |dev: &Device| {
        dev.call(&format!("{j}/get"), json!({})).ok()["execution"]
            ["approximateSecondsBeforeTimedOut"]
            .as_i64()
    };
    assert!((300..=600).contains(&secs(&dev).unwrap()));
    dev.call(
        &u,
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": 20 }),
    )
    .ok();
    assert!((900..=1200).contains(&secs(&dev).unwrap()));
    dev.call(
        &u,
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": -1 }),
    )
    .ok();
    assert!(svc
        .get_execution(&j, &thing, None)
        .unwrap()
        .step_deadline_ms
        .is_none());
    // Only the in-progress timer (100 minutes) is left.
    assert!((5700..=6000).contains(&secs(&dev).unwrap()));
    assert_eq!(
        dev.call(
            &u,
            json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": -1 })
        )
        .code(),
        "InvalidRequest"
    );
    // A step timer never outlives the in-progress deadline.
    dev.call(
        &u,
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": 10080 }),
    )
    .ok();
    let e = svc.get_execution(&j, &thing, None).unwrap();
    assert_eq!(e.step_deadline_ms, e.in_progress_deadline_ms);
}

#[test]
fn in_progress_timer_times_out_the_execution() {
    let thing = unique("inprog");
    let j = unique("j");
    let mut req = CreateJobRequest::new(&j, &[&thing], json!({}));
    req.in_progress_timeout_minutes = Some(1);
    let w = Watcher::new(&thing);
    service().create_job(&req).unwrap();
    expect_created_alone(&w, &j);
    let dev = Device::new(&thing);
    let started = Instant::now();
    let r = dev.call(&format!("{j}/update"), json!({ "status": "IN_PROGRESS" }));
    assert!(r.accepted);
    expect_notify(&w, &[&j], &[]);
    expect_notify(&w, &[], &[]);
    expect_next(&w, None);
    assert!(started.elapsed().as_millis() as u64 >= MINUTE_MS);
    let e = service().get_execution(&j, &thing, None).unwrap();
    assert_eq!(e.status.as_str(), "TIMED_OUT");
    assert_eq!(
        service().describe_job(&j).unwrap().status.as_str(),
        "COMPLETED"
    );
}
