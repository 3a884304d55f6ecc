//! `--data DIR` end to end with the real binary: jobs created and executions
//! moved over HTTP are still there, unchanged, after the emulator is killed
//! (SIGKILL, no clean shutdown) and started again on the same directory; and
//! the binary prints the `http` and `data-http` addresses it bound.

mod http_common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use http_common::{send, send_json};
use serde_json::json;

/// A running emulator binary and the addresses it printed.
struct Binary {
    child: Child,
    http: SocketAddr,
    data_http: SocketAddr,
}

impl Binary {
    fn start(data_dir: &Path) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_jobs-emulator"))
            .args(["serve", "--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            .args(["--data-http", "127.0.0.1:0", "--data"])
            .arg(data_dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start jobs-emulator");
        let stdout = child.stdout.take().unwrap();
        let (mut http, mut data_http) = (None, None);
        for line in BufReader::new(stdout).lines() {
            let line = line.unwrap();
            match line.split_once(' ') {
                Some(("http", a)) => http = Some(a.parse().unwrap()),
                Some(("data-http", a)) => data_http = Some(a.parse().unwrap()),
                _ => {}
            }
            if http.is_some() && data_http.is_some() {
                break;
            }
        }
        Binary {
            child,
            http: http.expect("an `http ADDR` line"),
            data_http: data_http.expect("a `data-http ADDR` line"),
        }
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn jobs_and_executions_survive_a_killed_emulator() {
    let dir = std::env::temp_dir().join(format!("emu-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let before = {
        let emulator = Binary::start(&dir);
        for job in ["keep", "done"] {
            let body = json!({
                "targets": ["arn:aws:iot:us-east-1:123456789012:thing/dev1"],
                "document": "{\"v\":2}",
                "description": format!("{job} job"),
            });
            let reply = send_json(emulator.http, "PUT", &format!("/jobs/{job}"), &body);
            assert_eq!(reply.status, 200, "{}", reply.text);
        }
        let started = send(emulator.data_http, "PUT", "/things/dev1/jobs/$next", None);
        assert_eq!(started.json["execution"]["jobId"], "keep");
        let body = json!({ "status": "SUCCEEDED", "statusDetails": { "r": "ok" } });
        let done = send_json(emulator.data_http, "POST", "/things/dev1/jobs/keep", &body);
        assert_eq!(done.status, 200, "{}", done.text);
        send(emulator.http, "GET", "/things/dev1/jobs", None).json
    };

    let emulator = Binary::start(&dir);
    let after = send(emulator.http, "GET", "/things/dev1/jobs", None).json;
    assert_eq!(after, before);
    let keep = send(emulator.http, "GET", "/things/dev1/jobs/keep", None);
    assert_eq!(keep.json["execution"]["status"], "SUCCEEDED");
    assert_eq!(
        keep.json["execution"]["statusDetails"]["detailsMap"]["r"],
        "ok"
    );
    let job = send(emulator.http, "GET", "/jobs/done", None);
    assert_eq!(job.json["job"]["description"], "done job");
    let next = send(emulator.data_http, "GET", "/things/dev1/jobs/$next", None);
    assert_eq!(next.json["execution"]["jobId"], "done");
    assert_eq!(next.json["execution"]["jobDocument"], "{\"v\":2}");
    drop(emulator);
    std::fs::remove_dir_all(&dir).unwrap();
}
