//! The `iot-jobs-data` routes over real HTTP: GetPendingJobExecutions,
//! StartNextPendingJobExecution, DescribeJobExecution (also `$next`) and
//! UpdateJobExecution, sharing state with the control plane; the job document
//! travels as a JSON string.

mod http_common;

use http_common::{assert_error, Planes};
use serde_json::{json, Value};

fn document_of(execution: &Value) -> Value {
    let text = execution["jobDocument"]
        .as_str()
        .expect("document is a string");
    serde_json::from_str(text).unwrap()
}

#[test]
fn get_pending_lists_in_progress_and_queued() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    planes.create_job("b", &["t1"]);
    let empty = planes.data("GET", "/things/t2/jobs", None);
    assert_eq!(empty.status, 200);
    assert_eq!(
        empty.json,
        json!({ "inProgressJobs": [], "queuedJobs": [] })
    );
    planes.data("PUT", "/things/t1/jobs/$next", None);
    let reply = planes.data("GET", "/things/t1/jobs", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["inProgressJobs"][0]["jobId"], "a");
    assert_eq!(reply.json["queuedJobs"][0]["jobId"], "b");
    let summary = &reply.json["queuedJobs"][0];
    for key in [
        "queuedAt",
        "lastUpdatedAt",
        "versionNumber",
        "executionNumber",
    ] {
        assert!(summary[key].is_i64(), "{key} in {summary}");
    }
    assert_error(
        &planes.data("GET", "/things/a%20b/jobs", None),
        400,
        "InvalidRequestException",
    );
}

#[test]
fn start_next_starts_the_head_with_details_and_timer() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let body = json!({ "statusDetails": { "step": "download" }, "stepTimeoutInMinutes": 10 });
    let reply = planes.data("PUT", "/things/t1/jobs/$next", Some(body));
    assert_eq!(reply.status, 200, "{}", reply.text);
    let e = &reply.json["execution"];
    assert_eq!(e["jobId"], "a");
    assert_eq!(e["thingName"], "t1");
    assert_eq!(e["status"], "IN_PROGRESS");
    assert_eq!(e["statusDetails"], json!({ "step": "download" }));
    assert_eq!(e["versionNumber"], 2);
    assert!(e["approximateSecondsBeforeTimedOut"].as_i64().unwrap() > 500);
    assert_eq!(document_of(e), json!({ "op": "reboot" }));

    let encoded = planes.data("PUT", "/things/t1/jobs/%24next", None);
    assert_eq!(
        encoded.json["execution"]["jobId"], "a",
        "IN_PROGRESS head unchanged"
    );
    let nothing = planes.data("PUT", "/things/t9/jobs/$next", None);
    assert_eq!((nothing.status, nothing.json.clone()), (200, json!({})));
    let bad_timer = planes.data(
        "PUT",
        "/things/t1/jobs/$next",
        Some(json!({ "stepTimeoutInMinutes": 10081 })),
    );
    assert_error(&bad_timer, 400, "InvalidRequestException");
    let not_next = planes.data("PUT", "/things/t1/jobs/a", None);
    assert_error(&not_next, 404, "UnknownOperationException");
}

#[test]
fn describe_by_id_and_next_with_optional_document() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let reply = planes.data("GET", "/things/t1/jobs/a", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["execution"]["status"], "QUEUED");
    assert_eq!(
        document_of(&reply.json["execution"]),
        json!({ "op": "reboot" })
    );
    let next = planes.data(
        "GET",
        "/things/t1/jobs/%24next?includeJobDocument=false",
        None,
    );
    assert_eq!(next.json["execution"]["jobId"], "a");
    assert!(next.json["execution"].get("jobDocument").is_none());
    let numbered = planes.data("GET", "/things/t1/jobs/a?executionNumber=2", None);
    assert_error(&numbered, 404, "ResourceNotFoundException");
    let missing = planes.data("GET", "/things/t1/jobs/zzz", None);
    assert_error(&missing, 404, "ResourceNotFoundException");
    let idle = planes.data("GET", "/things/t2/jobs/$next", None);
    assert_eq!((idle.status, idle.json.clone()), (200, json!({})));
    let bad = planes.data("GET", "/things/t1/jobs/a?includeJobDocument=maybe", None);
    assert_error(&bad, 400, "InvalidRequestException");
}

