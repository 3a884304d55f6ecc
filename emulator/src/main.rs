//! `jobs-emulator serve ...`: a local AWS IoT Jobs service (`jobs-emulator ca` prints its CA).
//!
//! Options are parsed in `cli`, everything is started by `app::Emulator::start` (service,
//! store, timers, MQTT side, HTTP planes); this file prints one `name address` line per
//! served endpoint on stdout and waits for SIGINT/SIGTERM.

use jobs_emulator::{app::Emulator, cli};
use std::io::Write;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let opts = match cli::parse(std::env::args_os().skip(1)) {
        Ok(cli::Command::Serve(opts)) => opts,
        Ok(cli::Command::Ca { data }) => {
            match jobs_emulator::identity::ca::EmulatorCa::open_or_create(&data) {
                Ok(ca) => print!("{}", ca.certificate_pem()),
                Err(e) => {
                    eprintln!("jobs-emulator: {e:#}");
                    std::process::exit(1);
                }
            }
            return;
        }
        Err(e) => e.exit(),
    };
    let emulator = match Emulator::start(&opts) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("jobs-emulator: {e:#}");
            std::process::exit(1);
        }
    };
    let signals = match emulator.shutdown_signals() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("jobs-emulator: {e:#}");
            std::process::exit(1);
        }
    };
    let mut out = std::io::stdout().lock();
    for line in emulator.addresses(&opts) {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
    drop(out);
    signals.wait(&emulator);
    tracing::info!("shutting down");
    drop(emulator);
}
