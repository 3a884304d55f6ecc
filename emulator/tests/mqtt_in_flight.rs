//! The embedded broker's outbound flow control, as AWS IoT's: at most 100 QoS 1 messages to a
//! client await its PUBACK at any time; the rest wait in the broker and follow as PUBACKs come.
//! A bare MQTT 3.1.1 client over TCP (Paho acknowledges by itself, so it can't hold PUBACKs
//! back) sends Jobs requests and leaves the replies unacknowledged.

mod mqtt_support;

use mqtt_support::bare::Bare;
use mqtt_support::unique;
use std::time::Duration;

#[test]
fn at_most_100_replies_await_their_puback_and_the_rest_follow_the_pubacks() {
    // AWS IoT's "in-flight unacknowledged messages" per client.
    let limit = 100;
    let thing = unique("inflight");
    let mut device = Bare::connect(&thing);
    let requests = limit + 50;
    let topic = format!("$aws/things/{thing}/jobs/get");
    for i in 0..requests {
        device.publish(&topic, format!(r#"{{"clientToken":"c{i}"}}"#).as_bytes());
    }
    // Held: the first 100, then nothing while none is acknowledged.
    let first = device.publishes_until_quiet(Duration::from_secs(2), requests);
    assert_eq!(first.len(), limit, "replies sent before any PUBACK");
    let more = device.publishes_until_quiet(Duration::from_millis(500), requests);
    assert!(
        more.is_empty(),
        "{} more arrived unacknowledged",
        more.len()
    );
    // Released by the PUBACKs.
    for id in first {
        device.puback(id);
    }
    let rest = device.publishes_until_quiet(Duration::from_secs(2), requests);
    assert_eq!(
        rest.len(),
        requests - limit,
        "the held replies after the PUBACKs"
    );
}
