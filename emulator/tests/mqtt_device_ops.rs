//! Conformance of the four device operations over MQTT against the embedded broker: replies,
//! defaults, the state machine, versions, and every rejection code.

mod mqtt_support;

use jobs_emulator::service::ErrorCode;
use mqtt_support::*;
use serde_json::json;

fn setup(jobs: usize) -> (Device, Vec<String>) {
    let thing = unique("thing");
    let ids: Vec<String> = (0..jobs).map(|_| unique("job")).collect();
    for (i, id) in ids.iter().enumerate() {
        create_job(id, &[&thing], json!({ "step": i }));
    }
    (Device::new(&thing), ids)
}

#[test]
fn get_pending_lists_in_progress_then_queued_and_echoes_token() {
    let (dev, ids) = setup(3);
    let empty = Device::new(&unique("lonely")).call("get", json!({ "clientToken": "t0" }));
    assert_eq!(empty.ok()["inProgressJobs"], json!([]));
    assert_eq!(empty.ok()["queuedJobs"], json!([]));
    assert_eq!(empty.ok()["clientToken"], "t0");
    assert!(empty.ok()["timestamp"].is_i64());

    dev.update(&ids[1], "IN_PROGRESS").ok();
    let r = dev.call("get", json!({ "clientToken": "t1" }));
    let body = r.ok();
    assert_eq!(body["inProgressJobs"][0]["jobId"], ids[1].as_str());
    let queued: Vec<&str> = body["queuedJobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["jobId"].as_str().unwrap())
        .collect();
    assert_eq!(queued, vec![ids[0].as_str(), ids[2].as_str()]);
    let s = &body["queuedJobs"][0];
    for key in [
        "queuedAt",
        "lastUpdatedAt",
        "versionNumber",
        "executionNumber",
    ] {
        assert!(s[key].is_i64(), "{key} in {s}");
    }
    assert!(body["inProgressJobs"][0]["startedAt"].is_i64());
}

#[test]
fn start_next_starts_the_head_and_returns_an_in_progress_one_unchanged() {
    let (dev, ids) = setup(2);
    let r = dev.call(
        "start-next",
        json!({ "clientToken": "s1", "statusDetails": { "phase": "one" } }),
    );
    let e = &r.ok()["execution"];
    assert_eq!(e["jobId"], ids[0].as_str());
    assert_eq!(e["status"], "IN_PROGRESS");
    assert_eq!(e["versionNumber"], 2);
    assert_eq!(e["executionNumber"], 1);
    assert_eq!(e["thingName"], dev.thing.as_str());
    assert_eq!(e["jobDocument"], json!({ "step": 0 }));
    assert_eq!(e["statusDetails"], json!({ "phase": "one" }));
    assert!(e["startedAt"].is_i64());
    assert_eq!(r.ok()["clientToken"], "s1");

    let again = dev.call("start-next", json!({ "statusDetails": { "phase": "two" } }));
    assert_eq!(again.ok()["execution"]["jobId"], ids[0].as_str());
    assert_eq!(again.ok()["execution"]["versionNumber"], 2, "unchanged");
    assert_eq!(
        again.ok()["execution"]["statusDetails"],
        json!({ "phase": "one" })
    );
    assert!(again.ok().get("clientToken").is_none());

    dev.update(&ids[0], "SUCCEEDED").ok();
    dev.update(&ids[1], "REJECTED").ok();
    let none = dev.call("start-next", json!({ "clientToken": "s3" }));
    assert!(none.ok().get("execution").is_none());
    assert_eq!(none.ok()["clientToken"], "s3");
}

#[test]
fn describe_by_id_and_next_with_document_defaults() {
    let (dev, ids) = setup(2);
    let r = dev.call(&format!("{}/get", ids[1]), json!({ "clientToken": "d" }));
    assert_eq!(r.ok()["execution"]["jobId"], ids[1].as_str());
    assert_eq!(r.ok()["execution"]["status"], "QUEUED");
    assert_eq!(r.ok()["execution"]["jobDocument"], json!({ "step": 1 }));
    let r = dev.call(
        &format!("{}/get", ids[1]),
        json!({ "includeJobDocument": false }),
    );
    assert!(r.ok()["execution"].get("jobDocument").is_none());
    let r = dev.call("$next/get", json!({}));
    assert_eq!(r.ok()["execution"]["jobId"], ids[0].as_str());
    let r = dev.call(&format!("{}/get", ids[0]), json!({ "executionNumber": 1 }));
    assert!(r.accepted);
    assert_eq!(
        dev.call(&format!("{}/get", ids[0]), json!({ "executionNumber": 2 }))
            .code(),
        "ResourceNotFound"
    );
    assert_eq!(
        dev.call("nojob/get", json!({ "clientToken": "x" })).code(),
        "ResourceNotFound"
    );

    dev.update(&ids[0], "FAILED").ok();
    let r = dev.call(&format!("{}/get", ids[0]), json!({ "clientToken": "term" }));
    assert_eq!(r.code(), "TerminalStateReached");
    assert_eq!(r.body["clientToken"], "term");
    dev.update(&ids[1], "SUCCEEDED").ok();
    let r = dev.call("$next/get", json!({ "clientToken": "n" }));
    assert!(r.ok().get("execution").is_none());
}

#[test]
fn update_transitions_versions_and_includes() {
    let (dev, ids) = setup(1);
    let j = &ids[0];
    let r = dev.call(
        &format!("{j}/update"),
        json!({ "status": "IN_PROGRESS", "clientToken": "u1" }),
    );
    assert_eq!(
        r.ok().as_object().unwrap().keys().collect::<Vec<_>>(),
        vec!["clientToken", "timestamp"]
    );
    let r = dev.call(
        &format!("{j}/update"),
        json!({ "status": "IN_PROGRESS", "expectedVersion": "2", "includeJobExecutionState": true,
                "includeJobDocument": true, "statusDetails": { "progress": "50" } }),
    );
    assert_eq!(
        r.ok()["executionState"],
        json!({ "status": "IN_PROGRESS", "statusDetails": { "progress": "50" }, "versionNumber": 3 })
    );
    assert_eq!(r.ok()["jobDocument"], json!({ "step": 0 }));

    let r = dev.call(
        &format!("{j}/update"),
        json!({ "status": "SUCCEEDED", "expectedVersion": 1, "clientToken": "vm" }),
    );
    assert_eq!(r.code(), "VersionMismatch");
    assert_eq!(r.body["executionState"]["versionNumber"], 3);
    assert_eq!(r.body["executionState"]["status"], "IN_PROGRESS");
    assert_eq!(r.body["clientToken"], "vm");

    let r = dev.call(
        &format!("{j}/update"),
        json!({ "status": "SUCCEEDED", "expectedVersion": 3, "includeJobExecutionState": true }),
    );
    assert_eq!(r.ok()["executionState"]["status"], "SUCCEEDED");
    assert_eq!(r.ok()["executionState"]["versionNumber"], 4);

    let r = dev.call(
        &format!("{j}/update"),
        json!({ "status": "IN_PROGRESS", "clientToken": "late" }),
    );
    assert_eq!(r.code(), "InvalidStateTransition");
    assert_eq!(r.body["executionState"]["status"], "SUCCEEDED");
    assert_eq!(r.body["clientToken"], "late");
}

#[test]
fn queued_may_go_straight_to_a_terminal_state() {
    let (dev, ids) = setup(3);
    for (id, status) in ids.iter().zip(["SUCCEEDED", "FAILED", "REJECTED"]) {
        let r = dev.call(
            &format!("{id}/update"),
            json!({ "status": status, "includeJobExecutionState": true }),
        );
        assert_eq!(r.ok()["executionState"]["status"], status);
    }
}

#[test]
fn update_rejects_bad_requests() {
    let (dev, ids) = setup(1);
    let j = &ids[0];
    let t = format!("{j}/update");
    for body in [
        json!({ "clientToken": "c" }),
        json!({ "status": "QUEUED", "clientToken": "c" }),
        json!({ "status": "TIMED_OUT", "clientToken": "c" }),
        json!({ "status": "DONE", "clientToken": "c" }),
        json!({ "status": 3, "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "statusDetails": { "k": 5 }, "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "statusDetails": { "bad key": "v" }, "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "statusDetails": "text", "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": 10081, "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "stepTimeoutInMinutes": -1, "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "expectedVersion": "x", "clientToken": "c" }),
        json!({ "status": "IN_PROGRESS", "includeJobDocument": "yes", "clientToken": "c" }),
    ] {
        let r = dev.call(&t, body.clone());
        assert_eq!(r.code(), "InvalidRequest", "{body}");
        assert_eq!(r.body["clientToken"], "c", "{body}");
    }
    assert_eq!(
        dev.update("missing-job", "IN_PROGRESS").code(),
        "ResourceNotFound"
    );
    let r = dev.call(&t, json!({ "status": "IN_PROGRESS", "executionNumber": 9 }));
    assert_eq!(r.code(), "ResourceNotFound");
    // Nothing of that changed the execution.
    let r = dev.call(&format!("{j}/get"), json!({}));
    assert_eq!(r.ok()["execution"]["versionNumber"], 1);
    assert_eq!(r.ok()["execution"]["status"], "QUEUED");
}

#[test]
fn malformed_payloads_and_topics_get_error_replies() {
    let (dev, _) = setup(1);
    for raw in [
        &b"\xff\xfe\xfd"[..],
        b"not json",
        b"[1,2]",
        b"{\"clientToken\":\"abc\"",
    ] {
        let r = dev.call_raw("get", raw.to_vec());
        assert_eq!(r.code(), "InvalidJson");
        assert!(r.body.get("clientToken").is_none());
        assert!(r.body["timestamp"].is_i64());
        assert!(r.body["message"].is_string());
    }
    let r = dev.call("get", json!({ "clientToken": 12 }));
    assert_eq!(r.code(), "InvalidRequest");
    let r = dev.call("get", json!({ "clientToken": "x".repeat(65) }));
    assert_eq!(r.code(), "InvalidRequest");
    let token64 = "y".repeat(64);
    assert_eq!(
        dev.call("get", json!({ "clientToken": token64 })).ok()["clientToken"],
        token64.as_str()
    );
    let big = format!(
        "{{\"clientToken\":\"big\",\"pad\":\"{}\"}}",
        "z".repeat(130 * 1024)
    );
    assert_eq!(dev.call_raw("get", big).code(), "InvalidRequest");
    let r = dev.call(
        "start-next",
        json!({ "stepTimeoutInMinutes": "5", "clientToken": "st" }),
    );
    assert_eq!(r.code(), "InvalidRequest");
    assert_eq!(r.body["clientToken"], "st");

    for suffix in [
        "bogus",
        "a/b/c",
        "$next/update",
        "bad!id/get",
        &format!("{}/get", "j".repeat(65)),
    ] {
        let r = dev.call(suffix, json!({ "clientToken": "it" }));
        assert_eq!(r.code(), "InvalidTopic", "{suffix}");
        assert_eq!(r.body["clientToken"], "it");
    }
    // The emulator is still serving.
    assert!(dev.call("get", json!({})).accepted);
}

#[test]
fn injected_failures_hit_the_next_requests_of_a_thing() {
    let (dev, ids) = setup(1);
    service().inject_failure(&dev.thing, ErrorCode::RequestThrottled, 2);
    assert_eq!(
        dev.call("get", json!({ "clientToken": "a" })).code(),
        "RequestThrottled"
    );
    assert_eq!(
        dev.update(&ids[0], "IN_PROGRESS").code(),
        "RequestThrottled"
    );
    assert!(dev.call("get", json!({})).accepted);
    service().inject_failure(&dev.thing, ErrorCode::InternalError, 1);
    let r = dev.call("start-next", json!({ "clientToken": "i" }));
    assert_eq!(r.code(), "InternalError");
    assert_eq!(r.body["clientToken"], "i");
    // The failed update did not happen.
    assert_eq!(
        dev.call("start-next", json!({})).ok()["execution"]["versionNumber"],
        2
    );
}

#[test]
fn replies_reach_only_the_requester_without_a_subscription() {
    let (dev, _) = setup(1);
    let spy = Client::connect(&broker_uri(), &unique("spy"));
    spy.subscribe(&format!("$aws/things/{}/jobs/+/accepted", dev.thing));
    spy.subscribe(&format!("$aws/things/{}/jobs/+/rejected", dev.thing));
    spy.subscribe("fence/#");
    assert!(dev.call("get", json!({})).accepted);
    assert_eq!(dev.call_raw("get", b"nope".to_vec()).code(), "InvalidJson");
    // A message published after the replies reaches the spy after anything sent before it.
    dev.client.publish("fence/1", "x");
    let (topic, _) = spy.next_matching(WAIT, |_| true).expect("fence arrives");
    assert_eq!(
        topic, "fence/1",
        "the spy saw a reply meant for another client"
    );
}

#[test]
fn a_subscribed_requester_gets_each_reply_once() {
    let (_, ids) = setup(1);
    let thing = service().list_executions_for_job(&ids[0], None).unwrap()[0]
        .thing_name
        .clone();
    let dev = Device::on(&broker_uri(), &thing, true);
    dev.client.subscribe("fence/#");
    let topic = dev.topic("get");
    dev.client.publish(&topic, "{}");
    assert!(dev.wait_reply(&topic).expect("reply").accepted);
    dev.client.publish("fence/2", "x");
    let (next, _) = dev
        .client
        .next_matching(WAIT, |_| true)
        .expect("fence arrives");
    assert_eq!(next, "fence/2", "the reply was delivered twice");
}
