//! Command-line options of `jobs-emulator serve`, parsed by hand (a dozen flags do not need a
//! parser crate). [`Options`] is also what tests and the HTTP planes read their settings from.

use crate::mqtt::external::ExternalBroker;
use anyhow::{anyhow, bail, Context};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Usage text.
pub const USAGE: &str = "usage: jobs-emulator serve [--mqtt ADDR] [--http ADDR] [--data-http ADDR]
       [--broker mqtt://HOST:PORT | mqtts://HOST:PORT --ca F --cert F --key F]
       [--minute-ms N] [--data DIR] [--seed FILE]
  --mqtt ADDR       embedded MQTT broker (default 127.0.0.1:1883; port 0 picks one)
  --http ADDR       HTTP control plane (the `iot` API)
  --data-http ADDR  HTTP data plane (the `iot-jobs-data` API)
  --broker URL      attach to an external broker instead of embedding one
  --minute-ms N     real milliseconds per minute of job timers (default 60000)
  --data DIR        persist state in DIR (SQLite)
  --seed FILE       create the things and jobs listed in FILE (JSON) at start";

/// Settings of one emulator run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Address of the embedded broker (ignored when `broker` is set).
    pub mqtt: SocketAddr,
    /// Address of the HTTP control plane, if served.
    pub http: Option<SocketAddr>,
    /// Address of the HTTP data plane, if served.
    pub data_http: Option<SocketAddr>,
    /// External broker to attach to instead of embedding one.
    pub broker: Option<ExternalBroker>,
    /// Real milliseconds per emulated minute.
    pub minute_ms: u64,
    /// Directory of the persistent store.
    pub data: Option<PathBuf>,
    /// Seed file (see [`crate::seed`]).
    pub seed: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mqtt: SocketAddr::from(([127, 0, 0, 1], 1883)),
            http: None,
            data_http: None,
            broker: None,
            minute_ms: 60_000,
            data: None,
            seed: None,
        }
    }
}

fn addr(flag: &str, v: &str) -> anyhow::Result<SocketAddr> {
    v.parse()
        .with_context(|| format!("{flag}: not an address: {v}"))
}

/// Parses the arguments after the program name (`serve` first).
pub fn parse(args: &[String]) -> anyhow::Result<Options> {
    let mut it = args.iter();
    match it.next().map(String::as_str) {
        Some("serve") => {}
        _ => bail!("{USAGE}"),
    }
    let mut o = Options::default();
    let (mut ca, mut cert, mut key, mut url) = (None, None, None, None);
    while let Some(flag) = it.next() {
        let v = it
            .next()
            .ok_or_else(|| anyhow!("{flag} needs a value\n{USAGE}"))?;
        match flag.as_str() {
            "--mqtt" => o.mqtt = addr(flag, v)?,
            "--http" => o.http = Some(addr(flag, v)?),
            "--data-http" => o.data_http = Some(addr(flag, v)?),
            "--broker" => url = Some(v.clone()),
            "--ca" => ca = Some(PathBuf::from(v)),
            "--cert" => cert = Some(PathBuf::from(v)),
            "--key" => key = Some(PathBuf::from(v)),
            "--minute-ms" => {
                o.minute_ms = v
                    .parse()
                    .ok()
                    .filter(|m| *m > 0)
                    .context("--minute-ms: a positive integer")?
            }
            "--data" => o.data = Some(PathBuf::from(v)),
            "--seed" => o.seed = Some(PathBuf::from(v)),
            _ => bail!("unknown option {flag}\n{USAGE}"),
        }
    }
    match url {
        Some(url) => o.broker = Some(ExternalBroker { url, ca, cert, key }),
        None if ca.is_some() || cert.is_some() || key.is_some() => {
            bail!("--ca/--cert/--key go with --broker")
        }
        None => {}
    }
    Ok(o)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses() {
        let o = parse(&args(
            "serve --mqtt 127.0.0.1:0 --minute-ms 50 --broker mqtts://h:1 --ca c --cert d --key e",
        ))
        .unwrap();
        assert_eq!(o.mqtt.port(), 0);
        assert_eq!(o.minute_ms, 50);
        assert_eq!(o.broker.unwrap().key, Some(PathBuf::from("e")));
        assert!(parse(&args("serve --bogus 1")).is_err());
        assert!(parse(&args("serve --ca x")).is_err());
        assert!(parse(&args("run")).is_err());
        assert!(parse(&args("serve --minute-ms 0")).is_err());
    }
}
