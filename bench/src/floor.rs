//! Pipelined UpdateAsync against the raw Paho floor, interleaved: for each row, the floor (a
//! plain Paho client publishing the same Jobs requests itself, `raw::RawJobs::pipelined`) and
//! the library run one after the other, `rounds` times, taking turns at going first, and the
//! row reports the medians and the ratio of the medians. The throughput section measures its
//! two floor rows first and every library row later, so on a shared machine its ratios mix in
//! whatever the load did meanwhile; here each library run has a floor run next to it. Rows run
//! the library with four submitting threads, with one, and with none (`refill`: each completion
//! starts the next operation from the callback, as the floor's one thread publishes once it
//! read a reply). A control row runs the floor against itself: the spread of its ratios is what
//! the machine's noise alone gives. Another runs plain Paho in the shape of the rows with
//! submitting threads (four threads sharing the same window, each reply freeing a slot from
//! Paho's own callback, as a plain Paho application would): what that shape gives Paho itself,
//! against the one-thread floor every row is measured by. Each row also gives the context
//! switches of this process (the client side) per operation, from `getrusage`, and the CPU
//! time per operation of this process and of the emulator (`latency::with_cpu`): on a shared
//! machine steadier figures of what the path costs than its rate, and they tell the client's
//! share from the service's.

use crate::capi::{Conn, FLAG_KEEP_SUBSCRIPTIONS};
use crate::emulator::JOB;
use crate::latency::{pipelined_by, with_cpu};
use crate::raw::RawJobs;
use crate::refill::refilled;
use crate::report::{Table, Verdict};
use crate::span::Span;
use std::time::{Duration, Instant};

/// Things the requests go round, as in the throughput section's floor rows.
const THINGS: usize = 16;

/// Context switches of this process so far (voluntary and not, every thread, ended ones too).
fn switches() -> f64 {
    // SAFETY: getrusage fills the struct it is given; a zeroed rusage is a valid one.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } != 0 {
        return f64::NAN;
    }
    (usage.ru_nvcsw + usage.ru_nivcsw) as f64
}

/// What one run gave: ops/s and failures, and per operation the context switches and the CPU
/// µs of this process (the client side), and the CPU µs of the emulator (service and broker).
struct Run {
    rate: f64,
    failed: u64,
    switches: f64,
    cpu: f64,
    emulator_cpu: f64,
}

