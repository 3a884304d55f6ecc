//! The rest of the Jobs control plane over HTTP, with devices and watchers over MQTT, on the
//! scaled clock (one emulated minute = 200 ms): thing groups as targets and CONTINUOUS jobs,
//! UpdateJob, forced cancellation, the thing registry's update rules, exact
//! `jobProcessDetails`, and a rollout and an abort watched as they happen.

mod authz_support;
mod http_common;

use authz_support::{connect, start};
use http_common::{assert_error, send, send_json, Reply};
use jobs_emulator::app::Emulator;
use jobs_emulator::cli::AuthzMode;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ARN: &str = "arn:aws:iot:us-east-1:123456789012";

fn control(emu: &Emulator, method: &str, path: &str, body: Option<Value>) -> Reply {
    let addr = emu.http_addr.unwrap();
    match body {
        Some(b) => send_json(addr, method, path, &b),
        None => send(addr, method, path, None),
    }
}

fn ok(reply: Reply) -> Value {
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json
}

fn create_things(emu: &Emulator, names: &[&str]) {
    for n in names {
        ok(control(
            emu,
            "POST",
            &format!("/things/{n}"),
            Some(json!({})),
        ));
    }
}

fn create_job(emu: &Emulator, id: &str, body: Value) {
    let mut body = body;
    body["document"] = json!("{\"op\":\"x\"}");
    ok(control(emu, "PUT", &format!("/jobs/{id}"), Some(body)));
}

fn describe_job(emu: &Emulator, id: &str) -> Value {
    ok(control(emu, "GET", &format!("/jobs/{id}"), None))["job"].clone()
}

fn execution_status(emu: &Emulator, thing: &str, job: &str) -> Option<String> {
    let r = control(emu, "GET", &format!("/things/{thing}/jobs/{job}"), None);
    (r.status == 200).then(|| r.json["execution"]["status"].as_str().unwrap().to_string())
}

fn membership(emu: &Emulator, op: &str, group: &str, thing: &str) {
    let body = json!({ "thingGroupName": group, "thingName": thing });
    ok(control(
        emu,
        "PUT",
        &format!("/thing-groups/{op}"),
        Some(body),
    ));
}

/// Polls `f` until it returns `Some`, for at most five seconds.
fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_thing_joining_a_group_later_gets_the_continuous_job_and_its_notify_next() {
    let emu = start(AuthzMode::Open);
    create_things(&emu, &["g-a", "g-b"]);
    ok(control(
        &emu,
        "POST",
        "/thing-groups/fleet",
        Some(json!({})),
    ));
    membership(&emu, "addThingToThingGroup", "fleet", "g-a");
    let group = format!("{ARN}:thinggroup/fleet");
    create_job(
        &emu,
        "cont",
        json!({ "targets": [group], "targetSelection": "CONTINUOUS" }),
    );
    create_job(&emu, "snap", json!({ "targets": [group] }));
    assert_eq!(
        execution_status(&emu, "g-a", "cont").as_deref(),
        Some("QUEUED")
    );
    assert_eq!(execution_status(&emu, "g-b", "cont"), None);
    let watcher = connect(&emu, "watch-g-b", None).unwrap();
    assert!(watcher.subscribe("$aws/things/g-b/jobs/notify-next"));
    membership(&emu, "addThingToThingGroup", "fleet", "g-b");
    let next = watcher
        .next_on("$aws/things/g-b/jobs/notify-next")
        .expect("notify-next for the new member");
    assert!(next.contains("\"jobId\":\"cont\""), "{next}");
    assert_eq!(execution_status(&emu, "g-b", "snap"), None, "SNAPSHOT grew");
    let listed = ok(control(&emu, "GET", "/thing-groups/fleet/things", None));
    assert_eq!(listed["things"], json!(["g-a", "g-b"]));
    let list = ok(control(
        &emu,
        "GET",
        "/jobs?targetSelection=CONTINUOUS",
        None,
    ));
    assert_eq!(list["jobs"][0]["jobId"], "cont");
    membership(&emu, "removeThingFromThingGroup", "fleet", "g-b");
    assert_eq!(
        execution_status(&emu, "g-b", "cont").as_deref(),
        Some("REMOVED")
    );
    let job = describe_job(&emu, "cont");
    assert_eq!(job["targetSelection"], "CONTINUOUS");
    assert_eq!(
        job["status"], "IN_PROGRESS",
        "a continuous job never completes by itself"
    );
    assert_error(
        &control(&emu, "GET", "/thing-groups/nope/things", None),
        404,
        "ResourceNotFoundException",
    );
}

