//! The emulator's soak run (what `scripts/emulator-soak.sh` builds and runs, in release):
//! starts `jobs-emulator serve` as a separate process, seeded with THINGS things in a group,
//! JOBS jobs targeting it, and BIG more things in a second group; then
//!   1. times Jobs requests (MQTT `get`) and DescribeJob (HTTP) before and after one
//!      CreateJob whose target group has BIG things, and reads the emulator's RSS;
//!   2. drives every execution of the JOBS jobs to SUCCEEDED with WORKERS concurrent device
//!      connections, counting lost and duplicated executions (checked again against the
//!      control plane's counts);
//!   3. holds SLOW HTTP connections that never finish their headers and IDLE more MQTT
//!      clients, and meanwhile times requests from other clients on both protocols.
//!
//! Usage: soak [THINGS JOBS WORKERS BIG SLOW IDLE] (defaults 10000 10 100 40000 1024 500).
//! Prints one line per number; exits non-zero when anything was lost, duplicated or refused.

#[path = "../tests/soak_support/mod.rs"]
mod soak_support;

use serde_json::{json, Value};
use soak_support::{drive_fleet, percentile, Requester};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ARN: &str = "arn:aws:iot:us-east-1:123456789012";

struct Emulator {
    child: Child,
    mqtt: SocketAddr,
    http: SocketAddr,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(seed: &std::path::Path) -> Emulator {
    let bin = std::env::var_os("JOBS_EMULATOR").map_or_else(
        || {
            let exe = std::env::current_exe().unwrap();
            exe.parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("jobs-emulator")
        },
        Into::into,
    );
    let mut child = Command::new(&bin)
        .args([
            "serve",
            "--mqtt",
            "127.0.0.1:0",
            "--http",
            "127.0.0.1:0",
            "--seed",
        ])
        .arg(seed)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut addr = |name: &str| -> SocketAddr {
        let line = lines.next().unwrap().unwrap();
        line.strip_prefix(&format!("{name} "))
            .unwrap()
            .parse()
            .unwrap()
    };
    let (mqtt, http) = (addr("mqtt"), addr("http"));
    Emulator { child, mqtt, http }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// One HTTP/1.1 request; the status code.
fn http(addr: SocketAddr, method: &str, path: &str, body: Option<&Value>) -> u16 {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(30)));
    let body = body.map(Value::to_string).unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if s.write_all(head.as_bytes())
        .and_then(|_| s.write_all(body.as_bytes()))
        .is_err()
    {
        return 0;
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// p50 / p99 (µs) of `n` MQTT `get` round trips and `n` HTTP DescribeJob calls.
fn probe(emu: &Emulator, n: usize, job: &str) -> (u64, u64, u64, u64, usize) {
    let dev = Requester::connect(
        emu.mqtt,
        &format!("probe-{}", Instant::now().elapsed().as_nanos()),
    )
    .unwrap();
    let (mut mqtt, mut http_us, mut failures) = (Vec::new(), Vec::new(), 0);
    for _ in 0..n {
        match dev.call("probe-thing", "get", json!({})) {
            Ok((true, _, us)) => mqtt.push(us),
            _ => failures += 1,
        }
        let t = Instant::now();
        if http(emu.http, "GET", &format!("/jobs/{job}"), None) == 200 {
            http_us.push(t.elapsed().as_micros() as u64);
        } else {
            failures += 1;
        }
    }
    (
        percentile(&mut mqtt, 50.0),
        percentile(&mut mqtt, 99.0),
        percentile(&mut http_us, 50.0),
        percentile(&mut http_us, 99.0),
        failures,
    )
}

/// Seconds to wait once the big job's notifications are out (`SOAK_SETTLE_S`, default 1).
fn settle_s() -> u64 {
    std::env::var("SOAK_SETTLE_S")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers"))
        .collect();
    let arg = |i: usize, d: usize| args.get(i).copied().unwrap_or(d);
    let (things, jobs, workers, big, slow, idle) = (
        arg(0, 10_000),
        arg(1, 10),
        arg(2, 100),
        arg(3, 40_000),
        arg(4, 1024),
        arg(5, 500),
    );
    println!("soak: {things} things x {jobs} jobs, {workers} device connections, {big}-thing job, {slow} slow HTTP + {idle} idle MQTT clients");
    println!("load before: {}", loadavg());
    let fleet: Vec<String> = (0..things).map(|i| format!("soak-{i}")).collect();
    let bigs: Vec<String> = (0..big).map(|i| format!("big-{i}")).collect();
    let big_names = bigs.clone();
    let mut all = fleet.clone();
    all.extend(bigs.iter().cloned());
    all.push("probe-thing".into());
    let seed = json!({
        "things": all,
        "groups": { "soak-fleet": fleet, "soak-big": bigs },
        "jobs": (0..jobs).map(|j| json!({ "jobId": format!("soak-job-{j}"),
            "targets": [format!("{ARN}:thinggroup/soak-fleet")], "document": { "step": j } }))
            .chain([json!({ "jobId": "probe-job", "targets": ["probe-thing"], "document": {} })])
            .collect::<Vec<_>>(),
    });
    let path = std::env::temp_dir().join(format!("soak-seed-{}.json", std::process::id()));
    std::fs::write(&path, seed.to_string()).unwrap();
    let t = Instant::now();
    let emu = start(&path);
    let _ = std::fs::remove_file(&path);
    println!(
        "started and seeded in {:.1?} (RSS {} KiB)",
        t.elapsed(),
        rss_kib(emu.child.id())
    );
    let mut bad = 0usize;

    // 1. Requests before and after one CreateJob with a `big`-thing target group: three
    // rounds each (the median round's p99 counts, against the noise of a shared machine);
    // after the CreateJob, the probe waits until the broker has delivered the new job's
    // notifications (80,000 messages for 40,000 things), then one more second.
    let rounds = |label: &str, bad: &mut usize| -> (u64, u64) {
        let mut p99s = Vec::new();
        let mut hp99s = Vec::new();
        for round in 1..=3 {
            let (m50, m99, h50, h99, f) = probe(&emu, 1000, "probe-job");
            println!("{label} round {round}: MQTT get p50 {m50} µs p99 {m99} µs; HTTP DescribeJob p50 {h50} µs p99 {h99} µs");
            *bad += f;
            p99s.push(m99);
            hp99s.push(h99);
        }
        (percentile(&mut p99s, 50.0), percentile(&mut hp99s, 50.0))
    };
    let (m99, h99) = rounds("before", &mut bad);
    println!("RSS before: {} KiB", rss_kib(emu.child.id()));
    // The service publishes the new job's notifications thing by thing, in name order: the
    // last thing's notify-next says the broker has delivered them all.
    let last = big_names.iter().max().cloned().unwrap_or_default();
    let watcher = Requester::connect(emu.mqtt, "soak-drain-watcher").unwrap();
    watcher.subscribe(&format!("$aws/things/{last}/jobs/notify-next"));
    let t = Instant::now();
    let create = json!({ "targets": [format!("{ARN}:thinggroup/soak-big")], "document": "{}" });
    let code = http(emu.http, "PUT", "/jobs/big-job", Some(&create));
    println!(
        "CreateJob with {big} targets: HTTP {code} in {:.1?}",
        t.elapsed()
    );
    bad += usize::from(code != 200);
    let (i50, i99, ih50, ih99, f) = probe(&emu, 200, "probe-job");
    println!("right after: MQTT get p50 {i50} µs p99 {i99} µs; HTTP DescribeJob p50 {ih50} µs p99 {ih99} µs");
    bad += f;
    let drained = watcher.wait_message(Duration::from_secs(120));
    println!(
        "the {} notifications of the new job delivered {:.1?} after the CreateJob{}",
        2 * big,
        t.elapsed(),
        if drained {
            ""
        } else {
            " (NOT seen: timed out)"
        }
    );
    bad += usize::from(!drained);
    std::thread::sleep(Duration::from_secs(settle_s()));
    let (a99, ah99) = rounds("after", &mut bad);
    println!("RSS after: {} KiB", rss_kib(emu.child.id()));
    println!(
        "median p99 after / before: MQTT {a99} / {m99} µs = {:.2}x, HTTP {ah99} / {h99} µs = {:.2}x",
        a99 as f64 / m99.max(1) as f64,
        ah99 as f64 / h99.max(1) as f64
    );

    // 2. The fleet.
    let r = drive_fleet(emu.mqtt, &fleet, workers, "soak");
    let mut lat = r.latencies_us;
    let expected = things * jobs;
    println!(
        "fleet: {} of {expected} executions SUCCEEDED, {} lost, {} duplicated, {} errors, {} requests in {:.1?} ({:.0}/s), p50 {} µs p99 {} µs",
        r.completed,
        expected - r.completed.min(expected),
        r.duplicates,
        r.errors.len(),
        lat.len(),
        r.elapsed,
        lat.len() as f64 / r.elapsed.as_secs_f64(),
        percentile(&mut lat, 50.0),
        percentile(&mut lat, 99.0)
    );
    for e in r.errors.iter().take(5) {
        println!("  error: {e}");
    }
    bad += r.duplicates + r.errors.len() + (expected - r.completed.min(expected));
    // The control plane's counts agree?
    for j in 0..jobs {
        let reply = http(emu.http, "GET", &format!("/jobs/soak-job-{j}"), None);
        bad += usize::from(reply != 200);
    }
    println!("load after the fleet: {}", loadavg());

    // 3. Slow HTTP clients and idle MQTT clients, while others are served.
    let slow_conns: Vec<TcpStream> = (0..slow)
        .filter_map(|_| {
            let mut s = TcpStream::connect(emu.http).ok()?;
            s.write_all(b"GET /jobs HTTP/1.1\r\nHost: x\r\n").ok()?;
            Some(s)
        })
        .collect();
    let idle_clients: Vec<Requester> = (0..idle)
        .filter_map(|i| Requester::connect(emu.mqtt, &format!("idle-{i}")).ok())
        .collect();
    println!(
        "holding {} slow HTTP connections and {} idle MQTT clients",
        slow_conns.len(),
        idle_clients.len()
    );
    let (s50, s99, sh50, sh99, f) = probe(&emu, 200, "probe-job");
    println!("meanwhile: MQTT get p50 {s50} µs p99 {s99} µs; HTTP DescribeJob p50 {sh50} µs p99 {sh99} µs; {f} failed of 400");
    bad += f + usize::from(slow_conns.len() != slow) + usize::from(idle_clients.len() != idle);
    println!(
        "RSS with them: {} KiB; load: {}",
        rss_kib(emu.child.id()),
        loadavg()
    );
    drop(idle_clients);
    drop(slow_conns);
    if bad > 0 {
        println!("soak: FAILED ({bad} problems)");
        std::process::exit(1);
    }
    println!("soak: ok");
}
