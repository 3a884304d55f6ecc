//! What a Paho connection is made from and how our words map to Paho's: the [`Settings`] of a
//! connection (host, TLS files, will, credentials, reconnection [`Backoff`]), the Paho connect
//! options built from them, and the translation of Paho's errors into [`ConnectError`] (for a
//! connect) and the port's `TransportError` (for everything after). It knows nothing of a live
//! connection, so every other file of the folder may use it.

use std::path::PathBuf;
use std::time::Duration;

use paho_mqtt as paho;

use super::hooks::TlsExtras;
use crate::core::transport::{Qos, TransportError};

/// How the link is re-established after it dropped: wait `first`, then double the wait after
/// each failed attempt up to `max`, and keep trying until the transport is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

/// TLS settings: file paths, as the v4 OpenSSL network stack takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// The only CA trusted for the server's certificate; `None` trusts the system's CAs.
    pub root_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS; requires `private_key`.
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    pub private_key: Option<PathBuf>,
    /// ALPN protocol names offered, e.g. `x-amzn-mqtt-ca` for AWS IoT on port 443.
    pub alpn: Vec<String>,
    /// No SNI, a smaller record size: applied inside Paho (see [`super::hooks`]).
    pub extras: TlsExtras,
}

/// The last-will message of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
}

/// Everything a connection is made from.
#[derive(Clone, Debug)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    /// `Some` for TLS (an `ssl://` link), `None` for plain TCP.
    pub tls: Option<TlsSettings>,
    pub client_id: String,
    /// Zero disables keep-alive.
    pub keep_alive: Duration,
    pub clean_session: bool,
    pub will: Option<Will>,
    pub user_name: Option<String>,
    pub password: Option<Vec<u8>>,
    /// The broker is AWS IoT (see `Transport::is_aws_iot` in `core::transport`).
    pub aws_iot: bool,
    pub backoff: Backoff,
}

impl Settings {
    /// Plain TCP to `host:port` with a clean session, no keep-alive setting beyond 60 s, and
    /// the default backoff.
    pub fn new(host: &str, port: u16, client_id: &str) -> Settings {
        Settings {
            host: host.to_owned(),
            port,
            tls: None,
            client_id: client_id.to_owned(),
            keep_alive: Duration::from_secs(60),
            clean_session: true,
            will: None,
            user_name: None,
            password: None,
            aws_iot: false,
            backoff: Backoff::default(),
        }
    }

    pub(super) fn uri(&self) -> String {
        let scheme = if self.tls.is_some() { "ssl" } else { "tcp" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Why [`super::PahoTransport::connect`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// The settings cannot make a connection (for example a NUL byte in the client ID).
    Invalid(String),
    /// The network or TLS layer failed: no route, refused, unknown host, handshake failure.
    Network(String),
    /// The broker answered CONNACK with this refusal code.
    Refused(u8),
    /// Nothing conclusive within the timeout.
    Timeout,
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Invalid(why) => write!(f, "invalid settings: {why}"),
            ConnectError::Network(why) => write!(f, "network failure: {why}"),
            ConnectError::Refused(code) => write!(f, "refused by the broker (CONNACK {code})"),
            ConnectError::Timeout => f.write_str("timed out"),
        }
    }
}

impl std::error::Error for ConnectError {}

pub(super) fn paho_qos(qos: Qos) -> i32 {
    qos as i32
}

pub(super) fn connect_options(
    settings: &Settings,
    timeout: Duration,
) -> Result<paho::ConnectOptions, String> {
    let mut builder = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1);
    builder
        .clean_session(settings.clean_session)
        .keep_alive_interval(settings.keep_alive)
        .connect_timeout(timeout.max(Duration::from_secs(1)) + Duration::from_millis(999));
    if let Some(will) = &settings.will {
        let message = if will.retain {
            paho::Message::new_retained(will.topic.as_str(), will.payload.clone(), will.qos as i32)
        } else {
            paho::Message::new(will.topic.as_str(), will.payload.clone(), will.qos as i32)
        };
        builder.will_message(message);
    }
    if let Some(name) = &settings.user_name {
        if name.contains('\0') {
            return Err("the user name contains a NUL byte".into());
        }
        builder.user_name(name.as_str());
    }
    if let Some(password) = &settings.password {
        builder.password(password.clone());
    }
    if let Some(tls) = &settings.tls {
        let mut ssl = paho::SslOptionsBuilder::new();
        // Hostname verification against the certificate, as AWS IoT clients must do.
        ssl.enable_server_cert_auth(true).verify(true);
        if let Some(ca) = &tls.root_ca {
            ssl.trust_store(ca)
                .map_err(|e| format!("root CA path: {e}"))?;
            ssl.disable_default_trust_store(true);
        }
        match (&tls.client_cert, &tls.private_key) {
            (Some(cert), Some(key)) => {
                ssl.key_store(cert)
                    .map_err(|e| format!("client certificate path: {e}"))?;
                ssl.private_key(key)
                    .map_err(|e| format!("private key path: {e}"))?;
            }
            (None, None) => {}
            _ => return Err("a client certificate needs its private key and back".into()),
        }
        if !tls.alpn.is_empty() {
            let names: Vec<&str> = tls.alpn.iter().map(String::as_str).collect();
            ssl.alpn_protos(&names);
        }
        builder.ssl_options(ssl.finalize());
    }
    Ok(builder.finalize())
}

pub(super) fn classify_connect(error: paho::Error) -> ConnectError {
    match error {
        paho::Error::ConnectReturn(code) => ConnectError::Refused(code as u8),
        paho::Error::Timeout | paho::Error::TcpConnectTimeout => ConnectError::Timeout,
        other => ConnectError::Network(other.to_string()),
    }
}

/// The transport's error for a Paho error.
pub(super) fn classify(error: paho::Error) -> TransportError {
    match error {
        paho::Error::Timeout => TransportError::Timeout,
        paho::Error::Disconnected => TransportError::NotConnected,
        paho::Error::General("the broker refused a subscription") => TransportError::Refused,
        paho::Error::ReasonCode(..) | paho::Error::Failure => TransportError::Refused,
        other => TransportError::Failed(other.to_string()),
    }
}
