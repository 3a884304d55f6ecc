//! Starting and stopping a whole emulator: the service (with its store and timer thread),
//! the MQTT side (embedded broker or external attachment) and the HTTP planes, on one tokio
//! runtime. [`Emulator::start`] is what `main` calls and what in-process tests use;
//! [`Emulator::addresses`] lists the `name address` lines printed at start.

use crate::cli::{HttpLimits, Options};
use crate::identity::ca::EmulatorCa;
use crate::mqtt::{embedded, external};
use crate::service::timers::TimerHandle;
use crate::service::{JobsService, NoStore, ServiceConfig, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A running emulator. Dropping it stops everything.
pub struct Emulator {
    pub service: Arc<JobsService>,
    /// Where the embedded broker listens (`None` with an external broker).
    pub mqtt_addr: Option<SocketAddr>,
    /// Where the mutual-TLS listener listens, if it runs.
    pub mqtts_addr: Option<SocketAddr>,
    /// The CA certificate file devices trust on the mutual-TLS listener.
    pub ca_file: Option<CaFile>,
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

/// The CA certificate as a file: the data directory's, or a temporary copy removed when the
/// emulator stops.
pub enum CaFile {
    Kept(PathBuf),
    Temporary(PathBuf),
}

impl CaFile {
    fn temporary(pem: &str) -> anyhow::Result<CaFile> {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "jobs-emulator-ca-{}-{}.pem",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        std::fs::write(&path, pem)?;
        Ok(CaFile::Temporary(path))
    }

    /// Where the PEM is.
    pub fn path(&self) -> &Path {
        match self {
            CaFile::Kept(p) | CaFile::Temporary(p) => p,
        }
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        if let CaFile::Temporary(p) = self {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Raises the soft limit on open files to the hard limit: every MQTT client and HTTP
/// connection holds a descriptor, and the usual soft limit (1,024) is what a thousand slow
/// clients exhaust.
/// Returns the soft limit in force afterwards.
fn raise_fd_limit() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
            return u64::MAX;
        }
        if lim.rlim_cur < lim.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: lim.rlim_max,
                rlim_max: lim.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                lim = raised;
            }
        }
    }
    lim.rlim_cur
}

/// The HTTP connection cap, lowered so that the two planes together use at most half of the
/// file descriptors the process may open (the rest are for MQTT clients and the store).
fn connection_cap(limits: HttpLimits, fd_limit: u64) -> HttpLimits {
    let fair = (fd_limit / 4).max(16) as usize;
    if limits.max_connections <= fair {
        return limits;
    }
    tracing::warn!(
        requested = limits.max_connections,
        used = fair,
        fd_limit,
        "--http-max-connections lowered to fit the open-file limit"
    );
    HttpLimits {
        max_connections: fair,
        ..limits
    }
}

impl Emulator {
    /// Starts everything `opts` asks for.
    pub fn start(opts: &Options) -> anyhow::Result<Emulator> {
        let http_limits = connection_cap(opts.http_limits, raise_fd_limit());
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
        let ca = Arc::new(match &opts.data {
            Some(dir) => EmulatorCa::open_or_create(dir)?,
            None => EmulatorCa::ephemeral()?,
        });
        service.set_ca(ca.clone());
        let (mut mqtt_addr, mut mqtts_addr, mut external) = (None, None, None);
        match &opts.broker {
            Some(b) => external = Some(external::start(service.clone(), b)?),
            None => {
                let cfg = embedded::BrokerConfig {
                    mqtt: opts.mqtt,
                    mqtts: opts.mqtts.map(|a| (a, &*ca)),
                    authz: opts.authz,
                };
                let addrs = runtime.block_on(embedded::start(service.clone(), &cfg))?;
                mqtt_addr = Some(addrs.mqtt);
                mqtts_addr = addrs.mqtts;
            }
        }
        let ca_file = match (&opts.data, mqtts_addr) {
            (_, None) => None,
            (Some(dir), Some(_)) => Some(CaFile::Kept(EmulatorCa::dir_of(dir).join("ca-cert.pem"))),
            (None, Some(_)) => Some(CaFile::temporary(ca.certificate_pem())?),
        };
        let serve = |plane, addr: Option<SocketAddr>| -> anyhow::Result<Option<SocketAddr>> {
            let Some(a) = addr else { return Ok(None) };
            let svc = service.clone();
            Ok(Some(runtime.block_on(crate::http::serve_plane(
                plane,
                a,
                svc,
                http_limits,
            ))?))
        };
        let http_addr = serve(crate::http::Plane::Control, opts.http)?;
        let data_http_addr = serve(crate::http::Plane::Data, opts.data_http)?;
        Ok(Emulator {
            service,
            mqtt_addr,
            mqtts_addr,
            ca_file,
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
        if let Some(a) = self.mqtts_addr {
            lines.push(format!("mqtts {a}"));
        }
        if let Some(f) = &self.ca_file {
            lines.push(format!("ca {}", f.path().display()));
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
