//! Messages as Paho C hands them over: a broker of a few lines sends publishes that a
//! well-behaved broker never would. The library (`ffi::mqtt::paho_inbound`, without the
//! paho-mqtt crate's copy) must give its router each topic exactly as sent (a NUL inside it
//! included), with its QoS and retain flag, from its routing thread, and nothing of a topic
//! that is not UTF-8; the paho-mqtt crate as vendored (which the emulator and the bench use)
//! must drop both unusual topics instead of aborting the process, as the published crate does.

use crate::mqtt_support::{eventually, paho_client};
use awsiotjobs::core::router::Router;
use awsiotjobs::core::transport::{Qos, Transport};
use awsiotjobs::transport::paho::{
    current_inbound, InboundMeta, LinkEvents, PahoTransport, Settings,
};
use parking_lot::Mutex;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

struct Quiet;

impl LinkEvents for Quiet {
    fn lost(&self) {}
    fn restored(&self) {}
}

/// Reads one MQTT packet: (first byte, body).
fn packet(stream: &mut TcpStream) -> (u8, Vec<u8>) {
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).unwrap();
    let (mut len, mut shift) = (0usize, 0);
    loop {
        let mut b = [0u8; 1];
        stream.read_exact(&mut b).unwrap();
        len |= usize::from(b[0] & 0x7f) << shift;
        shift += 7;
        if b[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).unwrap();
    (first[0], body)
}

/// A PUBLISH at QoS 1 with packet ID `id`.
fn publish(topic: &[u8], payload: &[u8], id: u16, retain: bool) -> Vec<u8> {
    let mut body = (topic.len() as u16).to_be_bytes().to_vec();
    body.extend_from_slice(topic);
    body.extend_from_slice(&id.to_be_bytes());
    body.extend_from_slice(payload);
    assert!(body.len() < 128, "one length byte");
    let mut p = vec![0x32 | u8::from(retain), body.len() as u8];
    p.extend_from_slice(&body);
    p
}

/// A broker that accepts one client, sends it three QoS 1 publishes (a topic that is not
/// UTF-8, one with a NUL inside, and a retained ordinary one), checks that all three are
/// acknowledged, and holds the connection until the client leaves.
fn unusual_broker() -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let broker = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        assert_eq!(packet(&mut s).0, 0x10, "CONNECT");
        s.write_all(&[0x20, 2, 0, 0]).unwrap();
        s.write_all(&publish(
            b"$aws/things/T\xff\xfe/jobs/notify",
            b"bad",
            1,
            false,
        ))
        .unwrap();
        s.write_all(&publish(b"$aws/things/T/jobs/no\0tify", b"nul", 2, false))
            .unwrap();
        s.write_all(&publish(b"$aws/things/T/jobs/notify", b"{}", 3, true))
            .unwrap();
        // Every publish is acknowledged, the dropped ones too: Paho took them.
        let mut acked = Vec::new();
        while acked.len() < 3 {
            let (kind, body) = packet(&mut s);
            if kind == 0x40 {
                acked.push(u16::from_be_bytes([body[0], body[1]]));
            }
        }
        acked.sort_unstable();
        assert_eq!(acked, [1, 2, 3]);
        // Held open until the client leaves.
        let _ = s.read(&mut [0u8; 64]);
    });
    (port, broker)
}

