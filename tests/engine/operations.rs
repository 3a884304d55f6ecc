//! Every operation accepted completes with Success and the raw reply, sent as asked. What the
//! service answers (queues, states, versions, documents) is checked against the jobs-emulator:
//! `tests/c_abi/job_life.rs` and `async_and_concurrency.rs`, `tests/client_api.rs`.

use crate::common::*;
use awsiotjobs::core::engine::Submission;
use awsiotjobs::core::request::{JobState, Request};
use awsiotjobs::core::JobsError;

#[test]
fn get_pending_on_a_thing_without_jobs_succeeds_with_empty_lists() {
    let rig = Rig::new();
    let out = rig.run("Lonely", get_pending()).unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(doc(&out)["queuedJobs"].as_array().unwrap().len(), 0);
}

#[test]
fn start_next_is_sent_with_its_status_details_and_step_timeout() {
    let rig = Rig::new();
    let out = rig
        .run(
            "T1",
            Request::StartNext {
                status_details: Some(r#"{"step":"download"}"#),
                step_timeout_minutes: 5,
            },
        )
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    let (topic, request) = rig.requests().pop().unwrap();
    assert_eq!(topic, "$aws/things/T1/jobs/start-next");
    assert_eq!(request["statusDetails"]["step"], "download");
    assert_eq!(request["stepTimeoutInMinutes"], 5);
}

#[test]
fn start_next_with_nothing_pending_succeeds_without_an_execution() {
    let rig = Rig::new();
    let out = rig.run("T1", start_next()).unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert!(doc(&out).get("execution").is_none());
}

#[test]
fn describe_next_is_sent_on_the_next_topic() {
    let rig = Rig::new();
    let out = rig.run("T1", describe("$next")).unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(rig.requests()[0].0, "$aws/things/T1/jobs/$next/get");
}

#[test]
fn describe_without_the_document_asks_the_service_not_to_send_it() {
    let rig = Rig::new();
    let out = rig
        .run(
            "T1",
            Request::Describe {
                job_id: "job1",
                execution_number: -1,
                include_job_document: false,
            },
        )
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    let (_, request) = rig.requests().pop().unwrap();
    assert_eq!(request["includeJobDocument"], false);
}

#[test]
fn every_reply_carries_the_token_the_request_was_sent_with() {
    let rig = Rig::new();
    let out = rig.run("T1", describe("job1")).unwrap();
    assert_eq!(doc(&out)["clientToken"], rig.last_token().as_str());
}

#[test]
fn an_application_token_is_sent_and_matched() {
    let rig = Rig::new();
    let out = rig
        .run_sub(with_token("my-own-token", "T1", describe("job1")))
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(rig.last_token(), "my-own-token");
    assert_eq!(doc(&out)["clientToken"], "my-own-token");
}

#[test]
fn the_document_delivered_is_the_raw_reply_byte_for_byte() {
    let rig = Rig::new();
    let raw =
        br#"{ "inProgressJobs" : [], "queuedJobs":[],"clientToken":"raw-1","extra":"\u00e9"}"#;
    rig.lb.set_responder(move |_: &str, _: &[u8]| {
        vec![("$aws/things/T1/jobs/get/accepted".to_owned(), raw.to_vec())]
    });
    let out = rig
        .run_sub(with_token("raw-1", "T1", get_pending()))
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(out.document.as_deref(), Some(&raw[..]));
}

#[test]
fn callback_operations_complete_on_the_callback_thread_with_the_reply() {
    let rig = Rig::new();
    let done = Completions::new();
    let ids = [
        rig.submit_cb("T1", get_pending(), &done).unwrap(),
        rig.submit_cb("T1", describe("job1"), &done).unwrap(),
        rig.submit_cb("T1", describe("$next"), &done).unwrap(),
        rig.submit_cb("T1", start_next(), &done).unwrap(),
    ];
    for id in ids {
        let out = done.once(&rig, id);
        assert_eq!(out.status, JobsError::Success);
        assert!(out.document.is_some());
    }
    assert_eq!(done.off_thread(), 0);
    assert_eq!(rig.engine.stats().in_flight, 0);
}

#[test]
fn operation_ids_are_never_reused() {
    let rig = Rig::new();
    let done = Completions::new();
    let mut ids: Vec<_> = (0..50)
        .map(|_| rig.submit_cb("T1", get_pending(), &done).unwrap())
        .collect();
    done.wait_for(50);
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 50);
}

#[test]
fn invalid_requests_are_refused_before_anything_is_sent() {
    let rig = Rig::new();
    let long_thing = "t".repeat(129);
    let long_job = "j".repeat(65);
    let long_token = "k".repeat(65);
    let cases: Vec<Submission<'_>> = vec![
        submission("", get_pending()),
        submission(&long_thing, get_pending()),
        submission("a/b", get_pending()),
        submission("T1", describe(&long_job)),
        submission("T1", describe("")),
        submission("T1", update("$next", JobState::Succeeded)),
        submission("T1", update("job1", JobState::Queued)),
        submission("T1", update("job1", JobState::Canceled)),
        Submission {
            client_token: Some(""),
            ..submission("T1", get_pending())
        },
        Submission {
            client_token: Some(&long_token),
            ..submission("T1", get_pending())
        },
        submission(
            "T1",
            Request::StartNext {
                status_details: None,
                step_timeout_minutes: 10081,
            },
        ),
        submission(
            "T1",
            Request::StartNext {
                status_details: None,
                step_timeout_minutes: -2,
            },
        ),
        submission(
            "T1",
            Request::StartNext {
                status_details: Some(""),
                step_timeout_minutes: 0,
            },
        ),
    ];
    for sub in cases {
        let what = format!("{:?} {:?}", sub.thing, sub.request);
        assert_eq!(
            rig.run_sub(sub).unwrap_err(),
            JobsError::BadParameter,
            "{what}"
        );
    }
    assert_eq!(rig.lb.counts().publishes, 0);
    assert_eq!(rig.lb.counts().subscribes, 0);
    assert_eq!(rig.engine.stats().in_flight, 0);
}
