//! The HTTP planes' accept loop, built on hyper's own connection builder instead of
//! `axum::serve` so that a client cannot hold a connection without sending a request: each
//! connection gets hyper's header-read timeout (a slow or silent client is dropped), the
//! number of connections served at once is capped by a semaphore (past the cap the loop
//! stops accepting and new clients wait in the kernel's listen queue instead of using up
//! file descriptors), and the listening socket has `SO_REUSEADDR` so a restarted emulator
//! binds its port at once.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::Semaphore;

use crate::cli::HttpLimits;

/// Binds `addr` with `SO_REUSEADDR`.
pub fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Accepts and serves connections until the runtime stops.
pub async fn accept_loop(
    listener: TcpListener,
    router: Router,
    plane: &'static str,
    limits: HttpLimits,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    loop {
        let Ok(permit) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: wait a little
                // rather than spin.
                tracing::warn!(plane, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service);
            if let Err(e) = connection.await {
                tracing::debug!(plane, error = %e, "HTTP connection ended");
            }
        });
    }
}
