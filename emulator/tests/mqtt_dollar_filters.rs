//! Topic filters with `$` beyond the first level (`$aws/things/T/jobs/$next/get/accepted`, the
//! reply topic of a describe of `$next`): the embedded broker accepts the subscription like
//! AWS IoT and mosquitto do, a requester subscribed to it gets the reply exactly once, and
//! `+` matches a `$next` level (only the first level is special in MQTT).

mod mqtt_support;

use mqtt_support::*;
use serde_json::json;
use std::time::Duration;

/// How long to keep listening for a duplicate after the first reply.
const QUIET: Duration = Duration::from_millis(500);

fn requester_subscribed_to(filter_of: impl Fn(&str) -> String) {
    let thing = unique("dollar");
    let job = unique("job");
    create_job(&job, &[&thing], json!({ "n": 1 }));
    let client = Client::connect(&broker_uri(), &unique("sub-dollar"));
    let filter = filter_of(&thing);
    client
        .client
        .subscribe(&filter, 1)
        .unwrap_or_else(|e| panic!("subscribe to {filter}: {e}"));

    let request = format!("$aws/things/{thing}/jobs/$next/get");
    let accepted = format!("{request}/accepted");
    client.publish(&request, json!({ "clientToken": "d1" }).to_string());
    let (_, payload) = client
        .next_matching(WAIT, |t| t == accepted)
        .unwrap_or_else(|| panic!("no {accepted} within {WAIT:?}"));
    let body: serde_json::Value = serde_json::from_slice(&payload).unwrap();
    assert_eq!(body["execution"]["jobId"], job.as_str());
    assert_eq!(body["clientToken"], "d1");
    assert!(
        client.next_matching(QUIET, |t| t == accepted).is_none(),
        "the reply was delivered twice"
    );
}

#[test]
fn subscription_to_the_next_get_accepted_topic_is_accepted_and_gets_the_reply_once() {
    requester_subscribed_to(|thing| format!("$aws/things/{thing}/jobs/$next/get/accepted"));
}

#[test]
fn single_level_wildcard_filter_accepts_and_replies_once() {
    requester_subscribed_to(|thing| format!("$aws/things/{thing}/jobs/+/get/accepted"));
}

#[test]
fn other_subscribers_see_no_reply_but_do_see_a_publish_to_the_topic() {
    let thing = unique("dollar");
    let exact = format!("$aws/things/{thing}/jobs/$next/get/accepted");
    let observer = Client::connect(&broker_uri(), &unique("observer"));
    observer.subscribe(&exact);
    let wild = Client::connect(&broker_uri(), &unique("observer-wild"));
    wild.subscribe(&format!("$aws/things/{thing}/jobs/+/get/accepted"));
    let dev = Device::new(&thing);
    dev.call("$next/get", json!({})).ok();
    for c in [&observer, &wild] {
        assert!(
            c.next_matching(QUIET, |_| true).is_none(),
            "a reply reached a client other than the requester"
        );
    }
    // Plain publishes to such a topic are routed to the subscribers of the exact filter and
    // of a `+` in place of `$next`.
    dev.client.publish(&exact, "hello");
    for c in [&observer, &wild] {
        let (t, p) = c
            .next_matching(WAIT, |_| true)
            .expect("publish to a topic with $next routed");
        assert_eq!((t.as_str(), p.as_slice()), (exact.as_str(), &b"hello"[..]));
        assert!(
            c.next_matching(QUIET, |_| true).is_none(),
            "delivered twice"
        );
    }
}
