//! Control-plane execution routes over real HTTP: DescribeJobExecution,
//! CancelJobExecution, DeleteJobExecution, ListJobExecutionsForJob and
//! ListJobExecutionsForThing, with the `iot` model's members and errors.

mod http_common;

use http_common::{assert_error, Planes};
use serde_json::json;

const T1_ARN: &str = "arn:aws:iot:us-east-1:123456789012:thing/t1";

#[test]
fn describe_execution_has_the_control_plane_shape() {
    let planes = Planes::start();
    planes.create_job("j", &["t1"]);
    let reply = planes.control("GET", "/things/t1/jobs/j", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let e = &reply.json["execution"];
    assert_eq!(e["jobId"], "j");
    assert_eq!(e["status"], "QUEUED");
    assert_eq!(e["thingArn"], T1_ARN);
    assert_eq!(e["statusDetails"], json!({ "detailsMap": {} }));
    assert_eq!(e["executionNumber"], 1);
    assert_eq!(e["versionNumber"], 1);
    assert!(e["queuedAt"].is_i64() && e["lastUpdatedAt"].is_i64());
    assert!(e.get("thingName").is_none() && e.get("jobDocument").is_none());

    let numbered = planes.control("GET", "/things/t1/jobs/j?executionNumber=1", None);
    assert_eq!(numbered.status, 200);
    let wrong = planes.control("GET", "/things/t1/jobs/j?executionNumber=2", None);
    assert_error(&wrong, 404, "ResourceNotFoundException");
    let bad = planes.control("GET", "/things/t1/jobs/j?executionNumber=one", None);
    assert_error(&bad, 400, "InvalidRequestException");
    let missing = planes.control("GET", "/things/t2/jobs/j", None);
    assert_error(&missing, 404, "ResourceNotFoundException");
    let bad_thing = planes.control("GET", "/things/a%20b/jobs/j", None);
    assert_error(&bad_thing, 400, "InvalidRequestException");
}

#[test]
fn thing_names_with_colons_arrive_decoded() {
    let planes = Planes::start();
    let body =
        json!({ "targets": ["arn:aws:iot:us-east-1:123456789012:thing/a:b"], "document": "{}" });
    assert_eq!(planes.control("PUT", "/jobs/colon", Some(body)).status, 200);
    let reply = planes.control("GET", "/things/a%3Ab/jobs/colon", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json["execution"]["thingArn"],
        "arn:aws:iot:us-east-1:123456789012:thing/a:b"
    );
}

#[test]
fn cancel_execution_queued_then_terminal_is_a_conflict() {
    let planes = Planes::start();
    planes.create_job("j", &["t1"]);
    let body = json!({ "statusDetails": { "why": "operator" } });
    let reply = planes.control("PUT", "/things/t1/jobs/j/cancel", Some(body));
    assert_eq!(reply.status, 200, "{}", reply.text);
    let e = planes.control("GET", "/things/t1/jobs/j", None).json["execution"].clone();
    assert_eq!(e["status"], "CANCELED");
    assert_eq!(e["statusDetails"]["detailsMap"]["why"], "operator");
    let again = planes.control("PUT", "/things/t1/jobs/j/cancel", None);
    assert_error(&again, 409, "InvalidStateTransitionException");
}

#[test]
fn cancel_execution_in_progress_needs_force_and_the_version() {
    let planes = Planes::start();
    planes.create_job("j", &["t1"]);
    let started = planes.data("PUT", "/things/t1/jobs/$next", None);
    assert_eq!(started.json["execution"]["versionNumber"], 2);
    let no_force = planes.control("PUT", "/things/t1/jobs/j/cancel", None);
    assert_error(&no_force, 409, "InvalidStateTransitionException");
    let stale = planes.control(
        "PUT",
        "/things/t1/jobs/j/cancel?force=true",
        Some(json!({ "expectedVersion": 1 })),
    );
    assert_error(&stale, 409, "VersionConflictException");
    let bad_details = planes.control(
        "PUT",
        "/things/t1/jobs/j/cancel?force=true",
        Some(json!({ "statusDetails": { "k": 5 } })),
    );
    assert_error(&bad_details, 400, "InvalidRequestException");
    let ok = planes.control(
        "PUT",
        "/things/t1/jobs/j/cancel?force=true",
        Some(json!({ "expectedVersion": 2 })),
    );
    assert_eq!(ok.status, 200, "{}", ok.text);
    let missing = planes.control("PUT", "/things/t9/jobs/j/cancel", None);
    assert_error(&missing, 404, "ResourceNotFoundException");
}

#[test]
fn delete_execution_by_number_with_force_rules() {
    let planes = Planes::start();
    planes.create_job("j", &["t1"]);
    let pending = planes.control("DELETE", "/things/t1/jobs/j/executionNumber/1", None);
    assert_error(&pending, 409, "InvalidStateTransitionException");
    let wrong = planes.control(
        "DELETE",
        "/things/t1/jobs/j/executionNumber/7?force=true",
        None,
    );
    assert_error(&wrong, 404, "ResourceNotFoundException");
    let bad = planes.control("DELETE", "/things/t1/jobs/j/executionNumber/x", None);
    assert_error(&bad, 400, "InvalidRequestException");
    let forced = planes.control(
        "DELETE",
        "/things/t1/jobs/j/executionNumber/1?force=true",
        None,
    );
    assert_eq!(forced.status, 200, "{}", forced.text);
    let gone = planes.control("GET", "/things/t1/jobs/j", None);
    assert_error(&gone, 404, "ResourceNotFoundException");

    planes.create_job("k", &["t1"]);
    assert_eq!(
        planes
            .control("PUT", "/things/t1/jobs/k/cancel", None)
            .status,
        200
    );
    let terminal = planes.control("DELETE", "/things/t1/jobs/k/executionNumber/1", None);
    assert_eq!(terminal.status, 200, "{}", terminal.text);
}

#[test]
fn list_executions_for_job_by_thing() {
    let planes = Planes::start();
    planes.create_job("j", &["t1", "t2", "t3"]);
    planes.data("PUT", "/things/t2/jobs/$next", None);
    let reply = planes.control("GET", "/jobs/j/things", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let list = reply.json["executionSummaries"].as_array().unwrap().clone();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["thingArn"], T1_ARN);
    let summary = &list[0]["jobExecutionSummary"];
    assert_eq!(summary["status"], "QUEUED");
    assert_eq!(summary["executionNumber"], 1);
    assert!(summary["queuedAt"].is_i64());

    let running = planes.control("GET", "/jobs/j/things?status=IN_PROGRESS", None);
    let running = running.json["executionSummaries"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(running.len(), 1);
    assert_eq!(
        running[0]["thingArn"],
        "arn:aws:iot:us-east-1:123456789012:thing/t2"
    );
    assert!(running[0]["jobExecutionSummary"]["startedAt"].is_i64());

    let page = planes.control("GET", "/jobs/j/things?maxResults=2", None);
    assert_eq!(page.json["executionSummaries"].as_array().unwrap().len(), 2);
    assert_eq!(page.json["nextToken"], "2");

    assert_error(
        &planes.control("GET", "/jobs/none/things", None),
        404,
        "ResourceNotFoundException",
    );
    let bad = planes.control("GET", "/jobs/j/things?status=DONE", None);
    assert_error(&bad, 400, "InvalidRequestException");
}

#[test]
fn list_executions_for_thing_in_queue_order() {
    let planes = Planes::start();
    for id in ["first", "second", "third"] {
        planes.create_job(id, &["t1"]);
    }
    let reply = planes.control("GET", "/things/t1/jobs", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let ids: Vec<&str> = reply.json["executionSummaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["jobId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["first", "second", "third"]);
    assert_eq!(
        reply.json["executionSummaries"][0]["jobExecutionSummary"]["status"],
        "QUEUED"
    );
    let one = planes.control("GET", "/things/t1/jobs?jobId=second", None);
    assert_eq!(one.json["executionSummaries"].as_array().unwrap().len(), 1);
    let none = planes.control("GET", "/things/t1/jobs?status=SUCCEEDED", None);
    assert_eq!(none.json["executionSummaries"], json!([]));
    let unknown = planes.control("GET", "/things/nobody/jobs", None);
    assert_error(&unknown, 404, "ResourceNotFoundException");
    let bad = planes.control("GET", "/things/t1/jobs?jobId=a.b", None);
    assert_error(&bad, 400, "InvalidRequestException");
}
