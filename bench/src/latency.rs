//! Latency and throughput against the emulator (its embedded broker), all on this machine.

use crate::capi::{
    cstring, Completion, Conn, FLAG_KEEP_SUBSCRIPTIONS, STATE_IN_PROGRESS, STATUS_PENDING, SUCCESS,
};
use crate::emulator::{thing, JOB};
use crate::raw::{EchoFloor, RawJobs};
use crate::report::{Samples, Table, Verdict};
use crate::span::Span;
use parking_lot::{Condvar, Mutex};
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Completions of asynchronous operations, with a bound on how many may be in flight.
pub struct Window {
    state: Mutex<WindowState>,
    changed: Condvar,
    limit: usize,
}

#[derive(Default)]
struct WindowState {
    in_flight: usize,
    completed: u64,
    failed: u64,
    last: Option<Instant>,
}

impl Window {
    pub fn new(limit: usize) -> Arc<Window> {
        Arc::new(Window {
            state: Mutex::new(WindowState::default()),
            changed: Condvar::new(),
            limit,
        })
    }

    /// Waits for a free slot and takes it.
    pub fn acquire(&self) {
        let mut s = self.state.lock();
        while s.in_flight >= self.limit {
            self.changed.wait(&mut s);
        }
        s.in_flight += 1;
    }

    pub fn complete(&self, ok: bool) {
        let mut s = self.state.lock();
        s.in_flight -= 1;
        if ok {
            s.completed += 1;
        } else {
            s.failed += 1;
        }
        s.last = Some(Instant::now());
        // One slot freed: one submitter can use it (waking all of them for each completion
        // only made them compete for the lock on the client's share of two cores). The last
        // completion wakes everyone, `drain` included.
        if s.in_flight == 0 {
            self.changed.notify_all();
        } else {
            self.changed.notify_one();
        }
    }

    /// Waits until nothing is in flight; (completed, failed, time of the last completion).
    pub fn drain(&self) -> (u64, u64, Option<Instant>) {
        let mut s = self.state.lock();
        while s.in_flight > 0 {
            self.changed.wait(&mut s);
        }
        (s.completed, s.failed, s.last)
    }

    /// Waits until nothing is in flight; the rate of completions from `start` to the last one
    /// (ops/s) and the failures.
    pub fn drain_rate(&self, start: Instant) -> (f64, u64) {
        let (completed, failed, last) = self.drain();
        let elapsed = last.unwrap_or_else(Instant::now) - start;
        (completed as f64 / elapsed.as_secs_f64(), failed)
    }

    /// A completion that frees a slot, counting the result.
    pub fn completion(self: &Arc<Window>) -> Completion {
        let window = self.clone();
        Completion::new(move |result, _| window.complete(result == SUCCESS))
    }
}

fn measure(samples: &mut Samples, n: usize, mut op: impl FnMut() -> Duration) {
    for _ in 0..n {
        samples.push(op());
    }
}

fn timed(op: impl FnOnce() -> i32) -> Duration {
    let start = Instant::now();
    let status = op();
    let elapsed = start.elapsed();
    assert_eq!(status, SUCCESS, "a Sync call failed");
    elapsed
}

