//! Starting and stopping a whole emulator: the service (with its store and timer thread),
//! the MQTT side (embedded broker or external attachment) and the HTTP planes, on one tokio
//! runtime. [`Emulator::start`] is what `main` calls and what in-process tests use;
//! [`Emulator::addresses`] lists the `name address` lines printed at start.

use crate::cli::Options;
use crate::mqtt::{embedded, external};
use crate::service::timers::TimerHandle;
use crate::service::{JobsService, NoStore, ServiceConfig, Store};
use std::net::SocketAddr;
use std::sync::Arc;

/// A running emulator. Dropping it stops everything.
pub struct Emulator {
    pub service: Arc<JobsService>,
    /// Where the embedded broker listens (`None` with an external broker).
    pub mqtt_addr: Option<SocketAddr>,
    /// Where the HTTP control plane listens, if it runs.
    pub http_addr: Option<SocketAddr>,
    /// Where the HTTP data plane listens, if it runs.
    pub data_http_addr: Option<SocketAddr>,
    external: Option<external::ExternalHandle>,
    timer: Option<TimerHandle>,
    runtime: Option<tokio::runtime::Runtime>,
}

fn open_store(opts: &Options) -> anyhow::Result<Box<dyn Store>> {
    match &opts.data {
        Some(dir) => Ok(Box::new(crate::store::SqliteStore::open_dir(dir)?)),
        None => Ok(Box::new(NoStore)),
    }
}

/// Raises the soft limit on open files to the hard limit: every MQTT client and HTTP
/// connection holds a descriptor, and the usual soft limit (1,024) is what a thousand slow
/// clients exhaust.
fn raise_fd_limit() {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) == 0 && lim.rlim_cur < lim.rlim_max {
            lim.rlim_cur = lim.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &lim);
        }
    }
}

impl Emulator {
    /// Starts everything `opts` asks for.
    pub fn start(opts: &Options) -> anyhow::Result<Emulator> {
        raise_fd_limit();
        let config = ServiceConfig {
            minute_ms: opts.minute_ms,
            store: open_store(opts)?,
            registry: opts.registry,
            ..Default::default()
        };
        let service = JobsService::with_config(config)?;
        if let Some(seed) = &opts.seed {
            crate::seed::apply(&service, seed)?;
        }
        let timer = service.start_timer_thread();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .thread_name("jobs-emulator")
            .build()?;
        let (mqtt_addr, external) = match &opts.broker {
            Some(b) => (None, Some(external::start(service.clone(), b)?)),
            None => (
                Some(runtime.block_on(embedded::start(service.clone(), opts.mqtt))?),
                None,
            ),
        };
        let serve = |plane, addr: Option<SocketAddr>| -> anyhow::Result<Option<SocketAddr>> {
            let Some(a) = addr else { return Ok(None) };
            let svc = service.clone();
            Ok(Some(runtime.block_on(crate::http::serve_plane(
                plane,
                a,
                svc,
                opts.http_limits,
            ))?))
        };
        let http_addr = serve(crate::http::Plane::Control, opts.http)?;
        let data_http_addr = serve(crate::http::Plane::Data, opts.data_http)?;
        Ok(Emulator {
            service,
            mqtt_addr,
            http_addr,
            data_http_addr,
            external,
            timer: Some(timer),
            runtime: Some(runtime),
        })
    }

    /// The `name address` lines to print at start (`mqtt`, `http`, `data-http`, `broker`).
    pub fn addresses(&self, opts: &Options) -> Vec<String> {
        let mut lines = Vec::new();
        if let Some(a) = self.mqtt_addr {
            lines.push(format!("mqtt {a}"));
        }
        if let Some(b) = &opts.broker {
            lines.push(format!("broker {}", b.url));
        }
        if let Some(a) = self.http_addr {
            lines.push(format!("http {a}"));
        }
        if let Some(a) = self.data_http_addr {
            lines.push(format!("data-http {a}"));
        }
        lines
    }

    /// The runtime the emulator's async parts run on.
    pub fn runtime(&self) -> &tokio::runtime::Runtime {
        self.runtime.as_ref().expect("runtime lives until drop")
    }

    /// Installs the SIGINT and SIGTERM handlers (do it before announcing the addresses, so
    /// a signal sent right after cannot kill the process with the default action).
    pub fn shutdown_signals(&self) -> anyhow::Result<ShutdownSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        let _guard = self.runtime().enter();
        Ok(ShutdownSignals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }
}

/// Installed SIGTERM/SIGINT handlers; see [`Emulator::shutdown_signals`].
pub struct ShutdownSignals {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

impl ShutdownSignals {
    /// Blocks until SIGTERM or SIGINT arrives.
    pub fn wait(mut self, emulator: &Emulator) {
        emulator.runtime().block_on(async {
            tokio::select! {
                _ = self.term.recv() => {}
                _ = self.int.recv() => {}
            }
        })
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.external.take();
        self.timer.take();
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_timeout(std::time::Duration::from_millis(500));
        }
    }
}
