//! `awsiotjobs`: the `aws iot-jobs-data` commands over MQTT with the device's own
//! certificate, plus `watch` (notifications as JSON lines) and `agent` (runs a command per
//! job). `args` is the command line, `config` the config file, `session` connecting, `input`
//! the AWS CLI's parameter forms, `commands` the four calls, `tree` and `output` the AWS CLI's
//! output formats, `watch`, `agent` and `child` (one handler run) the long-running commands,
//! and `failure` the exit codes and messages scripts rely on.

mod agent;
mod args;
mod child;
mod commands;
mod config;
mod failure;
mod input;
mod output;
mod session;
mod table;
mod tree;
mod watch;
mod wide;

use args::{Cli, Command};
use clap::Parser;
use failure::Failure;
use session::Session;
use std::io::Write;

fn run(cli: Cli) -> Result<String, Failure> {
    let session = Session::new(cli.connection, cli.output)?;
    match &cli.command {
        Command::DescribeJobExecution(a) => commands::describe(&session, a),
        Command::GetPendingJobExecutions(a) => commands::get_pending(&session, a),
        Command::StartNextPendingJobExecution(a) => commands::start_next(&session, a),
        Command::UpdateJobExecution(a) => commands::update(&session, a),
        Command::Watch(a) => watch::run(&session, a),
        Command::Agent(a) => agent::run(&session, a),
    }
}

fn main() {
    // The library's own log lines repeat what the failure message says; AWSIOTJOBS_LOG
    // brings them back.
    if std::env::var_os("AWSIOTJOBS_LOG").is_none()
        && std::env::var_os("AWSIOTJOBS_DEBUG").is_none()
    {
        awsiotjobs::core::log::set_level(awsiotjobs::core::log::Level::Off);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            std::process::exit(Failure::USAGE);
        }
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        }
        Err(failure) => {
            eprintln!("\n{}", failure.message);
            std::process::exit(failure.code);
        }
    }
}
