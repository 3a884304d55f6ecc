//! Rollouts, abort criteria and retries on the service clock, moved by hand (one scaled
//! minute at a time, so every step is exact): maximumPerMinute and exponentialRate release
//! their batches, `processingTargets` is listed until the last batch, abort criteria cancel
//! the job once the failure share is reached, and a retried execution comes back QUEUED with
//! the next execution number. The same rules run on the real clock in `jobs_end_to_end`.

use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::device::{StartNextRequest, UpdateRequest};
use jobs_emulator::service::jobconfig::JobConfig;
use jobs_emulator::service::{ExecutionStatus, JobStatus, JobsService, ManualClock, ServiceConfig};
use serde_json::{json, Value};
use std::sync::Arc;

const MINUTE: u64 = 1000;

fn service(clock: &ManualClock) -> Arc<JobsService> {
    JobsService::with_config(ServiceConfig {
        minute_ms: MINUTE,
        clock: Arc::new(clock.clone()),
        ..Default::default()
    })
    .unwrap()
}

fn things(svc: &JobsService, n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let t = format!("t{i}");
            svc.create_thing(&t, Default::default()).unwrap();
            t
        })
        .collect()
}

fn job(svc: &JobsService, id: &str, targets: &[String], config: JobConfig) {
    let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
    let mut req = CreateJobRequest::new(id, &refs, json!({}));
    req.config = config;
    svc.create_job(&req).unwrap();
}

fn released(svc: &JobsService, id: &str) -> usize {
    svc.list_executions_for_job(id, None).unwrap().len()
}

fn tick(svc: &JobsService, clock: &ManualClock) {
    clock.advance_ms(MINUTE);
    svc.fire_due_timers();
}

fn rollout(config: Value) -> JobConfig {
    JobConfig {
        job_executions_rollout_config: Some(config),
        ..Default::default()
    }
}

#[test]
fn maximum_per_minute_releases_one_batch_per_minute() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 5);
    job(&svc, "rate", &t, rollout(json!({ "maximumPerMinute": 2 })));
    assert_eq!(released(&svc, "rate"), 2);
    assert!(
        svc.describe_job("rate")
            .unwrap()
            .rollout
            .unwrap()
            .pending
            .len()
            == 3
    );
    clock.advance_ms(MINUTE - 1);
    svc.fire_due_timers();
    assert_eq!(released(&svc, "rate"), 2, "released before a minute passed");
    clock.advance_ms(1);
    svc.fire_due_timers();
    assert_eq!(released(&svc, "rate"), 4);
    tick(&svc, &clock);
    assert_eq!(released(&svc, "rate"), 5);
    let job = svc.describe_job("rate").unwrap();
    assert!(job.rollout.unwrap().pending.is_empty());
    assert_eq!(svc.next_deadline_ms(), None, "no rollout timer left");
    assert_eq!(job.status, JobStatus::InProgress);
}

#[test]
fn exponential_rate_grows_after_each_threshold() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 20);
    let config = json!({ "exponentialRate": { "baseRatePerMinute": 2, "incrementFactor": 2.0,
        "rateIncreaseCriteria": { "numberOfNotifiedThings": 2 } } });
    job(&svc, "exp", &t, rollout(config));
    let mut batches = vec![released(&svc, "exp")];
    while released(&svc, "exp") < 20 {
        let before = released(&svc, "exp");
        tick(&svc, &clock);
        batches.push(released(&svc, "exp") - before);
    }
    assert_eq!(batches, vec![2, 4, 8, 6]);
}

#[test]
fn a_job_without_a_rate_releases_everything_and_completes() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 3);
    job(&svc, "all", &t, JobConfig::default());
    assert_eq!(released(&svc, "all"), 3);
    for thing in &t {
        let u = UpdateRequest::new(ExecutionStatus::Succeeded);
        svc.update_execution(thing, "all", &u).unwrap();
    }
    assert_eq!(
        svc.describe_job("all").unwrap().status,
        JobStatus::Completed
    );
}

