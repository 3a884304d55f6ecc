//! What Paho C has no option for and the library does inside it (`transport::paho::hooks`):
//! leaving SNI out, limiting the size of the TLS records sent, and closing without DISCONNECT
//! so that the broker publishes the will. Checked on the wire: a relay in front of mosquitto
//! keeps a copy of what the client sent and the test reads its TLS records.

use crate::mqtt_support::tap::{client_hello_server_name, records, Tap};
use crate::mqtt_support::*;
use awsiotjobs::core::router::Router;
use awsiotjobs::core::transport::{Qos, Transport};
use awsiotjobs::transport::paho::hooks::TlsExtras;
use awsiotjobs::transport::paho::Will;
use awsiotjobs::transport::paho::{ConnectError, LinkEvents, PahoTransport, Settings, TlsSettings};
use paho_mqtt as paho;
use std::sync::Arc;

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

fn tls_settings(certs: &Certs, port: u16, id: &str, extras: TlsExtras) -> Settings {
    let mut s = Settings::new("localhost", port, id);
    s.tls = Some(TlsSettings {
        root_ca: Some(certs.path("ca.crt")),
        client_cert: Some(certs.path("client.crt")),
        private_key: Some(certs.path("client.key")),
        alpn: Vec::new(),
        extras,
    });
    s
}

fn connect(s: &Settings) -> Result<Arc<PahoTransport>, ConnectError> {
    PahoTransport::connect(s, Router::new(), Arc::new(NoEvents), BOUND)
}

/// Connects through a fresh relay, publishes `payload`, closes, and returns what was sent.
fn sent_through_tap(
    broker: &Broker,
    certs: &Certs,
    id: &str,
    extras: TlsExtras,
    payload: &[u8],
) -> Vec<u8> {
    let tap = Tap::start(broker.port);
    let t = connect(&tls_settings(certs, tap.port, id, extras)).expect("TLS connect");
    t.publish("extras/data", payload, Qos::AtLeastOnce, BOUND)
        .expect("publish");
    t.close(true);
    drop(t);
    tap.settle();
    let mut sent = tap.sent();
    assert_eq!(sent.len(), 1, "one connection through the relay");
    sent.remove(0)
}

#[test]
fn the_host_name_is_sent_as_sni_unless_disabled() {
    let certs = Certs::new();
    let broker = Broker::tls(&certs, "server");

    let with = sent_through_tap(&broker, &certs, "sni-on", TlsExtras::default(), b"x");
    assert_eq!(
        client_hello_server_name(&with),
        Some(Some("localhost".to_string()))
    );

    let extras = TlsExtras {
        disable_sni: true,
        ..TlsExtras::default()
    };
    let without = sent_through_tap(&broker, &certs, "sni-off", extras, b"x");
    assert_eq!(client_hello_server_name(&without), Some(None));
}

#[test]
fn a_maximum_fragment_length_limits_every_record_sent() {
    let certs = Certs::new();
    let broker = Broker::tls(&certs, "server");
    let payload = vec![0x5a; 6000];

    let plain = sent_through_tap(
        &broker,
        &certs,
        "mfl-default",
        TlsExtras::default(),
        &payload,
    );
    let largest = records(&plain).iter().map(|r| r.1).max().unwrap();
    eprintln!("largest TLS record sent by default: {largest} bytes");
    assert!(largest > payload.len(), "largest record {largest}");

    let extras = TlsExtras {
        max_send_fragment: 512,
        ..TlsExtras::default()
    };
    let limited = sent_through_tap(&broker, &certs, "mfl-512", extras, &payload);
    let after_hello: Vec<(u8, usize)> = records(&limited).into_iter().skip(1).collect();
    let total: usize = after_hello.iter().map(|r| r.1).sum();
    assert!(
        total > payload.len(),
        "the publish went through: {total} bytes"
    );
    // 512 bytes of plaintext plus what a record adds (AEAD tag, content type, nonce).
    let largest = after_hello.iter().map(|r| r.1).max().unwrap();
    eprintln!(
        "with a 512-byte maximum fragment: {} records, the largest {largest} bytes",
        after_hello.len()
    );
    assert!(
        largest <= 512 + 64,
        "largest record {largest}: {after_hello:?}"
    );
}

#[test]
fn a_maximum_fragment_length_out_of_range_is_refused() {
    let certs = Certs::new();
    for length in [1, 511, 16385] {
        let extras = TlsExtras {
            max_send_fragment: length,
            ..TlsExtras::default()
        };
        let result = connect(&tls_settings(&certs, free_port(), "mfl-bad", extras));
        assert!(
            matches!(result, Err(ConnectError::Invalid(_))),
            "{length}: {:?}",
            result.err()
        );
    }
}

fn watcher(port: u16) -> (paho::AsyncClient, crossbeam_channel::Receiver<String>) {
    let client = paho_client(port, "will-watcher");
    let (tx, rx) = crossbeam_channel::unbounded();
    client.set_message_callback(move |_, message| {
        if let Some(message) = message {
            let _ = tx.send(message.topic().to_string());
        }
    });
    client
        .connect(paho::ConnectOptions::new())
        .wait_for(BOUND)
        .expect("watcher connects");
    client
        .subscribe("wills/#", 1)
        .wait_for(BOUND)
        .expect("watcher subscribes");
    (client, rx)
}

#[test]
fn closing_without_disconnect_lets_the_broker_publish_the_will() {
    let broker = Broker::plain();
    let (_watcher, wills) = watcher(broker.port);
    for (id, send_disconnect) in [("will-clean", true), ("will-dropped", false)] {
        let mut s = Settings::new("127.0.0.1", broker.port, id);
        s.will = Some(Will {
            topic: format!("wills/{id}"),
            payload: b"gone".to_vec(),
            qos: Qos::AtLeastOnce,
            retain: false,
        });
        let t = connect(&s).expect("connect");
        t.close(send_disconnect);
        drop(t);
    }
    let will = wills.recv_timeout(BOUND).expect("a will");
    assert_eq!(will, "wills/will-dropped");
    let log = broker.log();
    assert!(log.contains("Client will-clean disconnected."), "{log}");
    assert!(!log.contains("Client will-dropped disconnected."), "{log}");
    assert!(
        wills.try_recv().is_err(),
        "the clean close published its will too"
    );

    // The mark is used up: a new connection with the same ID says goodbye properly.
    let mut s = Settings::new("127.0.0.1", broker.port, "will-dropped");
    s.will = Some(Will {
        topic: "wills/will-dropped-again".into(),
        payload: b"gone".to_vec(),
        qos: Qos::AtLeastOnce,
        retain: false,
    });
    let t = connect(&s).expect("connect again");
    t.close(true);
    drop(t);
    assert!(
        eventually(|| broker.log().contains("Client will-dropped disconnected.")),
        "{}",
        broker.log()
    );
}
