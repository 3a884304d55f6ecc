//! `--authz thing` on the plain listener, tried by hostile clients: the client ID must be a
//! registered thing; a thing subscribes only under its own `$aws/things/{thing}/jobs/` (a
//! refused filter gets a failed SUBACK, the connection stays); it publishes only its own Jobs
//! requests (anything else, forged notifications and replies included, closes its
//! connection); and no forged message ever reaches the victim. `--authz open` keeps the
//! development behaviour: any client ID, any topic.

mod authz_support;

use authz_support::{connect, start, WAIT};
use jobs_emulator::cli::AuthzMode;
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::ExecutionStatus;
use serde_json::json;
use std::time::Duration;

#[test]
fn only_registered_things_connect() {
    let emu = start(AuthzMode::Thing);
    assert!(connect(&emu, "nobody", None).is_err());
    emu.service
        .create_thing("somebody", Default::default())
        .unwrap();
    assert!(connect(&emu, "somebody", None).is_ok());
}

#[test]
fn a_thing_subscribes_only_under_its_own_jobs_prefix() {
    let emu = start(AuthzMode::Thing);
    for t in ["sub-t1", "sub-t2"] {
        emu.service.create_thing(t, Default::default()).unwrap();
    }
    let dev = connect(&emu, "sub-t1", None).unwrap();
    for refused in [
        "$aws/#",
        "#",
        "$aws/things/+/jobs/notify",
        "$aws/things/sub-t2/jobs/notify-next",
        "$aws/things/sub-t1/shadow/update",
        "$aws/things/sub-t1/#",
    ] {
        assert!(!dev.subscribe(refused), "{refused} was granted");
    }
    assert!(dev.subscribe("$aws/things/sub-t1/jobs/notify-next"));
    assert!(dev.subscribe("$aws/things/sub-t1/jobs/+/get/accepted"));
    // The refusals left the connection up: a request is still answered.
    dev.publish("$aws/things/sub-t1/jobs/get", "{}").unwrap();
    let reply = dev.next_on("$aws/things/sub-t1/jobs/get/accepted");
    assert!(reply.is_some(), "no get reply after refused subscriptions");
}

#[test]
fn forged_messages_are_refused_and_never_delivered() {
    let emu = start(AuthzMode::Thing);
    emu.service
        .create_thing("victim", Default::default())
        .unwrap();
    let job = CreateJobRequest::new("victim-job", &["victim"], json!({"op": "x"}));
    emu.service.create_job(&job).unwrap();
    let victim = connect(&emu, "victim", None).unwrap();
    assert!(victim.subscribe("$aws/things/victim/jobs/#"));
    let forged = r#"{"forged":true,"execution":{"jobId":"evil","jobDocument":{}}}"#;
    let attacks = [
        "$aws/things/victim/jobs/notify",
        "$aws/things/victim/jobs/notify-next",
        "$aws/things/victim/jobs/get/accepted",
        "$aws/things/victim/jobs/victim-job/update/rejected",
        "$aws/things/victim/jobs/victim-job/update",
        "$aws/things/attacker-5/jobs/notify-next",
        "$aws/things/attacker-6/jobs/get/accepted",
        "devices/victim/commands",
    ];
    for (i, topic) in attacks.iter().enumerate() {
        // One attacker thing per attempt: each is disconnected, and a new session under the
        // client ID the broker is still retiring could be refused for a moment.
        let name = format!("attacker-{i}");
        emu.service.create_thing(&name, Default::default()).unwrap();
        let attacker = connect(&emu, &name, None).unwrap_or_else(|e| panic!("{topic}: {e}"));
        let body = if topic.ends_with("/update") {
            r#"{"status":"SUCCEEDED","statusDetails":{"forged":"yes"}}"#
        } else {
            forged
        };
        let _ = attacker.publish(topic, body);
        assert!(
            attacker.dropped_by_broker(),
            "{topic}: attacker still connected"
        );
    }
    // The victim itself may not forge its own notifications either.
    let _ = victim.publish("$aws/things/victim/jobs/notify", forged);
    assert!(victim.dropped_by_broker(), "victim forged its own notify");
    let victim = connect_again(&emu, "victim");
    assert!(victim.subscribe("$aws/things/victim/jobs/#"));
    // A genuine notification proves the subscription works, and nothing forged came first.
    let job2 = CreateJobRequest::new("victim-job-2", &["victim"], json!({}));
    emu.service.create_job(&job2).unwrap();
    let received = victim.drain(Duration::from_millis(800));
    assert!(
        received
            .iter()
            .any(|(t, _)| t == "$aws/things/victim/jobs/notify"),
        "no genuine notify: {received:?}"
    );
    let forged_delivered = received
        .iter()
        .filter(|(_, p)| p.contains("forged"))
        .count();
    eprintln!(
        "forged messages delivered: {forged_delivered} of {} attempts",
        attacks.len() + 1
    );
    assert_eq!(forged_delivered, 0, "{received:?}");
    let e = emu
        .service
        .get_execution("victim-job", "victim", None)
        .unwrap();
    assert_eq!(
        e.status,
        ExecutionStatus::Queued,
        "the forged update changed the execution"
    );
}

/// Connects a client whose previous connection the broker just closed: rmqtt may refuse the
/// new session for a moment while it retires the old one, so this retries (bounded).
fn connect_again(emu: &jobs_emulator::app::Emulator, id: &str) -> authz_support::Conn {
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        match connect(emu, id, None) {
            Ok(c) => return c,
            Err(e) if std::time::Instant::now() > deadline => panic!("{id} cannot reconnect: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

#[test]
fn a_thing_runs_its_own_jobs() {
    let emu = start(AuthzMode::Thing);
    emu.service
        .create_thing("worker", Default::default())
        .unwrap();
    let job = CreateJobRequest::new("work-1", &["worker"], json!({"op": "y"}));
    emu.service.create_job(&job).unwrap();
    let dev = connect(&emu, "worker", None).unwrap();
    dev.publish("$aws/things/worker/jobs/start-next", "{}")
        .unwrap();
    let started = dev
        .next_on("$aws/things/worker/jobs/start-next/accepted")
        .expect("start-next reply");
    assert!(started.contains("work-1"), "{started}");
    dev.publish(
        "$aws/things/worker/jobs/work-1/update",
        r#"{"status":"SUCCEEDED"}"#,
    )
    .unwrap();
    assert!(dev
        .next_on("$aws/things/worker/jobs/work-1/update/accepted")
        .is_some());
    let e = emu.service.get_execution("work-1", "worker", None).unwrap();
    assert_eq!(e.status, ExecutionStatus::Succeeded);
}

#[test]
fn open_mode_lets_any_client_use_any_topic() {
    let emu = start(AuthzMode::Open);
    let any = connect(&emu, "not-a-thing", None).unwrap();
    assert!(any.subscribe("$aws/things/+/jobs/notify-next"));
    let other = connect(&emu, "another", None).unwrap();
    other
        .publish("$aws/things/x/jobs/notify-next", r#"{"timestamp":1}"#)
        .unwrap();
    assert!(any.next_on("$aws/things/x/jobs/notify-next").is_some());
    assert!(WAIT > Duration::ZERO);
}
