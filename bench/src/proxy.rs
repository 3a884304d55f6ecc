//! A TCP proxy that delays every byte by a fixed time in each direction (a WAN link on
//! loopback) and counts the MQTT packets that cross it, by type and direction.

use crossbeam_channel::{unbounded, Receiver, Sender};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// MQTT control packet types (the high nibble of the first byte).
pub const PUBLISH: usize = 3;
pub const SUBSCRIBE: usize = 8;
pub const UNSUBSCRIBE: usize = 10;

/// Packets seen, by type, client to broker (`up`) and broker to client (`down`).
#[derive(Default)]
pub struct Counts {
    pub up: [AtomicU64; 16],
    pub down: [AtomicU64; 16],
}

/// A snapshot of [`Counts`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Snapshot {
    pub up: [u64; 16],
    pub down: [u64; 16],
}

impl Snapshot {
    /// What happened between `earlier` and this snapshot.
    pub fn since(&self, earlier: &Snapshot) -> Snapshot {
        let mut d = Snapshot::default();
        for i in 0..16 {
            d.up[i] = self.up[i] - earlier.up[i];
            d.down[i] = self.down[i] - earlier.down[i];
        }
        d
    }
}

pub struct Proxy {
    pub port: u16,
    pub counts: Arc<Counts>,
    stop: Arc<AtomicBool>,
}

impl Proxy {
    /// Listens on a free loopback port and forwards to `upstream_port`, adding `delay` each way.
    pub fn start(upstream_port: u16, delay: Duration) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let counts = Arc::new(Counts::default());
        let stop = Arc::new(AtomicBool::new(false));
        let (c, s) = (counts.clone(), stop.clone());
        std::thread::Builder::new()
            .name("wan-proxy".into())
            .spawn(move || {
                for client in listener.incoming() {
                    if s.load(Ordering::Acquire) {
                        return;
                    }
                    let Ok(client) = client else { continue };
                    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream_port)) else {
                        continue;
                    };
                    let _ = client.set_nodelay(true);
                    let _ = server.set_nodelay(true);
                    pipe(&client, &server, delay, c.clone(), true);
                    pipe(&server, &client, delay, c.clone(), false);
                }
            })
            .expect("proxy thread");
        Proxy { port, counts, stop }
    }

    pub fn snapshot(&self) -> Snapshot {
        let mut s = Snapshot::default();
        for i in 0..16 {
            s.up[i] = self.counts.up[i].load(Ordering::Relaxed);
            s.down[i] = self.counts.down[i].load(Ordering::Relaxed);
        }
        s
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Bytes read and when they are due at the other end.
type Chunk = (Instant, Vec<u8>);

/// Forwards `from` to `to`: a reader thread stamps each chunk with its due time, a writer
/// thread writes it then.
fn pipe(from: &TcpStream, to: &TcpStream, delay: Duration, counts: Arc<Counts>, up: bool) {
    let (mut reader, mut writer) = (
        from.try_clone().expect("clone"),
        to.try_clone().expect("clone"),
    );
    let (tx, rx): (Sender<Chunk>, Receiver<Chunk>) = unbounded();
    std::thread::spawn(move || {
        let mut parser = Parser::default();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let table = if up { &counts.up } else { &counts.down };
                    parser.feed(&buf[..n], |kind| {
                        table[kind].fetch_add(1, Ordering::Relaxed);
                    });
                    if tx
                        .send((Instant::now() + delay, buf[..n].to_vec()))
                        .is_err()
                    {
                        break;
                    }
                }
            }
        }
    });
    std::thread::spawn(move || {
        for (due, chunk) in rx {
            let now = Instant::now();
            if due > now {
                std::thread::sleep(due - now);
            }
            if writer.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = writer.shutdown(Shutdown::Write);
    });
}

/// Splits a byte stream into MQTT packets (fixed header: type nibble, variable-length
/// remaining length).
#[derive(Default)]
struct Parser {
    pending: Vec<u8>,
}

impl Parser {
    fn feed(&mut self, bytes: &[u8], mut on_packet: impl FnMut(usize)) {
        self.pending.extend_from_slice(bytes);
        let mut at = 0;
        loop {
            let rest = &self.pending[at..];
            let Some((body, header)) = remaining_length(rest) else {
                break;
            };
            if rest.len() < header + body {
                break;
            }
            on_packet((rest[0] >> 4) as usize);
            at += header + body;
        }
        self.pending.drain(..at);
    }
}

/// (remaining length, fixed header size) of the packet starting `bytes`, once readable.
fn remaining_length(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, b) in bytes.iter().skip(1).take(4).enumerate() {
        value |= ((b & 0x7f) as usize) << (7 * i);
        if b & 0x80 == 0 {
            return Some((value, i + 2));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_split_across_reads_are_counted_once() {
        let mut p = Parser::default();
        let mut seen = Vec::new();
        // PUBLISH with 200 bytes (two-byte length), then a PUBACK, fed in three pieces.
        let mut stream = vec![0x32, 0xc8, 0x01];
        stream.extend(std::iter::repeat_n(0u8, 200));
        stream.extend([0x40, 0x02, 0x00, 0x01]);
        p.feed(&stream[..2], |k| seen.push(k));
        p.feed(&stream[2..150], |k| seen.push(k));
        p.feed(&stream[150..], |k| seen.push(k));
        assert_eq!(seen, vec![PUBLISH, 4]);
    }
}