/// Latency: the floor first, then each Sync call, in interleaved rounds so that noise on the
/// machine hits every row alike.
pub fn latency(port: u16, rounds: usize, per_round: usize, verdicts: &mut Vec<Verdict>) {
    let floor = EchoFloor::start(port);
    let mut raw = RawJobs::start(port, &thing(0), JOB);
    let aws = Conn::mqtt("127.0.0.1", port, "bench-latency-aws", true);
    let generic = Conn::mqtt("127.0.0.1", port, "bench-latency-generic", false);
    let custom = Conn::paho("127.0.0.1", port, "bench-latency-custom", true);
    let job = cstring(JOB);
    let things: Vec<CString> = (0..6).map(|i| cstring(&thing(i))).collect();
    let keep = FLAG_KEEP_SUBSCRIPTIONS;

    type Op<'a> = Box<dyn FnMut() -> Duration + 'a>;
    let mut rows: Vec<(&str, Op<'_>)> = vec![
        (
            "floor: Paho echo request/reply",
            Box::new(|| floor.round_trip()),
        ),
        (
            "raw Paho Jobs update (no library)",
            Box::new(|| raw.round_trip()),
        ),
        (
            "UpdateSync, awsIotMqttMode",
            Box::new(|| timed(|| aws.update_sync(&things[1], &job, 0, TIMEOUT))),
        ),
        (
            "UpdateSync, generic broker",
            Box::new(|| timed(|| generic.update_sync(&things[2], &job, 0, TIMEOUT))),
        ),
        (
            "UpdateSync, generic broker, KEEP",
            Box::new(|| timed(|| generic.update_sync(&things[4], &job, keep, TIMEOUT))),
        ),
        (
            "UpdateSync, awsIotMqttMode, C transport interface",
            Box::new(|| timed(|| custom.update_sync(&things[5], &job, 0, TIMEOUT))),
        ),
        (
            "DescribeSync, awsIotMqttMode",
            Box::new(|| timed(|| aws.describe_sync(&things[3], &job, 0, TIMEOUT))),
        ),
        (
            "GetPendingSync, awsIotMqttMode",
            Box::new(|| timed(|| aws.get_pending_sync(&things[3], 0, TIMEOUT))),
        ),
    ];
    let mut samples: Vec<Samples> = rows.iter().map(|_| Samples::default()).collect();
    for (_, op) in rows.iter_mut() {
        for _ in 0..per_round / 4 {
            op();
        }
    }
    for _ in 0..rounds {
        for ((_, op), s) in rows.iter_mut().zip(samples.iter_mut()) {
            measure(s, per_round, op);
        }
    }
    let floor_p50 = samples[0].quantile_us(0.5);
    let raw_p50 = samples[1].quantile_us(0.5);
    let table = Table::new(
        &format!(
            "Latency ({} round trips each, {rounds} interleaved rounds)",
            samples[0].count()
        ),
        &[
            "operation",
            "p50 µs",
            "p99 µs",
            "p50 / floor",
            "p50 / raw Jobs",
        ],
    );
    for ((name, _), s) in rows.iter().zip(&samples) {
        table.row(vec![
            (*name).into(),
            format!("{:.0}", s.quantile_us(0.5)),
            format!("{:.0}", s.quantile_us(0.99)),
            format!("{:.2}×", s.quantile_us(0.5) / floor_p50),
            format!("{:.2}×", s.quantile_us(0.5) / raw_p50),
        ]);
    }
    for (i, label) in [(2, "awsIotMqttMode"), (3, "generic broker")] {
        let ratio = samples[i].quantile_us(0.5) / floor_p50;
        verdicts.push(Verdict {
            figure: format!("UpdateSync p50 / floor ({label})"),
            value: format!(
                "{ratio:.2}× ({:.0} µs; {:.2}× raw Paho Jobs)",
                samples[i].quantile_us(0.5),
                samples[i].quantile_us(0.5) / raw_p50
            ),
            target: "≤ 1.25×".into(),
            met: Some(ratio <= 1.25),
        });
    }
}

/// Pipelined UpdateAsync: up to `window` operations in flight over `things` things, issued by
/// `BENCH_SUBMITTERS` threads (4 unless set), for about `duration`. Returns ops/s and failures.
pub fn pipelined(
    conn: &Conn,
    window: usize,
    things: usize,
    duration: Duration,
    flags: u32,
) -> (f64, u64) {
    let submitters = std::env::var("BENCH_SUBMITTERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    pipelined_by(conn, window, things, duration, flags, submitters)
}

/// [`pipelined`] with `submitters` submitting threads (at most `window`).
pub fn pipelined_by(
    conn: &Conn,
    window: usize,
    things: usize,
    duration: Duration,
    flags: u32,
    submitters: usize,
) -> (f64, u64) {
    let names: Vec<CString> = (0..things).map(|i| cstring(&thing(i))).collect();
    let job = cstring(JOB);
    let win = Window::new(window);
    let done = win.completion();
    submitting(&win, submitters, duration, |i| {
        let status = conn.update_async(
            &names[i % names.len()],
            &job,
            STATE_IN_PROGRESS,
            0,
            flags,
            &done,
        );
        status == STATUS_PENDING
    })
}

/// `submitters` threads (at most the window's limit) share `win` for `duration`: each waits
/// for a free slot and calls `submit` with the operation's number (the threads' numbers
/// interleave, so that they go round the things together), which starts the operation and
/// says whether it is in flight; one that is not frees its slot as a failure. Returns once
/// every operation completed: ops/s and failures. The harness of every row with submitting
/// threads, the library's and plain Paho's alike.
pub fn submitting(
    win: &Window,
    submitters: usize,
    duration: Duration,
    submit: impl Fn(usize) -> bool + Sync,
) -> (f64, u64) {
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let submitters = submitters.clamp(1, win.limit);
    std::thread::scope(|scope| {
        for t in 0..submitters {
            let (stop, submit) = (&stop, &submit);
            scope.spawn(move || {
                let mut i = t;
                while !stop.load(Ordering::Relaxed) {
                    win.acquire();
                    if !submit(i) {
                        win.complete(false);
                    }
                    i += submitters;
                }
            });
        }
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
    });
    win.drain_rate(start)
}

/// CPU seconds (user + system) a process used so far, from `/proc/PID/stat`.
pub fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let ticks: Vec<f64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|v| v.parse().ok())
        .collect();
    ticks.iter().sum::<f64>() / 100.0
}

