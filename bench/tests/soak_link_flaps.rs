//! Soak: the link flaps again and again while hundreds of Jobs operations are in flight.
//!
//! mosquitto runs on a free port with the emulator's Jobs service attached to it directly; the
//! device (the C API, `IotMqtt_Connect`) reaches it through a relay. Four threads keep 50
//! `UpdateAsync` each in flight, non-stop, while the link is flapped in turn by: freezing the
//! broker (SIGSTOP for longer than the device's keep-alive, then SIGCONT), killing it and
//! starting it again on the same port, and resetting the TCP connection mid-stream at the
//! relay (RST, mid-packet). After each flap the device must be usable again and its notify-next
//! callback must fire for a job queued then. This runs in each combination of a clean or a
//! persistent session and awsIotMqttMode or not.
//!
//! Checked at the end: every call that returned STATUS_PENDING completed exactly once, with
//! SUCCESS, MQTT_ERROR or TIMEOUT, within its deadline; no call refused at submit completed;
//! notifications resumed after every flap. The whole run is re-executed with
//! AddressSanitizer's allocator preloaded (gcc's libasan), so a double or invalid free anywhere,
//! Paho C included, fails it. `SOAK_FLAPS` sets the number of flaps (12 by default, what CI
//! runs: each kind once in each combination); `scripts/soak.sh` runs the long version. To chase
//! one failure, `SOAK_KINDS` keeps some kinds of flap (`freeze,kill,reset`) and
//! `SOAK_COMBINATIONS` some combinations (`generic-clean,aws-clean,generic-persistent,
//! aws-persistent`). When a notify-next does not come, an observer subscribed on the broker
//! directly (not through the relay) tells whether the service published it, and the failure
//! says whether the device still answers and whether the notification came late.

#[path = "../../tests/mqtt_support/cutter.rs"]
mod cutter;
#[path = "../../tests/mqtt_support/mod.rs"]
mod mqtt_support;

use awsiotjobs_bench::capi::{
    self, cstring, Completion, Conn, NOTIFY, STATE_IN_PROGRESS, STATE_SUCCEEDED,
};
use cutter::Cutter;
use jobs_emulator::mqtt::external::{self, ExternalBroker};
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::JobsService;
use mqtt_support::{Broker, BOUND};
use parking_lot::{Condvar, Mutex};
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SUCCESS: i32 = 0;
const STATUS_PENDING: i32 = 1;
const MQTT_ERROR: i32 = 5;
const TIMEOUT: i32 = 8;
const INVALID_STATE_TRANSITION: i32 = 15;
const WORKERS: usize = 4;
const WINDOW: usize = 50;
const THINGS: usize = 8;
const JOB: &str = "soak-job";
const PROBE: &str = "soak-probe";
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(5);
const KEEP_ALIVE: Duration = Duration::from_secs(2);

/// Every operation ever submitted: when, and what its completion saw.
#[derive(Default)]
struct Ledger {
    submitted: Mutex<Vec<(Instant, i32)>>,
    seen: Mutex<Vec<Vec<(i32, Instant)>>>,
}

/// Operations in flight per worker, bounded.
struct Window {
    in_flight: Mutex<usize>,
    freed: Condvar,
}

impl Window {
    fn acquire(&self, stop: &AtomicBool) -> bool {
        let mut n = self.in_flight.lock();
        while *n >= WINDOW {
            if stop.load(Ordering::Acquire) {
                return false;
            }
            self.freed.wait_for(&mut n, Duration::from_millis(50));
        }
        *n += 1;
        true
    }

    fn release(&self) {
        *self.in_flight.lock() -= 1;
        self.freed.notify_one();
    }
}

#[derive(Debug, Default)]
struct Summary {
    flaps: [usize; 3],
    submitted: usize,
    refused: usize,
    by_result: std::collections::BTreeMap<i32, usize>,
    notifications: usize,
}

fn thing(i: usize) -> String {
    format!("soak-{i}")
}

