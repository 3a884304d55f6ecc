//! A TCP relay in front of a broker that keeps a copy of what each client sent, and readers of
//! the TLS records in it: the server name of the ClientHello and the size of every record.

use parking_lot::Mutex;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

/// What one client sent so far.
type Sent = Arc<Mutex<Vec<u8>>>;

/// Relays every connection made to `port` to the broker on `upstream`.
pub struct Tap {
    pub port: u16,
    sent: Arc<Mutex<Vec<Sent>>>,
}

fn pump(mut from: TcpStream, mut to: TcpStream, copy: Option<Sent>) {
    let mut buffer = [0u8; 16384];
    loop {
        match from.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if let Some(copy) = &copy {
                    copy.lock().extend_from_slice(&buffer[..n]);
                }
                if to.write_all(&buffer[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to.shutdown(Shutdown::Both);
    let _ = from.shutdown(Shutdown::Both);
}

impl Tap {
    pub fn start(upstream: u16) -> Tap {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the tap");
        let port = listener.local_addr().unwrap().port();
        let sent: Arc<Mutex<Vec<Sent>>> = Arc::default();
        let connections = sent.clone();
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { break };
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let copy = Arc::new(Mutex::new(Vec::new()));
                connections.lock().push(copy.clone());
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(move || pump(client, server, Some(copy)));
                std::thread::spawn(move || pump(s2, c2, None));
            }
        });
        Tap { port, sent }
    }

    /// What the clients sent so far, one buffer per connection, oldest first.
    pub fn sent(&self) -> Vec<Vec<u8>> {
        self.sent.lock().iter().map(|c| c.lock().clone()).collect()
    }

    /// Waits a little for the relay threads to pass on what is in flight.
    pub fn settle(&self) {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The TLS records in `bytes`: (content type, fragment length). A truncated last record is
/// left out.
pub fn records(bytes: &[u8]) -> Vec<(u8, usize)> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 {
        let length = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        if rest.len() < 5 + length {
            break;
        }
        out.push((rest[0], length));
        rest = &rest[5 + length..];
    }
    out
}

fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    if bytes.len() < n {
        return None;
    }
    let (head, tail) = bytes.split_at(n);
    *bytes = tail;
    Some(head)
}

fn u16_at(bytes: &mut &[u8]) -> Option<usize> {
    take(bytes, 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
}

/// Reads the ClientHello at the start of `bytes`: `Some(server name)` or `Some(None)` when it
/// has no server_name extension; `None` if `bytes` does not start with a whole ClientHello.
pub fn client_hello_server_name(bytes: &[u8]) -> Option<Option<String>> {
    let mut rest = bytes;
    let header = take(&mut rest, 5)?;
    if header[0] != 22 {
        return None;
    }
    let mut hello = take(
        &mut rest,
        usize::from(u16::from_be_bytes([header[3], header[4]])),
    )?;
    let kind = take(&mut hello, 4)?;
    if kind[0] != 1 {
        return None;
    }
    take(&mut hello, 2 + 32)?;
    let session = usize::from(take(&mut hello, 1)?[0]);
    take(&mut hello, session)?;
    let suites = u16_at(&mut hello)?;
    take(&mut hello, suites)?;
    let compression = usize::from(take(&mut hello, 1)?[0]);
    take(&mut hello, compression)?;
    let total = u16_at(&mut hello)?;
    let mut extensions = take(&mut hello, total)?;
    while !extensions.is_empty() {
        let kind = u16_at(&mut extensions)?;
        let length = u16_at(&mut extensions)?;
        let mut body = take(&mut extensions, length)?;
        if kind == 0 {
            u16_at(&mut body)?;
            take(&mut body, 1)?;
            let name_length = u16_at(&mut body)?;
            let name = take(&mut body, name_length)?;
            return Some(Some(String::from_utf8_lossy(name).into_owned()));
        }
    }
    Some(None)
}