#[test]
fn describe_of_a_terminal_execution_is_terminal_state() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let done = planes.data(
        "POST",
        "/things/t1/jobs/a",
        Some(json!({ "status": "SUCCEEDED" })),
    );
    assert_eq!(done.status, 200, "{}", done.text);
    let reply = planes.data("GET", "/things/t1/jobs/a", None);
    assert_error(&reply, 410, "TerminalStateException");
}

#[test]
fn update_returns_state_and_document_on_request() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let plain = planes.data(
        "POST",
        "/things/t1/jobs/a",
        Some(json!({ "status": "IN_PROGRESS" })),
    );
    assert_eq!((plain.status, plain.json.clone()), (200, json!({})));
    let body = json!({
        "status": "SUCCEEDED",
        "statusDetails": { "result": "ok" },
        "expectedVersion": 2,
        "executionNumber": 1,
        "includeJobExecutionState": true,
        "includeJobDocument": true,
    });
    let reply = planes.data("POST", "/things/t1/jobs/a", Some(body));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json["executionState"],
        json!({ "status": "SUCCEEDED", "statusDetails": { "result": "ok" }, "versionNumber": 3 })
    );
    let doc: Value = serde_json::from_str(reply.json["jobDocument"].as_str().unwrap()).unwrap();
    assert_eq!(doc, json!({ "op": "reboot" }));
    let control = planes.control("GET", "/things/t1/jobs/a", None);
    assert_eq!(control.json["execution"]["status"], "SUCCEEDED");
}

#[test]
fn update_errors_have_model_types() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let cases = [
        (json!({}), 400, "InvalidRequestException"),
        (json!({ "status": "DONE" }), 400, "InvalidRequestException"),
        (
            json!({ "status": "CANCELED" }),
            400,
            "InvalidRequestException",
        ),
        (json!({ "status": 3 }), 400, "InvalidRequestException"),
        (
            json!({ "status": "IN_PROGRESS", "statusDetails": [] }),
            400,
            "InvalidRequestException",
        ),
        (
            json!({ "status": "IN_PROGRESS", "expectedVersion": "x" }),
            400,
            "InvalidRequestException",
        ),
        (
            json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": 0.5 }),
            400,
            "InvalidRequestException",
        ),
        (
            json!({ "status": "IN_PROGRESS", "expectedVersion": 9 }),
            409,
            "InvalidStateTransitionException",
        ),
        (
            json!({ "status": "IN_PROGRESS", "executionNumber": 9 }),
            404,
            "ResourceNotFoundException",
        ),
    ];
    for (body, status, kind) in cases {
        let reply = planes.data("POST", "/things/t1/jobs/a", Some(body.clone()));
        assert_error(&reply, status, kind);
    }
    let missing = planes.data(
        "POST",
        "/things/t1/jobs/none",
        Some(json!({ "status": "FAILED" })),
    );
    assert_error(&missing, 404, "ResourceNotFoundException");
    let next = planes.data(
        "POST",
        "/things/t1/jobs/$next",
        Some(json!({ "status": "FAILED" })),
    );
    assert_error(&next, 400, "InvalidRequestException");
    planes.data(
        "POST",
        "/things/t1/jobs/a",
        Some(json!({ "status": "REJECTED" })),
    );
    let after = planes.data(
        "POST",
        "/things/t1/jobs/a",
        Some(json!({ "status": "IN_PROGRESS" })),
    );
    assert_error(&after, 409, "InvalidStateTransitionException");
}

#[test]
fn injected_throttling_is_a_throttling_exception() {
    let planes = Planes::start();
    planes.create_job("a", &["t1"]);
    let code = jobs_emulator::service::ErrorCode::RequestThrottled;
    planes.service.inject_failure("t1", code, 1);
    let reply = planes.data("GET", "/things/t1/jobs", None);
    assert_error(&reply, 429, "ThrottlingException");
    assert_eq!(planes.data("GET", "/things/t1/jobs", None).status, 200);
}