/// Connects a plain Paho client with a clean session, MQTT 3.1.1.
fn connect(client: &paho_mqtt::AsyncClient) {
    let options =
        paho_mqtt::ConnectOptionsBuilder::with_mqtt_version(paho_mqtt::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
    client
        .connect(options)
        .wait_for(Duration::from_secs(10))
        .unwrap();
}

type Seen = Arc<Mutex<Vec<(Vec<u8>, Vec<u8>, Option<InboundMeta>)>>>;

#[test]
fn topics_reach_the_router_as_sent_and_one_that_is_not_utf8_is_dropped() {
    let (port, broker) = unusual_broker();
    let router = Router::new();
    let seen: Seen = Arc::default();
    let threads: Arc<Mutex<Vec<Option<String>>>> = Arc::default();
    let (sink, on) = (seen.clone(), threads.clone());
    router.set_jobs_handler(Some(Arc::new(move |topic: &str, payload: &[u8]| {
        sink.lock().push((
            topic.as_bytes().to_vec(),
            payload.to_vec(),
            current_inbound(),
        ));
        on.lock()
            .push(std::thread::current().name().map(str::to_owned));
    })));
    let settings = Settings::new("127.0.0.1", port, "inbound-as-sent");
    let transport =
        PahoTransport::connect(&settings, router, Arc::new(Quiet), Duration::from_secs(10))
            .unwrap();
    assert!(eventually(|| seen.lock().len() >= 2));
    std::thread::sleep(Duration::from_millis(200));
    let seen = seen.lock().clone();
    let qos1 = |retain| Some(InboundMeta { qos: 1, retain });
    assert_eq!(
        seen,
        [
            (
                b"$aws/things/T/jobs/no\0tify".to_vec(),
                b"nul".to_vec(),
                qos1(false)
            ),
            (
                b"$aws/things/T/jobs/notify".to_vec(),
                b"{}".to_vec(),
                qos1(true)
            ),
        ]
    );
    // Routed by the library's routing thread, not on Paho's receive thread (which holds Paho's
    // lock and the PUBACK while a message is handled there).
    assert_eq!(
        *threads.lock(),
        vec![Some("awsiotjobs-mqtt-in".to_owned()); 2]
    );
    transport.close(true);
    drop(transport);
    broker.join().unwrap();
}

#[test]
fn the_vendored_crate_drops_a_topic_not_utf8_or_with_a_nul_instead_of_aborting() {
    let (port, broker) = unusual_broker();
    let client = paho_client(port, "crate-unusual-topics");
    let topics: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = topics.clone();
    client.set_message_callback(move |_, message| {
        if let Some(m) = message {
            sink.lock().push(m.topic().to_owned());
        }
    });
    connect(&client);
    assert!(eventually(|| !topics.lock().is_empty()));
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(*topics.lock(), ["$aws/things/T/jobs/notify"]);
    client
        .disconnect(None)
        .wait_for(Duration::from_secs(10))
        .unwrap();
    broker.join().unwrap();
}

/// Through a real broker, a flood of large messages, routed slower than they come: every one
/// reaches the router, once and in order. Up to 500 messages of 16 KiB are in flight, against
/// the hand-off's 1 MiB, so the hand-off can fill up and Paho's receive thread wait for room
/// (how often varies from run to run; the hand-off's unit tests check the waiting itself).
#[test]
fn a_flood_routed_slower_than_it_comes_arrives_whole_and_in_order() {
    const N: usize = 3_000;
    let broker = crate::mqtt_support::Broker::plain();
    let router = Router::new();
    let seen: Arc<Mutex<Vec<usize>>> = Arc::default();
    let sink = seen.clone();
    router.set_app_handler(
        "flood/#",
        Arc::new(move |_topic: &str, payload: &[u8]| {
            let n = usize::from_be_bytes(payload[..8].try_into().unwrap());
            let mut seen = sink.lock();
            seen.push(n);
            if seen.len().is_multiple_of(1_000) {
                // A slow handler now and then: the hand-off fills behind it.
                std::thread::sleep(Duration::from_millis(200));
            }
        }),
    );
    let settings = Settings::new("127.0.0.1", broker.port, "inbound-flood");
    let transport =
        PahoTransport::connect(&settings, router, Arc::new(Quiet), Duration::from_secs(10))
            .unwrap();
    transport
        .subscribe(&["flood/#"], Qos::AtLeastOnce, Duration::from_secs(10))
        .unwrap();

    // Paho refuses a publish while 100 wait unsent (its default): a flood needs more room.
    let publisher = paho_mqtt::CreateOptionsBuilder::new_v3()
        .server_uri(format!("tcp://127.0.0.1:{}", broker.port))
        .client_id("inbound-flood-publisher")
        .persistence(None)
        .max_buffered_messages(N as i32)
        .create_client()
        .unwrap();
    connect(&publisher);
    let mut sent = Vec::with_capacity(N);
    for n in 0..N {
        // At most 500 ahead of what arrived: under mosquitto's queue for a subscriber (1,000),
        // so the broker never drops one.
        assert!(eventually(|| n < seen.lock().len() + 500), "stalled at {n}");
        let mut payload = n.to_be_bytes().to_vec();
        payload.resize(16 * 1024, b'x');
        // Not waiting for the PUBACK: the broker gets them as fast as it takes them.
        sent.push(publisher.publish(paho_mqtt::Message::new("flood/x", payload, 1)));
    }
    for token in sent {
        token.wait_for(Duration::from_secs(10)).unwrap();
    }
    assert!(eventually(|| seen.lock().len() >= N), "not all arrived");
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(*seen.lock(), (0..N).collect::<Vec<_>>());
    publisher
        .disconnect(None)
        .wait_for(Duration::from_secs(10))
        .unwrap();
    transport.close(true);
}
