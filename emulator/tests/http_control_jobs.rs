//! Control-plane job routes over real HTTP: CreateJob, DescribeJob,
//! GetJobDocument, ListJobs, CancelJob and DeleteJob, their answers' members
//! as the `iot` model names them, and their error types and statuses.

mod http_common;

use http_common::{assert_error, Planes};
use serde_json::json;

#[test]
fn create_job_answers_arn_id_and_description() {
    let planes = Planes::start();
    let body = json!({
        "targets": ["arn:aws:iot:us-east-1:123456789012:thing/t1"],
        "document": "{\"a\":1}",
        "description": "first job",
        "timeoutConfig": { "inProgressTimeoutInMinutes": 30 },
    });
    let reply = planes.control("PUT", "/jobs/j1", Some(body));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({
            "jobArn": "arn:aws:iot:us-east-1:123456789012:job/j1",
            "jobId": "j1",
            "description": "first job",
        })
    );
}

#[test]
fn create_job_twice_is_resource_already_exists() {
    let planes = Planes::start();
    planes.create_job("dup", &["t1"]);
    let body =
        json!({ "targets": ["arn:aws:iot:us-east-1:123456789012:thing/t1"], "document": "{}" });
    let reply = planes.control("PUT", "/jobs/dup", Some(body));
    assert_error(&reply, 409, "ResourceAlreadyExistsException");
    assert_eq!(reply.json["resourceId"], "dup");
    assert_eq!(
        reply.json["resourceArn"],
        "arn:aws:iot:us-east-1:123456789012:job/dup"
    );
}

#[test]
fn create_job_rejects_bad_input() {
    let planes = Planes::start();
    let target = json!(["arn:aws:iot:us-east-1:123456789012:thing/t1"]);
    let cases = [
        json!({ "document": "{}" }),
        json!({ "targets": target, "document": "not json" }),
        json!({ "targets": target, "document": "[1,2]" }),
        json!({ "targets": target }),
        json!({ "targets": target, "documentSource": "https://s3/x" }),
        json!({ "targets": [], "document": "{}" }),
        json!({ "targets": "t1", "document": "{}" }),
        json!({ "targets": target, "document": "{}", "targetSelection": "SOMETIMES" }),
        json!({ "targets": target, "document": "{}", "jobExecutionsRolloutConfig": { "maximumPerMinute": 0 } }),
        json!({ "targets": target, "document": "{}", "abortConfig": { "criteriaList": [] } }),
        json!({ "targets": target, "document": "{}", "jobExecutionsRetryConfig": { "criteriaList": [{ "failureType": "FAILED", "numberOfRetries": 11 }] } }),
        json!({ "targets": target, "document": "{}", "timeoutConfig": { "inProgressTimeoutInMinutes": 0 } }),
        json!({ "targets": target, "document": "{}", "timeoutConfig": { "inProgressTimeoutInMinutes": "5" } }),
        json!({ "targets": target, "document": format!("{{\"x\":\"{}\"}}", "a".repeat(33_000)) }),
    ];
    for body in cases {
        let reply = planes.control("PUT", "/jobs/bad", Some(body.clone()));
        assert_error(&reply, 400, "InvalidRequestException");
    }
    let reply = planes.control(
        "PUT",
        "/jobs/bad%20id",
        Some(json!({ "targets": target, "document": "{}" })),
    );
    assert_error(&reply, 400, "InvalidRequestException");
    assert_error(
        &planes.control("GET", "/jobs/bad", None),
        404,
        "ResourceNotFoundException",
    );
    let unknown_group = json!({ "targets": ["arn:aws:iot:us-east-1:123456789012:thinggroup/nope"], "document": "{}" });
    assert_error(
        &planes.control("PUT", "/jobs/bad", Some(unknown_group)),
        404,
        "ResourceNotFoundException",
    );
    // The iot API's limit: 100 targets per job (a thing group counts as one).
    let many: Vec<String> = (0..101)
        .map(|i| format!("arn:aws:iot:us-east-1:123456789012:thing/t{i}"))
        .collect();
    assert_error(
        &planes.control(
            "PUT",
            "/jobs/bad",
            Some(json!({ "targets": many, "document": "{}" })),
        ),
        410,
        "LimitExceededException",
    );
    assert_error(
        &planes.control("GET", "/jobs/bad", None),
        404,
        "ResourceNotFoundException",
    );
}

