//! The Rust API (`awsiotjobs::client`) against a real jobs-emulator: typed replies for the
//! four operations, typed rejections with the service's codes, the non-blocking form,
//! notifications as an iterator and as a callback, and connection failures that say what
//! failed.

mod emulator_support;

use awsiotjobs::client::{
    Client, ConnectFailure, ConnectOptions, DescribeRequest, Error, ErrorCode, JobStatus,
    StartNextRequest, Tls, UpdateRequest,
};
use emulator_support::Emu;
use serde_json::json;
use std::sync::mpsc;
use std::time::Duration;

/// Long enough for any notification on a loaded machine; the tests never wait it out.
const PATIENCE: Duration = Duration::from_secs(20);

fn connect(emu: &Emu, client_id: &str) -> Client {
    let options = ConnectOptions::new("127.0.0.1", emu.mqtt.port(), client_id);
    Client::connect(&options).expect("connects to the emulator")
}

#[test]
fn the_four_operations_return_typed_replies() {
    let emu = Emu::start(60_000);
    emu.create_job("job-a", "thing-1", json!({"op": "reboot"}));
    emu.create_job("job-b", "thing-1", json!({"op": "update", "version": 2}));
    let client = connect(&emu, "rust-api-ops");

    let pending = client.get_pending("thing-1").unwrap();
    assert!(pending.in_progress_jobs.is_empty());
    let queued: Vec<&str> = pending
        .queued_jobs
        .iter()
        .map(|j| j.job_id.as_str())
        .collect();
    assert_eq!(queued, ["job-a", "job-b"]);

    let request = StartNextRequest {
        status_details: Some([("step".to_string(), "download".to_string())].into()),
        step_timeout_in_minutes: Some(30),
    };
    let started = client
        .start_next("thing-1", &request)
        .unwrap()
        .execution
        .unwrap();
    assert_eq!(started.job_id, "job-a");
    assert_eq!(started.status, JobStatus::InProgress);
    assert_eq!(started.job_document, Some(json!({"op": "reboot"})));
    assert_eq!(started.status_details.as_ref().unwrap()["step"], "download");
    assert!(started.approximate_seconds_before_timed_out.is_some());

    let described = client
        .describe("thing-1", "job-b", &DescribeRequest::default())
        .unwrap()
        .execution
        .unwrap();
    assert_eq!(described.status, JobStatus::Queued);
    assert_eq!(
        described.job_document,
        Some(json!({"op": "update", "version": 2}))
    );

    let mut done = UpdateRequest::new(JobStatus::Succeeded);
    done.expected_version = started.version_number.map(|v| v as u32);
    done.include_job_execution_state = true;
    let state = client
        .update("thing-1", "job-a", &done)
        .unwrap()
        .execution_state
        .unwrap();
    assert_eq!(state.status, JobStatus::Succeeded);
    assert_eq!(emu.status("thing-1", "job-a"), "SUCCEEDED");
}

#[test]
fn rejections_carry_the_service_code_and_state() {
    let emu = Emu::start(60_000);
    emu.create_job("job-v", "thing-2", json!({}));
    let client = connect(&emu, "rust-api-rejections");

    match client.describe("thing-2", "no-such-job", &DescribeRequest::default()) {
        Err(Error::Rejected(r)) => {
            assert_eq!(r.code, ErrorCode::ResourceNotFound);
            assert!(!r.message.is_empty());
        }
        other => panic!("expected ResourceNotFound, got {other:?}"),
    }
    let mut stale = UpdateRequest::new(JobStatus::InProgress);
    stale.expected_version = Some(7);
    match client.update("thing-2", "job-v", &stale) {
        Err(Error::Rejected(r)) => {
            assert_eq!(r.code, ErrorCode::VersionMismatch);
            assert_eq!(r.execution_state.unwrap().status, JobStatus::Queued);
        }
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    let mut bad = UpdateRequest::new(JobStatus::Queued);
    bad.step_timeout_in_minutes = Some(5);
    assert!(matches!(
        client.update("thing-2", "job-v", &bad),
        Err(Error::InvalidRequest(_))
    ));
}

#[test]
fn the_non_blocking_form_completes_once() {
    let emu = Emu::start(60_000);
    emu.create_job("job-n", "thing-3", json!({"n": 1}));
    let client = connect(&emu, "rust-api-pending");
    let mut pending = client.begin_get_pending("thing-3").unwrap();
    let reply = loop {
        if let Some(reply) = pending.try_take() {
            break reply.unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    assert_eq!(reply.queued_jobs[0].job_id, "job-n");
    assert!(pending.try_take().is_none(), "an outcome is taken once");
    let waited = client
        .begin_start_next("thing-3", &StartNextRequest::default())
        .unwrap();
    assert_eq!(waited.wait().unwrap().execution.unwrap().job_id, "job-n");
}

#[test]
fn notifications_come_as_an_iterator_and_as_callbacks() {
    let emu = Emu::start(60_000);
    let client = connect(&emu, "rust-api-notify");
    let next = client.notify_next("thing-4").unwrap();
    let (seen, pending_changes) = mpsc::channel();
    let _registration = client
        .on_notify_pending("thing-4", move |change| {
            let _ = seen.send(change);
        })
        .unwrap();

    emu.create_job("job-x", "thing-4", json!({"x": true}));
    let head = next.recv_timeout(PATIENCE).unwrap().expect("a notify-next");
    let execution = head.execution.expect("the new head");
    assert_eq!(execution.job_id, "job-x");
    assert_eq!(execution.job_document, Some(json!({"x": true})));
    let change = pending_changes.recv_timeout(PATIENCE).expect("a notify");
    assert_eq!(change.jobs[&JobStatus::Queued][0].job_id, "job-x");

    client
        .update("thing-4", "job-x", &UpdateRequest::new(JobStatus::Rejected))
        .unwrap();
    let emptied = next.recv_timeout(PATIENCE).unwrap().expect("a notify-next");
    assert!(emptied.execution.is_none(), "the queue is empty again");
}

#[test]
fn connection_failures_say_what_failed() {
    let emu = Emu::start(60_000);
    // A port nothing listens on: the emulator's data plane speaks HTTP, so take a fresh one.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut options = ConnectOptions::new("127.0.0.1", closed.port(), "rust-api-refused");
    options.connect_timeout = Duration::from_secs(5);
    assert!(matches!(
        Client::connect(&options),
        Err(Error::Connect(ConnectFailure::Network(_)))
    ));

    let tls = ConnectOptions::new("127.0.0.1", emu.mqtt.port(), "rust-api-cert").with_tls(Tls {
        ca: None,
        cert: Some("/nonexistent/device.pem.crt".into()),
        key: Some("/nonexistent/private.pem.key".into()),
        alpn: Vec::new(),
    });
    match Client::connect(&tls) {
        Err(Error::Connect(ConnectFailure::CertificateFile(why))) => {
            assert!(why.contains("/nonexistent/device.pem.crt"), "{why}")
        }
        other => panic!("expected a certificate file failure, got {:?}", other.err()),
    }
}
