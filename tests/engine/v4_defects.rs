//! Regression tests for the defects of the v4-beta Jobs library (jobs-protocol.md, section 8)
//! that live at the engine's level. Each test is named after the defect it guards against.

use crate::common::*;
use awsiotjobs::core::engine::{Completion, Submission, Waiter};
use awsiotjobs::core::request::{JobState, Request, UpdateFields};
use awsiotjobs::core::topics::Operation;
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// v4 counted describe/update subscriptions per operation type: the second concurrent
/// operation for another job of the same thing never subscribed and hung.
#[test]
fn v4_concurrent_describes_of_two_jobs_of_one_thing_both_complete() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs
        .lock()
        .script(Operation::Describe, Scripted::Silence);
    let first = rig.submit_cb("T1", describe("job1"), &done).unwrap();
    let token = rig.last_token();
    // While the first is in flight, the second (answered at once) must get its reply.
    let second = rig.submit_cb("T1", describe("job2"), &done).unwrap();
    assert_eq!(done.once(&rig, second).status, JobsError::Success);
    rig.lb.inject(
        "$aws/things/T1/jobs/job1/get/accepted",
        format!(r#"{{"clientToken":"{token}"}}"#).as_bytes(),
    );
    assert_eq!(done.once(&rig, first).status, JobsError::Success);
    // One subscription of the thing covers the replies of every job.
    assert_eq!(rig.lb.counts().subscribes, 1);
}

/// v4 accepted client tokens of 63 and 64 characters but never matched their replies.
#[test]
fn v4_client_tokens_of_63_and_64_characters_match() {
    let rig = Rig::new();
    for len in [1, 62, 63, 64] {
        let token = "k".repeat(len);
        let out = rig
            .run_sub(with_token(&token, "T1", get_pending()))
            .unwrap();
        assert_eq!(out.status, JobsError::Success, "token of {len}");
        assert_eq!(doc(&out)["clientToken"], token.as_str());
    }
    let too_long = "k".repeat(65);
    assert_eq!(
        rig.run_sub(with_token(&too_long, "T1", get_pending()))
            .unwrap_err(),
        JobsError::BadParameter
    );
}

/// v4 never matched a rejection without `clientToken` (InvalidJson): the operation hung. It
/// now completes the oldest operation of that topic, and only that one.
#[test]
fn v4_a_tokenless_rejection_completes_the_oldest_operation_instead_of_hanging() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs.lock().script(Operation::Update, Scripted::Silence);
    let oldest = rig
        .submit_cb("T1", update("job1", JobState::InProgress), &done)
        .unwrap();
    rig.jobs.lock().script(Operation::Update, Scripted::Silence);
    let newer = rig
        .submit_cb("T1", update("job1", JobState::InProgress), &done)
        .unwrap();
    let newer_token = rig.last_token();
    rig.jobs.lock().script(Operation::Update, Scripted::Silence);
    let other_job = rig
        .submit_cb("T1", update("job2", JobState::InProgress), &done)
        .unwrap();
    rig.lb.inject(
        "$aws/things/T1/jobs/job1/update/rejected",
        br#"{"code":"InvalidJson","message":"bad json","timestamp":1}"#,
    );
    assert_eq!(done.once(&rig, oldest).status, JobsError::InvalidJson);
    assert!(done.of(newer).is_empty());
    assert!(done.of(other_job).is_empty());
    rig.lb.inject(
        "$aws/things/T1/jobs/job1/update/accepted",
        format!(r#"{{"clientToken":"{newer_token}"}}"#).as_bytes(),
    );
    assert_eq!(done.once(&rig, newer).status, JobsError::Success);
}

/// The service's own InvalidJson answer (to a request it could not read) completes the
/// operation with InvalidJson.
#[test]
fn v4_the_services_tokenless_invalid_json_answer_does_not_hang() {
    let rig = Rig::new();
    rig.jobs.lock().script(
        Operation::GetPending,
        Scripted::RejectWithoutToken("InvalidJson".into()),
    );
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::InvalidJson
    );
}

