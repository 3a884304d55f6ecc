//! The jobs-emulator as a separate process (so its CPU and memory never count as the client's):
//! its embedded broker on a free port, seeded with the things and jobs the benchmarks use.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// The thing names the benchmarks use: `bench-0` .. `bench-{n-1}`.
pub fn thing(i: usize) -> String {
    format!("bench-{i}")
}

/// The one job every bench thing has.
pub const JOB: &str = "bench-job";

/// A running emulator; killed on drop.
pub struct Emulator {
    child: Child,
    pub mqtt_port: u16,
    _seed: PathBuf,
}

/// Where the emulator binary is: `$JOBS_EMULATOR`, or next to this program (the same cargo
/// target directory and profile, as `scripts/bench.sh` builds it).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("JOBS_EMULATOR") {
        return PathBuf::from(path);
    }
    let exe = std::env::current_exe().expect("current exe");
    exe.with_file_name("jobs-emulator")
}

impl Emulator {
    /// Starts an emulator with `things` bench things, each with [`JOB`] queued, on its
    /// embedded broker.
    pub fn start(things: usize) -> Emulator {
        Emulator::launch(things, None)
    }

    /// The same service attached to the broker on `broker_port` (mosquitto) as a client;
    /// `mqtt_port` is then that broker's.
    pub fn attached(things: usize, broker_port: u16) -> Emulator {
        Emulator::launch(things, Some(broker_port))
    }

    fn launch(things: usize, broker: Option<u16>) -> Emulator {
        let names: Vec<String> = (0..things).map(thing).collect();
        let seed = serde_json::json!({
            "things": names,
            "jobs": [{ "jobId": JOB, "targets": names, "document": { "bench": true } }],
        });
        let path = std::env::temp_dir().join(format!(
            "awsiotjobs-bench-seed-{}-{}.json",
            std::process::id(),
            broker.unwrap_or(0)
        ));
        std::fs::write(&path, seed.to_string()).expect("write the seed file");
        let bin = binary();
        let mut command = Command::new(&bin);
        match broker {
            None => command.args(["serve", "--mqtt", "127.0.0.1:0"]),
            Some(port) => command.args(["serve", "--broker", &format!("mqtt://127.0.0.1:{port}")]),
        };
        let mut child = command
            .arg("--seed")
            .arg(&path)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "start {} ({e}): build it with `cargo build --release -p jobs-emulator`",
                    bin.display()
                )
            });
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the emulator's address");
        let port = line
            .trim()
            .strip_prefix("mqtt ")
            .or_else(|| line.trim().strip_prefix("broker "))
            .and_then(|a| a.rsplit(':').next())
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the emulator: {line:?}"));
        Emulator {
            child,
            mqtt_port: port,
            _seed: path,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self._seed);
    }
}
