//! Memory: heap bytes per operation in flight, and resident memory over a million operations.

use crate::alloc::{allocations, live_bytes, rss_kib};
use crate::capi::{self, cstring, Conn, STATE_IN_PROGRESS, SUCCESS};
use crate::emulator::{thing, JOB};
use crate::latency::Window;
use crate::report::{Table, Verdict};
use std::time::{Duration, Instant};

/// Heap held per operation in flight: `n` UpdateAsync on a transport that never answers.
pub fn per_operation(n: usize, verdicts: &mut Vec<Verdict>) {
    let table = Table::new(
        &format!("Heap per operation in flight ({n} UpdateAsync, no reply)"),
        &["path", "bytes / op", "heap after all completed − before"],
    );
    capi::set_response_timeout(Duration::from_secs(600));
    let job = cstring(JOB);
    let names: Vec<_> = (0..16).map(|i| cstring(&thing(i))).collect();
    let mut worst = 0f64;
    for (aws, label) in [(true, "awsIotMqttMode"), (false, "generic broker")] {
        let conn = Conn::silent(aws);
        let window = Window::new(usize::MAX);
        let done = window.completion();
        let update = |thing| conn.update_async(thing, &job, STATE_IN_PROGRESS, 0, 0, &done);
        // One op first so that per-connection state (the engine) is not counted per op.
        window.acquire();
        assert_eq!(update(&names[0]), capi::STATUS_PENDING);
        let before = live_bytes();
        for i in 0..n {
            window.acquire();
            let status = update(&names[i % names.len()]);
            assert_eq!(status, capi::STATUS_PENDING);
        }
        let per_op = (live_bytes() - before) as f64 / n as f64;
        worst = worst.max(per_op);
        // Destroying the connection completes everything in flight.
        drop(conn);
        let (_, failed, _) = window.drain();
        assert_eq!(failed as usize, n + 1);
        std::thread::sleep(Duration::from_millis(100));
        table.row(vec![
            label.into(),
            format!("{per_op:.0}"),
            format!("{:+} bytes", live_bytes() - before),
        ]);
    }
    capi::set_response_timeout(Duration::from_secs(30));
    verdicts.push(Verdict {
        figure: "heap per UpdateAsync in flight".into(),
        value: format!("{worst:.0} bytes"),
        target: "(recorded)".into(),
        met: None,
    });
}

/// Resident memory and live heap before and after `total` UpdateSync on an in-process echo
/// transport (the library alone, no broker), sampled along the way.
pub fn million(total: usize, verdicts: &mut Vec<Verdict>) {
    let table = Table::new(
        &format!(
            "Resident memory over {total} UpdateSync (in-process echo transport, whose own reply \
             building is part of the allocations counted)"
        ),
        &[
            "path",
            "ops done",
            "RSS KiB",
            "live heap bytes",
            "ops/s so far",
            "Rust allocations / op",
        ],
    );
    let job = cstring(JOB);
    // 100 things on the generic path: more than the 64 lingering reply subscriptions kept, so
    // subscriptions are made, kept and evicted all along.
    let names: Vec<_> = (0..100).map(|i| cstring(&thing(i))).collect();
    let mut grew = false;
    for (aws, label) in [(true, "awsIotMqttMode"), (false, "generic, 100 things")] {
        let conn = Conn::echo(aws);
        let warm = 10_000;
        for i in 0..warm {
            assert_eq!(
                conn.update_sync(&names[i % 100], &job, 0, Duration::from_secs(5)),
                SUCCESS
            );
        }
        std::thread::sleep(Duration::from_millis(200));
        let (rss0, heap0) = (rss_kib(), live_bytes());
        let (mut busy, allocs0) = (Duration::ZERO, allocations());
        table.row(vec![
            label.into(),
            "0 (after 10k warm-up)".into(),
            rss0.to_string(),
            heap0.to_string(),
            "-".into(),
            "-".into(),
        ]);
        let step = total / 4;
        let mut last = (rss0, heap0);
        for done in (step..=total).step_by(step) {
            let start = Instant::now();
            for i in done - step..done {
                let status = conn.update_sync(&names[i % 100], &job, 0, Duration::from_secs(5));
                assert_eq!(status, SUCCESS);
            }
            busy += start.elapsed();
            // Let the callback thread finish queued unsubscribes before sampling.
            std::thread::sleep(Duration::from_millis(200));
            last = (rss_kib(), live_bytes());
            table.row(vec![
                label.into(),
                done.to_string(),
                last.0.to_string(),
                last.1.to_string(),
                format!("{:.0}", done as f64 / busy.as_secs_f64()),
                format!("{:.1}", (allocations() - allocs0) as f64 / done as f64),
            ]);
        }
        // Growth beyond allocator noise (1 MiB RSS, 64 KiB heap) counts as growth.
        grew |= last.0 > rss0 + 1024 || last.1 > heap0 + 64 * 1024;
    }
    verdicts.push(Verdict {
        figure: format!("RSS and heap after {total} ops vs before"),
        value: if grew { "grew".into() } else { "flat".into() },
        target: "no growth".into(),
        met: Some(!grew),
    });
}
