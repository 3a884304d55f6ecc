//! The service state model on its own, with a manual clock: exact timer expiry, event
//! output, restart from a store, and control-operation errors.

use jobs_emulator::service::control::{target_thing_name, CreateJobRequest};
use jobs_emulator::service::device::{StartNextRequest, UpdateRequest};
use jobs_emulator::service::model::CancelInfo;
use jobs_emulator::service::{
    ErrorCode, EventKind, ExecutionStatus, JobsService, ManualClock, MemoryStore, ServiceConfig,
    ServiceError,
};
use serde_json::json;
use std::sync::Arc;

const MINUTE: u64 = 1000;

fn service(clock: &ManualClock, store: Arc<MemoryStore>) -> Arc<JobsService> {
    let config = ServiceConfig {
        minute_ms: MINUTE,
        clock: Arc::new(clock.clone()),
        store: Box::new(store),
        ..Default::default()
    };
    JobsService::with_config(config).unwrap()
}

fn job(svc: &JobsService, id: &str, things: &[&str]) {
    svc.create_job(&CreateJobRequest::new(id, things, json!({ "id": id })))
        .unwrap();
}

#[test]
fn step_timer_fires_exactly_at_its_deadline() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock, Arc::new(MemoryStore::new()));
    job(&svc, "j1", &["t"]);
    let events = svc.subscribe();
    let req = StartNextRequest {
        step_timeout_minutes: Some(2),
        ..Default::default()
    };
    svc.start_next_execution("t", &req).unwrap().unwrap();
    // QUEUED -> IN_PROGRESS publishes notify (the notifications page's ListNotification).
    let started: Vec<EventKind> = events.try_iter().map(|e| e.kind).collect();
    assert_eq!(started, vec![EventKind::Notify]);
    assert_eq!(
        svc.next_deadline_ms(),
        Some(jobs_emulator::service::Clock::now_ms(&clock) + 2 * MINUTE)
    );
    clock.advance_ms(2 * MINUTE - 1);
    svc.fire_due_timers();
    assert!(events.try_recv().is_err());
    assert_eq!(
        svc.get_execution("j1", "t", None).unwrap().status,
        ExecutionStatus::InProgress
    );
    clock.advance_ms(1);
    svc.fire_due_timers();
    let e = svc.get_execution("j1", "t", None).unwrap();
    assert_eq!(e.status, ExecutionStatus::TimedOut);
    assert_eq!(
        e.version_number, 2,
        "service changes do not bump the version"
    );
    let kinds: Vec<EventKind> = events.try_iter().map(|e| e.kind).collect();
    assert_eq!(kinds, vec![EventKind::Notify, EventKind::NotifyNext]);
    assert_eq!(svc.next_deadline_ms(), None);
}

#[test]
fn operations_see_expired_timers_without_the_timer_thread() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock, Arc::new(MemoryStore::new()));
    let mut req = CreateJobRequest::new("j1", &["t"], json!({}));
    req.in_progress_timeout_minutes = Some(1);
    svc.create_job(&req).unwrap();
    svc.update_execution("t", "j1", &UpdateRequest::new(ExecutionStatus::InProgress))
        .unwrap();
    clock.advance_ms(MINUTE);
    let err = svc
        .update_execution("t", "j1", &UpdateRequest::new(ExecutionStatus::Succeeded))
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidStateTransition);
    assert_eq!(
        err.execution_state.unwrap().status,
        ExecutionStatus::TimedOut
    );
}

#[test]
fn a_new_service_on_the_same_store_continues() {
    let clock = ManualClock::new(1_700_000_000_000);
    let store = Arc::new(MemoryStore::new());
    let first = service(&clock, store.clone());
    job(&first, "a", &["t"]);
    job(&first, "b", &["t"]);
    first
        .start_next_execution("t", &StartNextRequest::default())
        .unwrap();
    let before = first.snapshot();
    drop(first);

    let second = service(&clock, store);
    assert_eq!(second.snapshot(), before);
    job(&second, "c", &["t"]);
    let pending = second.get_pending_executions("t").unwrap();
    assert_eq!(pending.in_progress[0].job_id, "a");
    let queued: Vec<&str> = pending.queued.iter().map(|e| e.job_id.as_str()).collect();
    assert_eq!(queued, ["b", "c"]);
}