#[test]
fn update_job_is_reflected_by_describe_job() {
    let emu = start(AuthzMode::Open);
    create_things(&emu, &["u-1", "u-2", "u-3"]);
    let targets: Vec<String> = ["u-1", "u-2", "u-3"]
        .iter()
        .map(|t| format!("{ARN}:thing/{t}"))
        .collect();
    create_job(
        &emu,
        "upd",
        json!({ "targets": targets, "jobExecutionsRolloutConfig": { "maximumPerMinute": 1 } }),
    );
    let job = describe_job(&emu, "upd");
    assert_eq!(
        job["jobProcessDetails"]["processingTargets"],
        json!(targets)
    );
    let patch = json!({
        "description": "second try",
        "abortConfig": { "criteriaList": [{ "failureType": "ALL", "action": "CANCEL",
            "thresholdPercentage": 80, "minNumberOfExecutedThings": 2 }] },
        "jobExecutionsRolloutConfig": { "maximumPerMinute": 10 },
        "jobExecutionsRetryConfig": { "criteriaList": [{ "failureType": "FAILED", "numberOfRetries": 2 }] },
        "presignedUrlConfig": { "expiresInSec": 600 },
        "timeoutConfig": { "inProgressTimeoutInMinutes": 30 },
    });
    ok(control(&emu, "PATCH", "/jobs/upd", Some(patch.clone())));
    let job = describe_job(&emu, "upd");
    assert_eq!(job["description"], "second try");
    for key in [
        "abortConfig",
        "jobExecutionsRolloutConfig",
        "jobExecutionsRetryConfig",
        "presignedUrlConfig",
    ] {
        assert_eq!(job[key], patch[key], "{key}");
    }
    assert_eq!(job["timeoutConfig"]["inProgressTimeoutInMinutes"], 30);
    // The faster rate releases the rest at the next (scaled) minute.
    eventually("every target released", || {
        let d = describe_job(&emu, "upd")["jobProcessDetails"].clone();
        (d["numberOfQueuedThings"] == 3 && d.get("processingTargets").is_none()).then_some(())
    });
    assert_error(
        &control(
            &emu,
            "PATCH",
            "/jobs/upd",
            Some(json!({ "abortConfig": { "criteriaList": [] } })),
        ),
        400,
        "InvalidRequestException",
    );
    assert_error(
        &control(&emu, "PATCH", "/jobs/none", Some(json!({}))),
        404,
        "ResourceNotFoundException",
    );
}

#[test]
fn a_force_canceled_execution_refuses_the_device() {
    let emu = start(AuthzMode::Open);
    create_things(&emu, &["fc"]);
    create_job(
        &emu,
        "fcj",
        json!({ "targets": [format!("{ARN}:thing/fc")] }),
    );
    let dev = connect(&emu, "fc-dev", None).unwrap();
    dev.publish("$aws/things/fc/jobs/start-next", "{}").unwrap();
    assert!(dev
        .next_on("$aws/things/fc/jobs/start-next/accepted")
        .is_some());
    assert_error(
        &control(&emu, "PUT", "/things/fc/jobs/fcj/cancel", Some(json!({}))),
        409,
        "InvalidStateTransitionException",
    );
    ok(control(
        &emu,
        "PUT",
        "/things/fc/jobs/fcj/cancel?force=true",
        Some(json!({})),
    ));
    let e = ok(control(&emu, "GET", "/things/fc/jobs/fcj", None))["execution"].clone();
    assert_eq!(
        (e["status"].as_str(), e["forceCanceled"].as_bool()),
        (Some("CANCELED"), Some(true))
    );
    dev.publish(
        "$aws/things/fc/jobs/fcj/update",
        r#"{"status":"SUCCEEDED"}"#,
    )
    .unwrap();
    let rejected = dev
        .next_on("$aws/things/fc/jobs/fcj/update/rejected")
        .expect("MQTT update rejected");
    let r: Value = serde_json::from_str(&rejected).unwrap();
    assert_eq!(r["code"], "InvalidStateTransition");
    assert_eq!(r["executionState"]["status"], "CANCELED");
    let data = send_json(
        emu.data_http_addr.unwrap(),
        "POST",
        "/things/fc/jobs/fcj",
        &json!({ "status": "SUCCEEDED" }),
    );
    assert_error(&data, 409, "InvalidStateTransitionException");
    assert_eq!(data.json["executionState"]["status"], "CANCELED");
}

