//! The `jobs-emulator` binary: spawned on port 0 with a seed file, it prints its address,
//! serves MQTT, and exits cleanly on SIGTERM and SIGINT; and attached to an external
//! mosquitto broker with `--broker`, where a notification made while its link to the broker
//! is down still reaches the broker once the link is back.

#[allow(dead_code)]
#[path = "http_common/http_client.rs"]
mod http_client;
mod mqtt_support;
#[path = "../../tests/mqtt_support/ports.rs"]
mod ports;

use mqtt_support::{Device, Watcher, WAIT};
use ports::free_port;
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

/// A spawned process, killed on drop.
struct Proc {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Proc {
    fn spawn(cmd: &mut Command) -> Proc {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let out = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Proc { child, lines }
    }

    /// The value of the first printed line that starts with `name `.
    fn printed(&self, name: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("address printed in time");
            let line = self.lines.recv_timeout(left).expect("address line");
            if let Some(v) = line.strip_prefix(&format!("{name} ")) {
                return v.to_string();
            }
        }
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(ok.success());
    }

    /// Waits (bounded) for the exit status.
    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "process did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jobs-emu-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn seed_file(dir: &Path, thing: &str) -> PathBuf {
    let seed = json!({ "things": [thing], "jobs": [
        { "jobId": "first", "targets": [thing], "document": { "op": "one" } },
        { "jobId": "second", "targets": [format!("arn:aws:iot:us-east-1:123456789012:thing/{thing}")],
          "document": { "op": "two" }, "inProgressTimeoutInMinutes": 5 }
    ]});
    let path = dir.join("seed.json");
    std::fs::write(&path, seed.to_string()).unwrap();
    path
}

fn emulator() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jobs-emulator"))
}

/// Runs the seeded scenario through a device: start the first job, finish it, and see the
/// second become the head.
fn run_scenario(uri: &str, thing: &str, subscribe: bool) {
    let dev = Device::on(uri, thing, subscribe);
    let w = Watcher::on(uri, thing);
    let r = dev.call("start-next", json!({ "clientToken": "go" }));
    assert_eq!(r.ok()["execution"]["jobId"], "first");
    assert_eq!(r.ok()["execution"]["jobDocument"], json!({ "op": "one" }));
    assert_eq!(
        dev.update("first", "SUCCEEDED").ok().get("executionState"),
        None
    );
    // Starting `first` published a notify listing it IN_PROGRESS (if the watcher was already
    // subscribed); finishing it publishes one with `second` alone.
    let (mut kind, mut p) = w.next();
    if p["jobs"]["IN_PROGRESS"].is_array() {
        (kind, p) = w.next();
    }
    assert_eq!(
        (kind.as_str(), &p["jobs"]["QUEUED"][0]["jobId"]),
        ("notify", &json!("second"))
    );
    let (kind, p) = w.next();
    assert_eq!(
        (kind.as_str(), &p["execution"]["jobId"]),
        ("notify-next", &json!("second"))
    );
    assert_eq!(dev.call_raw("get", b"{oops".to_vec()).code(), "InvalidJson");
}

#[test]
fn serves_on_a_free_port_and_exits_on_sigterm() {
    let dir = temp_dir("term");
    let mut p = Proc::spawn(
        emulator()
            .args(["serve", "--mqtt", "127.0.0.1:0", "--seed"])
            .arg(seed_file(&dir, "bin-t1")),
    );
    let addr = p.printed("mqtt");
    assert!(!addr.ends_with(":0"), "{addr}");
    run_scenario(&format!("tcp://{addr}"), "bin-t1", false);
    p.signal("TERM");
    assert!(p.wait_exit().success());
}

#[test]
fn exits_on_sigint() {
    let mut p = Proc::spawn(emulator().args(["serve", "--mqtt", "127.0.0.1:0"]));
    let addr = p.printed("mqtt");
    TcpStream::connect(&addr).expect("listening");
    p.signal("INT");
    assert!(p.wait_exit().success());
}