/// v4 made tokens from a buffer address mod 10^8, so they repeated. Generated tokens are
/// unique, across operations and engines.
#[test]
fn v4_generated_client_tokens_never_repeat() {
    let rig = Rig::new();
    let other = Rig::new();
    let done = Completions::new();
    for _ in 0..500 {
        rig.submit_cb("T1", get_pending(), &done).unwrap();
        other.submit_cb("T1", get_pending(), &done).unwrap();
    }
    done.wait_for(1000);
    let tokens: Vec<String> = rig
        .requests()
        .into_iter()
        .chain(other.requests())
        .map(|(_, r)| r["clientToken"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(tokens.len(), 1000);
    assert!(tokens.iter().all(|t| !t.is_empty() && t.len() <= 64));
    assert_eq!(tokens.iter().collect::<HashSet<_>>().len(), 1000);
}

/// With repeating tokens a late reply could complete the wrong operation: a reply to an
/// operation that timed out must not complete a newer one of the same kind.
#[test]
fn v4_a_late_reply_never_completes_a_newer_operation() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs
        .lock()
        .script(Operation::StartNext, Scripted::Silence);
    let old = rig
        .submit_sub_cb(
            Submission {
                deadline: Instant::now() + Duration::from_millis(30),
                ..submission("T1", start_next())
            },
            &done,
        )
        .unwrap();
    let old_token = rig.last_token();
    assert_eq!(done.once(&rig, old).status, JobsError::Timeout);
    rig.jobs
        .lock()
        .script(Operation::StartNext, Scripted::Silence);
    let newer = rig.submit_cb("T1", start_next(), &done).unwrap();
    rig.lb.inject(
        "$aws/things/T1/jobs/start-next/accepted",
        format!(r#"{{"clientToken":"{old_token}"}}"#).as_bytes(),
    );
    rig.settle();
    rig.drain_callbacks();
    assert!(done.of(newer).is_empty());
    assert_eq!(rig.engine.stats().in_flight, 1);
}

/// v4's operations with a completion callback never timed out.
#[test]
fn v4_callback_operations_time_out() {
    let rig = Rig::new();
    let done = Completions::new();
    let mut ids = Vec::new();
    for request in [
        get_pending(),
        start_next(),
        describe("job1"),
        update("job1", JobState::Failed),
    ] {
        rig.jobs
            .lock()
            .script(request.operation(), Scripted::Silence);
        let sub = Submission {
            deadline: Instant::now() + Duration::from_millis(40),
            ..submission("T1", request)
        };
        ids.push(rig.submit_sub_cb(sub, &done).unwrap());
    }
    for id in ids {
        assert_eq!(done.once(&rig, id).status, JobsError::Timeout);
    }
}

/// v4 pasted status details into the request unchecked, so invalid JSON reached the service.
/// They are checked first: nothing is subscribed or published for bad details.
#[test]
fn v4_bad_status_details_are_refused_before_anything_is_sent() {
    let rig = Rig::new();
    let long_value = format!(r#"{{"k":"{}"}}"#, "v".repeat(32 * 1024));
    let bad = [
        r#"{"progress":50}"#,
        r#"{"ok":true}"#,
        r#"{"nested":{"a":"b"}}"#,
        r#"{"list":["a"]}"#,
        r#"{"none":null}"#,
        r#"["a","b"]"#,
        r#""text""#,
        r#"{"a":"b""#,
        r#"{"a":"b"},"status":"SUCCEEDED""#,
        r#"{"a":"b"}}"#,
        "not json",
        "",
        long_value.as_str(),
    ];
    for details in bad {
        let requests = [
            Request::StartNext {
                status_details: Some(details),
                step_timeout_minutes: 0,
            },
            Request::Update {
                job_id: "job1",
                fields: UpdateFields {
                    status: JobState::InProgress,
                    status_details: Some(details),
                    ..UpdateFields::default()
                },
            },
        ];
        for request in requests {
            assert_eq!(
                rig.run("T1", request).unwrap_err(),
                JobsError::BadParameter,
                "{details:?}"
            );
        }
    }
    assert_eq!(rig.lb.counts(), Default::default());
    assert_eq!(rig.engine.stats().in_flight, 0);
}

/// Valid details reach the service as the JSON object they are.
#[test]
fn v4_good_status_details_reach_the_service_intact() {
    let rig = Rig::new();
    let details = r#"{"step":"2 of 3","note":"quote \" and \\ ok"}"#;
    let out = rig
        .run(
            "T1",
            update_versioned("job1", JobState::InProgress, Some(details), 0),
        )
        .unwrap();
    assert_eq!(out.status, JobsError::Success);
    let (_, request) = rig.requests().pop().unwrap();
    assert_eq!(request["statusDetails"]["note"], "quote \" and \\ ok");
    assert_eq!(request["statusDetails"]["step"], "2 of 3");
}

/// v4 leaked the response for InvalidTopic and unknown codes; here every rejection hands
/// its document to the completion, whatever the code.
#[test]
fn v4_invalid_topic_and_unknown_code_rejections_carry_their_document() {
    let rig = Rig::new();
    for code in ["InvalidTopic", "SomethingNew"] {
        rig.jobs
            .lock()
            .script(Operation::GetPending, Scripted::Reject(code.into()));
        let out = rig.run("T1", get_pending()).unwrap();
        assert_eq!(doc(&out)["code"], code);
    }
}

/// Use after completion was undefined in v4: a waiter's outcome is taken once, and the
/// operation is gone from the engine (cancel finds nothing).
#[test]
fn v4_a_completed_waitable_operation_is_gone_and_its_outcome_taken_once() {
    let rig = Rig::new();
    let waiter = Waiter::new();
    let id = rig
        .engine
        .submit(
            submission("T1", get_pending()),
            Completion::Waitable(waiter.clone()),
        )
        .unwrap();
    let out = waiter.wait_until(give_up()).expect("completed");
    assert_eq!(out.status, JobsError::Success);
    assert!(waiter.wait_until(Instant::now()).is_none());
    assert!(!rig.engine.cancel(id));
    assert_eq!(rig.engine.stats().in_flight, 0);
}
