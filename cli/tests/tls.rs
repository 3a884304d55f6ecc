//! Mutual TLS against the emulator's `--mqtts` listener, through the Rust API
//! (`Client::connect`) and through the command line. The emulator's CA issues the device
//! certificate, as CreateKeysAndCertificate does; a device with it connects (with or without
//! ALPN) and makes a call. Connections that cannot work fail with what failed: trusting
//! another CA fails the handshake on the device's side (the server's certificate), a
//! certificate another CA issued fails it on the broker's side, and a certificate of the
//! emulator's CA that was never registered is refused after it.

use awsiotjobs::client::{Client, ConnectFailure, ConnectOptions, Error, Tls, AWS_IOT_ALPN};
use jobs_emulator::app::Emulator;
use jobs_emulator::cli::Options;
use jobs_emulator::identity::ca::EmulatorCa;
use jobs_emulator::service::jobs::CreateJobRequest;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const THING: &str = "tls-device";

/// An emulator with both listeners, a job queued for [`THING`], and a scratch directory.
struct TlsEmu {
    emulator: Emulator,
    dir: PathBuf,
}

impl TlsEmu {
    fn start(name: &str) -> TlsEmu {
        let any = "127.0.0.1:0".parse().unwrap();
        let emulator = Emulator::start(&Options {
            mqtt: any,
            mqtts: Some(any),
            minute_ms: 60_000,
            ..Options::default()
        })
        .expect("the emulator starts");
        let job = CreateJobRequest::new("tls-job", &[THING], json!({"op": "tls"}));
        emulator.service.create_job(&job).expect("a job");
        let dir =
            std::env::temp_dir().join(format!("awsiotjobs-tls-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let ca = emulator.ca_file.as_ref().expect("the emulator CA").path();
        std::fs::copy(ca, dir.join("ca.pem")).unwrap();
        TlsEmu { emulator, dir }
    }

    fn port(&self) -> u16 {
        self.emulator.mqtts_addr.expect("the TLS listener").port()
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// A device certificate and key issued by `ca` (registered and ACTIVE when `register`),
    /// written as `NAME.pem` and `NAME.key`.
    fn device(&self, name: &str, ca: &EmulatorCa, register: bool) -> Tls {
        let issued = ca.issue_device().expect("a certificate");
        if register {
            self.emulator
                .service
                .register_certificate(&issued.der, &issued.certificate_pem, true);
        }
        std::fs::write(self.file(&format!("{name}.pem")), &issued.certificate_pem).unwrap();
        std::fs::write(self.file(&format!("{name}.key")), &issued.private_key_pem).unwrap();
        Tls {
            ca: Some(self.file("ca.pem")),
            cert: Some(self.file(&format!("{name}.pem"))),
            key: Some(self.file(&format!("{name}.key"))),
            alpn: Vec::new(),
        }
    }

    /// The emulator's own CA: what issues the certificates it accepts.
    fn own_ca(&self) -> std::sync::Arc<EmulatorCa> {
        self.emulator.service.ca().expect("the emulator CA")
    }

    fn options(&self, client_id: &str, tls: Tls) -> ConnectOptions {
        let mut options = ConnectOptions::new("localhost", self.port(), client_id).with_tls(tls);
        options.connect_timeout = Duration::from_secs(10);
        options
    }

    /// The CA of another issuer, written as `other-ca.pem`.
    fn other_ca(&self) -> (EmulatorCa, PathBuf) {
        let other = EmulatorCa::ephemeral().expect("another CA");
        let path = self.file("other-ca.pem");
        std::fs::write(&path, other.certificate_pem()).unwrap();
        (other, path)
    }
}

impl Drop for TlsEmu {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The reason of a failed connection.
fn connect_failure(result: Result<Client, Error>) -> ConnectFailure {
    match result {
        Ok(_) => panic!("connected"),
        Err(Error::Connect(why)) => why,
        Err(other) => panic!("not a connection failure: {other:?}"),
    }
}

#[test]
fn a_device_certificate_of_the_emulator_ca_connects_and_calls() {
    let emu = TlsEmu::start("ok");
    let tls = emu.device("device", &emu.own_ca(), true);
    let client = Client::connect(&emu.options("tls-api-ok", tls)).expect("connects over TLS");
    let pending = client.get_pending(THING).expect("a reply over TLS");
    assert_eq!(pending.queued_jobs[0].job_id, "tls-job");
}

#[test]
fn alpn_on_the_tls_port_still_connects() {
    let emu = TlsEmu::start("alpn");
    let mut tls = emu.device("device", &emu.own_ca(), true);
    tls.alpn = vec![AWS_IOT_ALPN.to_owned()];
    let client = Client::connect(&emu.options("tls-api-alpn", tls)).expect("connects with ALPN");
    let pending = client.get_pending(THING).expect("a reply over TLS");
    assert_eq!(pending.queued_jobs.len(), 1);
}

#[test]
fn trusting_another_ca_fails_the_handshake() {
    let emu = TlsEmu::start("wrong-ca");
    let mut tls = emu.device("device", &emu.own_ca(), true);
    let (_other, other_ca) = emu.other_ca();
    tls.ca = Some(other_ca);
    let why = connect_failure(Client::connect(&emu.options("tls-api-ca", tls)));
    let ConnectFailure::Handshake(detail) = &why else {
        panic!("not a handshake failure: {why:?}")
    };
    assert!(
        why.to_string().starts_with("TLS handshake failed: "),
        "{why}"
    );
    assert!(detail.contains("certificate"), "{why}");
    assert!(detail.contains("other-ca.pem"), "names the CA file: {why}");
}

#[test]
fn a_certificate_of_another_ca_is_turned_away() {
    let emu = TlsEmu::start("foreign");
    let (other, _) = emu.other_ca();
    let tls = emu.device("foreign", &other, false);
    let why = connect_failure(Client::connect(&emu.options("tls-api-foreign", tls)));
    let ConnectFailure::Handshake(detail) = &why else {
        panic!("not a handshake failure: {why:?}")
    };
    assert!(detail.contains("device certificate"), "{why}");
}

#[test]
fn an_unregistered_certificate_of_the_emulator_ca_is_refused() {
    let emu = TlsEmu::start("unregistered");
    let tls = emu.device("unregistered", &emu.own_ca(), false);
    let why = connect_failure(Client::connect(&emu.options("tls-api-unreg", tls)));
    let ConnectFailure::Handshake(detail) = &why else {
        panic!("not a handshake failure: {why:?}")
    };
    assert!(detail.contains("device certificate"), "{why}");
}

/// Our binary against `emu`'s TLS listener with the files of `tls`.
fn cli(emu: &TlsEmu, tls: &Tls, args: &[&str]) -> std::process::Output {
    let path = |p: &Option<PathBuf>| p.as_deref().map(Path::to_path_buf).unwrap();
    Command::new(env!("CARGO_BIN_EXE_awsiotjobs"))
        .env_remove("AWSIOTJOBS_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .args(["--endpoint", "localhost", "--port"])
        .arg(emu.port().to_string())
        .arg("--ca")
        .arg(path(&tls.ca))
        .arg("--cert")
        .arg(path(&tls.cert))
        .arg("--key")
        .arg(path(&tls.key))
        .args(["--client-id", "tls-cli"])
        .args(args)
        .output()
        .expect("the command runs")
}

#[test]
fn the_command_line_speaks_mutual_tls_and_says_when_the_handshake_fails() {
    let emu = TlsEmu::start("cli");
    let mut tls = emu.device("device", &emu.own_ca(), true);
    let ok = cli(
        &emu,
        &tls,
        &["get-pending-job-executions", "--thing-name", THING],
    );
    let stderr = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{stderr}");
    let reply: Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(reply["queuedJobs"][0]["jobId"], "tls-job");

    let (_other, other_ca) = emu.other_ca();
    tls.ca = Some(other_ca);
    let failed = cli(
        &emu,
        &tls,
        &["get-pending-job-executions", "--thing-name", THING],
    );
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(255), "{stderr}");
    assert!(failed.stdout.is_empty());
    let broker = format!("could not connect to localhost:{}: ", emu.port());
    assert!(stderr.contains(&broker), "{stderr}");
    assert!(stderr.contains("TLS handshake"), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
}
