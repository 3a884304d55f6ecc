//! Closing a Paho transport and dropping it, which is what `IotMqtt_Disconnect` does: a clean
//! close completes and the broker receives the DISCONNECT; with the broker gone the close still
//! completes, within a bound that only a hang would exceed (the close waits at most 1 s for
//! its DISCONNECT). How fast a clean close is (it used to take about a second, while Paho
//! stopped its threads after the process's last client) is a figure of the bench, not a check
//! here: `scripts/bench.sh disconnect` (BENCHMARKS.md).

use crate::mqtt_support::*;
use awsiotjobs::core::router::Router;
use awsiotjobs::transport::paho::{LinkEvents, PahoTransport, Settings};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// With the broker gone: the close's own wait for the DISCONNECT (1 s) and a margin; only a
/// close that hangs exceeds it.
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
        took.push(disconnect(connect(
            broker.port,
            &format!("close-clean-{i}"),
        )));
    }
    eprintln!("clean disconnects took {took:?}");
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
