//! The command line, parsed with clap: `jobs-emulator serve [OPTIONS]` runs the emulator and
//! `jobs-emulator ca --data DIR` prints the emulator CA that devices trust on `--mqtts`. Every
//! option has help text and can come from the environment (`JOBS_EMULATOR_<OPTION>`).
//! [`Options`] is what `app::Emulator::start` and the in-process tests read their settings
//! from; its `Default` is what the command line gives without options.

use crate::mqtt::external::ExternalBroker;
use crate::service::RegistryMode;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// Who may use which topics on the embedded broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum AuthzMode {
    /// Any client, any client ID, any topic (a development broker; the default).
    #[default]
    Open,
    /// As the usual AWS IoT Jobs policy: a client uses only its own thing's Jobs topics.
    Thing,
}

/// Limits of the HTTP planes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// Connections served at once per plane; more wait in the listen queue.
    pub max_connections: usize,
    /// Time a client has to send a request's headers.
    pub header_read_timeout: Duration,
    /// Time a request has to be answered (body read included).
    pub request_timeout: Duration,
    /// Largest request body, in bytes.
    pub max_body_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            max_connections: 4096,
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 1024 * 1024,
        }
    }
}

/// Settings of one emulator run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Address of the embedded broker's plain listener (ignored when `broker` is set).
    pub mqtt: SocketAddr,
    /// Address of the embedded broker's mutual-TLS listener, if served.
    pub mqtts: Option<SocketAddr>,
    /// Address of the HTTP control plane, if served.
    pub http: Option<SocketAddr>,
    /// Address of the HTTP data plane, if served.
    pub data_http: Option<SocketAddr>,
    /// External broker to attach to instead of embedding one.
    pub broker: Option<ExternalBroker>,
    /// Real milliseconds per emulated minute.
    pub minute_ms: u64,
    /// Directory of the persistent store and of the emulator CA.
    pub data: Option<PathBuf>,
    /// Seed file (see [`crate::seed`]).
    pub seed: Option<PathBuf>,
    /// Authorization on the embedded broker.
    pub authz: AuthzMode,
    /// How unknown things are treated.
    pub registry: RegistryMode,
    /// Limits of the HTTP planes.
    pub http_limits: HttpLimits,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mqtt: SocketAddr::from(([127, 0, 0, 1], 1883)),
            mqtts: None,
            http: None,
            data_http: None,
            broker: None,
            minute_ms: 60_000,
            data: None,
            seed: None,
            authz: AuthzMode::Open,
            registry: RegistryMode::Implicit,
            http_limits: HttpLimits::default(),
        }
    }
}

/// A local AWS IoT Jobs service: MQTT data plane, HTTP control and data planes.
#[derive(Debug, Parser)]
#[command(name = "jobs-emulator", version)]
struct Cli {
    #[command(subcommand)]
    command: CliCommand,
}

#[derive(Debug, Subcommand)]
enum CliCommand {
    /// Runs the emulator; prints one `NAME ADDRESS` line per endpoint, `mqtt` first.
    Serve(Box<ServeArgs>),
    /// Prints the emulator CA certificate (PEM) of a data directory, creating it if needed:
    /// what devices trust on `--mqtts`.
    Ca {
        /// The data directory the emulator runs with (`serve --data`).
        #[arg(long, env = "JOBS_EMULATOR_DATA")]
        data: PathBuf,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Embedded broker, plain MQTT (port 0 picks a free port).
    #[arg(long, env = "JOBS_EMULATOR_MQTT", default_value = "127.0.0.1:1883")]
    mqtt: SocketAddr,
    /// Embedded broker, MQTT over mutual TLS with certificates from CreateKeysAndCertificate.
    #[arg(long, env = "JOBS_EMULATOR_MQTTS", conflicts_with = "broker")]
    mqtts: Option<SocketAddr>,
    /// HTTP control plane (the `iot` API).
    #[arg(long, env = "JOBS_EMULATOR_HTTP")]
    http: Option<SocketAddr>,
    /// HTTP data plane (the `iot-jobs-data` API).
    #[arg(long, env = "JOBS_EMULATOR_DATA_HTTP")]
    data_http: Option<SocketAddr>,
    /// Attach to an external broker (mqtt://HOST:PORT or mqtts://HOST:PORT) instead of embedding one.
    #[arg(long, env = "JOBS_EMULATOR_BROKER")]
    broker: Option<String>,
    /// CA certificate (PEM) of the external broker (with --broker mqtts://).
    #[arg(long, env = "JOBS_EMULATOR_BROKER_CA", requires = "broker")]
    ca: Option<PathBuf>,
    /// Client certificate (PEM) for the external broker.
    #[arg(long, env = "JOBS_EMULATOR_BROKER_CERT", requires = "broker")]
    cert: Option<PathBuf>,
    /// Client private key (PEM) for the external broker.
    #[arg(long, env = "JOBS_EMULATOR_BROKER_KEY", requires = "broker")]
    key: Option<PathBuf>,
    /// Real milliseconds per emulated minute: job timers, rollout rates, abort checks.
    #[arg(long, env = "JOBS_EMULATOR_MINUTE_MS", default_value_t = 60_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    minute_ms: u64,
    /// Persist state (SQLite) and keep the emulator CA in this directory.
    #[arg(long, env = "JOBS_EMULATOR_DATA")]
    data: Option<PathBuf>,
    /// Create the things, groups and jobs listed in this JSON file at start.
    #[arg(long, env = "JOBS_EMULATOR_SEED")]
    seed: Option<PathBuf>,
    /// Authorization on the embedded broker: `open` (any client, any topic) or `thing`
    /// (each client only its own thing's Jobs topics, as the usual AWS IoT policy). Not with
    /// --broker: an external broker enforces its own rules.
    #[arg(long, env = "JOBS_EMULATOR_AUTHZ", value_enum, default_value_t = AuthzMode::Open,
          conflicts_with = "broker")]
    authz: AuthzMode,
    /// Unknown things: `implicit` (CreateJob registers them, devices of unknown things get
    /// empty answers) or `strict` (ResourceNotFound, as the service).
    #[arg(long, env = "JOBS_EMULATOR_REGISTRY", value_enum, default_value_t = RegistryMode::Implicit)]
    registry: RegistryMode,
    /// HTTP connections served at once per plane; more wait in the listen queue.
    #[arg(long, env = "JOBS_EMULATOR_HTTP_MAX_CONNECTIONS", default_value_t = 4096,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    http_max_connections: u64,
    /// Milliseconds an HTTP client has to send a request's headers.
    #[arg(long, env = "JOBS_EMULATOR_HTTP_HEADER_TIMEOUT_MS", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    http_header_timeout_ms: u64,
    /// Milliseconds an HTTP request has to complete.
    #[arg(long, env = "JOBS_EMULATOR_HTTP_REQUEST_TIMEOUT_MS", default_value_t = 30_000,
          value_parser = clap::value_parser!(u64).range(1..))]
    http_request_timeout_ms: u64,
    /// Largest HTTP request body in bytes.
    #[arg(long, env = "JOBS_EMULATOR_HTTP_MAX_BODY", default_value_t = 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1..=64 * 1024 * 1024))]
    http_max_body: u64,
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `serve`.
    Serve(Box<Options>),
    /// `ca --data DIR`.
    Ca { data: PathBuf },
}

