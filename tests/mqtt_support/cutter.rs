//! A TCP relay in front of a broker that can cut its connections the hard way: both sockets
//! closed with an RST (SO_LINGER 0), mid-stream, as a NAT timeout or a dying router does. A
//! client that keeps writing then gets ECONNRESET or EPIPE on its next write, which is the path
//! a clean FIN (or a broker killed by signal, whose kernel still shuts down politely) rarely
//! reaches.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Cutter {
    pub port: u16,
    live: Arc<Mutex<Vec<(TcpStream, TcpStream)>>>,
    stop: Arc<AtomicBool>,
    pub accepted: Arc<AtomicUsize>,
}

/// Closes `stream` with an RST instead of a FIN.
fn reset(stream: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor and a `linger` of the size given.
    unsafe {
        libc::setsockopt(
            stream.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            (&linger as *const libc::linger).cast(),
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        );
    }
    let _ = stream.shutdown(Shutdown::Both);
}

fn pump(mut from: TcpStream, mut to: TcpStream) {
    let mut buffer = [0u8; 16 * 1024];
    while let Ok(n) = from.read(&mut buffer) {
        if n == 0 || to.write_all(&buffer[..n]).is_err() {
            break;
        }
    }
}

impl Cutter {
    /// Relays 127.0.0.1:`port` (a free one) to 127.0.0.1:`upstream`.
    pub fn start(upstream: u16) -> Cutter {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the cutter");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let live: Arc<Mutex<Vec<(TcpStream, TcpStream)>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let accepted = Arc::new(AtomicUsize::new(0));
        let (l, s, a) = (live.clone(), stop.clone(), accepted.clone());
        std::thread::spawn(move || {
            while !s.load(Ordering::Acquire) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                            continue;
                        };
                        let _ = client.set_nodelay(true);
                        let _ = server.set_nodelay(true);
                        a.fetch_add(1, Ordering::SeqCst);
                        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                        l.lock()
                            .unwrap()
                            .push((client.try_clone().unwrap(), server.try_clone().unwrap()));
                        std::thread::spawn(move || pump(client, s2));
                        std::thread::spawn(move || pump(server, c2));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        Cutter {
            port,
            live,
            stop,
            accepted,
        }
    }

    /// Resets every connection relayed so far, both sides.
    pub fn cut(&self) {
        for (client, server) in self.live.lock().unwrap().drain(..) {
            reset(&client);
            reset(&server);
        }
    }
}

impl Drop for Cutter {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        self.cut();
    }
}
