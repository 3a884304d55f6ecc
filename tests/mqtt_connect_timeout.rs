//! A connect that times out while Paho is still trying must not take Paho down: Paho keeps a
//! reference to the CONNECT's token, which holds a clone of the client, and if Paho's own
//! thread dropped the last clone the whole Paho C library of the process deadlocked (it did:
//! no connection ever worked again). The client now goes to `transport::paho::reaper`, which
//! destroys it on its own thread once that is safe, and then holds nothing.
//!
//! Own binary: a regression would hang every Paho client of the process, so the check runs
//! on a thread of its own and fails after a bound instead of hanging the suite.

mod mqtt_support;

use awsiotjobs::core::router::Router;
use awsiotjobs::core::transport::{Qos, Transport};
use awsiotjobs::transport::paho::reaper;
use awsiotjobs::transport::paho::{ConnectError, LinkEvents, PahoTransport, Settings};
use mqtt_support::*;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

#[test]
fn paho_still_works_after_a_connect_timed_out_while_it_was_trying() {
    let broker = Broker::plain();
    // Listens, never accepts: the TCP handshake completes and then nothing answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let s = Settings::new("127.0.0.1", port, "silent-server");
    let result = PahoTransport::connect(
        &s,
        Router::new(),
        Arc::new(NoEvents),
        Duration::from_millis(300),
    );
    assert!(
        matches!(result, Err(ConnectError::Timeout)),
        "{:?}",
        result.err()
    );
    // Paho gives up on that CONNECT about 2 s after it started; then the reaper drops it.
    assert!(
        eventually(|| reaper::waiting() == 0),
        "the timed-out client was never destroyed"
    );

    let (done_tx, done_rx) = crossbeam_channel::bounded(1);
    let port = broker.port;
    std::thread::spawn(move || {
        let s = Settings::new("127.0.0.1", port, "after-the-timeout");
        let t = PahoTransport::connect(&s, Router::new(), Arc::new(NoEvents), BOUND)
            .expect("connect after the timeout");
        t.publish("after/timeout", b"x", Qos::AtLeastOnce, BOUND)
            .expect("publish after the timeout");
        t.close(true);
        drop(t);
        let _ = done_tx.send(());
    });
    assert!(
        done_rx.recv_timeout(BOUND).is_ok(),
        "Paho hung after a timed-out connect"
    );
    drop(silent);
}