impl From<ServeArgs> for Options {
    fn from(a: ServeArgs) -> Options {
        Options {
            mqtt: a.mqtt,
            mqtts: a.mqtts,
            http: a.http,
            data_http: a.data_http,
            broker: a.broker.map(|url| ExternalBroker {
                url,
                ca: a.ca,
                cert: a.cert,
                key: a.key,
            }),
            minute_ms: a.minute_ms,
            data: a.data,
            seed: a.seed,
            authz: a.authz,
            registry: a.registry,
            http_limits: HttpLimits {
                max_connections: a.http_max_connections as usize,
                header_read_timeout: Duration::from_millis(a.http_header_timeout_ms),
                request_timeout: Duration::from_millis(a.http_request_timeout_ms),
                max_body_bytes: a.http_max_body as usize,
            },
        }
    }
}

/// Parses the arguments after the program name. Errors carry clap's message (and `--help`
/// or `--version` output, which the caller prints with [`clap::Error::exit`]).
pub fn parse<I, T>(args: I) -> Result<Command, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let argv = std::iter::once(std::ffi::OsString::from("jobs-emulator"))
        .chain(args.into_iter().map(Into::into));
    let cli = Cli::try_parse_from(argv)?;
    Ok(match cli.command {
        CliCommand::Serve(a) => Command::Serve(Box::new((*a).into())),
        CliCommand::Ca { data } => Command::Ca { data },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(s: &str) -> Result<Options, clap::Error> {
        match parse(s.split_whitespace())? {
            Command::Serve(o) => Ok(*o),
            other => panic!("not serve: {other:?}"),
        }
    }

    #[test]
    fn parses_serve() {
        let o = serve(
            "serve --mqtt 127.0.0.1:0 --minute-ms 50 --broker mqtts://h:1 --ca c --cert d --key e",
        )
        .unwrap();
        assert_eq!(o.mqtt.port(), 0);
        assert_eq!(o.minute_ms, 50);
        assert_eq!(o.broker.unwrap().key, Some(PathBuf::from("e")));
        assert_eq!(o.authz, AuthzMode::Open);
        assert_eq!(o.registry, RegistryMode::Implicit);
        let o = serve("serve --authz thing --registry strict --mqtts 127.0.0.1:0").unwrap();
        assert_eq!(
            (o.authz, o.registry),
            (AuthzMode::Thing, RegistryMode::Strict)
        );
        assert_eq!(o.mqtts.map(|a| a.port()), Some(0));
    }

    #[test]
    fn defaults_match_options_default() {
        assert_eq!(serve("serve").unwrap(), Options::default());
    }

    #[test]
    fn refuses_bad_input_with_clear_errors() {
        for bad in [
            "serve --bogus 1",
            "serve --ca x",
            "run",
            "serve --minute-ms 0",
            "serve --authz everyone",
            "serve --mqtt nowhere",
            "serve --http-max-body 0",
            "serve --broker mqtt://h:1 --authz thing",
            "serve --broker mqtt://h:1 --mqtts 127.0.0.1:0",
        ] {
            let err = serve(bad).unwrap_err();
            assert!(!err.to_string().is_empty(), "{bad}");
        }
        assert_eq!(
            parse(["ca", "--data", "/tmp/x"]).unwrap(),
            Command::Ca {
                data: PathBuf::from("/tmp/x")
            }
        );
    }
}