#[test]
fn describe_job_shows_targets_counts_and_timeout() {
    let planes = Planes::start();
    let body = json!({
        "targets": ["arn:aws:iot:us-east-1:123456789012:thing/t1", "arn:aws:iot:us-east-1:123456789012:thing/t2"],
        "document": "{\"op\":1}",
        "timeoutConfig": { "inProgressTimeoutInMinutes": 5 },
    });
    assert_eq!(planes.control("PUT", "/jobs/jd", Some(body)).status, 200);
    let reply = planes.control("GET", "/jobs/jd", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let job = &reply.json["job"];
    assert_eq!(job["jobId"], "jd");
    assert_eq!(job["jobArn"], "arn:aws:iot:us-east-1:123456789012:job/jd");
    assert_eq!(job["status"], "IN_PROGRESS");
    assert_eq!(job["targetSelection"], "SNAPSHOT");
    assert_eq!(job["targets"].as_array().unwrap().len(), 2);
    assert_eq!(job["jobProcessDetails"]["numberOfQueuedThings"], 2);
    assert_eq!(job["jobProcessDetails"]["numberOfSucceededThings"], 0);
    assert_eq!(job["timeoutConfig"]["inProgressTimeoutInMinutes"], 5);
    assert!(job["createdAt"].is_i64() && job["lastUpdatedAt"].is_i64());
}

#[test]
fn job_document_is_returned_as_a_string() {
    let planes = Planes::start();
    planes.create_job("doc", &["t1"]);
    let reply = planes.control("GET", "/jobs/doc/job-document", None);
    assert_eq!(reply.status, 200);
    let text = reply.json["document"].as_str().unwrap();
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    assert_eq!(doc, json!({ "op": "reboot" }));
    let missing = planes.control("GET", "/jobs/none/job-document", None);
    assert_error(&missing, 404, "ResourceNotFoundException");
}

#[test]
fn list_jobs_filters_by_status_and_paginates() {
    let planes = Planes::start();
    for id in ["a", "b", "c"] {
        planes.create_job(id, &["t1"]);
    }
    assert_eq!(planes.control("PUT", "/jobs/b/cancel", None).status, 200);
    let all = planes.control("GET", "/jobs", None);
    assert_eq!(all.json["jobs"].as_array().unwrap().len(), 3);
    assert!(all.json.get("nextToken").is_none());
    let summary = &all.json["jobs"][0];
    assert_eq!(summary["jobId"], "a");
    assert_eq!(
        summary["jobArn"],
        "arn:aws:iot:us-east-1:123456789012:job/a"
    );
    assert!(summary.get("targets").is_none(), "a summary is not a Job");

    let canceled = planes.control("GET", "/jobs?status=CANCELED", None);
    let ids: Vec<&str> = canceled.json["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["jobId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["b"]);

    let first = planes.control("GET", "/jobs?maxResults=2", None);
    assert_eq!(first.json["jobs"].as_array().unwrap().len(), 2);
    let token = first.json["nextToken"].as_str().unwrap().to_owned();
    let second = planes.control(
        "GET",
        &format!("/jobs?maxResults=2&nextToken={token}"),
        None,
    );
    assert_eq!(second.json["jobs"].as_array().unwrap().len(), 1);
    assert!(second.json.get("nextToken").is_none());

    assert_eq!(
        planes.control("GET", "/jobs?status=SCHEDULED", None).json["jobs"],
        json!([])
    );
    assert_eq!(
        planes.control("GET", "/jobs?thingGroupName=g", None).json["jobs"],
        json!([])
    );
    for bad in [
        "status=DONE",
        "maxResults=0",
        "maxResults=251",
        "maxResults=x",
        "nextToken=zz",
    ] {
        let reply = planes.control("GET", &format!("/jobs?{bad}"), None);
        assert_error(&reply, 400, "InvalidRequestException");
    }
}

#[test]
fn cancel_job_records_reason_and_force() {
    let planes = Planes::start();
    planes.create_job("cj", &["t1", "t2"]);
    let started = planes.data("PUT", "/things/t1/jobs/$next", Some(json!({})));
    assert_eq!(started.json["execution"]["status"], "IN_PROGRESS");

    let body = json!({ "reasonCode": "OPERATOR_1", "comment": "stop it" });
    let reply = planes.control("PUT", "/jobs/cj/cancel", Some(body));
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["jobId"], "cj");
    assert_eq!(
        reply.json["jobArn"],
        "arn:aws:iot:us-east-1:123456789012:job/cj"
    );

    let job = planes.control("GET", "/jobs/cj", None).json["job"].clone();
    assert_eq!(job["status"], "CANCELED");
    assert_eq!(job["forceCanceled"], false);
    assert_eq!(job["reasonCode"], "OPERATOR_1");
    assert_eq!(job["comment"], "stop it");
    assert_eq!(job["jobProcessDetails"]["numberOfCanceledThings"], 1);
    assert_eq!(job["jobProcessDetails"]["numberOfInProgressThings"], 1);

    let forced = planes.control("PUT", "/jobs/cj/cancel?force=true", None);
    assert_eq!(forced.status, 200, "{}", forced.text);
    let job = planes.control("GET", "/jobs/cj", None).json["job"].clone();
    assert_eq!(job["forceCanceled"], true);
    assert_eq!(job["jobProcessDetails"]["numberOfCanceledThings"], 2);
}

#[test]
fn cancel_job_errors() {
    let planes = Planes::start();
    planes.create_job("ce", &["t1"]);
    assert_error(
        &planes.control("PUT", "/jobs/none/cancel", None),
        404,
        "ResourceNotFoundException",
    );
    let lower = planes.control(
        "PUT",
        "/jobs/ce/cancel",
        Some(json!({ "reasonCode": "lower" })),
    );
    assert_error(&lower, 400, "InvalidRequestException");
    let force = planes.control("PUT", "/jobs/ce/cancel?force=yes", None);
    assert_error(&force, 400, "InvalidRequestException");
}

#[test]
fn delete_job_needs_force_while_in_progress() {
    let planes = Planes::start();
    planes.create_job("dj", &["t1"]);
    let reply = planes.control("DELETE", "/jobs/dj", None);
    assert_error(&reply, 409, "InvalidStateTransitionException");
    let reply = planes.control("DELETE", "/jobs/dj?force=true", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_error(
        &planes.control("GET", "/jobs/dj", None),
        404,
        "ResourceNotFoundException",
    );
    assert_error(
        &planes.control("DELETE", "/jobs/dj", None),
        404,
        "ResourceNotFoundException",
    );

    planes.create_job("dj2", &["t1"]);
    assert_eq!(planes.control("PUT", "/jobs/dj2/cancel", None).status, 200);
    assert_eq!(planes.control("DELETE", "/jobs/dj2", None).status, 200);
    let left = planes.control("GET", "/things/t1/jobs", None);
    assert_eq!(left.json["executionSummaries"], json!([]));
}
