//! A client ID already in use, or just left, is taken over as on AWS IoT: the new connection is
//! accepted (CONNACK 0) and the old one, if still open, is disconnected. Firmware reconnects
//! with its one client ID all the time, often the instant its old socket closes, while the
//! broker is still tearing the old session down; rmqtt alone refused such a CONNECT with
//! return code 3 (server unavailable). Bare clients over TCP, so that a CONNECT goes out right
//! after the old socket closes and the CONNACK's code itself is seen.

mod mqtt_support;

use mqtt_support::bare::{Bare, V311, V5};
use mqtt_support::unique;
use std::time::Duration;

/// Replies queued to a session: 100 in flight, the rest waiting in the broker, so that
/// closing the session takes the broker a while.
const BACKLOG: usize = 300;
const IN_FLIGHT: usize = 100;

/// Makes `device` a busy session: Jobs requests whose QoS 1 replies it leaves unacknowledged,
/// until the broker's in-flight window toward it is full.
fn load(device: &mut Bare, thing: &str) {
    let topic = format!("$aws/things/{thing}/jobs/get");
    for i in 0..BACKLOG {
        device.publish(&topic, format!(r#"{{"clientToken":"c{i}"}}"#).as_bytes());
    }
    let ids = device.publishes_until_quiet(Duration::from_secs(5), IN_FLIGHT);
    assert_eq!(ids.len(), IN_FLIGHT, "the in-flight window fills");
}

/// `cycles` times: a busy session leaves (DISCONNECT or a bare close, in turn) and a new
/// connection with its client ID sends CONNECT at once. Returns the refused cycles with their
/// CONNACK code.
fn reconnect_cycles(version: u8, cycles: usize) -> Vec<(usize, u8)> {
    let thing = unique(&format!("reconnect-v{version}"));
    let mut refused = Vec::new();
    let mut device = Bare::open();
    assert_eq!(device.handshake(&thing, version), 0, "first CONNECT");
    for cycle in 0..cycles {
        load(&mut device, &thing);
        if cycle % 2 == 0 {
            device.disconnect();
        }
        drop(device);
        device = Bare::open();
        let code = device.handshake(&thing, version);
        if code != 0 {
            refused.push((cycle, code));
            // rmqtt closed the refused connection; go on with a fresh one.
            device = Bare::open();
            assert_eq!(
                device.handshake(&thing, version),
                0,
                "CONNECT after a refusal"
            );
        }
    }
    refused
}

#[test]
fn a_client_id_whose_busy_session_just_closed_reconnects_at_once_on_mqtt_311() {
    let refused = reconnect_cycles(V311, 20);
    assert!(refused.is_empty(), "refused (cycle, code): {refused:?}");
}

#[test]
fn a_client_id_whose_busy_session_just_closed_reconnects_at_once_on_mqtt_5() {
    let refused = reconnect_cycles(V5, 20);
    assert!(refused.is_empty(), "refused (cycle, code): {refused:?}");
}

/// Takeover: a second connection with the client ID of an open one is accepted and the first
/// is disconnected; the second then works.
fn takeover(version: u8) {
    let thing = unique(&format!("takeover-v{version}"));
    for busy in [false, true] {
        let mut first = Bare::open();
        assert_eq!(first.handshake(&thing, version), 0, "first CONNECT");
        if busy {
            load(&mut first, &thing);
        }
        let mut second = Bare::open();
        assert_eq!(
            second.handshake(&thing, version),
            0,
            "second CONNECT, busy {busy}"
        );
        assert!(
            first.closed_within(Duration::from_secs(5)),
            "the first connection is closed, busy {busy}"
        );
        second.publish(&format!("$aws/things/{thing}/jobs/get"), b"{}");
        let ids = second.publishes_until_quiet(Duration::from_secs(5), 1);
        assert_eq!(
            ids.len(),
            1,
            "the second connection gets its reply, busy {busy}"
        );
        assert!(
            !second.closed_within(Duration::from_millis(300)),
            "the second connection stays, busy {busy}"
        );
    }
}

#[test]
fn a_second_connection_with_an_open_client_id_takes_over_on_mqtt_311() {
    takeover(V311);
}

#[test]
fn a_second_connection_with_an_open_client_id_takes_over_on_mqtt_5() {
    takeover(V5);
}

/// Several CONNECTs with the client ID of a busy session, sent at once: every one is accepted,
/// each in turn taking over from the one before, and one connection is left.
#[test]
fn simultaneous_connects_with_one_client_id_are_all_accepted_and_one_is_left() {
    let thing = unique("simultaneous");
    for round in 0..10 {
        let mut old = Bare::open();
        assert_eq!(old.handshake(&thing, V311), 0, "old session, round {round}");
        load(&mut old, &thing);
        let mut news: Vec<Bare> = (0..3).map(|_| Bare::open()).collect();
        for new in &mut news {
            new.send_connect(&thing, V311);
        }
        for (i, new) in news.iter_mut().enumerate() {
            assert_eq!(new.connack(), 0, "CONNECT {i}, round {round}");
        }
        assert!(
            old.closed_within(Duration::from_secs(5)),
            "old session closed"
        );
        let left = news
            .iter_mut()
            .map(|n| n.closed_within(Duration::from_millis(500)))
            .filter(|closed| !closed)
            .count();
        assert_eq!(left, 1, "connections left, round {round}");
    }
}