/// Waits until an UpdateSync of `thing`'s `job` succeeds: the link is back and the service
/// answers.
fn until_usable(conn: &Conn, thing: &str, job: &str) {
    let (thing, job) = (cstring(thing), cstring(job));
    let until = Instant::now() + Duration::from_secs(40);
    while conn.update_sync(&thing, &job, 0, Duration::from_secs(2)) != SUCCESS {
        assert!(
            Instant::now() < until,
            "the device never came back after a flap"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A client of the broker itself, past the relay, counting the probe's notify-next messages:
/// what the service published, whatever happened to the device's link.
fn observer(port: u16) -> (paho_mqtt::AsyncClient, Arc<AtomicUsize>) {
    let filter = format!("$aws/things/{PROBE}/jobs/notify-next");
    let client = paho_mqtt::CreateOptionsBuilder::new()
        .server_uri(format!("tcp://127.0.0.1:{port}"))
        .client_id(format!("soak-observer-{port}"))
        .persistence(None)
        .create_client()
        .expect("observer client");
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    client.set_message_callback(move |_, message| {
        if message.is_some() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let again = filter.clone();
    client.set_connected_callback(move |c| {
        c.subscribe(&again, 1);
    });
    let options = paho_mqtt::ConnectOptionsBuilder::new()
        .clean_session(true)
        .keep_alive_interval(Duration::from_secs(30))
        .automatic_reconnect(Duration::from_millis(100), Duration::from_secs(1))
        .finalize();
    client
        .connect(options)
        .wait_for(BOUND)
        .expect("observer connects");
    client
        .subscribe(&filter, 1)
        .wait_for(BOUND)
        .expect("observer subscribes");
    (client, seen)
}

/// Which kinds of flap and which combinations this run keeps (`SOAK_KINDS`,
/// `SOAK_COMBINATIONS`: comma-separated names; all when unset).
fn chosen(variable: &str, name: &str) -> bool {
    std::env::var(variable).map_or(true, |list| list.split(',').any(|n| n.trim() == name))
}

const KIND_NAMES: [&str; 3] = ["freeze", "kill", "reset"];

fn soak(aws: bool, clean: bool, flaps: std::ops::Range<usize>, summary: &mut Summary) {
    let label = format!(
        "{}, {} session",
        if aws { "awsIotMqttMode" } else { "generic" },
        if clean { "clean" } else { "persistent" }
    );
    let mut broker = Broker::plain();
    let service = JobsService::new();
    let names: Vec<String> = (0..THINGS).map(thing).collect();
    let targets: Vec<&str> = names.iter().map(String::as_str).collect();
    service
        .create_job(&CreateJobRequest::new(JOB, &targets, serde_json::json!({})))
        .unwrap();
    let _attached = external::start(
        service.clone(),
        &ExternalBroker {
            url: format!("mqtt://127.0.0.1:{}", broker.port),
            ca: None,
            cert: None,
            key: None,
        },
    )
    .expect("attach the Jobs service to mosquitto");
    let relay = Cutter::start(broker.port);
    let (_observer, observed) = observer(broker.port);
    let id = format!("soak-device-{}-{}", aws as u8, clean as u8);
    // Declared before the connection, so that they outlive it: if a check fails, the unwinding
    // drops the connection first, and the callbacks of what is still in flight find them.
    let notes = Arc::new(AtomicUsize::new(0));
    let n = notes.clone();
    let on_note = Completion::new(move |result, _| {
        assert_eq!(result, NOTIFY);
        n.fetch_add(1, Ordering::SeqCst);
    });
    let completions: Mutex<Vec<Arc<Completion>>> = Mutex::new(Vec::new());
    let conn = Conn::mqtt_with("127.0.0.1", relay.port, &id, aws, clean, KEEP_ALIVE)
        .unwrap_or_else(|status| panic!("{label}: connect: {status}"));

    assert_eq!(conn.set_notify_next(&cstring(PROBE), &on_note), SUCCESS);
    until_usable(&conn, &thing(0), JOB);

    let ledger = Arc::new(Ledger::default());
    let stop = Arc::new(AtomicBool::new(false));
    let windows: Vec<Arc<Window>> = (0..WORKERS)
        .map(|_| {
            Arc::new(Window {
                in_flight: Mutex::new(0),
                freed: Condvar::new(),
            })
        })
        .collect();
    // The workers stop when the flapping ends, however it ends (a failed check included).
    struct StopOnDrop<'a>(&'a AtomicBool);
    impl Drop for StopOnDrop<'_> {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Release);
        }
    }
    std::thread::scope(|s| {
        for (w, window) in windows.iter().enumerate() {
            let (conn, ledger, stop, completions) = (&conn, &ledger, &stop, &completions);
            s.spawn(move || {
                let job = cstring(JOB);
                let things: Vec<_> = (0..THINGS).map(|i| cstring(&thing(i))).collect();
                let mut k = 0;
                while window.acquire(stop) {
                    let index = {
                        let mut seen = ledger.seen.lock();
                        seen.push(Vec::new());
                        seen.len() - 1
                    };
                    let (l, win) = (ledger.clone(), window.clone());
                    let done = Arc::new(Completion::new(move |result, _| {
                        l.seen.lock()[index].push((result, Instant::now()));
                        win.release();
                    }));
                    completions.lock().push(done.clone());
                    let at = Instant::now();
                    let thing = &things[(w + k) % THINGS];
                    k += 1;
                    let status = conn.update_async(thing, &job, STATE_IN_PROGRESS, 0, 0, &done);
                    let mut submitted = ledger.submitted.lock();
                    if submitted.len() <= index {
                        submitted.resize(index + 1, (at, 0));
                    }
                    submitted[index] = (at, status);
                    drop(submitted);
                    if status != STATUS_PENDING {
                        window.release();
                        std::thread::sleep(Duration::from_millis(5));
                    }
                }
            });
        }

        let _stop_workers = StopOnDrop(&stop);
        let kinds: Vec<usize> = (0..3)
            .filter(|k| chosen("SOAK_KINDS", KIND_NAMES[*k]))
            .collect();
        assert!(!kinds.is_empty(), "SOAK_KINDS names none of {KIND_NAMES:?}");
        for flap in flaps {
            let kind = kinds[flap % kinds.len()];
            match kind {
                0 => {
                    broker.freeze(true);
                    std::thread::sleep(KEEP_ALIVE * 2);
                    broker.freeze(false);
                }
                1 => {
                    broker.kill();
                    std::thread::sleep(Duration::from_millis(300));
                    broker.start();
                }
                _ => relay.cut(),
            }
            summary.flaps[kind] += 1;
            // Usable again, and notifications flow: a new job for the probe thing (whose queue
            // is empty) becomes the head of its queue and notify-next must reach the callback.
            until_usable(&conn, &thing(0), JOB);
            let before = notes.load(Ordering::SeqCst);
            let observed_before = observed.load(Ordering::SeqCst);
            let job = format!("probe-{flap}");
            service
                .create_job(&CreateJobRequest::new(
                    &job,
                    &[PROBE],
                    serde_json::json!({}),
                ))
                .unwrap();
            let arrived = |bound: Duration| {
                let until = Instant::now() + bound;
                while notes.load(Ordering::SeqCst) == before {
                    if Instant::now() >= until {
                        return false;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                true
            };
            if !arrived(BOUND * 2) {
                let published = observed.load(Ordering::SeqCst) - observed_before;
                let answers = conn.get_pending_sync(&cstring(PROBE), 0, BOUND);
                let late = arrived(BOUND * 2);
                let log = broker.log();
                let tail: Vec<&str> = log.lines().rev().take(30).collect();
                panic!(
                    "{label}: no notify-next after flap {flap} ({}) within {:?}: the observer \
                     saw {published} published on the broker; GetPendingSync for the probe \
                     now returns {answers}; the notification {} within {:?} more.\n\
                     mosquitto's log, newest first:\n{}",
                    KIND_NAMES[kind],
                    BOUND * 2,
                    if late { "came" } else { "did not come" },
                    BOUND * 2,
                    tail.join("\n")
                );
            }
            // Take it off the queue again (SUCCEEDED), so the next probe job is the head.
            // The link may still drop under it (a freeze is noticed only at the keep-alive):
            // again until it is done, an earlier attempt having perhaps made it already.
            let (probe, job) = (cstring(PROBE), cstring(&job));
            let until = Instant::now() + BOUND * 4;
            loop {
                let result = conn.update_sync_to(&probe, &job, STATE_SUCCEEDED, 0, BOUND);
                if result == SUCCESS || result == INVALID_STATE_TRANSITION {
                    break;
                }
                assert!(
                    [MQTT_ERROR, TIMEOUT].contains(&result) && Instant::now() < until,
                    "{label}: the probe job could not be finished: {result}"
                );
            }
        }
    });

    // Everything in flight ends within its deadline.
    let until = Instant::now() + RESPONSE_TIMEOUT + BOUND;
    let all_done = || {
        let (submitted, seen) = (ledger.submitted.lock(), ledger.seen.lock());
        submitted
            .iter()
            .zip(seen.iter())
            .all(|((_, status), s)| *status != STATUS_PENDING || !s.is_empty())
    };
    while !all_done() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(500)); // late duplicates would land now
    let (submitted, seen) = (ledger.submitted.lock(), ledger.seen.lock());
    for (i, ((at, status), outcomes)) in submitted.iter().zip(seen.iter()).enumerate() {
        summary.submitted += 1;
        if *status != STATUS_PENDING {
            summary.refused += 1;
            assert!(
                outcomes.is_empty(),
                "{label}: op {i} refused ({status}) yet called back"
            );
            continue;
        }
        assert_eq!(
            outcomes.len(),
            1,
            "{label}: op {i} completed {} times: {outcomes:?}",
            outcomes.len()
        );
        let (result, when) = outcomes[0];
        assert!(
            [SUCCESS, MQTT_ERROR, TIMEOUT].contains(&result),
            "{label}: op {i} ended with {result}"
        );
        assert!(
            when <= *at + RESPONSE_TIMEOUT + Duration::from_secs(3),
            "{label}: op {i} completed {:?} after it was submitted",
            when - *at
        );
        *summary.by_result.entry(result).or_default() += 1;
    }
    summary.notifications += notes.load(Ordering::SeqCst);
    drop((submitted, seen));
    drop(conn);
    drop(completions);
}

fn run_soak() {
    let flaps: usize = std::env::var("SOAK_FLAPS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    capi::init();
    capi::set_response_timeout(RESPONSE_TIMEOUT);
    let mut summary = Summary::default();
    let combinations: Vec<(bool, bool)> =
        [(false, true), (true, true), (false, false), (true, false)]
            .into_iter()
            .filter(|(aws, clean)| {
                let name = format!(
                    "{}-{}",
                    if *aws { "aws" } else { "generic" },
                    if *clean { "clean" } else { "persistent" }
                );
                chosen("SOAK_COMBINATIONS", &name)
            })
            .collect();
    assert!(!combinations.is_empty(), "SOAK_COMBINATIONS names none");
    let per_combination = flaps.div_ceil(combinations.len()).max(1);
    for (i, (aws, clean)) in combinations.into_iter().enumerate() {
        let first = i * per_combination;
        soak(aws, clean, first..first + per_combination, &mut summary);
    }
    capi::cleanup();
    println!("soak summary (flaps: freeze, kill+restart, reset): {summary:?}");
}

#[test]
fn operations_in_flight_survive_link_flaps_exactly_once() {
    if std::env::var_os("SOAK_CHILD").is_some() {
        run_soak();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "operations_in_flight_survive_link_flaps_exactly_once",
            "--nocapture",
        ])
        .env("SOAK_CHILD", "1");
    let asan = Command::new("gcc")
        .arg("-print-file-name=libasan.so")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|p| p.trim().to_owned())
        .filter(|p| p.starts_with('/'));
    if let Some(asan) = asan {
        child.env("LD_PRELOAD", asan).env(
            "ASAN_OPTIONS",
            "detect_leaks=0:halt_on_error=1:verify_asan_link_order=0",
        );
    }
    let out = child.output().expect("run the soak");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if let Some(line) = stdout.lines().find(|l| l.starts_with("soak summary")) {
        eprintln!("{line}");
    }
    assert!(
        out.status.success(),
        "the soak failed ({}):\n{}\n{}",
        out.status,
        stdout.lines().rev().take(20).collect::<Vec<_>>().join("\n"),
        stderr.lines().take(80).collect::<Vec<_>>().join("\n")
    );
}
