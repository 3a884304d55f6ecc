//! How long closing a Paho connection takes: `close(true)` (DISCONNECT sent) and dropping the
//! transport, which is what `IotMqtt_Disconnect` does. Over loopback the DISCONNECT itself
//! takes well under a millisecond; closing used to take about a second, while Paho stopped its
//! background threads after the process's last client (see `keep_paho_threads` in
//! `src/transport/paho/connection.rs`). This was a 500 ms bound inside
//! `tests/mqtt/disconnect.rs`; it is a figure here, and the test keeps only what can fail for a
//! reason (the close completes and the DISCONNECT reaches the broker).

use crate::report::{Samples, Table, Verdict};
use awsiotjobs::core::router::Router;
use awsiotjobs::transport::paho::{LinkEvents, PahoTransport, Settings};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the former test allowed a clean close.
const TARGET: Duration = Duration::from_millis(500);

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

/// Connects `rounds` times to the broker on `port` and times each close with DISCONNECT plus
/// the drop of the transport.
pub fn disconnect(port: u16, rounds: usize, verdicts: &mut Vec<Verdict>) {
    let mut took = Samples::default();
    for round in 0..rounds {
        let settings = Settings::new("127.0.0.1", port, &format!("bench-close-{round}"));
        let transport = PahoTransport::connect(
            &settings,
            Router::new(),
            Arc::new(NoEvents),
            Duration::from_secs(10),
        )
        .expect("connect to mosquitto");
        let start = Instant::now();
        transport.close(true);
        drop(transport);
        took.push(start.elapsed());
    }
    let ms = |q: f64| took.quantile_us(q) / 1000.0;
    let table = Table::new(
        "Closing a Paho connection (close with DISCONNECT, then drop), mosquitto on loopback",
        &["closes", "p50 ms", "p99 ms", "max ms"],
    );
    table.row(vec![
        took.count().to_string(),
        format!("{:.2}", ms(0.5)),
        format!("{:.2}", ms(0.99)),
        format!("{:.2}", ms(1.0)),
    ]);
    verdicts.push(Verdict {
        figure: "close with DISCONNECT and drop of a Paho connection, max".into(),
        value: format!("{:.2} ms", ms(1.0)),
        target: format!("< {} ms", TARGET.as_millis()),
        met: Some(ms(1.0) < TARGET.as_secs_f64() * 1000.0),
    });
}
