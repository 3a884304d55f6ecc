//! awsiotjobs-bench: the figures of BENCHMARKS.md, printed as markdown tables.
//!
//! ```text
//! awsiotjobs-bench [all|latency|throughput|floor-ratio|wan|inbound|flood|disconnect|memory|footprint|cpu]... [--quick]
//! awsiotjobs-bench footprint --lib-dir DIR --label NAME
//! ```
//!
//! Everything runs in one invocation against one emulator process (started from the same
//! target directory; `scripts/bench.sh` builds both), so ratios compare like with like.
//! `--quick` shrinks every count (a smoke run, not figures to record).

use awsiotjobs_bench::{
    alloc, capi, cpu, disconnect, emulator, flood, floor, footprint, inbound, latency, memory,
    mosquitto, report, wan,
};

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

const SECTIONS: &[&str] = &[
    "latency",
    "throughput",
    "floor-ratio",
    "wan",
    "inbound",
    "flood",
    "disconnect",
    "memory",
    "footprint",
    "cpu",
];

fn shell(cmd: &str) -> String {
    Command::new("sh")
        .args(["-c", cmd])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

fn machine_facts() {
    println!("## Machine\n");
    println!(
        "- command: `{}`",
        std::env::args().collect::<Vec<_>>().join(" ")
    );
    println!("- date: {}", shell("date -u '+%Y-%m-%d %H:%M UTC'"));
    println!(
        "- CPU: {} × {}",
        shell("nproc"),
        shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'")
    );
    println!("- kernel: {}", shell("uname -sr"));
    println!("- rustc: {}", shell("rustc --version"));
    println!(
        "- load average at start: {}",
        shell("cut -d' ' -f1-3 /proc/loadavg")
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("cpu-client") {
        let port = args[1].parse().expect("port");
        let ops = args[3].parse().expect("ops");
        cpu::client(port, &args[2], ops);
        return;
    }
    if args.first().map(String::as_str) == Some("flood-publish") {
        flood::publish(&args[1..]);
        return;
    }
    let quick = args.iter().any(|a| a == "--quick");
    let lib_dir = args
        .iter()
        .position(|a| a == "--lib-dir")
        .map(|i| PathBuf::from(&args[i + 1]));
    let label = args
        .iter()
        .position(|a| a == "--label")
        .map_or("release profile".to_string(), |i| args[i + 1].clone());
    let mut wanted: Vec<&str> = args
        .iter()
        .map(String::as_str)
        .filter(|a| SECTIONS.contains(a))
        .collect();
    if wanted.is_empty() || args.iter().any(|a| a == "all") {
        wanted = SECTIONS.to_vec();
    }
    let mut verdicts = Vec::new();
    if wanted == ["footprint"] {
        footprint::footprint(lib_dir, &label, &mut verdicts);
        report::summary(&verdicts);
        return;
    }
    machine_facts();
    capi::init();
    let emulator = emulator::Emulator::start(256);
    println!(
        "- emulator: pid {}, embedded broker on 127.0.0.1:{}",
        emulator.pid(),
        emulator.mqtt_port
    );
    // The same service behind mosquitto, which delivers only what a client subscribed to.
    let broker = mosquitto::Mosquitto::start();
    let attached = (emulator::Emulator::attached(256, broker.port), broker);
    let scale = |full: usize, small: usize| if quick { small } else { full };
    for section in wanted {
        match section {
            "latency" => latency::latency(
                emulator.mqtt_port,
                scale(5, 2),
                scale(1000, 100),
                &mut verdicts,
            ),
            "throughput" => latency::throughput(
                emulator.mqtt_port,
                emulator.pid(),
                Duration::from_millis(scale(2000, 300) as u64),
                &mut verdicts,
            ),
            "floor-ratio" => floor::floor_ratio(
                emulator.mqtt_port,
                emulator.pid(),
                scale(7, 1),
                Duration::from_millis(scale(3000, 300) as u64),
                &mut verdicts,
            ),
            "wan" => wan::wan(
                &[
                    ("emulator", emulator.mqtt_port),
                    ("mosquitto", attached.1.port),
                ],
                Duration::from_millis(20),
                scale(100, 10),
                &mut verdicts,
            ),
            "inbound" => inbound::inbound(
                &[
                    ("emulator", emulator.mqtt_port),
                    ("mosquitto", attached.1.port),
                ],
                scale(200, 20),
            ),
            "flood" => flood::flood(attached.1.port, scale(3000, 300), 100_000, &mut verdicts),
            "disconnect" => disconnect::disconnect(attached.1.port, scale(50, 5), &mut verdicts),
            "memory" => {
                memory::per_operation(scale(10_000, 1000), &mut verdicts);
                memory::million(scale(1_000_000, 20_000), &mut verdicts);
            }
            "footprint" => footprint::footprint(lib_dir.clone(), &label, &mut verdicts),
            "cpu" => cpu::cpu(
                emulator.mqtt_port,
                scale(200, 20),
                scale(1200, 120),
                &mut verdicts,
            ),
            _ => unreachable!(),
        }
    }
    println!(
        "- load average at end: {}",
        shell("cut -d' ' -f1-3 /proc/loadavg")
    );
    report::summary(&verdicts);
    capi::cleanup();
}
