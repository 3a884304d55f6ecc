//! Shared rig of the MQTT tests: a mosquitto broker on a free port (plain or mutual TLS, with a
//! CA, server and client certificates made by the openssl CLI for the test), which a test may
//! kill and restart, and a Jobs responder: a second Paho client that answers requests with the
//! canned replies of `awsiotjobs_testkit::responder` (no job model; a test that needs the Jobs
//! service attaches the jobs-emulator to its mosquitto instead, `Emu::attached`).
#![allow(dead_code)]

mod ports;
pub mod tap;

pub use ports::free_port;

use awsiotjobs_testkit::responder::{CannedJobs, Responder};
use paho_mqtt as paho;
use parking_lot::Mutex;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a test waits for something that should happen promptly.
pub const BOUND: Duration = Duration::from_secs(15);

/// Polls `cond` until it holds or [`BOUND`] passes; returns whether it held.
pub fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + BOUND;
    while Instant::now() < end {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    cond()
}

static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

/// A fresh scratch folder, removed on drop.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(what: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!(
            "awsiotjobs-{what}-{}-{}",
            std::process::id(),
            NEXT_DIR.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create a scratch folder");
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Certificates for the TLS tests, all EC P-256: `ca` signs `server` (localhost) and `client`;
/// `other-ca` signs `other-server` (localhost); `wrong-host` is signed by `ca` for another name.
pub struct Certs {
    pub dir: Scratch,
}

impl Certs {
    pub fn new() -> Certs {
        let dir = Scratch::new("certs");
        let d = &dir.0;
        let ec = [
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
        ];
        for ca in ["ca", "other-ca"] {
            let (key, crt, subj) = (
                format!("{ca}.key"),
                format!("{ca}.crt"),
                format!("/CN={ca}"),
            );
            let mut args = vec!["req", "-x509", "-days", "2", "-subj", &subj];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &crt]);
            openssl(d, &args);
        }
        let leaves = [
            ("server", "ca", "localhost", true),
            ("client", "ca", "test-client", false),
            ("other-server", "other-ca", "localhost", true),
            ("wrong-host", "ca", "elsewhere.example", true),
        ];
        for (name, ca, cn, server) in leaves {
            let (key, csr, crt) = (
                format!("{name}.key"),
                format!("{name}.csr"),
                format!("{name}.crt"),
            );
            let subj = format!("/CN={cn}");
            let mut args = vec!["req", "-new", "-subj", &subj];
            args.extend(ec);
            args.extend(["-keyout", &key, "-out", &csr]);
            openssl(d, &args);
            let ext = format!("{name}.ext");
            let san = if server {
                format!("subjectAltName=DNS:{cn}\nextendedKeyUsage=serverAuth\n")
            } else {
                "extendedKeyUsage=clientAuth\n".to_string()
            };
            std::fs::write(d.join(&ext), san).unwrap();
            let (ca_crt, ca_key) = (format!("{ca}.crt"), format!("{ca}.key"));
            openssl(
                d,
                &[
                    "x509",
                    "-req",
                    "-in",
                    &csr,
                    "-CA",
                    &ca_crt,
                    "-CAkey",
                    &ca_key,
                    "-CAcreateserial",
                    "-days",
                    "2",
                    "-extfile",
                    &ext,
                    "-out",
                    &crt,
                ],
            );
        }
        Certs { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path(name)
    }
}

/// A mosquitto process, stopped on drop.
pub struct Broker {
    pub port: u16,
    dir: Scratch,
    config: PathBuf,
    child: Option<Child>,
}

impl Broker {
    /// Plain TCP.
    pub fn plain() -> Broker {
        Broker::with_config("")
    }

    /// Mutual TLS: `server_cert` (signed by `ca` unless a test wants otherwise) and a client
    /// certificate signed by `ca` required.
    pub fn tls(certs: &Certs, server_cert: &str) -> Broker {
        let p = |n: &str| certs.path(n).display().to_string();
        Broker::with_config(&format!(
            "cafile {}\ncertfile {}\nkeyfile {}\nrequire_certificate true\n",
            p("ca.crt"),
            p(&format!("{server_cert}.crt")),
            p(&format!("{server_cert}.key")),
        ))
    }

    fn with_config(extra: &str) -> Broker {
        let dir = Scratch::new("mosquitto");
        let port = free_port();
        let config = dir.path("mosquitto.conf");
        // As root mosquitto drops to its own user, who could not read the keys.
        let user = if std::env::var("USER").as_deref() == Ok("root")
            || Command::new("id")
                .arg("-u")
                .output()
                .map(|o| o.stdout == b"0\n")
                .unwrap_or(false)
        {
            "user root\n"
        } else {
            ""
        };
        std::fs::write(
            &config,
            format!(
                "{user}listener {port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\n\
                 persistence false\n{extra}"
            ),
        )
        .unwrap();
        let mut broker = Broker {
            port,
            dir,
            config,
            child: None,
        };
        broker.start();
        broker
    }

