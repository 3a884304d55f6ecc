//! A flood of large messages while the application's callbacks are slow: the process's
//! resident memory before, at the peak of and after it. The flood comes from another process
//! (this program run as `awsiotjobs-bench flood-publish`), through mosquitto, to a connection of
//! the C API whose callbacks sleep 5 ms each:
//! - notify-next messages of one thing (the library keeps only the newest waiting);
//! - messages of an application subscription (at most `MESSAGE_BUDGET` wait; the rest are
//!   dropped with a log line).

use crate::alloc::rss_kib;
use crate::capi::{cstring, Completion, Conn, MESSAGE, NOTIFY, SUCCESS};
use crate::report::{Table, Verdict};
use paho_mqtt as paho;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SLOW_CALLBACK: Duration = Duration::from_millis(5);

/// `awsiotjobs-bench flood-publish PORT TOPIC COUNT BYTES`: publishes COUNT messages of BYTES
/// bytes to TOPIC at QoS 1, as fast as the broker takes them; each payload starts with its
/// sequence number as JSON (`{"seq":N,"pad":"xxx..."}`).
pub fn publish(args: &[String]) {
    let port: u16 = args[0].parse().expect("port");
    let (topic, count, bytes): (&str, usize, usize) = (
        &args[1],
        args[2].parse().expect("count"),
        args[3].parse().expect("bytes"),
    );
    let client = paho::CreateOptionsBuilder::new_v3()
        .server_uri(format!("tcp://127.0.0.1:{port}"))
        .client_id(format!("bench-flood-{}", std::process::id()))
        .persistence(None)
        .max_buffered_messages(100_000)
        .create_client()
        .expect("create a Paho client");
    let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
        .clean_session(true)
        .max_inflight(64)
        .finalize();
    client
        .connect(options)
        .wait_for(Duration::from_secs(10))
        .expect("connect");
    let tokens: Vec<paho::DeliveryToken> = (0..count)
        .map(|seq| {
            let head = format!("{{\"seq\":{seq},\"pad\":\"");
            let pad = "x".repeat(bytes.saturating_sub(head.len() + 2));
            let payload = format!("{head}{pad}\"}}");
            client.publish(paho::Message::new(topic, payload, 1))
        })
        .collect();
    for token in tokens {
        token.wait_for(Duration::from_secs(60)).expect("published");
    }
    let _ = client.disconnect(None).wait_for(Duration::from_secs(5));
}

fn sequence_of(document: &[u8]) -> Option<u64> {
    let text = std::str::from_utf8(document.get(..32)?).ok()?;
    text.strip_prefix("{\"seq\":")?
        .split(',')
        .next()?
        .parse()
        .ok()
}

/// Resident memory of this process, sampled every 2 ms while `run` runs: (idle before, peak,
/// after settling), in KiB.
fn measure(run: impl FnOnce(), settle: impl Fn() -> bool) -> (u64, u64, u64) {
    let idle = rss_kib();
    let peak = Arc::new(AtomicU64::new(idle));
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                peak.fetch_max(rss_kib(), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(2));
            }
        })
    };
    run();
    let give_up = Instant::now() + Duration::from_secs(120);
    while !settle() && Instant::now() < give_up {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    sampler.join().expect("sampler");
    (idle, peak.load(Ordering::Relaxed), rss_kib())
}

fn flood_from_another_process(port: u16, topic: &str, count: usize, bytes: usize) {
    let status = Command::new(std::env::current_exe().expect("this program"))
        .args(["flood-publish", &port.to_string(), topic])
        .args([count.to_string(), bytes.to_string()])
        .status()
        .expect("run the flood publisher");
    assert!(status.success(), "the flood publisher failed");
}

pub fn flood(port: u16, count: usize, bytes: usize, verdicts: &mut Vec<Verdict>) {
    let table = Table::new(
        &format!(
            "Memory under a flood: {count} messages of {} KB through mosquitto while each \
             callback takes {} ms (RSS of this process, MB)",
            bytes / 1000,
            SLOW_CALLBACK.as_millis()
        ),
        &[
            "messages",
            "callbacks run",
            "idle",
            "peak",
            "peak - idle",
            "after",
            "after - idle",
        ],
    );
    let conn = Conn::mqtt("127.0.0.1", port, "bench-flood", false);
    let mb = |kib: u64| kib as f64 / 1024.0;
    let mut worst_peak = 0.0f64;
    let mut worst_after = 0.0f64;
    for (label, topic) in [
        (
            "Jobs notify-next",
            "$aws/things/flood-thing/jobs/notify-next",
        ),
        ("application subscription", "bench/flood/app"),
    ] {
        let calls = Arc::new(AtomicU64::new(0));
        let newest = Arc::new(AtomicU64::new(u64::MAX));
        let (c, n) = (calls.clone(), newest.clone());
        let slow = Box::leak(Box::new(Completion::new(move |result, document| {
            assert!(result == NOTIFY || result == MESSAGE);
            if let Some(seq) = sequence_of(document) {
                n.store(seq, Ordering::SeqCst);
            }
            c.fetch_add(1, Ordering::SeqCst);
            std::thread::sleep(SLOW_CALLBACK);
        })));
        let status = if topic.starts_with("$aws") {
            conn.set_notify_next(&cstring("flood-thing"), slow)
        } else {
            conn.subscribe(&cstring(topic), slow)
        };
        assert_eq!(status, SUCCESS, "{label}: set up the callback");
        // Warm up: a few messages first, so the idle figure includes the buffers any message
        // needs.
        flood_from_another_process(port, topic, 5, bytes);
        std::thread::sleep(Duration::from_millis(500));
        let last = count as u64 - 1;
        let (idle, peak, after) = measure(
            || flood_from_another_process(port, topic, count, bytes),
            || newest.load(Ordering::SeqCst) == last,
        );
        let (over_peak, over_after) = (mb(peak) - mb(idle), mb(after) - mb(idle));
        table.row(vec![
            label.into(),
            format!("{}", calls.load(Ordering::SeqCst)),
            format!("{:.1}", mb(idle)),
            format!("{:.1}", mb(peak)),
            format!("{over_peak:.1}"),
            format!("{:.1}", mb(after)),
            format!("{over_after:.1}"),
        ]);
        worst_peak = worst_peak.max(over_peak);
        worst_after = worst_after.max(over_after);
    }
    verdicts.push(Verdict {
        figure: format!(
            "RSS above idle at the peak of a {count} × {} KB flood",
            bytes / 1000
        ),
        value: format!("{worst_peak:.1} MB (worst row)"),
        target: "≤ 8 MB".into(),
        met: Some(worst_peak <= 8.0),
    });
    verdicts.push(Verdict {
        figure: "RSS above idle after the flood".into(),
        value: format!("{worst_after:.1} MB (worst row)"),
        target: "≤ 1 MB".into(),
        met: Some(worst_after <= 1.0),
    });
}
