//! How a [`Client`](super::Client) connects: the endpoint, plain MQTT or mutual TLS (with
//! ALPN `x-amzn-mqtt-ca` for port 443), whether the broker is AWS IoT (`awsIotMqttMode`) or
//! a generic one, and the timeouts. Turned into the Paho transport's settings here.

use crate::transport::paho::{Settings, TlsSettings};
use std::path::PathBuf;
use std::time::Duration;

/// The ALPN protocol AWS IoT expects for MQTT over TLS on port 443.
pub const AWS_IOT_ALPN: &str = "x-amzn-mqtt-ca";

/// Mutual TLS: the files of the server's CA, the device certificate and its private key (PEM).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tls {
    /// The only CA trusted for the server's certificate; `None` trusts the system's CAs.
    pub ca: Option<PathBuf>,
    /// The device certificate; needs `key`.
    pub cert: Option<PathBuf>,
    /// The device certificate's private key.
    pub key: Option<PathBuf>,
    /// ALPN protocols offered; `[AWS_IOT_ALPN]` on port 443.
    pub alpn: Vec<String>,
}

/// Everything a connection is made from.
///
/// ```
/// use awsiotjobs::client::{ConnectOptions, Tls};
/// let plain = ConnectOptions::new("127.0.0.1", 1883, "my-thing");
/// let aws = ConnectOptions::new("abc-ats.iot.eu-west-1.amazonaws.com", 443, "my-thing")
///     .with_tls(Tls {
///         ca: Some("AmazonRootCA1.pem".into()),
///         cert: Some("device.pem.crt".into()),
///         key: Some("private.pem.key".into()),
///         alpn: vec![awsiotjobs::client::AWS_IOT_ALPN.into()],
///     });
/// assert!(plain.tls.is_none() && aws.aws_iot);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectOptions {
    pub host: String,
    pub port: u16,
    pub client_id: String,
    /// `Some` for TLS, `None` for plain MQTT.
    pub tls: Option<Tls>,
    /// The broker is AWS IoT, which delivers replies without subscriptions (the C API's
    /// `awsIotMqttMode`); true by default and safe with any broker.
    pub aws_iot: bool,
    /// How long connecting may take.
    pub connect_timeout: Duration,
    /// How long an operation waits for its reply.
    pub operation_timeout: Duration,
    /// How long a subscribe or publish waits for the broker.
    pub mqtt_timeout: Duration,
    pub keep_alive: Duration,
}

impl ConnectOptions {
    /// Plain MQTT to `host:port` as `client_id`, AWS IoT mode, 10 s timeouts.
    pub fn new(host: &str, port: u16, client_id: &str) -> ConnectOptions {
        ConnectOptions {
            host: host.to_owned(),
            port,
            client_id: client_id.to_owned(),
            tls: None,
            aws_iot: true,
            connect_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(10),
            mqtt_timeout: Duration::from_secs(5),
            keep_alive: Duration::from_secs(60),
        }
    }

    /// The same options over TLS.
    pub fn with_tls(mut self, tls: Tls) -> ConnectOptions {
        self.tls = Some(tls);
        self
    }

    /// The Paho transport's settings.
    pub(crate) fn settings(&self) -> Settings {
        let mut settings = Settings::new(&self.host, self.port, &self.client_id);
        settings.keep_alive = self.keep_alive;
        settings.aws_iot = self.aws_iot;
        settings.tls = self.tls.as_ref().map(|tls| TlsSettings {
            root_ca: tls.ca.clone(),
            client_cert: tls.cert.clone(),
            private_key: tls.key.clone(),
            alpn: tls.alpn.clone(),
            extras: Default::default(),
        });
        settings
    }
}
