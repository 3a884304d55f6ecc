//! Helpers of the identity and authorization tests: an emulator in `--authz thing` mode with
//! both listeners, MQTT clients that may fail to connect (plain or mutual TLS, with an exact
//! client ID), and device credentials written to files the way a device keeps them.
#![allow(dead_code)]

use jobs_emulator::app::Emulator;
use jobs_emulator::cli::{AuthzMode, Options};
use paho_mqtt as paho;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub const WAIT: Duration = Duration::from_secs(5);

/// An emulator with the plain and the mutual-TLS listener on free ports.
pub fn start(authz: AuthzMode) -> Emulator {
    let any = "127.0.0.1:0".parse().unwrap();
    Emulator::start(&Options {
        mqtt: any,
        mqtts: Some(any),
        http: Some(any),
        data_http: Some(any),
        authz,
        minute_ms: 200,
        ..Options::default()
    })
    .expect("emulator starts")
}

/// Files of one device: CA, certificate, private key.
pub struct Credentials {
    pub dir: PathBuf,
    pub certificate_id: String,
}

impl Credentials {
    /// Writes `cert` / `key` PEMs and the emulator CA to a fresh directory.
    pub fn write(emu: &Emulator, name: &str, id: &str, cert: &str, key: &str) -> Credentials {
        let dir = std::env::temp_dir().join(format!("authz-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca = std::fs::read_to_string(emu.ca_file.as_ref().unwrap().path()).unwrap();
        std::fs::write(dir.join("ca.pem"), ca).unwrap();
        std::fs::write(dir.join("cert.pem"), cert).unwrap();
        std::fs::write(dir.join("key.pem"), key).unwrap();
        Credentials {
            dir,
            certificate_id: id.to_string(),
        }
    }

    /// CreateKeysAndCertificate through the service, written to files.
    pub fn issue(emu: &Emulator, name: &str, active: bool) -> Credentials {
        let issued = emu.service.ca().unwrap().issue_device().unwrap();
        let cert = emu
            .service
            .register_certificate(&issued.der, &issued.certificate_pem, active);
        Self::write(
            emu,
            name,
            &cert.certificate_id,
            &issued.certificate_pem,
            &issued.private_key_pem,
        )
    }
}

impl Drop for Credentials {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A connected client and its message queue.
pub struct Conn {
    pub client: paho::Client,
    pub rx: paho::SyncReceiver<Option<paho::Message>>,
}

/// Connects with exactly `client_id`, over TLS when `tls` is given.
pub fn connect(emu: &Emulator, client_id: &str, tls: Option<&Credentials>) -> paho::Result<Conn> {
    let uri = match tls {
        None => format!("tcp://{}", emu.mqtt_addr.unwrap()),
        Some(_) => format!("ssl://{}", emu.mqtts_addr.unwrap()),
    };
    let create = paho::CreateOptionsBuilder::new()
        .server_uri(uri)
        .client_id(client_id)
        .persistence(None)
        .finalize();
    let mut client = paho::Client::new(create)?;
    client.set_timeout(WAIT);
    let rx = client.start_consuming();
    let mut opts = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1);
    opts.clean_session(true)
        .connect_timeout(WAIT)
        .keep_alive_interval(Duration::from_secs(30));
    if let Some(c) = tls {
        let ssl = paho::SslOptionsBuilder::new()
            .trust_store(c.dir.join("ca.pem"))?
            .key_store(c.dir.join("cert.pem"))?
            .private_key(c.dir.join("key.pem"))?
            .disable_default_trust_store(true)
            .finalize();
        opts.ssl_options(ssl);
    }
    match client.connect(opts.finalize()) {
        Ok(_) => Ok(Conn { client, rx }),
        Err(e) => {
            // The failed connect's token may still hold a clone on Paho's thread: never let
            // that thread drop the last one (see the Drop below).
            drop_later(client);
            Err(e)
        }
    }
}

impl Conn {
    /// Subscribes at QoS 1; true when the broker granted it.
    pub fn subscribe(&self, filter: &str) -> bool {
        match self.client.subscribe(filter, 1) {
            Ok(r) => r.subscribe_response().is_some_and(|q| (0..=2).contains(&q)),
            Err(_) => false,
        }
    }

    /// Publishes at QoS 1 (the outcome is not awaited beyond the client's timeout).
    pub fn publish(&self, topic: &str, payload: &str) -> paho::Result<()> {
        self.client
            .publish(paho::Message::new(topic, payload.as_bytes().to_vec(), 1))
    }

    /// True once the broker closed the connection, waiting at most [`WAIT`].
    pub fn dropped_by_broker(&self) -> bool {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if !self.client.is_connected() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    /// Messages received within `quiet`.
    pub fn drain(&self, quiet: Duration) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let deadline = Instant::now() + quiet;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(Some(m)) => out.push((m.topic().to_string(), m.payload_str().to_string())),
                Ok(None) => {}
                Err(_) => break,
            }
        }
        out
    }

    /// The next message on `topic`, waiting at most [`WAIT`].
    pub fn next_on(&self, topic: &str) -> Option<String> {
        let deadline = Instant::now() + WAIT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.rx.recv_timeout(left) {
                Ok(Some(m)) if m.topic() == topic => return Some(m.payload_str().to_string()),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    }
}

/// Paho destroys a client on its own thread if that thread drops the last clone, which
/// deadlocks every client of the process (see mqtt_support): the last clone goes on a thread
/// of ours, a moment later.
impl Drop for Conn {
    fn drop(&mut self) {
        drop_later(self.client.clone());
    }
}

fn drop_later(client: paho::Client) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(client);
    });
}
