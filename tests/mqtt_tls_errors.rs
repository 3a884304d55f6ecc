//! TLS setup mistakes are named: a missing or unreadable root CA, client certificate or key, a
//! file of the wrong kind, and a key that does not belong to the certificate each fail the
//! connect as a network error (the code a failed handshake gets, as in v4) and write one line
//! at error level, the default, that names the file and the reason. The log goes to the file
//! `AWSIOTJOBS_LOG_FILE` names, set before the first line of this test binary.

mod mqtt_support;

use awsiotjobs::core::router::Router;
use awsiotjobs::transport::paho::{ConnectError, LinkEvents, PahoTransport, Settings, TlsSettings};
use mqtt_support::*;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

/// The log file of this binary, named in the environment before anything is logged.
fn log_file() -> &'static PathBuf {
    static FILE: OnceLock<PathBuf> = OnceLock::new();
    FILE.get_or_init(|| {
        let path =
            std::env::temp_dir().join(format!("awsiotjobs-tls-errors-{}.log", std::process::id()));
        let _ = std::fs::remove_file(&path);
        std::env::set_var("AWSIOTJOBS_LOG_FILE", &path);
        path
    })
}

fn certs() -> &'static Certs {
    static CERTS: OnceLock<Certs> = OnceLock::new();
    CERTS.get_or_init(Certs::new)
}

/// Connects with `tls` (to a port nothing listens on: the files are read first) and returns
/// the error and the log lines that name `file`.
fn refused(tls: TlsSettings, file: &Path) -> (String, Vec<String>) {
    log_file();
    let mut settings = Settings::new("localhost", free_port(), "tls-errors");
    settings.tls = Some(tls);
    let result = PahoTransport::connect(&settings, Router::new(), Arc::new(NoEvents), BOUND);
    let why = match result {
        Err(ConnectError::Network(why)) => why,
        other => panic!("expected a network error, got {:?}", other.err()),
    };
    let log = std::fs::read_to_string(log_file()).unwrap_or_default();
    let lines = log
        .lines()
        .filter(|l| l.contains(&*file.to_string_lossy()))
        .map(str::to_owned)
        .collect();
    (why, lines)
}

fn mutual(ca: PathBuf, cert: PathBuf, key: PathBuf) -> TlsSettings {
    TlsSettings {
        root_ca: Some(ca),
        client_cert: Some(cert),
        private_key: Some(key),
        ..TlsSettings::default()
    }
}

/// A scratch file holding `text`.
fn scratch(name: &str, text: &str) -> PathBuf {
    let path = certs().path(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn assert_named(file: &Path, reason: &str, (why, lines): (String, Vec<String>)) {
    assert!(why.contains(reason), "{why:?} does not say {reason:?}");
    assert_eq!(lines.len(), 1, "one log line naming {file:?}: {lines:?}");
    assert!(lines[0].starts_with("[awsiotjobs][ERROR] "), "{}", lines[0]);
    assert!(lines[0].contains(reason), "{}", lines[0]);
}

#[test]
fn a_missing_root_ca_is_named() {
    let c = certs();
    let missing = c.path("no-such-ca.crt");
    let tls = mutual(missing.clone(), c.path("client.crt"), c.path("client.key"));
    assert_named(&missing, "cannot read the root CA", refused(tls, &missing));
}

#[test]
fn a_root_ca_that_is_not_a_certificate_is_named() {
    let c = certs();
    let garbage = scratch("garbage-ca.crt", "not a certificate\n");
    let tls = mutual(garbage.clone(), c.path("client.crt"), c.path("client.key"));
    assert_named(&garbage, "holds no PEM certificate", refused(tls, &garbage));
}

#[test]
fn a_missing_client_certificate_is_named() {
    let c = certs();
    let missing = c.path("no-such-client.crt");
    let tls = mutual(c.path("ca.crt"), missing.clone(), c.path("client.key"));
    assert_named(
        &missing,
        "cannot read the client certificate",
        refused(tls, &missing),
    );
}

#[test]
fn a_private_key_that_is_not_a_key_is_named() {
    let c = certs();
    // A certificate where the key should be.
    let wrong_kind = c.path("ca.crt");
    let tls = mutual(c.path("ca.crt"), c.path("client.crt"), wrong_kind.clone());
    let (why, _) = refused(tls, &wrong_kind);
    assert!(
        why.contains("is not an unencrypted PEM private key"),
        "{why}"
    );
}

#[test]
fn a_key_of_another_certificate_is_named() {
    let c = certs();
    let other_key = c.path("server.key");
    let tls = mutual(c.path("ca.crt"), c.path("client.crt"), other_key.clone());
    assert_named(
        &other_key,
        "does not belong to the client certificate",
        refused(tls, &other_key),
    );
}

#[test]
fn good_files_pass_the_check() {
    let c = certs();
    let tls = mutual(c.path("ca.crt"), c.path("client.crt"), c.path("client.key"));
    assert_eq!(awsiotjobs::transport::paho::tls_files::check(&tls), Ok(()));
}
