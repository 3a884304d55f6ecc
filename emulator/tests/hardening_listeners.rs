//! The listeners under hostile or careless clients: an HTTP client that never finishes its
//! headers is dropped after the header-read timeout, silent connections do not stop others
//! from being served, an oversized body is an AWS-shaped InvalidRequestException, and a
//! restarted emulator binds the MQTT and HTTP ports it had at once (SO_REUSEADDR), even with
//! connections left in TIME_WAIT.

mod http_common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use http_common::{assert_error, send};
use jobs_emulator::app::Emulator;
use jobs_emulator::cli::{HttpLimits, Options};
use jobs_emulator::http::{serve_plane, Plane};
use jobs_emulator::service::JobsService;

fn control_plane(limits: HttpLimits) -> (tokio::runtime::Runtime, SocketAddr) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime
        .block_on(serve_plane(
            Plane::Control,
            "127.0.0.1:0".parse().unwrap(),
            JobsService::new(),
            limits,
        ))
        .unwrap();
    (runtime, addr)
}

fn limits(header_ms: u64) -> HttpLimits {
    HttpLimits {
        header_read_timeout: Duration::from_millis(header_ms),
        max_body_bytes: 4096,
        ..HttpLimits::default()
    }
}

#[test]
fn a_client_that_never_finishes_its_headers_is_dropped() {
    let (_rt, addr) = control_plane(limits(200));
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /jobs HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 512];
    // hyper answers 408 or just closes: either way the connection ends, long before the
    // 10 s bound that only keeps a broken server from hanging the test.
    loop {
        match slow.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => continue,
        }
    }
    assert!(started.elapsed() < Duration::from_secs(10), "never closed");
}

#[test]
fn silent_connections_do_not_keep_others_waiting() {
    let (_rt, addr) = control_plane(limits(10_000));
    let silent: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let reply = send(addr, "GET", "/jobs", None);
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["jobs"], serde_json::json!([]));
    drop(silent);
}

#[test]
fn past_the_connection_cap_a_client_waits_for_a_slot() {
    let (_rt, addr) = control_plane(HttpLimits {
        max_connections: 1,
        ..limits(300)
    });
    // The only slot is taken by a client that never sends its headers.
    let taken = Instant::now();
    let mut silent = TcpStream::connect(addr).unwrap();
    silent.write_all(b"GET /jobs HTTP/1.1\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let waiting = std::thread::spawn(move || {
        let reply = send(addr, "GET", "/jobs", None);
        (reply.status, Instant::now())
    });
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 256];
    while let Ok(n) = silent.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
    let (status, served) = waiting.join().unwrap();
    assert_eq!(status, 200);
    // Served only once the 300 ms header timeout freed the slot (a lower bound: a loaded
    // machine can only make it later).
    assert!(
        served.duration_since(taken) >= Duration::from_millis(300),
        "served past the cap after {:?}",
        served.duration_since(taken)
    );
}

#[test]
fn an_oversized_body_is_an_invalid_request() {
    let (_rt, addr) = control_plane(limits(10_000));
    let body = format!(
        "{{\"targets\":[\"t\"],\"document\":\"{}\"}}",
        "x".repeat(8000)
    );
    let reply = send(addr, "PUT", "/jobs/big", Some(body.as_bytes()));
    assert_error(&reply, 400, "InvalidRequestException");
}

fn options(mqtt: SocketAddr, http: SocketAddr) -> Options {
    Options {
        mqtt,
        http: Some(http),
        ..Options::default()
    }
}

#[test]
fn a_restarted_emulator_binds_its_ports_at_once() {
    let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
    let first = Emulator::start(&options(any, any)).expect("first start");
    let mqtt = first.mqtt_addr.unwrap();
    let http = first.http_addr.unwrap();
    // A connection on each port, closed by the server when it stops: the server's side of
    // each is left in TIME_WAIT, which makes a plain bind fail with "address in use".
    let mut m = TcpStream::connect(mqtt).unwrap();
    m.write_all(&[0x10, 0x0c, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 30, 0, 0])
        .unwrap();
    let mut ack = [0u8; 4];
    m.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    m.read_exact(&mut ack).unwrap();
    assert_eq!(ack[0], 0x20, "CONNACK");
    let reply = send(http, "GET", "/jobs", None);
    assert_eq!(reply.status, 200);
    drop(first);
    let second = Emulator::start(&options(mqtt, http)).expect("restart on the same ports");
    assert_eq!(second.mqtt_addr, Some(mqtt));
    assert_eq!(send(http, "GET", "/jobs", None).status, 200);
}
