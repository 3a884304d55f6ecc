//! `agent` runs a batch of jobs with a shell handler: one succeeds, one fails (its exit code
//! and last output lines land in the status details), one runs longer than its step timeout
//! and still succeeds because the agent renews the timeout while it runs. The emulator's
//! minute lasts one second here, so "longer than the step timeout" takes seconds. `watch`
//! prints notifications as JSON lines. The agent survives losing its connection mid-job. And
//! the exit codes scripts rely on, and the config file.

mod support;

use awsiotjobs::client::{Client, ConnectOptions};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use support::{ours, run, stderr, stdout, Emu};

const THING: &str = "agent-device";

/// The handler: prints the job ID, fails on a "fail" document, sleeps 4 s (4 emulated
/// minutes, past the 1-minute step timeout) on a "slow" one.
const HANDLER: &str = r#"doc=$(cat); echo "job $AWS_IOT_JOB_ID on $AWS_IOT_THING_NAME";
case "$doc" in *fail*) echo "broken: disk full" >&2; exit 3;; *slow*) sleep 4;; esac; echo done"#;

/// Status details as the control plane shows them (`detailsMap`), or as given.
fn details(execution: &Value) -> Value {
    let details = &execution["statusDetails"];
    details
        .get("detailsMap")
        .cloned()
        .unwrap_or_else(|| details.clone())
}

#[test]
fn agent_runs_a_batch_with_a_failure_and_a_job_outliving_its_step_timeout() {
    let emu = Emu::start(1_000);
    emu.create_job("ok-1", THING, json!({"action": "ok"}));
    emu.create_job("bad-1", THING, json!({"action": "fail"}));
    emu.create_job("slow-1", THING, json!({"action": "slow"}));
    let mut agent = ours(&emu, "agent-test");
    agent.args([
        "agent",
        "--thing-name",
        THING,
        "--handler",
        HANDLER,
        "--step-timeout-in-minutes",
        "1",
        "--heartbeat-seconds",
        "0.1",
        "--exit-when-idle",
    ]);
    let output = agent.output().unwrap();
    assert!(output.status.success(), "agent: {}", stderr(&output));

    let ok = emu.execution(THING, "ok-1");
    assert_eq!(ok["status"], "SUCCEEDED");
    assert_eq!(details(&ok)["exitCode"], "0");
    let out = details(&ok)["output"].as_str().unwrap().to_owned();
    assert!(out.contains("job ok-1 on agent-device"), "{out}");

    let bad = emu.execution(THING, "bad-1");
    assert_eq!(bad["status"], "FAILED");
    assert_eq!(details(&bad)["exitCode"], "3");
    let out = details(&bad)["output"].as_str().unwrap().to_owned();
    assert!(out.contains("broken: disk full"), "{out}");

    let slow = emu.execution(THING, "slow-1");
    assert_eq!(
        slow["status"], "SUCCEEDED",
        "kept alive past its step timeout: {slow}"
    );
    assert_eq!(details(&slow)["exitCode"], "0");
}

