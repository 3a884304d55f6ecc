//! The embedded broker's outbound flow control, as AWS IoT's: at most 100 QoS 1 messages to a
//! client await its PUBACK at any time; the rest wait in the broker and follow as PUBACKs come.
//! A bare MQTT 3.1.1 client over TCP (Paho acknowledges by itself, so it can't hold PUBACKs
//! back) sends Jobs requests and leaves the replies unacknowledged.

mod mqtt_support;

use mqtt_support::{emulator, unique};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// MQTT's variable-length "remaining length".
fn remaining_length(mut n: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (n % 128) as u8;
        n /= 128;
        if n > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if n == 0 {
            return;
        }
    }
}

fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![first];
    remaining_length(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

fn string(s: &str, out: &mut Vec<u8>) {
    out.extend_from_slice(&(s.len() as u16).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

struct Bare {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Bare {
    fn connect(client_id: &str) -> Bare {
        let stream = TcpStream::connect(emulator().mqtt_addr.unwrap()).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let mut bare = Bare {
            stream,
            buffer: Vec::new(),
        };
        // Protocol "MQTT" level 4, clean session, keep-alive 60 s.
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 60];
        string(client_id, &mut body);
        bare.send(&packet(0x10, &body));
        let connack = bare.next(Duration::from_secs(5)).expect("a CONNACK");
        assert_eq!(connack, (0x20, vec![0, 0]), "CONNACK accepted");
        bare
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// A QoS 0 publish.
    fn publish(&mut self, topic: &str, payload: &[u8]) {
        let mut body = Vec::new();
        string(topic, &mut body);
        body.extend_from_slice(payload);
        self.send(&packet(0x30, &body));
    }

    fn puback(&mut self, id: u16) {
        let [hi, lo] = id.to_be_bytes();
        self.send(&[0x40, 2, hi, lo]);
    }

    /// The next whole packet (first byte, body), waiting at most `wait`.
    fn next(&mut self, wait: Duration) -> Option<(u8, Vec<u8>)> {
        let until = Instant::now() + wait;
        loop {
            if let Some(p) = self.take() {
                return Some(p);
            }
            if Instant::now() >= until {
                return None;
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the broker closed the connection"),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) => panic!("read: {e}"),
            }
        }
    }

    fn take(&mut self) -> Option<(u8, Vec<u8>)> {
        let (mut length, mut shift, mut at) = (0usize, 0, 1);
        loop {
            let byte = *self.buffer.get(at)?;
            length |= usize::from(byte & 0x7f) << shift;
            shift += 7;
            at += 1;
            if byte & 0x80 == 0 {
                break;
            }
        }
        if self.buffer.len() < at + length {
            return None;
        }
        let first = self.buffer[0];
        let body = self.buffer[at..at + length].to_vec();
        self.buffer.drain(..at + length);
        Some((first, body))
    }

    /// Packet IDs of the QoS 1 publishes that arrive until none has for `quiet`.
    fn publishes_until_quiet(&mut self, quiet: Duration, up_to: usize) -> Vec<u16> {
        let mut ids = Vec::new();
        while ids.len() < up_to {
            let Some((first, body)) = self.next(quiet) else {
                break;
            };
            assert_eq!(first & 0xf0, 0x30, "only publishes are expected");
            assert_eq!(first & 0x06, 0x02, "replies come at QoS 1");
            let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
            ids.push(u16::from_be_bytes([
                body[2 + topic_len],
                body[3 + topic_len],
            ]));
        }
        ids
    }
}

#[test]
fn at_most_100_replies_await_their_puback_and_the_rest_follow_the_pubacks() {
    // AWS IoT's "in-flight unacknowledged messages" per client.
    let limit = 100;
    let thing = unique("inflight");
    let mut device = Bare::connect(&thing);
    let requests = limit + 50;
    let topic = format!("$aws/things/{thing}/jobs/get");
    for i in 0..requests {
        device.publish(&topic, format!(r#"{{"clientToken":"c{i}"}}"#).as_bytes());
    }
    // Held: the first 100, then nothing while none is acknowledged.
    let first = device.publishes_until_quiet(Duration::from_secs(2), requests);
    assert_eq!(first.len(), limit, "replies sent before any PUBACK");
    let more = device.publishes_until_quiet(Duration::from_millis(500), requests);
    assert!(
        more.is_empty(),
        "{} more arrived unacknowledged",
        more.len()
    );
    // Released by the PUBACKs.
    for id in first {
        device.puback(id);
    }
    let rest = device.publishes_until_quiet(Duration::from_secs(2), requests);
    assert_eq!(
        rest.len(),
        requests - limit,
        "the held replies after the PUBACKs"
    );
}
