//! The `--mqtts` listener and the certificate life cycle, driven as a device team would:
//! CreateKeysAndCertificate over the control plane (PEMs written to files), AttachThingPrincipal,
//! a Paho client with the emulator CA, the certificate and the key. Only a registered, ACTIVE
//! certificate of the emulator CA gets in; in `thing` mode only as a thing it is attached to;
//! INACTIVE or REVOKED certificates, foreign certificates and detached things are refused.

mod authz_support;
mod http_common;

use authz_support::{connect, start, Credentials};
use http_common::{assert_error, send};
use jobs_emulator::app::Emulator;
use jobs_emulator::cli::AuthzMode;
use jobs_emulator::identity::ca::EmulatorCa;
use jobs_emulator::service::identity::{certificate_id, CertStatus};

/// CreateKeysAndCertificate over HTTP; the credentials as files.
fn create_keys(emu: &Emulator, name: &str) -> Credentials {
    let http = emu.http_addr.unwrap();
    let reply = send(http, "POST", "/keys-and-certificate?setAsActive=true", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    let j = &reply.json;
    let pem = j["certificatePem"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let key = j["keyPair"]["PrivateKey"].as_str().unwrap();
    assert!(key.contains("PRIVATE KEY-----"));
    assert!(j["keyPair"]["PublicKey"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN PUBLIC KEY-----"));
    let id = j["certificateId"].as_str().unwrap();
    // The ID is the SHA-256 of the DER, as the service computes it.
    let der = rustls::pki_types::pem::PemObject::from_pem_slice(pem.as_bytes())
        .map(|d: rustls::pki_types::CertificateDer| d.to_vec())
        .unwrap();
    assert_eq!(certificate_id(&der), id);
    assert!(j["certificateArn"]
        .as_str()
        .unwrap()
        .ends_with(&format!(":cert/{id}")));
    Credentials::write(emu, name, id, pem, key)
}

fn attach(emu: &Emulator, thing: &str, cert: &Credentials) {
    let arn = emu.service.certificate_arn(&cert.certificate_id);
    emu.service.attach_thing_principal(thing, &arn).unwrap();
}

#[test]
fn an_attached_active_certificate_connects_as_its_thing_only() {
    let emu = start(AuthzMode::Thing);
    emu.service
        .create_thing("tls-dev", Default::default())
        .unwrap();
    emu.service
        .create_thing("tls-other", Default::default())
        .unwrap();
    let creds = create_keys(&emu, "attached");
    assert!(
        connect(&emu, "tls-dev", Some(&creds)).is_err(),
        "connected before the certificate was attached"
    );
    attach(&emu, "tls-dev", &creds);
    let dev = connect(&emu, "tls-dev", Some(&creds)).expect("attached thing connects");
    dev.publish("$aws/things/tls-dev/jobs/get", "{}").unwrap();
    assert!(dev
        .next_on("$aws/things/tls-dev/jobs/get/accepted")
        .is_some());
    assert!(!dev.subscribe("$aws/things/tls-other/jobs/notify"));
    assert!(
        connect(&emu, "tls-other", Some(&creds)).is_err(),
        "connected as a thing the certificate is not attached to"
    );
    // Detached: refused again.
    let arn = emu.service.certificate_arn(&creds.certificate_id);
    emu.service.detach_thing_principal("tls-dev", &arn).unwrap();
    assert!(connect(&emu, "tls-dev-2", Some(&creds)).is_err());
}

#[test]
fn inactive_revoked_and_foreign_certificates_are_refused() {
    let emu = start(AuthzMode::Open);
    let creds = create_keys(&emu, "lifecycle");
    assert!(
        connect(&emu, "any-client", Some(&creds)).is_ok(),
        "open mode, ACTIVE"
    );
    emu.service
        .update_certificate(&creds.certificate_id, CertStatus::Inactive)
        .unwrap();
    assert!(
        connect(&emu, "any-client-2", Some(&creds)).is_err(),
        "INACTIVE"
    );
    emu.service
        .update_certificate(&creds.certificate_id, CertStatus::Revoked)
        .unwrap();
    assert!(
        connect(&emu, "any-client-3", Some(&creds)).is_err(),
        "REVOKED"
    );
    let back = emu
        .service
        .update_certificate(&creds.certificate_id, CertStatus::Active)
        .unwrap_err();
    assert_eq!(
        back.code,
        jobs_emulator::service::ErrorCode::CertificateState
    );
    // Signed by another CA (the handshake fails), or by the emulator CA but never registered.
    let foreign = EmulatorCa::ephemeral().unwrap();
    let own = emu.service.ca().unwrap();
    for (name, ca) in [("foreign", &foreign), ("unregistered", &*own)] {
        let issued = ca.issue_device().unwrap();
        let c = Credentials::write(
            &emu,
            name,
            &certificate_id(&issued.der),
            &issued.certificate_pem,
            &issued.private_key_pem,
        );
        assert!(
            connect(&emu, &format!("{name}-client"), Some(&c)).is_err(),
            "{name}"
        );
    }
}

#[test]
fn certificates_and_principals_over_the_control_plane() {
    let emu = start(AuthzMode::Open);
    let http = emu.http_addr.unwrap();
    let creds = create_keys(&emu, "api");
    let id = &creds.certificate_id;
    let d = send(http, "GET", &format!("/certificates/{id}"), None);
    assert_eq!(d.json["certificateDescription"]["status"], "ACTIVE");
    let r = send(
        http,
        "PUT",
        &format!("/certificates/{id}?newStatus=INACTIVE"),
        None,
    );
    assert_eq!(r.status, 200, "{}", r.text);
    let d = send(http, "GET", &format!("/certificates/{id}"), None);
    assert_eq!(d.json["certificateDescription"]["status"], "INACTIVE");
    assert_error(
        &send(
            http,
            "GET",
            &format!("/certificates/{}", "0".repeat(64)),
            None,
        ),
        404,
        "ResourceNotFoundException",
    );
    let created = send(http, "POST", "/things/api-thing", Some(b"{}"));
    assert_eq!(created.status, 200, "{}", created.text);
    let arn = emu.service.certificate_arn(id);
    let attach = raw_principal(http, "PUT", "/things/api-thing/principals", &arn);
    assert!(attach.starts_with("HTTP/1.1 200"), "{attach}");
    let list = send(http, "GET", "/things/api-thing/principals", None);
    assert_eq!(list.json["principals"], serde_json::json!([arn]));
    // A thing with a principal attached cannot be deleted; an attached cert neither.
    assert_error(
        &send(http, "DELETE", "/things/api-thing", None),
        400,
        "InvalidRequestException",
    );
    assert_error(
        &send(http, "DELETE", &format!("/certificates/{id}"), None),
        409,
        "DeleteConflictException",
    );
    let detach = raw_principal(http, "DELETE", "/things/api-thing/principals", &arn);
    assert!(detach.starts_with("HTTP/1.1 200"), "{detach}");
    assert_eq!(
        send(http, "DELETE", &format!("/certificates/{id}"), None).status,
        200
    );
    assert_eq!(send(http, "DELETE", "/things/api-thing", None).status, 200);
}

/// A request with the `x-amzn-principal` header; the raw answer.
fn raw_principal(addr: std::net::SocketAddr, method: &str, path: &str, arn: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nx-amzn-principal: {arn}\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn the_ca_of_a_data_directory_survives_restarts() {
    let dir = std::env::temp_dir().join(format!("mtls-ca-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let first = EmulatorCa::open_or_create(&dir).unwrap();
    let again = EmulatorCa::open_or_create(&dir).unwrap();
    assert_eq!(first.certificate_pem(), again.certificate_pem());
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(EmulatorCa::dir_of(&dir).join("ca-key.pem"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the CA key is readable by others");
    let _ = std::fs::remove_dir_all(&dir);
}