#[test]
fn watch_prints_notifications_as_json_lines() {
    let emu = Emu::start(60_000);
    let mut watch = ours(&emu, "watch-test");
    watch
        .args(["watch", "--thing-name", THING, "--count", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = Reaped(watch.spawn().unwrap());
    let mut ready = String::new();
    BufReader::new(child.0.stderr.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert!(ready.starts_with("watching"), "{ready}");
    emu.create_job("w-1", THING, json!({"w": 1}));
    let lines: Vec<Value> = BufReader::new(child.0.stdout.take().unwrap())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    assert!(child.0.wait().unwrap().success());
    let mut events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    events.sort();
    assert_eq!(events, ["notify", "notify-next"]);
    for line in &lines {
        assert_eq!(line["thingName"], THING);
    }
    let next = lines.iter().find(|l| l["event"] == "notify-next").unwrap();
    assert_eq!(next["message"]["execution"]["jobId"], "w-1");
    assert_eq!(next["message"]["execution"]["jobDocument"], json!({"w": 1}));
}

#[test]
fn exit_codes_and_messages_scripts_can_rely_on() {
    let emu = Emu::start(60_000);
    let missing = run(ours(&emu, "codes"), &["get-pending-job-executions"]);
    assert_eq!(missing.status.code(), Some(252), "{}", stderr(&missing));
    assert!(stderr(&missing).contains("--thing-name"));

    let bad_flag = run(
        ours(&emu, "codes"),
        &["get-pending-job-executions", "--nope"],
    );
    assert_eq!(bad_flag.status.code(), Some(252));

    let cert = run(
        ours(&emu, "codes"),
        &[
            "--cert",
            "/nonexistent/cert.pem",
            "--key",
            "/nonexistent/key.pem",
            "get-pending-job-executions",
            "--thing-name",
            THING,
        ],
    );
    assert_eq!(cert.status.code(), Some(253));
    assert!(
        stderr(&cert).contains("certificate file"),
        "{}",
        stderr(&cert)
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut refused = std::process::Command::new(env!("CARGO_BIN_EXE_awsiotjobs"));
    refused.env("XDG_CONFIG_HOME", "/nonexistent");
    let refused = run(
        refused,
        &[
            "--endpoint",
            "127.0.0.1",
            "--port",
            &closed.port().to_string(),
            "get-pending-job-executions",
            "--thing-name",
            THING,
        ],
    );
    assert_eq!(refused.status.code(), Some(255));
    assert!(
        stderr(&refused).contains("could not connect"),
        "{}",
        stderr(&refused)
    );
}

#[test]
fn the_config_file_and_environment_supply_the_connection() {
    let emu = Emu::start(60_000);
    emu.create_job("cfg-1", THING, json!({}));
    let dir = std::env::temp_dir().join(format!("awsiotjobs-cli-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config");
    std::fs::write(
        &file,
        format!(
            "# test\nendpoint = 127.0.0.1\nport = {}\nthing-name = {THING}\n",
            emu.mqtt.port()
        ),
    )
    .unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_awsiotjobs"));
    cmd.env("AWSIOTJOBS_CONFIG", &file)
        .env("AWSIOTJOBS_CLIENT_ID", "from-env");
    let output = run(cmd, &["get-pending-job-executions"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let reply: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(reply["queuedJobs"][0]["jobId"], "cfg-1");
}

/// A child process killed if the test ends without waiting for it.
struct Reaped(std::process::Child);

impl Drop for Reaped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn agent_survives_losing_its_connection_while_a_job_runs() {
    let emu = Emu::start(1_000);
    emu.create_job("long-1", THING, json!({"action": "long"}));
    emu.create_job("after-1", THING, json!({"action": "ok"}));
    // The handler says it runs (a line on the agent's stderr), then waits for the test to
    // have taken the agent's connection away (a file appears).
    let dir = std::env::temp_dir().join(format!("awsiotjobs-cli-link-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let go = dir.join("go");
    let handler = format!(
        "echo started; while [ ! -e {} ]; do sleep 0.05; done; echo finished",
        go.display()
    );
    let mut agent = ours(&emu, "agent-link");
    agent
        .args([
            "--cli-read-timeout",
            "2",
            "agent",
            "--thing-name",
            THING,
            "--handler",
            &handler,
            "--step-timeout-in-minutes",
            "30",
            "--heartbeat-seconds",
            "0.2",
            "--exit-when-idle",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = Reaped(agent.spawn().unwrap());
    let mut log = BufReader::new(child.0.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("[long-1] started") {
        line.clear();
        assert!(
            log.read_line(&mut line).unwrap() > 0,
            "the agent ended early"
        );
    }
    // A client with the agent's ID takes its session over: the broker drops the agent.
    let options = ConnectOptions::new("127.0.0.1", emu.mqtt.port(), "agent-link");
    drop(Client::connect(&options).expect("the intruder connects"));
    std::fs::write(&go, "").unwrap();
    let rest: Vec<String> = log.lines().map(Result::unwrap).collect();
    let status = child.0.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let rest = rest.join("\n");
    assert!(status.success(), "agent: {rest}");
    assert!(
        rest.contains("the link dropped"),
        "the connection was taken: {rest}"
    );
    assert_eq!(emu.status(THING, "long-1"), "SUCCEEDED", "{rest}");
    assert_eq!(emu.status(THING, "after-1"), "SUCCEEDED", "{rest}");
}