/// Runs `f` (which returns ops/s and failures) and adds the CPU microseconds per operation
/// this process and the emulator spent meanwhile.
pub fn with_cpu(emulator: u32, f: impl FnOnce() -> (f64, u64)) -> (f64, u64, f64, f64) {
    let me = std::process::id();
    let (c0, e0, t0) = (cpu_seconds(me), cpu_seconds(emulator), Instant::now());
    let (rate, failed) = f();
    let ops = rate * t0.elapsed().as_secs_f64();
    let per_op = |d: f64| d * 1e6 / ops;
    (
        rate,
        failed,
        per_op(cpu_seconds(me) - c0),
        per_op(cpu_seconds(emulator) - e0),
    )
}

/// The throughput sweep over window sizes and thing counts.
pub fn throughput(port: u16, emulator: u32, duration: Duration, verdicts: &mut Vec<Verdict>) {
    let aws = Conn::mqtt("127.0.0.1", port, "bench-throughput-aws", true);
    let generic = Conn::mqtt("127.0.0.1", port, "bench-throughput-generic", false);
    let table = Table::new(
        "Throughput: pipelined UpdateAsync (N in flight over M things)",
        &[
            "path",
            "N in flight",
            "M things",
            "ops/s",
            "failed",
            "client CPU µs/op",
            "emulator CPU µs/op",
        ],
    );
    let mut best = 0f64;
    // (path, connection, flags, windows, thing counts)
    type Run<'a> = (&'a str, &'a Conn, u32, &'a [usize], &'a [usize]);
    let runs: [Run<'_>; 2] = [
        ("awsIotMqttMode", &aws, 0, &[1, 8, 64, 256], &[1, 16, 256]),
        (
            "generic, KEEP",
            &generic,
            FLAG_KEEP_SUBSCRIPTIONS,
            &[64, 256],
            &[16],
        ),
    ];
    for &n in &[64usize, 256] {
        let (rate, _, client, emu) = with_cpu(emulator, || {
            (RawJobs::pipelined(port, n, 16, JOB, Span::For(duration)), 0)
        });
        table.row(vec![
            "raw Paho, no library (floor)".into(),
            n.to_string(),
            "16".into(),
            format!("{rate:.0}"),
            "0".into(),
            format!("{client:.1}"),
            format!("{emu:.1}"),
        ]);
    }
    for (label, conn, flags, windows, thing_counts) in runs {
        for &m in thing_counts {
            for &n in windows {
                let (rate, failed, client, emu) =
                    with_cpu(emulator, || pipelined(conn, n, m, duration, flags));
                best = best.max(rate);
                table.row(vec![
                    label.into(),
                    n.to_string(),
                    m.to_string(),
                    format!("{rate:.0}"),
                    failed.to_string(),
                    format!("{client:.1}"),
                    format!("{emu:.1}"),
                ]);
            }
        }
    }
    verdicts.push(Verdict {
        figure: "UpdateAsync throughput (best of the sweep)".into(),
        value: format!("{best:.0} ops/s"),
        target: "≥ 20,000 ops/s".into(),
        met: Some(best >= 20_000.0),
    });
}
