//! The TLS files of a connection, read before connecting so that a mistake is named: Paho C
//! reports a missing root CA, an unreadable client certificate and a key that does not belong
//! to the certificate all as the same failed connect, and prints nothing. Each problem is one
//! sentence naming the file and the reason.

use super::settings::TlsSettings;
use openssl::pkey::{PKey, Private};
use openssl::x509::X509;
use std::path::Path;

fn read(what: &str, path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read the {what} {}: {e}", path.display()))
}

fn certificate(what: &str, path: &Path) -> Result<X509, String> {
    let pem = read(what, path)?;
    X509::from_pem(&pem)
        .map_err(|_| format!("the {what} {} is not a PEM certificate", path.display()))
}

fn private_key(path: &Path) -> Result<PKey<Private>, String> {
    let pem = read("private key", path)?;
    PKey::private_key_from_pem(&pem).map_err(|_| {
        format!(
            "the private key {} is not an unencrypted PEM private key",
            path.display()
        )
    })
}

/// Checks the files of `tls`: each readable and of the right kind, and the private key the
/// one of the client certificate.
pub fn check(tls: &TlsSettings) -> Result<(), String> {
    if let Some(ca) = &tls.root_ca {
        let pem = read("root CA", ca)?;
        if X509::stack_from_pem(&pem).map_or(true, |certs| certs.is_empty()) {
            return Err(format!(
                "the root CA {} holds no PEM certificate",
                ca.display()
            ));
        }
    }
    match (&tls.client_cert, &tls.private_key) {
        (Some(cert_path), Some(key_path)) => {
            let cert = certificate("client certificate", cert_path)?;
            let key = private_key(key_path)?;
            let matches = cert.public_key().is_ok_and(|public| public.public_eq(&key));
            if !matches {
                return Err(format!(
                    "the private key {} does not belong to the client certificate {}",
                    key_path.display(),
                    cert_path.display()
                ));
            }
            Ok(())
        }
        (Some(cert_path), None) => Err(format!(
            "the client certificate {} has no private key",
            cert_path.display()
        )),
        (None, Some(key_path)) => Err(format!(
            "the private key {} has no client certificate",
            key_path.display()
        )),
        (None, None) => Ok(()),
    }
}
