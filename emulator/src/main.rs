//! `jobs-emulator serve ...`: a local AWS IoT Jobs service.
//!
//! NOTE for the HTTP/store helper (B): plug in at the `HOOK(B)` comments in
//! `src/app.rs` — `open_store` (open the SQLite store for `--data DIR`) and
//! `Emulator::start` (start the control plane on `opts.http` and the data plane on
//! `opts.data_http` on `runtime`, and set `http_addr` / `data_http_addr` to the bound
//! addresses; `addresses()` already prints `http ADDR` and `data-http ADDR`). Declare
//! `pub mod http; pub mod store;` in `src/lib.rs`. The CLI already parses the three flags
//! (`src/cli.rs`).

use jobs_emulator::{app::Emulator, cli};
use std::io::Write;

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match cli::parse(&args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let emulator = match Emulator::start(&opts) {
        Ok(e) => e,
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
    if let Err(e) = emulator.wait_for_signal() {
        eprintln!("jobs-emulator: {e:#}");
    }
    tracing::info!("shutting down");
    drop(emulator);
}
