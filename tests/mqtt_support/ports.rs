//! Free TCP ports for the brokers the tests start themselves (mosquitto takes its port from its
//! configuration, so it cannot bind port 0 and report what it got). A port the kernel handed out
//! for `bind(0)` and the test then closed can be handed out again to anyone else binding port 0
//! meanwhile: a parallel test's emulator, or any client's own end of a connection. Mosquitto then
//! fails to bind, and the test talks to someone else's listener. So the port is picked below the
//! kernel's ephemeral range, where only explicit binds go. Shared by the library's tests and the
//! emulator's (`emulator/tests/binary_serve.rs` includes this file).

use std::net::TcpListener;
use std::sync::atomic::{AtomicU32, Ordering};

/// Where the kernel starts picking ports for `bind(0)` and outgoing connections.
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768)
}

/// A TCP port on 127.0.0.1 that was free when asked, below the kernel's ephemeral range.
pub fn free_port() -> u16 {
    static CALLS: AtomicU32 = AtomicU32::new(0);
    let high = u32::from(ephemeral_start());
    let low = 10_000.min(high / 2);
    // Different processes and calls start at different places, so that tests running side by
    // side seldom try the same port.
    // Reduced to the span first: added unreduced, the sums could overflow (a panic in a debug
    // build).
    let span = high - low;
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let start = std::process::id()
        .wrapping_mul(7_919)
        .wrapping_add(call.wrapping_mul(613))
        % span;
    (0..span)
        .map(|i| (low + (start + i) % span) as u16)
        .find(|&port| TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below the ephemeral range")
}
