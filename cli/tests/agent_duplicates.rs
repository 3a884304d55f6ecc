//! `agent` survives duplicate notifications. A second MQTT client on the emulator's broker
//! keeps a copy of every notify-next the service sends the thing and publishes it again,
//! several times, to the agent: while the job it names runs, after that job ended (a stale
//! copy naming a finished execution), and while the next job runs. Each job must be run by
//! the handler exactly once (it appends its job ID to a file), end SUCCEEDED, and the agent
//! must go on taking the jobs that come after.

mod support;

use paho_mqtt as paho;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{ours, Emu};

const THING: &str = "dup-device";
const WAIT: Duration = Duration::from_secs(15);

/// The handler: notes its job ID, then waits until the test lets it end (a file `go-ID`).
fn handler(dir: &Path) -> String {
    format!(
        r#"echo "$AWS_IOT_JOB_ID" >> {runs}; while [ ! -e {dir}/go-$AWS_IOT_JOB_ID ]; do sleep 0.05; done; echo done"#,
        runs = dir.join("runs").display(),
        dir = dir.display()
    )
}

/// The client that watches notify-next and sends copies of it.
struct Duplicator {
    client: paho::Client,
    rx: paho::SyncReceiver<Option<paho::Message>>,
    topic: String,
}

impl Duplicator {
    fn connect(emu: &Emu) -> Duplicator {
        let create = paho::CreateOptionsBuilder::new()
            .server_uri(format!("tcp://{}", emu.mqtt))
            .client_id("dup-duplicator")
            .persistence(None)
            .finalize();
        let client = paho::Client::new(create).expect("a Paho client");
        let rx = client.start_consuming();
        let mut options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1);
        options.clean_session(true);
        client.connect(options.finalize()).expect("connects");
        let topic = format!("$aws/things/{THING}/jobs/notify-next");
        client.subscribe(&topic, 1).expect("subscribes");
        Duplicator { client, rx, topic }
    }

    /// The next notify-next the service sent naming `job_id` (copies we sent are skipped:
    /// they name jobs seen before).
    fn notification_of(&self, job_id: &str) -> String {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(Some(message)) = self.rx.recv_timeout(left) {
                let payload = message.payload_str().into_owned();
                let value: Value = serde_json::from_str(&payload).unwrap_or_default();
                if value["execution"]["jobId"] == job_id {
                    return payload;
                }
            }
        }
        panic!("no notify-next for {job_id}");
    }

    /// Publishes `payload` to the thing's notify-next topic `times` times, and sees the
    /// broker deliver every copy to the topic's subscribers (this client is one of them, as
    /// the agent is).
    fn send(&self, payload: &str, times: usize) {
        for _ in 0..times {
            let message = paho::Message::new(&self.topic, payload.as_bytes().to_vec(), 1);
            self.client.publish(message).expect("publishes");
        }
        let mut delivered = 0;
        let deadline = Instant::now() + WAIT;
        while delivered < times {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(Some(message)) if message.payload_str() == payload => delivered += 1,
                Ok(_) => {}
                Err(_) => panic!("{delivered} of {times} copies delivered"),
            }
        }
    }
}

/// Waits until `ready` holds, at most [`WAIT`].
fn until(what: &str, log: &Path, mut ready: impl FnMut() -> bool) {
    let deadline = Instant::now() + WAIT;
    while !ready() {
        let agent_log = std::fs::read_to_string(log).unwrap_or_default();
        assert!(
            Instant::now() < deadline,
            "{what}; the agent said:\n{agent_log}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn runs(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("runs"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// A child process killed when the test ends, and its scratch directory removed.
struct Reaped(std::process::Child, PathBuf);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.1);
    }
}

#[test]
fn agent_runs_each_job_once_whatever_notifications_repeat() {
    let emu = Emu::start(60_000);
    let dir = std::env::temp_dir().join(format!("awsiotjobs-cli-dup-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let log = dir.join("agent.log");
    let duplicator = Duplicator::connect(&emu);
    emu.create_job("dup-1", THING, json!({"n": 1}));
    let first = duplicator.notification_of("dup-1");

    let mut agent = ours(&emu, "dup-agent");
    agent
        .args([
            "agent",
            "--thing-name",
            THING,
            "--handler",
            &handler(&dir),
            "--step-timeout-in-minutes",
            "30",
            "--heartbeat-seconds",
            "0.2",
        ])
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let mut agent = Reaped(agent.spawn().unwrap(), dir.clone());
    let succeeded = |job: &str| emu.status(THING, job) == "SUCCEEDED";

    // While dup-1 runs: copies of its notification.
    until("dup-1 runs", &log, || runs(&dir) == ["dup-1"]);
    duplicator.send(&first, 5);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.join("go-dup-1"), "").unwrap();
    until("dup-1 succeeds", &log, || succeeded("dup-1"));

    // After it ended: stale copies naming the finished execution, then the next job, copied
    // while it runs and after it ended.
    duplicator.send(&first, 5);
    std::thread::sleep(Duration::from_millis(500));
    emu.create_job("dup-2", THING, json!({"n": 2}));
    let second = duplicator.notification_of("dup-2");
    until("dup-2 runs", &log, || runs(&dir).len() == 2);
    duplicator.send(&second, 5);
    duplicator.send(&first, 2);
    std::thread::sleep(Duration::from_millis(300));
    std::fs::write(dir.join("go-dup-2"), "").unwrap();
    until("dup-2 succeeds", &log, || succeeded("dup-2"));
    duplicator.send(&second, 5);
    std::thread::sleep(Duration::from_millis(500));

    // The agent keeps going.
    std::fs::write(dir.join("go-dup-3"), "").unwrap();
    emu.create_job("dup-3", THING, json!({"n": 3}));
    until("dup-3 succeeds", &log, || succeeded("dup-3"));
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        agent.0.try_wait().unwrap().is_none(),
        "the agent still runs"
    );
    let agent_log = std::fs::read_to_string(&log).unwrap_or_default();
    assert_eq!(runs(&dir), ["dup-1", "dup-2", "dup-3"], "{agent_log}");
    for job in ["dup-1", "dup-2", "dup-3"] {
        assert_eq!(
            agent_log
                .matches(&format!("[{job}] reported SUCCEEDED"))
                .count(),
            1,
            "{agent_log}"
        );
    }
}