#[test]
fn things_follow_the_registry_rules() {
    let emu = start(AuthzMode::Open);
    let attrs = json!({ "attributePayload": { "attributes": { "model": "m1", "rev": "2" } } });
    ok(control(&emu, "POST", "/things/reg", Some(attrs.clone())));
    ok(control(&emu, "POST", "/things/reg", Some(attrs)));
    let other = json!({ "attributePayload": { "attributes": { "model": "m2" } } });
    assert_error(
        &control(&emu, "POST", "/things/reg", Some(other)),
        409,
        "ResourceAlreadyExistsException",
    );
    let merge = json!({ "attributePayload": { "attributes": { "rev": "", "site": "lab" }, "merge": true } });
    ok(control(&emu, "PATCH", "/things/reg", Some(merge)));
    let d = ok(control(&emu, "GET", "/things/reg", None));
    assert_eq!(d["attributes"], json!({ "model": "m1", "site": "lab" }));
    assert_eq!(d["version"], 2);
    let stale = json!({ "attributePayload": { "attributes": {} }, "expectedVersion": 1 });
    assert_error(
        &control(&emu, "PATCH", "/things/reg", Some(stale)),
        409,
        "VersionConflictException",
    );
    let listed = ok(control(
        &emu,
        "GET",
        "/things?attributeName=site&attributeValue=lab",
        None,
    ));
    assert_eq!(listed["things"][0]["thingName"], "reg");
    assert_eq!(
        ok(control(
            &emu,
            "GET",
            "/things?attributeName=site&attributeValue=x",
            None
        ))["things"],
        json!([])
    );
    ok(control(
        &emu,
        "DELETE",
        "/things/reg?expectedVersion=2",
        None,
    ));
    assert_error(
        &control(&emu, "GET", "/things/reg", None),
        404,
        "ResourceNotFoundException",
    );
    assert_error(
        &control(&emu, "DELETE", "/things/reg", None),
        404,
        "ResourceNotFoundException",
    );
}

#[test]
fn job_process_details_count_every_status() {
    let emu = start(AuthzMode::Open);
    let names = ["pd-1", "pd-2", "pd-3", "pd-4"];
    create_things(&emu, &names);
    let targets: Vec<String> = names.iter().map(|t| format!("{ARN}:thing/{t}")).collect();
    create_job(&emu, "pd", json!({ "targets": targets }));
    let data = emu.data_http_addr.unwrap();
    for (thing, status) in [
        ("pd-1", "SUCCEEDED"),
        ("pd-2", "FAILED"),
        ("pd-3", "IN_PROGRESS"),
    ] {
        let r = send_json(
            data,
            "POST",
            &format!("/things/{thing}/jobs/pd"),
            &json!({ "status": status }),
        );
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let d = describe_job(&emu, "pd")["jobProcessDetails"].clone();
    let expected = json!({
        "numberOfCanceledThings": 0, "numberOfSucceededThings": 1, "numberOfFailedThings": 1,
        "numberOfRejectedThings": 0, "numberOfQueuedThings": 1, "numberOfInProgressThings": 1,
        "numberOfRemovedThings": 0, "numberOfTimedOutThings": 0,
    });
    assert_eq!(d, expected);
}

#[test]
fn a_rollout_and_an_abort_can_be_watched_as_they_happen() {
    let emu = start(AuthzMode::Open);
    let names: Vec<String> = (0..6).map(|i| format!("live-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    create_things(&emu, &refs);
    let targets: Vec<String> = names.iter().map(|t| format!("{ARN}:thing/{t}")).collect();
    let started = Instant::now();
    create_job(
        &emu,
        "live",
        json!({ "targets": targets,
            "jobExecutionsRolloutConfig": { "maximumPerMinute": 2 },
            "abortConfig": { "criteriaList": [{ "failureType": "FAILED", "action": "CANCEL",
                "thresholdPercentage": 100, "minNumberOfExecutedThings": 3 }] } }),
    );
    let mut seen = vec![];
    eventually("the rollout reaches every thing", || {
        let n = describe_job(&emu, "live")["jobProcessDetails"]["numberOfQueuedThings"]
            .as_u64()
            .unwrap();
        if seen.last() != Some(&n) {
            seen.push(n);
        }
        (n == 6).then_some(())
    });
    assert_eq!(seen.first(), Some(&2), "first batch: {seen:?}");
    assert!(
        seen.windows(2).all(|w| w[0] < w[1] && w[1] - w[0] <= 2),
        "{seen:?}"
    );
    // Three devices fail: 100% of 3 executed reaches the criterion.
    for t in &names[..3] {
        let dev = connect(&emu, &format!("{t}-dev"), None).unwrap();
        dev.publish(
            &format!("$aws/things/{t}/jobs/live/update"),
            r#"{"status":"FAILED"}"#,
        )
        .unwrap();
        assert!(dev
            .next_on(&format!("$aws/things/{t}/jobs/live/update/accepted"))
            .is_some());
    }
    let job = describe_job(&emu, "live");
    assert_eq!(job["status"], "CANCELED");
    assert_eq!(job["jobProcessDetails"]["numberOfCanceledThings"], 3);
    eprintln!("rollout and abort watched in {:?}", started.elapsed());
}
