//! Closing a Paho transport and dropping it, which is what `IotMqtt_Disconnect` does: a clean
//! close sends the DISCONNECT and returns as soon as it is sent, even when the connection is the
//! last Paho client of the process (Paho used to stop its background threads then, which took
//! about a second); with the broker gone it is still bounded.
//!
//! One test in this binary on purpose: it needs to own every Paho client of the process.

mod mqtt_support;

use awsiotjobs::core::router::Router;
use awsiotjobs::transport::paho::{LinkEvents, PahoTransport, Settings};
use mqtt_support::*;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Over loopback a DISCONNECT takes well under a millisecond; closing used to take 1 s. A
/// correctness bound (the close must not wait for Paho's threads), not a benchmark.
const CLEAN_CLOSE: Duration = Duration::from_millis(500);
/// With the broker gone.
const GONE_CLOSE: Duration = Duration::from_secs(2);

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

fn connect(port: u16, id: &str) -> Arc<PahoTransport> {
    let s = Settings::new("127.0.0.1", port, id);
    PahoTransport::connect(&s, Router::new(), Arc::new(NoEvents), BOUND).expect("connect")
}

/// `IotMqtt_Disconnect`: close with a DISCONNECT, then let go of the last reference.
fn disconnect(t: Arc<PahoTransport>) -> Duration {
    let start = Instant::now();
    t.close(true);
    assert!(!t.is_up());
    drop(t);
    start.elapsed()
}

#[test]
fn disconnect_returns_once_sent_and_is_bounded_with_the_broker_gone() {
    let mut broker = Broker::plain();
    let mut took = Vec::new();
    for i in 0..3 {
        // The only Paho client of the process each time.
        took.push(disconnect(connect(
            broker.port,
            &format!("close-clean-{i}"),
        )));
    }
    eprintln!("clean disconnects took {took:?}");
    assert!(took.iter().all(|d| *d < CLEAN_CLOSE), "took {took:?}");
    // Each one was a DISCONNECT, not a dropped socket.
    let said_goodbye = || {
        let log = broker.log();
        (0..3).all(|i| log.contains(&format!("Client close-clean-{i} disconnected.")))
    };
    assert!(eventually(said_goodbye), "broker log:\n{}", broker.log());

    let t = connect(broker.port, "close-gone");
    broker.kill();
    let took = disconnect(t);
    eprintln!("disconnect with the broker gone took {took:?}");
    assert!(took < GONE_CLOSE, "took {took:?}");
}