#[test]
fn control_operation_errors() {
    let clock = ManualClock::new(1_700_000_000_000);
    let svc = service(&clock, Arc::new(MemoryStore::new()));
    job(&svc, "j", &["t"]);
    let code = |r: Result<(), ServiceError>| r.unwrap_err().code;
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("j", &["t"], json!({})))
                .map(drop)
        ),
        ErrorCode::ResourceAlreadyExists
    );
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("k", &[], json!({})))
                .map(drop)
        ),
        ErrorCode::InvalidRequest
    );
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("k", &["t"], json!([1])))
                .map(drop)
        ),
        ErrorCode::InvalidRequest
    );
    let big = json!({ "x": "y".repeat(33 * 1024) });
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("k", &["t"], big))
                .map(drop)
        ),
        ErrorCode::InvalidRequest
    );
    // A group target must name an existing group.
    let group = "arn:aws:iot:us-east-1:123456789012:thinggroup/g";
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("k", &[group], json!({})))
                .map(drop)
        ),
        ErrorCode::ResourceNotFound
    );
    assert_eq!(
        code(
            svc.create_job(&CreateJobRequest::new("bad id", &["t"], json!({})))
                .map(drop)
        ),
        ErrorCode::InvalidRequest
    );
    let mut req = CreateJobRequest::new("k", &["t"], json!({}));
    req.in_progress_timeout_minutes = Some(0);
    assert_eq!(
        code(svc.create_job(&req).map(drop)),
        ErrorCode::InvalidRequest
    );
    assert_eq!(
        code(svc.describe_job("nope").map(drop)),
        ErrorCode::ResourceNotFound
    );
    assert_eq!(
        code(svc.list_executions_for_thing("ghost", None).map(drop)),
        ErrorCode::ResourceNotFound
    );
    assert_eq!(
        code(
            svc.cancel_execution("j", "ghost", false, None, None)
                .map(drop)
        ),
        ErrorCode::ResourceNotFound
    );

    svc.update_execution("t", "j", &UpdateRequest::new(ExecutionStatus::Succeeded))
        .unwrap();
    assert_eq!(svc.describe_job("j").unwrap().status.as_str(), "COMPLETED");
    assert_eq!(
        code(svc.cancel_job("j", CancelInfo::default()).map(drop)),
        ErrorCode::InvalidRequest
    );
    assert_eq!(
        code(svc.cancel_execution("j", "t", true, None, None).map(drop)),
        ErrorCode::InvalidStateTransition
    );
    svc.delete_job("j", false).unwrap();
    assert!(svc.list_executions_for_thing("t", None).unwrap().is_empty());
}

#[test]
fn targets_accept_thing_arns_and_names() {
    assert_eq!(
        target_thing_name("arn:aws:iot:eu-west-1:111122223333:thing/dev-1").unwrap(),
        "dev-1"
    );
    assert_eq!(target_thing_name("dev:2").unwrap(), "dev:2");
    assert!(target_thing_name("arn:aws:iot:eu-west-1:111122223333:thing/").is_err());
    let clock = ManualClock::new(0);
    let svc = service(&clock, Arc::new(MemoryStore::new()));
    let j = svc
        .create_job(&CreateJobRequest::new(
            "j",
            &["arn:aws:iot:r:1:thing/a", "a", "b"],
            json!({}),
        ))
        .unwrap();
    assert_eq!(
        j.targets,
        [
            "arn:aws:iot:us-east-1:123456789012:thing/a",
            "arn:aws:iot:us-east-1:123456789012:thing/b"
        ]
    );
    assert_eq!(svc.list_things().len(), 2);
}