/// Runs `f` (which returns ops/s and failures), the operations counted as the rate times the
/// time `f` took.
fn counted(emulator: u32, f: impl FnOnce() -> (f64, u64)) -> Run {
    let (before, start) = (switches(), Instant::now());
    let (rate, failed, cpu, emulator_cpu) = with_cpu(emulator, f);
    let ops = rate * start.elapsed().as_secs_f64();
    Run {
        rate,
        failed,
        switches: (switches() - before) / ops,
        cpu,
        emulator_cpu,
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

pub fn floor_ratio(
    port: u16,
    emulator: u32,
    rounds: usize,
    duration: Duration,
    verdicts: &mut Vec<Verdict>,
) {
    let secs = duration.as_secs_f64();
    let table = Table::new(
        &format!(
            "Throughput against the floor, interleaved ({rounds} rounds of floor and library, \
             each going first in turn, {secs} s each, {THINGS} things, medians)"
        ),
        &[
            "path",
            "N in flight",
            "submitting threads",
            "floor ops/s",
            "library ops/s",
            "library / floor",
            "per-round ratios",
            "switches/op floor",
            "switches/op library",
            "client CPU µs/op floor",
            "client CPU µs/op library",
            "emulator CPU µs/op floor",
            "emulator CPU µs/op library",
            "failed",
        ],
    );
    // (path, awsIotMqttMode or not, flags, submitting threads: 0 for refilled from the
    // callback); no mode: the control rows, where the floor runs against itself, or against
    // plain Paho with that many submitting threads. Each row has a connection of its own,
    // closed after it: the subscriptions a generic row keeps would otherwise have the broker
    // deliver every later row's replies twice, to both connections.
    let paths: [(&str, Option<bool>, u32, usize); 7] = [
        ("awsIotMqttMode", Some(true), 0, 4),
        ("awsIotMqttMode", Some(true), 0, 1),
        ("awsIotMqttMode", Some(true), 0, 0),
        ("generic, KEEP", Some(false), FLAG_KEEP_SUBSCRIPTIONS, 4),
        ("generic, KEEP", Some(false), FLAG_KEEP_SUBSCRIPTIONS, 0),
        ("control: the floor against itself", None, 0, 0),
        (
            "control: plain Paho with four submitting threads",
            None,
            0,
            4,
        ),
    ];
    let (mut worst, mut worst_refilled) = (f64::INFINITY, f64::INFINITY);
    let (mut control, mut control_rounds, mut shaped) = (vec![], vec![], vec![]);
    // `FLOOR_RATIO_ROWS=256/refilled,64/control,64/paho-4` (N / submitting threads, `refilled`,
    // `control` or `paho-` and the threads of plain Paho) runs those rows only: for profiling
    // one of them.
    let only = std::env::var("FLOOR_RATIO_ROWS").ok();
    for &n in &[64usize, 256] {
        for &(label, mode, flags, submitters) in &paths {
            // The row's library side as `FLOOR_RATIO_ROWS` names it.
            let kind = match (mode, submitters) {
                (None, 0) => "control".to_string(),
                (None, s) => format!("paho-{s}"),
                (Some(_), 0) => "refilled".to_string(),
                (Some(_), s) => s.to_string(),
            };
            let key = format!("{n}/{kind}");
            if only
                .as_ref()
                .is_some_and(|o| !o.split(',').any(|k| k == key))
            {
                continue;
            }
            let conn = mode.map(|aws| {
                let path = if aws { "aws" } else { "generic" };
                let id = format!("bench-floor-{path}-{}", key.replace('/', "-"));
                Conn::mqtt("127.0.0.1", port, &id, aws)
            });
            let (mut floors, mut libs, mut ratios, mut failed) = (vec![], vec![], vec![], 0);
            let (mut floor_sw, mut lib_sw) = (vec![], vec![]);
            let (mut floor_cpu, mut lib_cpu) = (vec![], vec![]);
            let (mut floor_emu, mut lib_emu) = (vec![], vec![]);
            let run_floor = || {
                counted(emulator, || {
                    let rate = RawJobs::pipelined(port, n, THINGS, JOB, Span::For(duration));
                    (rate, 0)
                })
            };
            let run_library = || match &conn {
                None if submitters == 0 => run_floor(),
                None => counted(emulator, || {
                    let rate = RawJobs::pipelined_by(port, n, THINGS, JOB, duration, submitters);
                    (rate, 0)
                }),
                Some(conn) => counted(emulator, || match submitters {
                    0 => refilled(conn, n, THINGS, Span::For(duration), flags),
                    _ => pipelined_by(conn, n, THINGS, duration, flags, submitters),
                }),
            };
            for round in 0..rounds {
                // Floor first in even rounds, library first in odd ones: whatever the machine
                // does over a row weighs on both sides alike.
                let (floor, lib) = if round % 2 == 0 {
                    let floor = run_floor();
                    (floor, run_library())
                } else {
                    let lib = run_library();
                    (run_floor(), lib)
                };
                floor_sw.push(floor.switches);
                floor_cpu.push(floor.cpu);
                floor_emu.push(floor.emulator_cpu);
                let floor = floor.rate;
                failed += lib.failed;
                lib_sw.push(lib.switches);
                lib_cpu.push(lib.cpu);
                lib_emu.push(lib.emulator_cpu);
                let lib = lib.rate;
                ratios.push(format!("{:.2}", lib / floor));
                if mode.is_none() && submitters == 0 {
                    control_rounds.push(lib / floor);
                }
                floors.push(floor);
                libs.push(lib);
            }
            let (floor, lib) = (median(&mut floors), median(&mut libs));
            if mode.is_none() && submitters == 0 {
                control.push(lib / floor);
            } else if mode.is_none() {
                shaped.push(lib / floor);
            } else {
                worst = worst.min(lib / floor);
                if submitters == 0 {
                    worst_refilled = worst_refilled.min(lib / floor);
                }
            }
            table.row(vec![
                label.into(),
                n.to_string(),
                match kind.as_str() {
                    "control" => "-".into(),
                    _ if mode.is_none() => format!("{submitters} (plain Paho)"),
                    "refilled" => "none: refilled from the callback".into(),
                    _ => kind,
                },
                format!("{floor:.0}"),
                format!("{lib:.0}"),
                format!("{:.2}", lib / floor),
                ratios.join(" "),
                format!("{:.2}", median(&mut floor_sw)),
                format!("{:.2}", median(&mut lib_sw)),
                format!("{:.1}", median(&mut floor_cpu)),
                format!("{:.1}", median(&mut lib_cpu)),
                format!("{:.1}", median(&mut floor_emu)),
                format!("{:.1}", median(&mut lib_emu)),
                failed.to_string(),
            ]);
        }
    }
    if only.is_some() {
        // Some rows only: no verdict on the whole.
        return;
    }
    verdicts.push(Verdict {
        figure: "pipelined UpdateAsync / raw Paho floor, N 64 and 256 (worst row, medians)".into(),
        value: format!("{worst:.2}×"),
        target: "≥ 0.95×".into(),
        met: Some(worst >= 0.95),
    });
    verdicts.push(Verdict {
        figure: "the same, rows refilled from the callback (the floor's shape: no thread of the \
                 application's between a reply and the next request)"
            .into(),
        value: format!("{worst_refilled:.2}×"),
        target: "≥ 0.95×".into(),
        met: Some(worst_refilled >= 0.95),
    });
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("{lo:.2}–{hi:.2}")
    };
    verdicts.push(Verdict {
        figure: "control: the floor against itself, N 64 and 256 (what noise alone gives)".into(),
        value: format!(
            "medians {}×, single rounds {}×",
            range(&control),
            range(&control_rounds)
        ),
        target: "1.00×".into(),
        met: None,
    });
    verdicts.push(Verdict {
        figure: "control: plain Paho with four submitting threads / the floor, N 64 and 256 (what \
                 the shape of the rows with submitting threads gives Paho itself)"
            .into(),
        value: format!("medians {}×", range(&shaped)),
        target: "–".into(),
        met: None,
    });
}
