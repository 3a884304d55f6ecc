//! Each rejection code of the service maps to its JobsError, and the rejection document is
//! handed over; unknown or missing codes are BadResponse.

use crate::common::*;
use awsiotjobs::core::request::JobState;
use awsiotjobs::core::topics::Operation;
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Scripted;

const CODES: [(&str, JobsError); 9] = [
    ("InvalidTopic", JobsError::InvalidTopic),
    ("InvalidJson", JobsError::InvalidJson),
    ("InvalidRequest", JobsError::InvalidRequest),
    ("InvalidStateTransition", JobsError::InvalidState),
    ("ResourceNotFound", JobsError::NotFound),
    ("VersionMismatch", JobsError::VersionMismatch),
    ("InternalError", JobsError::InternalError),
    ("RequestThrottled", JobsError::Throttled),
    ("TerminalStateReached", JobsError::TerminalState),
];

fn rejected_with(rig: &Rig, operation: Operation, action: Scripted) -> JobsError {
    rig.jobs.lock().script(operation, action);
    let request = match operation {
        Operation::GetPending => get_pending(),
        Operation::StartNext => start_next(),
        Operation::Describe => describe("job1"),
        Operation::Update => update("job1", JobState::InProgress),
    };
    let out = rig.run("T1", request).unwrap();
    assert!(out.document.is_some(), "a rejection carries its document");
    out.status
}

#[test]
fn every_service_code_maps_to_its_error_for_every_operation() {
    let rig = Rig::new();
    for operation in Operation::ALL {
        for (code, error) in CODES {
            assert_eq!(
                rejected_with(&rig, operation, Scripted::Reject(code.into())),
                error,
                "{code} on {operation:?}"
            );
        }
    }
}

#[test]
fn an_unknown_code_is_a_bad_response() {
    let rig = Rig::new();
    for operation in Operation::ALL {
        let status = rejected_with(&rig, operation, Scripted::Reject("NoSuchCode".into()));
        assert_eq!(status, JobsError::BadResponse);
    }
}

#[test]
fn a_rejection_without_a_code_is_a_bad_response() {
    let rig = Rig::new();
    rig.lb.set_responder(|_: &str, p: &[u8]| {
        let token = serde_json::from_slice::<serde_json::Value>(p).unwrap()["clientToken"].clone();
        let body = serde_json::json!({ "message": "no code", "clientToken": token });
        vec![(
            "$aws/things/T1/jobs/get/rejected".to_owned(),
            body.to_string().into_bytes(),
        )]
    });
    let out = rig.run("T1", get_pending()).unwrap();
    assert_eq!(out.status, JobsError::BadResponse);
    assert_eq!(doc(&out)["message"], "no code");
}

#[test]
fn a_code_of_the_wrong_type_is_a_bad_response() {
    let rig = Rig::new();
    rig.lb.set_responder(|_: &str, p: &[u8]| {
        let token = serde_json::from_slice::<serde_json::Value>(p).unwrap()["clientToken"].clone();
        let body = serde_json::json!({ "code": 13, "clientToken": token });
        vec![(
            "$aws/things/T1/jobs/get/rejected".to_owned(),
            body.to_string().into_bytes(),
        )]
    });
    assert_eq!(
        rig.run("T1", get_pending()).unwrap().status,
        JobsError::BadResponse
    );
}

#[test]
fn the_rejection_document_is_delivered_with_the_code() {
    let rig = Rig::new();
    rig.jobs.lock().script(
        Operation::GetPending,
        Scripted::Reject("InvalidTopic".into()),
    );
    let out = rig.run("T1", get_pending()).unwrap();
    assert_eq!(out.status, JobsError::InvalidTopic);
    let d = doc(&out);
    assert_eq!(d["code"], "InvalidTopic");
    assert_eq!(d["clientToken"], rig.last_token().as_str());
}

#[test]
fn a_tokenless_invalid_json_rejection_completes_the_operation() {
    let rig = Rig::new();
    rig.jobs.lock().script(
        Operation::StartNext,
        Scripted::RejectWithoutToken("InvalidJson".into()),
    );
    let out = rig.run("T1", start_next()).unwrap();
    assert_eq!(out.status, JobsError::InvalidJson);
    assert!(doc(&out).get("clientToken").is_none());
}

#[test]
fn callback_operations_receive_rejections_too() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs.lock().script(
        Operation::Describe,
        Scripted::Reject("RequestThrottled".into()),
    );
    let id = rig.submit_cb("T1", describe("job1"), &done).unwrap();
    let out = done.once(&rig, id);
    assert_eq!(out.status, JobsError::Throttled);
    assert_eq!(doc(&out)["code"], "RequestThrottled");
}

#[test]
fn a_rejection_for_one_application_token_completes_only_that_operation() {
    let rig = Rig::new();
    let done = Completions::new();
    rig.jobs
        .lock()
        .script(Operation::GetPending, Scripted::Silence);
    let silent = rig
        .submit_sub_cb(with_token("first", "T1", get_pending()), &done)
        .unwrap();
    rig.jobs.lock().script(
        Operation::GetPending,
        Scripted::Reject("InternalError".into()),
    );
    let answered = rig
        .submit_sub_cb(with_token("second", "T1", get_pending()), &done)
        .unwrap();
    assert_eq!(done.once(&rig, answered).status, JobsError::InternalError);
    assert!(done.of(silent).is_empty());
    assert_eq!(rig.engine.stats().in_flight, 1);
}
