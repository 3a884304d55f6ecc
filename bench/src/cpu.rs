//! CPU: instructions the client process executes per operation, counted by callgrind over this
//! program's `cpu-client` mode (the broker and the emulator run in another process). Two runs
//! with different operation counts; the difference divided by the difference in operations
//! leaves out start-up, connection and shutdown.

use crate::capi::{cstring, Conn, SUCCESS};
use crate::emulator::{thing, JOB};
use crate::raw::{EchoFloor, RawJobs};
use crate::refill::refilled;
use crate::report::{Table, Verdict};
use crate::span::Span;
use std::process::Command;
use std::time::Duration;

/// What a `cpu-client` run repeats.
pub const KINDS: &[(&str, &str)] = &[
    ("update-aws", "UpdateSync, awsIotMqttMode"),
    ("update-generic", "UpdateSync, generic broker"),
    ("raw-jobs", "raw Paho Jobs update (no library)"),
    (
        "async-aws",
        "UpdateAsync, 64 in flight over 16 things, refilled from the callback, awsIotMqttMode",
    ),
    (
        "raw-pipelined",
        "raw Paho Jobs updates, 64 in flight over 16 things (the floor of the row above)",
    ),
    ("echo", "floor: Paho echo request/reply"),
];

/// The pipelined kinds: operations in flight (`CPU_WINDOW` sets another), and things they go
/// round (as in `floor`).
const WINDOW: usize = 64;

fn window() -> usize {
    std::env::var("CPU_WINDOW")
        .ok()
        .and_then(|w| w.parse().ok())
        .unwrap_or(WINDOW)
}
const THINGS: usize = 16;

/// The client side, run under callgrind: connect, `ops` operations of `kind`, disconnect.
pub fn client(port: u16, kind: &str, ops: usize) {
    let job = cstring(JOB);
    let name = cstring(&thing(20));
    let timeout = Duration::from_secs(30);
    match kind {
        "update-aws" | "update-generic" => {
            crate::capi::init();
            let conn = Conn::mqtt("127.0.0.1", port, "bench-cpu", kind == "update-aws");
            for _ in 0..ops {
                assert_eq!(conn.update_sync(&name, &job, 0, timeout), SUCCESS);
            }
            drop(conn);
            crate::capi::cleanup();
        }
        "raw-jobs" => {
            let mut raw = RawJobs::start(port, &thing(21), JOB);
            for _ in 0..ops {
                raw.round_trip();
            }
        }
        "async-aws" => {
            crate::capi::init();
            let conn = Conn::mqtt("127.0.0.1", port, "bench-cpu", true);
            let (_, failed) = refilled(&conn, window(), THINGS, Span::Ops(ops), 0);
            assert_eq!(failed, 0, "an UpdateAsync failed");
            drop(conn);
            crate::capi::cleanup();
        }
        // The shape of the floor-ratio rows with submitting threads, for `perf` to look at:
        // `submitting-aws`, `submitting-generic` (`-keep` adds KEEP_SUBSCRIPTIONS), four
        // threads (`CPU_SUBMITTERS` sets another), and here `ops` is the seconds it runs.
        submitting if submitting.starts_with("submitting-") => {
            crate::capi::init();
            let aws = submitting.starts_with("submitting-aws");
            let conn = Conn::mqtt("127.0.0.1", port, "bench-cpu", aws);
            let flags = if submitting.ends_with("-keep") {
                crate::capi::FLAG_KEEP_SUBSCRIPTIONS
            } else {
                0
            };
            let threads = std::env::var("CPU_SUBMITTERS")
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(4);
            let seconds = Duration::from_secs(ops as u64);
            let (rate, failed) =
                crate::latency::pipelined_by(&conn, window(), THINGS, seconds, flags, threads);
            assert_eq!(failed, 0, "an UpdateAsync failed");
            println!("{rate:.0} ops/s");
            drop(conn);
            crate::capi::cleanup();
        }
        "raw-pipelined" => {
            RawJobs::pipelined(port, window(), THINGS, JOB, Span::Ops(ops));
        }
        "echo" => {
            let floor = EchoFloor::start(port);
            for _ in 0..ops {
                floor.round_trip();
            }
        }
        other => panic!("unknown cpu-client kind {other}"),
    }
}

fn instructions(port: u16, kind: &str, ops: usize) -> Option<u64> {
    let out = std::env::temp_dir().join(format!(
        "awsiotjobs-callgrind-{}-{kind}-{ops}",
        std::process::id()
    ));
    let exe = std::env::current_exe().ok()?;
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(["cpu-client", &port.to_string(), kind, &ops.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .ok()?;
    if !status.success() {
        eprintln!("callgrind run of {kind} × {ops} failed: {status}");
        return None;
    }
    let text = std::fs::read_to_string(&out).ok()?;
    let _ = std::fs::remove_file(&out);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("summary: ")
                .or_else(|| l.strip_prefix("totals: "))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

pub fn cpu(port: u16, small: usize, large: usize, verdicts: &mut Vec<Verdict>) {
    let table = Table::new(
        &format!(
            "CPU: instructions per operation in the client process (callgrind, ({large} − {small}) ops)"
        ),
        &["operation", "instructions / op"],
    );
    for (kind, label) in KINDS {
        let per_op = match (
            instructions(port, kind, small),
            instructions(port, kind, large),
        ) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a) as f64 / (large - small) as f64),
            _ => None,
        };
        table.row(vec![
            (*label).into(),
            per_op.map_or("(callgrind failed)".into(), |v| format!("{v:.0}")),
        ]);
        if *kind == "update-aws" {
            verdicts.push(Verdict {
                figure: "instructions per UpdateSync, client process".into(),
                value: per_op.map_or("?".into(), |v| format!("{v:.0}")),
                target: "(recorded)".into(),
                met: None,
            });
        }
    }
}