fn abort_config(failure: &str, percent: f64, min: u64) -> JobConfig {
    JobConfig {
        abort_config: Some(json!({ "criteriaList": [{ "failureType": failure,
            "action": "CANCEL", "thresholdPercentage": percent,
            "minNumberOfExecutedThings": min }] })),
        ..Default::default()
    }
}

#[test]
fn abort_criteria_cancel_the_job_once_reached() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 5);
    job(&svc, "abort", &t, abort_config("FAILED", 50.0, 2));
    let fail = UpdateRequest::new(ExecutionStatus::Failed);
    svc.update_execution("t0", "abort", &fail).unwrap();
    assert_eq!(
        svc.describe_job("abort").unwrap().status,
        JobStatus::InProgress,
        "1 executed < minNumberOfExecutedThings"
    );
    let started = svc
        .start_next_execution("t1", &StartNextRequest::default())
        .unwrap();
    assert!(started.is_some());
    let ok = UpdateRequest::new(ExecutionStatus::Succeeded);
    svc.update_execution("t2", "abort", &ok).unwrap();
    // 1 failure of 2 executed = 50%: aborted.
    let job = svc.describe_job("abort").unwrap();
    assert_eq!(job.status, JobStatus::Canceled);
    assert!(job.cancel.unwrap().comment.unwrap().contains("abortConfig"));
    let status = |th: &str| svc.get_execution("abort", th, None).unwrap().status;
    assert_eq!(status("t3"), ExecutionStatus::Canceled);
    assert_eq!(
        status("t1"),
        ExecutionStatus::InProgress,
        "abort does not force"
    );
}

#[test]
fn rejected_executions_count_only_for_their_criterion() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 4);
    job(&svc, "rej", &t, abort_config("TIMED_OUT", 1.0, 1));
    let rej = UpdateRequest::new(ExecutionStatus::Rejected);
    svc.update_execution("t0", "rej", &rej).unwrap();
    assert_eq!(
        svc.describe_job("rej").unwrap().status,
        JobStatus::InProgress
    );
    // A step timeout makes t1 TIMED_OUT: 1 of 2 executed is over 1%.
    let req = StartNextRequest {
        step_timeout_minutes: Some(1),
        ..Default::default()
    };
    svc.start_next_execution("t1", &req).unwrap();
    tick(&svc, &clock);
    assert_eq!(svc.describe_job("rej").unwrap().status, JobStatus::Canceled);
}

#[test]
fn a_retried_execution_comes_back_with_the_next_execution_number() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock);
    let t = things(&svc, 1);
    let config = JobConfig {
        job_executions_retry_config: Some(json!({ "criteriaList": [
            { "failureType": "FAILED", "numberOfRetries": 1 },
            { "failureType": "TIMED_OUT", "numberOfRetries": 1 }] })),
        ..Default::default()
    };
    job(&svc, "retry", &t, config);
    let fail = UpdateRequest::new(ExecutionStatus::Failed);
    svc.update_execution("t0", "retry", &fail).unwrap();
    let e = svc.get_execution("retry", "t0", None).unwrap();
    assert_eq!(
        (e.status, e.execution_number, e.version_number),
        (ExecutionStatus::Queued, 2, 1)
    );
    // An update naming the old execution number finds nothing.
    let mut old = UpdateRequest::new(ExecutionStatus::InProgress);
    old.execution_number = Some(1);
    assert!(svc.update_execution("t0", "retry", &old).is_err());
    // The retry times out: TIMED_OUT has its own criterion, so it is retried once more.
    let req = StartNextRequest {
        step_timeout_minutes: Some(1),
        ..Default::default()
    };
    svc.start_next_execution("t0", &req).unwrap();
    tick(&svc, &clock);
    let e = svc.get_execution("retry", "t0", None).unwrap();
    assert_eq!((e.status, e.execution_number), (ExecutionStatus::Queued, 3));
    svc.update_execution("t0", "retry", &fail).unwrap();
    let e = svc.get_execution("retry", "t0", None).unwrap();
    assert_eq!((e.status, e.execution_number), (ExecutionStatus::Failed, 3));
    assert_eq!(
        svc.describe_job("retry").unwrap().status,
        JobStatus::Completed
    );
}
