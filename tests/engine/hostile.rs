//! Hostile or broken inbound messages: no panic, no wrong completion, and the engine keeps
//! working afterwards.

use crate::common::*;
use awsiotjobs::core::engine::OpId;
use awsiotjobs::core::topics::Operation;
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;

const GET_ACCEPTED: &str = "$aws/things/T1/jobs/get/accepted";
const GET_REJECTED: &str = "$aws/things/T1/jobs/get/rejected";

/// A get-pending in flight on T1 with the application token "victim" that the service never
/// answers.
fn victim(rig: &Rig, done: &Completions) -> OpId {
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Silence);
    rig.submit_sub_cb(with_token("victim", "T1", get_pending()), done)
        .unwrap()
}

/// Delivers each message, then checks that nothing completed, and that the victim still
/// completes with its real reply and the engine still works.
fn survives(messages: &[(&str, &[u8])]) {
    let rig = Rig::new();
    let done = Completions::new();
    let id = victim(&rig, &done);
    for (topic, payload) in messages {
        rig.inject(topic, payload);
    }
    rig.settle();
    rig.drain_callbacks();
    assert_eq!(done.total(), 0, "a hostile message completed something");
    assert_eq!(rig.engine.stats().in_flight, 1);
    rig.inject(GET_ACCEPTED, br#"{"clientToken":"victim"}"#);
    assert_eq!(done.once(&rig, id).status, JobsError::Success);
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::Success
    );
}

