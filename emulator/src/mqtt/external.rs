//! Attaching to an external broker (`--broker mqtt://HOST:PORT`, or `mqtts://` with mutual
//! TLS) as a paho-mqtt 0.14 client (MQTT 3.1.1, QoS 1). It subscribes to every Jobs request
//! topic and publishes replies and notifications on the broker. A generic broker only
//! delivers what a client subscribed to, so a device must subscribe to its reply topics
//! here (unlike AWS IoT), and replies are visible to every subscriber of those topics.

use crate::service::JobsService;
use crate::wire::{self, topic::REQUEST_FILTER};
use anyhow::{bail, Context};
use paho_mqtt as paho;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// How to reach the external broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalBroker {
    /// `mqtt://HOST:PORT` or `mqtts://HOST:PORT`.
    pub url: String,
    /// CA certificate (PEM) that signed the broker's certificate.
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM).
    pub cert: Option<PathBuf>,
    /// Client private key (PEM).
    pub key: Option<PathBuf>,
}

/// A running attachment; dropping it disconnects.
pub struct ExternalHandle {
    client: paho::AsyncClient,
}

impl Drop for ExternalHandle {
    fn drop(&mut self) {
        let _ = self
            .client
            .disconnect(None)
            .wait_for(Duration::from_secs(2));
    }
}

fn paho_uri(url: &str) -> anyhow::Result<(String, bool)> {
    if let Some(rest) = url.strip_prefix("mqtt://") {
        Ok((format!("tcp://{rest}"), false))
    } else if let Some(rest) = url.strip_prefix("mqtts://") {
        Ok((format!("ssl://{rest}"), true))
    } else {
        bail!("broker URL must start with mqtt:// or mqtts://: {url}")
    }
}

fn connect_options(cfg: &ExternalBroker, tls: bool) -> anyhow::Result<paho::ConnectOptions> {
    let mut b = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1);
    b.clean_session(true)
        .keep_alive_interval(Duration::from_secs(30))
        .automatic_reconnect(Duration::from_millis(100), Duration::from_secs(5));
    if tls {
        let mut ssl = paho::SslOptionsBuilder::new();
        if let Some(ca) = &cfg.ca {
            ssl.trust_store(ca).context("--ca")?;
        }
        if let Some(cert) = &cfg.cert {
            ssl.key_store(cert).context("--cert")?;
        }
        if let Some(key) = &cfg.key {
            ssl.private_key(key).context("--key")?;
        }
        b.ssl_options(ssl.finalize());
    }
    Ok(b.finalize())
}

/// Publishes queued while the link to the broker is down, at most.
const MAX_BUFFERED: i32 = 10_000;

fn message(topic: String, payload: Vec<u8>) -> paho::Message {
    paho::Message::new(topic, payload, 1)
}

/// Connects, subscribes to the request topics and starts serving.
pub fn start(svc: Arc<JobsService>, cfg: &ExternalBroker) -> anyhow::Result<ExternalHandle> {
    let (uri, tls) = paho_uri(&cfg.url)?;
    let client_id = format!("aws-iot-jobs-emulator-{}", std::process::id());
    // AWS IoT does not drop a reply or a notification because of its own link, so neither do
    // we: while the link to the broker is down (during the reconnect back-off) Paho queues our
    // publishes in memory instead of refusing them, and sends them once it has reconnected
    // (the clean-session reconnect clears only in-flight messages, not queued ones). The queue
    // is bounded; when full the oldest is dropped, as newer notifications supersede it.
    let create = paho::CreateOptionsBuilder::new()
        .server_uri(&uri)
        .client_id(&client_id)
        .send_while_disconnected(true)
        .max_buffered_messages(MAX_BUFFERED)
        .delete_oldest_messages(true)
        .finalize();
    let client = paho::AsyncClient::new(create).context("creating the MQTT client")?;
    client.set_connected_callback(|c| {
        // Re-subscribe after every (re)connection; never wait inside a paho callback.
        c.subscribe(REQUEST_FILTER, 1);
    });
    let requests = client.start_consuming();
    client
        .connect(connect_options(cfg, tls)?)
        .wait_for(Duration::from_secs(10))
        .context("connecting to the broker")?;
    client
        .subscribe(REQUEST_FILTER, 1)
        .wait_for(Duration::from_secs(10))
        .context("subscribing")?;

    let replier = client.clone();
    let service = svc.clone();
    std::thread::Builder::new()
        .name("jobs-requests".into())
        .spawn(move || {
            for msg in requests.iter().flatten() {
                if let Some(reply) = wire::handle(&service, msg.topic(), msg.payload()) {
                    replier.publish(message(reply.topic.clone(), reply.payload_bytes()));
                }
            }
        })?;
    let notifier = client.clone();
    let events = svc.subscribe();
    std::thread::Builder::new()
        .name("jobs-events".into())
        .spawn(move || {
            for event in events {
                notifier.publish(message(event.topic(), event.payload_bytes()));
            }
        })?;
    Ok(ExternalHandle { client })
}