#[test]
fn rejects_bad_arguments() {
    let status = emulator()
        .args(["serve", "--nope", "1"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let status = emulator()
        .args(["serve", "--broker", "http://x:1"])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
}

fn wait_listening(port: u16) {
    let deadline = Instant::now() + WAIT;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "mosquitto did not start on {port}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A plain mosquitto on a free loopback port, killed on drop, and its port.
fn mosquitto(dir: &Path) -> (Proc, u16) {
    let port = free_port();
    let conf = dir.join("mosquitto.conf");
    std::fs::write(
        &conf,
        format!("listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n"),
    )
    .unwrap();
    let broker = Proc::spawn(Command::new("mosquitto").arg("-c").arg(&conf));
    wait_listening(port);
    (broker, port)
}

#[test]
fn attaches_to_an_external_mosquitto() {
    let dir = temp_dir("mosq");
    let (_broker, port) = mosquitto(&dir);
    let uri = format!("mqtt://127.0.0.1:{port}");
    let p = Proc::spawn(
        emulator()
            .args(["serve", "--broker", &uri, "--seed"])
            .arg(seed_file(&dir, "ext-t1")),
    );
    assert_eq!(p.printed("broker"), uri);
    // On a generic broker the device must subscribe to its replies.
    run_scenario(&format!("tcp://127.0.0.1:{port}"), "ext-t1", true);
}

/// A TCP proxy on a free loopback port in front of `upstream`. While cut, it has dropped every
/// connection it carried and closes each new one at once; restored, it forwards again.
struct Proxy {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (c, o) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for down in listener.incoming().map_while(Result::ok) {
                if c.load(Ordering::SeqCst) {
                    let _ = down.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(up) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let mut open = o.lock().unwrap();
                open.push(down.try_clone().unwrap());
                open.push(up.try_clone().unwrap());
                for (mut from, mut to) in [
                    (down.try_clone().unwrap(), up.try_clone().unwrap()),
                    (up.try_clone().unwrap(), down.try_clone().unwrap()),
                ] {
                    std::thread::spawn(move || {
                        let _ = std::io::copy(&mut from, &mut to);
                        let _ = from.shutdown(Shutdown::Both);
                        let _ = to.shutdown(Shutdown::Both);
                    });
                }
            }
        });
        Proxy { port, cut, open }
    }

    /// Drops every current connection; new ones are closed at once until [`Proxy::restore`].
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// A notification made while the emulator's link to the broker is down is sent once the link
/// is back (AWS IoT does not lose it because of its own link): the emulator reaches mosquitto
/// through a proxy that is cut while a job is created, and an observer on mosquitto itself
/// sees the job's notify-next after the proxy is restored.
#[test]
fn notification_made_while_the_broker_link_is_down_arrives_after_it() {
    let dir = temp_dir("link");
    let (_broker, port) = mosquitto(&dir);
    let proxy = Proxy::start(port);
    let uri = format!("mqtt://127.0.0.1:{}", proxy.port);
    let p = Proc::spawn(emulator().args(["serve", "--broker", &uri, "--http", "127.0.0.1:0"]));
    assert_eq!(p.printed("broker"), uri);
    let http: std::net::SocketAddr = p.printed("http").parse().unwrap();
    let thing = "link-t1";
    let w = Watcher::on(&format!("tcp://127.0.0.1:{port}"), thing);

    proxy.cut();
    // Let the emulator's client see the link drop and start its reconnect back-off.
    std::thread::sleep(Duration::from_secs(1));
    let target = format!("arn:aws:iot:us-east-1:123456789012:thing/{thing}");
    let body = json!({ "targets": [target], "document": "{\"op\":\"cut\"}" });
    let reply = http_client::send_json(http, "PUT", "/jobs/while-cut", &body);
    assert_eq!(reply.status, 200, "create: {}", reply.text);
    std::thread::sleep(Duration::from_secs(1));
    proxy.restore();

    // Longer than the 5 s top of the reconnect back-off.
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut seen = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Some((kind, p)) = w.next_within(left) else {
            break;
        };
        if kind == "notify-next" && p["execution"]["jobId"] == "while-cut" {
            return;
        }
        seen.push((kind, p));
    }
    panic!("no notify-next for the job created while the link was down; saw {seen:?}");
}

/// Runs `openssl` with `args` in `dir`.
fn openssl(dir: &Path, args: &[&str]) {
    let status = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "openssl {args:?}");
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, all PEM, in `dir`.
fn make_certificates(dir: &Path) {
    let ca_subj = "/CN=jobs-emulator-test-ca";
    openssl(
        dir,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
            "-days", "2", "-subj", ca_subj,
        ],
    );
    for name in ["server", "client"] {
        let (key, csr, pem) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.pem"),
        );
        let subj = format!(
            "/CN={}",
            if name == "server" {
                "127.0.0.1"
            } else {
                "emulator"
            }
        );
        openssl(
            dir,
            &[
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj",
                &subj,
            ],
        );
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &pem,
                "-days",
                "2",
            ],
        );
        // mosquitto started as root drops to its own user, which must read the server key.
        let mode = std::os::unix::fs::PermissionsExt::from_mode(0o644);
        std::fs::set_permissions(dir.join(&key), mode).unwrap();
    }
}

#[test]
fn attaches_to_mosquitto_over_mutual_tls() {
    let dir = temp_dir("mtls");
    make_certificates(&dir);
    let (plain, tls) = (free_port(), free_port());
    let conf = dir.join("mosquitto.conf");
    let d = dir.display();
    std::fs::write(
        &conf,
        format!(
            "per_listener_settings true\nlistener {plain} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n\
             listener {tls} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\nrequire_certificate true\n\
             cafile {d}/ca.pem\ncertfile {d}/server.pem\nkeyfile {d}/server.key\n"
        ),
    )
    .unwrap();
    let _broker = Proc::spawn(Command::new("mosquitto").arg("-c").arg(&conf));
    wait_listening(plain);
    wait_listening(tls);
    let uri = format!("mqtts://127.0.0.1:{tls}");
    let p = Proc::spawn(
        emulator()
            .args(["serve", "--broker", &uri, "--ca"])
            .arg(dir.join("ca.pem"))
            .arg("--cert")
            .arg(dir.join("client.pem"))
            .arg("--key")
            .arg(dir.join("client.key"))
            .arg("--seed")
            .arg(seed_file(&dir, "tls-t1")),
    );
    assert_eq!(p.printed("broker"), uri);
    // The device talks to the same broker through its plain listener.
    run_scenario(&format!("tcp://127.0.0.1:{plain}"), "tls-t1", true);
}
