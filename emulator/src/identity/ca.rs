//! The emulator CA (rcgen, ECDSA P-256). With `--data DIR` it is created on first use under
//! `DIR/ca/` (certificate and private key, the key readable by its owner only) and reused on
//! every later run, so device certificates stay valid across restarts; without `--data` it
//! lives in memory for one run. It signs the device certificates of CreateKeysAndCertificate
//! and, at each start, a server certificate for `localhost` and `127.0.0.1` used by the
//! `--mqtts` listener.

use anyhow::Context;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

/// A device certificate with its keys, as CreateKeysAndCertificate returns them.
#[derive(Debug, Clone)]
pub struct IssuedCertificate {
    pub der: Vec<u8>,
    pub certificate_pem: String,
    pub public_key_pem: String,
    pub private_key_pem: String,
}

/// The CA.
pub struct EmulatorCa {
    cert_pem: String,
    issuer: Issuer<'static, KeyPair>,
}

fn ca_params() -> anyhow::Result<CertificateParams> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "jobs-emulator");
    dn.push(DnType::CommonName, "jobs-emulator CA");
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    Ok(params)
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

impl EmulatorCa {
    /// A CA for this run only.
    pub fn ephemeral() -> anyhow::Result<EmulatorCa> {
        let key = KeyPair::generate()?;
        let cert = ca_params()?.self_signed(&key)?;
        Ok(EmulatorCa {
            cert_pem: cert.pem(),
            issuer: Issuer::new(ca_params()?, key),
        })
    }

    /// The directory of a data directory's CA.
    pub fn dir_of(data: &Path) -> PathBuf {
        data.join("ca")
    }

    /// Loads the CA of a data directory, creating it the first time.
    pub fn open_or_create(data: &Path) -> anyhow::Result<EmulatorCa> {
        let dir = Self::dir_of(data);
        let (cert_path, key_path) = (dir.join("ca-cert.pem"), dir.join("ca-key.pem"));
        if !cert_path.exists() {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let ca = Self::ephemeral()?;
            write_private(&key_path, &ca.issuer.key().serialize_pem())?;
            std::fs::write(&cert_path, &ca.cert_pem)
                .with_context(|| format!("writing {}", cert_path.display()))?;
            return Ok(ca);
        }
        let cert_pem = std::fs::read_to_string(&cert_path)
            .with_context(|| format!("reading {}", cert_path.display()))?;
        let key_pem = std::fs::read_to_string(&key_path)
            .with_context(|| format!("reading {}", key_path.display()))?;
        let key = KeyPair::from_pem(&key_pem).context("the CA key is unreadable")?;
        Ok(EmulatorCa {
            cert_pem,
            issuer: Issuer::new(ca_params()?, key),
        })
    }

    /// The CA certificate (PEM) devices trust.
    pub fn certificate_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A new device key pair and certificate (client authentication).
    pub fn issue_device(&self) -> anyhow::Result<IssuedCertificate> {
        let key = KeyPair::generate()?;
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, "AWS IoT Certificate");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.serial_number = Some(random_serial()?.into());
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok(IssuedCertificate {
            der: cert.der().to_vec(),
            certificate_pem: cert.pem(),
            public_key_pem: key.public_key_pem(),
            private_key_pem: key.serialize_pem(),
        })
    }

    /// A server certificate for the loopback names, with its key (DER chain and PKCS#8).
    pub fn issue_server(&self) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let key = KeyPair::generate()?;
        let mut params =
            CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])?;
        params
            .distinguished_name
            .push(DnType::CommonName, "jobs-emulator");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.serial_number = Some(random_serial()?.into());
        let cert = params.signed_by(&key, &self.issuer)?;
        Ok((cert.der().to_vec(), key.serialize_der()))
    }
}

fn random_serial() -> anyhow::Result<Vec<u8>> {
    use ring::rand::SecureRandom;
    let mut serial = vec![0u8; 16];
    ring::rand::SystemRandom::new()
        .fill(&mut serial)
        .map_err(|_| anyhow::anyhow!("no randomness for a serial number"))?;
    serial[0] &= 0x7f;
    Ok(serial)
}
