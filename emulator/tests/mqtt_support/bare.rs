//! A bare MQTT client over TCP for tests that need what a library client hides: PUBACKs held
//! back, the CONNACK return code itself, a CONNECT sent the instant an earlier socket closes.

use super::emulator;
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

/// MQTT 3.1.1's protocol level.
pub const V311: u8 = 4;
/// MQTT 5's protocol level.
pub const V5: u8 = 5;

pub struct Bare {
    stream: TcpStream,
    buffer: Vec<u8>,
    /// The protocol level of the CONNECT sent.
    version: u8,
}

impl Bare {
    /// A TCP connection to the shared emulator's broker; nothing sent yet.
    pub fn open() -> Bare {
        let stream = TcpStream::connect(emulator().mqtt_addr.unwrap()).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        Bare {
            stream,
            buffer: Vec::new(),
            version: V311,
        }
    }

    /// Sends a CONNECT of protocol level `version` (clean session / clean start, keep-alive
    /// 60 s, no properties).
    pub fn send_connect(&mut self, client_id: &str, version: u8) {
        let mut body = vec![0, 4, b'M', b'Q', b'T', b'T', version, 0x02, 0, 60];
        if version == V5 {
            body.push(0);
        }
        string(client_id, &mut body);
        self.send(&packet(0x10, &body));
        self.version = version;
    }

    /// The CONNACK's return (v3) or reason (v5) code.
    pub fn connack(&mut self) -> u8 {
        let (first, body) = self.next(Duration::from_secs(5)).expect("a CONNACK");
        assert_eq!(first, 0x20, "a CONNACK");
        body[1]
    }

    /// [`Bare::send_connect`], then [`Bare::connack`].
    pub fn handshake(&mut self, client_id: &str, version: u8) -> u8 {
        self.send_connect(client_id, version);
        self.connack()
    }

    /// A client connected with MQTT 3.1.1.
    pub fn connect(client_id: &str) -> Bare {
        let mut bare = Bare::open();
        assert_eq!(bare.handshake(client_id, V311), 0, "CONNACK accepted");
        bare
    }

    pub fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// A QoS 0 publish.
    pub fn publish(&mut self, topic: &str, payload: &[u8]) {
        let mut body = Vec::new();
        string(topic, &mut body);
        if self.version == V5 {
            body.push(0);
        }
        body.extend_from_slice(payload);
        self.send(&packet(0x30, &body));
    }

    pub fn puback(&mut self, id: u16) {
        let [hi, lo] = id.to_be_bytes();
        self.send(&[0x40, 2, hi, lo]);
    }

    /// A DISCONNECT (normal disconnection in MQTT 5 too).
    pub fn disconnect(&mut self) {
        self.send(&[0xe0, 0]);
    }

    /// The next whole packet (first byte, body), waiting at most `wait`.
    pub fn next(&mut self, wait: Duration) -> Option<(u8, Vec<u8>)> {
        let until = Instant::now() + wait;
        loop {
            if let Some(p) = self.take() {
                return Some(p);
            }
            if Instant::now() >= until {
                return None;
            }
            match self.read() {
                Some(true) => {}
                Some(false) => panic!("the broker closed the connection"),
                None => {}
            }
        }
    }

    /// Whether the broker closes the connection within `wait` (packets before are skipped).
    pub fn closed_within(&mut self, wait: Duration) -> bool {
        let until = Instant::now() + wait;
        while Instant::now() < until {
            if self.read() == Some(false) {
                return true;
            }
        }
        false
    }

    /// One read into the buffer: `Some(true)` bytes came, `Some(false)` the connection is
    /// closed, `None` nothing within the read timeout.
    fn read(&mut self) -> Option<bool> {
        let mut chunk = [0u8; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => Some(false),
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Some(true)
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => None,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => Some(false),
            Err(e) => panic!("read: {e}"),
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
    pub fn publishes_until_quiet(&mut self, quiet: Duration, up_to: usize) -> Vec<u16> {
        let mut ids = Vec::new();
        while ids.len() < up_to {
            let Some((first, body)) = self.next(quiet) else {
                break;
            };
            assert_eq!(first & 0xf0, 0x30, "only publishes are expected");
            assert_eq!(first & 0x06, 0x02, "replies come at QoS 1");
            let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
            // MQTT 5 publishes carry properties after the packet ID; only the ID is read.
            ids.push(u16::from_be_bytes([
                body[2 + topic_len],
                body[3 + topic_len],
            ]));
        }
        ids
    }
}
