//! Duplicate and concurrent requests, and many things at once, over MQTT.

mod mqtt_support;

use mqtt_support::*;
use serde_json::json;
use std::sync::{Arc, Barrier};

#[test]
fn duplicate_requests_are_answered_each_time() {
    let thing = unique("dup");
    let j = unique("j");
    create_job(&j, &[&thing], json!({}));
    let dev = Device::new(&thing);
    let topic = dev.topic(&format!("{j}/update"));
    let body =
        json!({ "status": "IN_PROGRESS", "clientToken": "same", "includeJobExecutionState": true })
            .to_string();
    dev.client.publish(&topic, body.clone());
    dev.client.publish(&topic, body);
    let first = dev.wait_reply(&topic).expect("first reply");
    let second = dev.wait_reply(&topic).expect("second reply");
    assert_eq!(first.ok()["executionState"]["versionNumber"], 2);
    assert_eq!(second.ok()["executionState"]["versionNumber"], 3);
    assert_eq!(second.ok()["clientToken"], "same");

    let done = json!({ "status": "SUCCEEDED", "clientToken": "fin" }).to_string();
    dev.client.publish(&topic, done.clone());
    dev.client.publish(&topic, done);
    assert!(dev.wait_reply(&topic).unwrap().accepted);
    let again = dev.wait_reply(&topic).unwrap();
    assert_eq!(again.code(), "InvalidStateTransition");
    assert_eq!(again.body["clientToken"], "fin");
}

#[test]
fn concurrent_updates_with_the_same_expected_version_accept_exactly_one() {
    let thing = unique("race");
    let j = unique("j");
    create_job(&j, &[&thing], json!({}));
    let n = 8;
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (thing, j, barrier) = (thing.clone(), j.clone(), barrier.clone());
            std::thread::spawn(move || {
                let dev = Device::new(&thing);
                barrier.wait();
                let token = format!("c{i}");
                let r = dev.call(
                    &format!("{j}/update"),
                    json!({ "status": "IN_PROGRESS", "expectedVersion": 1, "clientToken": token }),
                );
                assert_eq!(r.body["clientToken"], token.as_str());
                r
            })
        })
        .collect();
    let replies: Vec<Reply> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    assert_eq!(replies.iter().filter(|r| r.accepted).count(), 1);
    for r in replies.iter().filter(|r| !r.accepted) {
        assert_eq!(r.code(), "VersionMismatch");
        assert_eq!(r.body["executionState"]["versionNumber"], 2);
    }
}

#[test]
fn a_hundred_things_run_a_job_at_once() {
    let things: Vec<String> = (0..100).map(|_| unique("fleet")).collect();
    let j = unique("fleet-job");
    let refs: Vec<&str> = things.iter().map(String::as_str).collect();
    create_job(&j, &refs, json!({ "firmware": "2.0" }));
    let barrier = Arc::new(Barrier::new(things.len()));
    let handles: Vec<_> = things
        .iter()
        .map(|thing| {
            let (thing, j, barrier) = (thing.clone(), j.clone(), barrier.clone());
            std::thread::spawn(move || {
                let dev = Device::new(&thing);
                barrier.wait();
                let r = dev.call("start-next", json!({ "clientToken": thing }));
                assert_eq!(r.ok()["execution"]["jobId"], j.as_str());
                assert_eq!(r.ok()["execution"]["jobDocument"]["firmware"], "2.0");
                assert_eq!(r.ok()["clientToken"], thing.as_str());
                dev.call(
                    &format!("{j}/update"),
                    json!({ "status": "SUCCEEDED", "expectedVersion": 2 }),
                )
                .ok();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let job = service().describe_job(&j).unwrap();
    assert_eq!(job.status.as_str(), "COMPLETED");
    let execs = service().list_executions_for_job(&j, None).unwrap();
    assert_eq!(execs.len(), 100);
    assert!(execs
        .iter()
        .all(|e| e.status.as_str() == "SUCCEEDED" && e.version_number == 3));
}