#[test]
fn a_reply_with_a_foreign_token_completes_nothing() {
    survives(&[
        (GET_ACCEPTED, br#"{"clientToken":"someone-else"}"#),
        (
            GET_REJECTED,
            br#"{"clientToken":"someone-else","code":"InternalError"}"#,
        ),
        (GET_ACCEPTED, br#"{"clientToken":"VICTIM"}"#),
        (GET_ACCEPTED, br#"{"clientToken":"victim "}"#),
        (GET_ACCEPTED, br#"{"clientToken":""}"#),
    ]);
}

#[test]
fn the_service_answering_with_a_foreign_token_leaves_the_operation_to_time_out() {
    let rig = Rig::new();
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::ForeignToken);
    let out = rig
        .run_sub(awsiotjobs::core::engine::Submission {
            deadline: std::time::Instant::now() + std::time::Duration::from_millis(50),
            ..submission("T1", get_pending())
        })
        .unwrap();
    assert_eq!(out.status, JobsError::Timeout);
}

#[test]
fn a_reply_with_the_token_on_another_operations_topic_completes_nothing() {
    survives(&[
        (
            "$aws/things/T2/jobs/get/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/start-next/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/job1/get/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/job1/update/rejected",
            br#"{"clientToken":"victim","code":"InvalidJson"}"#,
        ),
    ]);
}

#[test]
fn fields_of_the_wrong_type_complete_nothing() {
    survives(&[
        (GET_ACCEPTED, br#"{"clientToken":12}"#),
        (GET_ACCEPTED, br#"{"clientToken":["victim"]}"#),
        (GET_ACCEPTED, br#"{"clientToken":{"victim":1}}"#),
        (GET_ACCEPTED, br#"{"clientToken":null}"#),
        (GET_ACCEPTED, br#"{"clientToken":true,"code":7}"#),
    ]);
}

#[test]
fn payloads_that_are_not_json_objects_complete_nothing() {
    survives(&[
        (GET_ACCEPTED, b""),
        (GET_ACCEPTED, b"victim"),
        (GET_ACCEPTED, b"[\"victim\"]"),
        (GET_ACCEPTED, b"\"victim\""),
        (GET_ACCEPTED, b"null"),
        (GET_ACCEPTED, br#"{"clientToken":"victim""#),
        (GET_REJECTED, br#"{"code":"InvalidJson","#),
        (GET_REJECTED, b"\0\0\0\0"),
    ]);
}

#[test]
fn invalid_utf8_completes_nothing() {
    survives(&[
        (GET_ACCEPTED, b"\xff\xfe\xfd"),
        (GET_ACCEPTED, b"{\"clientToken\":\"vict\xffim\"}"),
        (GET_REJECTED, b"{\"code\":\"\xc3\x28\"}"),
        (GET_ACCEPTED, b"{\"clientToken\":\"victim\xed\xa0\x80\"}"),
    ]);
}

#[test]
fn deeply_nested_documents_do_not_overflow_the_stack() {
    let deep = format!(
        "{{\"clientToken\":\"nope\",\"x\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let open_only = "{\"a\":".repeat(100_000);
    survives(&[
        (GET_ACCEPTED, deep.as_bytes()),
        (GET_REJECTED, open_only.as_bytes()),
    ]);
}

#[test]
fn replies_to_operations_never_sent_complete_nothing() {
    survives(&[
        (
            "$aws/things/T9/jobs/get/accepted",
            br#"{"clientToken":"x"}"#,
        ),
        (
            "$aws/things/T9/jobs/get/rejected",
            br#"{"code":"InvalidJson"}"#,
        ),
        (
            "$aws/things/T1/jobs/start-next/rejected",
            br#"{"code":"InvalidJson"}"#,
        ),
        (
            "$aws/things/T1/jobs/$next/get/rejected",
            br#"{"code":"InvalidJson"}"#,
        ),
        ("$aws/things/T1/jobs/get/accepted", br#"{"timestamp":1}"#),
    ]);
}

#[test]
fn messages_on_request_topics_and_odd_topics_are_ignored() {
    let long = format!("$aws/things/{}/jobs/get/accepted", "T".repeat(10_000));
    survives(&[
        ("$aws/things/T1/jobs/get", br#"{"clientToken":"victim"}"#),
        (
            "$aws/things/T1/jobs/job1/update",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things//jobs/get/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs//get/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/a/b/update/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/get/accepted/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/get/ACCEPTED",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/jobs/notify-next/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        (
            "$aws/things/T1/shadow/get/accepted",
            br#"{"clientToken":"victim"}"#,
        ),
        ("$aws/things/T1/jobs/notify", br#"{"clientToken":"victim"}"#),
        (&long, br#"{"clientToken":"victim"}"#),
        ("", b""),
    ]);
}

#[test]
fn a_duplicated_reply_completes_its_operation_once() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Duplicate);
    let first = rig.submit_cb("T1", get_pending(), &done).unwrap();
    assert_eq!(done.once(&rig, first).status, JobsError::Success);
    // Replayed later, while another operation of the same kind is in flight: still nothing.
    let replay = doc(&done.of(first)[0]).to_string();
    let second = victim(&rig, &done);
    rig.inject(GET_ACCEPTED, replay.as_bytes());
    rig.settle();
    rig.drain_callbacks();
    assert!(done.of(second).is_empty());
    assert_eq!(done.of(first).len(), 1);
}

#[test]
fn two_operations_with_the_same_application_token_each_get_one_reply() {
    let rig = Rig::new();
    let done = Completions::new();
    let a = victim(&rig, &done);
    let b = victim(&rig, &done);
    rig.inject(GET_ACCEPTED, br#"{"clientToken":"victim","n":1}"#);
    rig.inject(GET_ACCEPTED, br#"{"clientToken":"victim","n":2}"#);
    rig.inject(GET_ACCEPTED, br#"{"clientToken":"victim","n":3}"#);
    assert_eq!(doc(&done.once(&rig, a))["n"], 1, "the oldest first");
    assert_eq!(doc(&done.once(&rig, b))["n"], 2);
    assert_eq!(done.total(), 2);
}

#[test]
fn huge_numbers_in_a_reply_do_not_stop_it_matching() {
    let rig = Rig::new();
    let done = Completions::new();
    let id = victim(&rig, &done);
    let reply = br#"{"clientToken":"victim","timestamp":123456789012345678901234567890123456789,"versionNumber":-99999999999999999999999,"x":1e999}"#;
    rig.inject(GET_ACCEPTED, reply);
    let out = done.once(&rig, id);
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(out.document.as_deref(), Some(&reply[..]));
}

/// A reply padded to exactly `size` bytes.
fn reply_of_size(size: usize) -> String {
    let head = "{\"clientToken\":\"victim\",\"jobDocument\":\"";
    let tail = "\"}";
    format!("{head}{}{tail}", "x".repeat(size - head.len() - tail.len()))
}

#[test]
fn a_reply_of_aws_iots_largest_message_is_delivered_whole_and_a_larger_one_refused() {
    use awsiotjobs::core::router::MAX_JOBS_MESSAGE;
    let rig = Rig::new();
    let done = Completions::new();
    let id = victim(&rig, &done);
    // One byte over the limit: refused, nothing queued, the operation still waits.
    rig.inject(GET_ACCEPTED, reply_of_size(MAX_JOBS_MESSAGE + 1).as_bytes());
    rig.inject(GET_ACCEPTED, reply_of_size(4 << 20).as_bytes());
    rig.settle();
    rig.drain_callbacks();
    assert_eq!(done.total(), 0);
    assert_eq!(rig.engine.stats().in_flight, 1);
    // Exactly the limit: delivered whole.
    let big = reply_of_size(MAX_JOBS_MESSAGE);
    rig.inject(GET_ACCEPTED, big.as_bytes());
    let out = done.once(&rig, id);
    assert_eq!(out.status, JobsError::Success);
    assert_eq!(out.document.map(|d| d.len()), Some(big.len()));
}

#[test]
fn a_token_with_escapes_matches_its_unescaped_form() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Silence);
    let id = rig
        .submit_sub_cb(with_token("a\"b\\c/d", "T1", get_pending()), &done)
        .unwrap();
    rig.inject(GET_ACCEPTED, br#"{"clientToken":"a\u0022b\\c\/d"}"#);
    assert_eq!(done.once(&rig, id).status, JobsError::Success);
}

#[test]
fn an_accepted_reply_without_a_token_completes_nothing() {
    survives(&[(GET_ACCEPTED, br#"{"queuedJobs":[]}"#)]);
}
