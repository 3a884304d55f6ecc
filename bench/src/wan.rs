//! WAN shape: the sequential Sync loop through a proxy adding a delay each way, with the MQTT
//! packets each operation costs, in both connection modes, against the emulator's embedded
//! broker and against mosquitto (with the emulator attached to it as the Jobs service).

use crate::capi::{cstring, Conn, FLAG_KEEP_SUBSCRIPTIONS, SUCCESS};
use crate::emulator::{thing, JOB};
use crate::proxy::{Proxy, PUBLISH, SUBSCRIBE, UNSUBSCRIBE};
use crate::report::{Table, Verdict};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// `brokers`: a label and the MQTT port of each broker to measure through.
pub fn wan(brokers: &[(&str, u16)], delay: Duration, ops: usize, verdicts: &mut Vec<Verdict>) {
    let rtt_ms = 2 * delay.as_millis();
    let table = Table::new(
        &format!(
            "WAN shape: sequential UpdateSync through a proxy adding {} ms each way ({ops} ops; \
             first op shown apart)",
            delay.as_millis()
        ),
        &[
            "broker",
            "mode",
            "flags",
            "ops/s",
            "SUB/op",
            "PUB/op",
            "UNSUB/op",
            "round trips/op",
            "PUBLISH in/op",
            "first op: SUB+PUB+UNSUB",
        ],
    );
    let floor = 1000.0 / rtt_ms as f64;
    let mut worst = f64::MAX;
    let mut row_index = 0;
    for (broker, port) in brokers {
        let proxy = Proxy::start(*port, delay);
        for (aws, label) in [(true, "awsIotMqttMode"), (false, "generic")] {
            for (flags, flag_label) in [(0, "0"), (FLAG_KEEP_SUBSCRIPTIONS, "KEEP")] {
                row_index += 1;
                let conn = Conn::mqtt(
                    "127.0.0.1",
                    proxy.port,
                    &format!("bench-wan-{row_index}"),
                    aws,
                );
                // A thing of its own per row, so the first op really is the first.
                let thing = cstring(&thing(10 + row_index));
                let job = cstring(JOB);
                let before = proxy.snapshot();
                assert_eq!(conn.update_sync(&thing, &job, flags, TIMEOUT), SUCCESS);
                let first = proxy.snapshot().since(&before);
                // Let the proxy's counters catch up with what is still on the wire.
                std::thread::sleep(delay * 3);
                let start_counts = proxy.snapshot();
                let start = Instant::now();
                for _ in 0..ops {
                    assert_eq!(conn.update_sync(&thing, &job, flags, TIMEOUT), SUCCESS);
                }
                let elapsed = start.elapsed();
                let d = proxy.snapshot().since(&start_counts);
                let rate = ops as f64 / elapsed.as_secs_f64();
                worst = worst.min(rate);
                let per = |n: u64| n as f64 / ops as f64;
                let trips = per(d.up[SUBSCRIBE] + d.up[PUBLISH] + d.up[UNSUBSCRIBE]);
                table.row(vec![
                    (*broker).into(),
                    label.into(),
                    flag_label.into(),
                    format!("{rate:.1}"),
                    format!("{:.2}", per(d.up[SUBSCRIBE])),
                    format!("{:.2}", per(d.up[PUBLISH])),
                    format!("{:.2}", per(d.up[UNSUBSCRIBE])),
                    format!("{trips:.2}"),
                    format!("{:.2}", per(d.down[PUBLISH])),
                    format!(
                        "{}+{}+{}",
                        first.up[SUBSCRIBE], first.up[PUBLISH], first.up[UNSUBSCRIBE]
                    ),
                ]);
            }
        }
    }
    verdicts.push(Verdict {
        figure: format!("WAN ops/s at {rtt_ms} ms RTT (worst row)"),
        value: format!("{worst:.1} ops/s (floor {floor:.0}, v4 ~5)"),
        target: "≥ 22 ops/s".into(),
        met: Some(worst >= 22.0),
    });
}
