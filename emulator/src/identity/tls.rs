//! The `--mqtts` listener: mutual TLS in front of the embedded broker. rustls verifies the
//! client certificate against the emulator CA (WebPKI); the peer certificate's SHA-256 is its
//! certificate ID, and a certificate that is not registered or not ACTIVE is dropped right
//! after the handshake, as AWS IoT refuses it. An accepted connection is relayed byte for byte
//! to a loopback-only listener of the broker; [`TlsPeers`] records which certificate each
//! relay connection carries (keyed by the relay's own address), which is how the broker's
//! authorization hook learns the certificate of an MQTT session.

use super::ca::EmulatorCa;
use crate::service::identity::certificate_id;
use crate::service::JobsService;
use parking_lot::Mutex;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::RootCertStore;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;

/// Relay connection address → certificate ID of the device behind it.
#[derive(Debug, Default)]
pub struct TlsPeers(Mutex<HashMap<SocketAddr, String>>);

impl TlsPeers {
    /// The certificate ID of the device whose relay connects from `addr`.
    pub fn certificate_of(&self, addr: SocketAddr) -> Option<String> {
        self.0.lock().get(&addr).cloned()
    }
}

const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

fn server_config(ca: &EmulatorCa) -> anyhow::Result<rustls::ServerConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let ca_der = rustls::pki_types::pem::PemObject::from_pem_slice(ca.certificate_pem().as_bytes())
        .map_err(|e| anyhow::anyhow!("CA certificate: {e:?}"))?;
    let mut roots = RootCertStore::empty();
    roots.add(ca_der)?;
    let verifier =
        WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone()).build()?;
    let (cert, key) = ca.issue_server()?;
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )?;
    Ok(config)
}

/// Binds `addr` (SO_REUSEADDR) and relays verified devices to `backend`; returns the bound
/// address.
pub async fn start(
    addr: SocketAddr,
    backend: SocketAddr,
    ca: &EmulatorCa,
    svc: Arc<JobsService>,
    peers: Arc<TlsPeers>,
) -> anyhow::Result<SocketAddr> {
    let acceptor = TlsAcceptor::from(Arc::new(server_config(ca)?));
    let listener: TcpListener = crate::http::bind_reusable(addr)?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        loop {
            let (stream, remote) = match listener.accept().await {
                Ok(x) => x,
                Err(e) => {
                    tracing::warn!(error = %e, "mqtts accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            };
            let (acceptor, svc, peers) = (acceptor.clone(), svc.clone(), peers.clone());
            tokio::spawn(async move {
                if let Err(e) = relay(stream, acceptor, backend, &svc, &peers).await {
                    tracing::warn!(%remote, "mqtts connection refused: {e}");
                }
            });
        }
    });
    Ok(local)
}

async fn relay(
    stream: TcpStream,
    acceptor: TlsAcceptor,
    backend: SocketAddr,
    svc: &JobsService,
    peers: &TlsPeers,
) -> anyhow::Result<()> {
    let _ = stream.set_nodelay(true);
    let mut tls = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(stream))
        .await
        .map_err(|_| anyhow::anyhow!("TLS handshake timed out"))??;
    let der = tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .ok_or_else(|| anyhow::anyhow!("no client certificate"))?
        .to_vec();
    let id = certificate_id(&der);
    if !svc.certificate_active(&id) {
        anyhow::bail!("certificate {id} is not registered or not ACTIVE");
    }
    let mut inner = TcpStream::connect(backend).await?;
    let _ = inner.set_nodelay(true);
    let key = inner.local_addr()?;
    peers.0.lock().insert(key, id);
    let result = tokio::io::copy_bidirectional(&mut tls, &mut inner).await;
    peers.0.lock().remove(&key);
    result.map(|_| ()).map_err(Into::into)
}