    /// Starts mosquitto (again) on the same port and waits until it accepts connections.
    pub fn start(&mut self) {
        assert!(self.child.is_none(), "already running");
        let log = std::fs::File::create(self.dir.path("mosquitto.log")).unwrap();
        let child = Command::new("mosquitto")
            .arg("-c")
            .arg(&self.config)
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start mosquitto (apt-get install mosquitto)");
        self.child = Some(child);
        let ready = eventually(|| TcpStream::connect(("127.0.0.1", self.port)).is_ok());
        assert!(ready, "mosquitto did not start: {}", self.log());
    }

    /// Kills mosquitto (SIGKILL: no goodbye to the clients) and waits for it to end.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path("mosquitto.log")).unwrap_or_default()
    }

    /// Freezes (`true`) or thaws the broker process with SIGSTOP / SIGCONT: its sockets stay
    /// open and nothing is answered, as a hung broker or a black-holed route.
    pub fn freeze(&self, frozen: bool) {
        if let Some(child) = &self.child {
            let signal = if frozen { "-STOP" } else { "-CONT" };
            let status = Command::new("kill")
                .args([signal, &child.id().to_string()])
                .status()
                .expect("run kill");
            assert!(status.success(), "kill {signal}");
        }
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        self.kill();
    }
}

/// The canned Jobs responder behind a Paho client of its own: subscribes to every Jobs request
/// topic and publishes its replies; a test publishes notifications itself. After a broker restart a test
/// reconnects it with [`JobsResponder::wait_connected`].
/// A plain Paho client (MQTT 3.1.1, no persistence) for `127.0.0.1:port`, not connected yet.
pub fn paho_client(port: u16, id: &str) -> paho::AsyncClient {
    paho::CreateOptionsBuilder::new_v3()
        .server_uri(format!("tcp://127.0.0.1:{port}"))
        .client_id(id)
        .persistence(None)
        .create_client()
        .unwrap()
}

pub struct JobsResponder {
    pub jobs: Arc<Mutex<CannedJobs>>,
    client: paho::AsyncClient,
}

const REQUEST_FILTERS: [&str; 2] = ["$aws/things/+/jobs/+", "$aws/things/+/jobs/+/+"];

impl JobsResponder {
    pub fn start(port: u16) -> JobsResponder {
        let jobs = Arc::new(Mutex::new(CannedJobs::new()));
        let client = paho_client(port, &format!("responder-{}", free_port()));
        let service = jobs.clone();
        client.set_message_callback(move |cli, message| {
            let Some(message) = message else { return };
            let topic = message.topic();
            if topic.ends_with("/accepted")
                || topic.ends_with("/rejected")
                || topic.contains("/notify")
            {
                return;
            }
            let out = service.lock().respond(topic, message.payload());
            for (topic, payload) in out {
                drop(cli.publish(paho::Message::new(topic, payload, 1)));
            }
        });
        let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client
            .connect(options)
            .wait_for(BOUND)
            .expect("responder connects");
        client
            .subscribe_many(&REQUEST_FILTERS, &[1, 1])
            .wait_for(BOUND)
            .expect("responder subscribes");
        JobsResponder { jobs, client }
    }

    /// Publishes the notify-next the service sends when `job_id` becomes the head of `thing`'s
    /// queue (`None`: the queue emptied).
    pub fn notify_next(&self, thing: &str, job_id: Option<&str>) {
        let mut note = serde_json::json!({ "timestamp": 1 });
        if let Some(job) = job_id {
            note["execution"] = serde_json::json!({ "jobId": job, "status": "QUEUED" });
        }
        let topic = format!("$aws/things/{thing}/jobs/notify-next");
        self.publish(&topic, note.to_string().as_bytes());
    }

    pub fn publish(&self, topic: &str, payload: &[u8]) {
        self.client
            .publish(paho::Message::new(topic, payload, 1))
            .wait_for(BOUND)
            .expect("responder publishes");
    }

    /// Connects the responder again (after a broker restart) and subscribes it.
    pub fn wait_connected(&self) {
        let reconnected = eventually(|| {
            self.client.is_connected()
                || self
                    .client
                    .reconnect()
                    .wait_for(Duration::from_secs(2))
                    .is_ok()
        });
        assert!(reconnected, "responder did not reconnect");
        self.client
            .subscribe_many(&REQUEST_FILTERS, &[1, 1])
            .wait_for(BOUND)
            .expect("responder subscribes again");
    }
}

/// paho-mqtt's connect tokens hold a clone of their client, and Paho C drops its reference to
/// a token on its own thread after completing it; were that the last clone, Paho would destroy
/// the client on its own thread with its global mutex held and deadlock (see
/// `awsiotjobs::transport::paho::reaper`). A reconnect of [`JobsResponder::wait_connected`] may
/// still be in Paho's hands when a test ends, so the last clone is dropped later, on a thread
/// of ours.
impl Drop for JobsResponder {
    fn drop(&mut self) {
        let _ = self
            .client
            .disconnect(None)
            .wait_for(Duration::from_secs(1));
        let client = self.client.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(2));
            drop(client);
        });
    }
}
