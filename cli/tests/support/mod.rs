//! What the command line's tests share: the emulator (the library's test support, included
//! by path), running our binary and the AWS CLI, and masking what differs between two runs.
#![allow(dead_code)]

#[path = "../../../tests/emulator_support/mod.rs"]
pub mod emulator_support;

pub use emulator_support::Emu;
use std::path::PathBuf;
use std::process::{Command, Output};

/// Our binary, with the connection options of `emu`'s broker.
pub fn ours(emu: &Emu, client_id: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_awsiotjobs"));
    cmd.env_remove("AWSIOTJOBS_CONFIG")
        .env("XDG_CONFIG_HOME", "/nonexistent")
        .args(["--endpoint", "127.0.0.1", "--port"])
        .arg(emu.mqtt.port().to_string())
        .args(["--client-id", client_id]);
    cmd
}

/// The AWS CLI: `AWSIOTJOBS_AWS_CLI`, else `aws` on the PATH, else the one in the boto3
/// tests' virtual environment (scripts/install-deps.sh makes it). `None` when there is none:
/// the caller skips, except under CI, where a missing AWS CLI fails the test.
pub fn aws_cli() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let candidates = [
        std::env::var_os("AWSIOTJOBS_AWS_CLI").map(PathBuf::from),
        Some(PathBuf::from("aws")),
        Some(repo.join("target-emu/boto3-venv/bin/aws")),
    ];
    let found = candidates.into_iter().flatten().find(|aws| {
        Command::new(aws)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "the AWS CLI is missing: run scripts/install-deps.sh or set AWSIOTJOBS_AWS_CLI"
        );
        eprintln!("skipped: no AWS CLI (scripts/install-deps.sh installs it)");
    }
    found
}

/// The AWS CLI's `iot-jobs-data` against `emu`'s HTTP data plane, with dummy credentials.
pub fn theirs(aws: &PathBuf, emu: &Emu) -> Command {
    let mut cmd = Command::new(aws);
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .args(["iot-jobs-data", "--region", "us-east-1", "--endpoint-url"])
        .arg(format!("http://{}", emu.data));
    cmd
}

/// Runs `cmd` with `args`.
pub fn run(mut cmd: Command, args: &[&str]) -> Output {
    cmd.args(args).output().expect("the command runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The members that differ between two runs of the same requests: the timestamps, and the
/// seconds left before a timeout (counted from the moment of the call).
pub const PER_CALL: [&str; 4] = [
    "queuedAt",
    "startedAt",
    "lastUpdatedAt",
    "approximateSecondsBeforeTimedOut",
];

/// JSON output with the values of [`PER_CALL`] members replaced by `0`, layout kept.
pub fn mask_json(text: &str) -> String {
    text.lines()
        .map(|line| {
            let member = PER_CALL
                .iter()
                .find(|m| line.trim_start().starts_with(&format!("\"{m}\": ")));
            match member {
                Some(m) => {
                    let comma = if line.ends_with(',') { "," } else { "" };
                    let indent = &line[..line.len() - line.trim_start().len()];
                    format!("{indent}\"{m}\": 0{comma}")
                }
                None => line.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Text output with every number of nine digits or more (the timestamps) replaced by `T`.
pub fn mask_text(text: &str) -> String {
    text.split('\n')
        .map(|line| {
            line.split('\t')
                .map(|field| {
                    if field.len() >= 9 && field.bytes().all(|b| b.is_ascii_digit()) {
                        "T"
                    } else {
                        field
                    }
                })
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Table output with every run of three digits or more (the timestamps, the seconds before a
/// timeout) replaced by as many `#`: the column widths, which follow the content, stay
/// comparable.
pub fn mask_table(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut digits = String::new();
    for c in text.chars().chain(std::iter::once('\n')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if digits.len() >= 3 {
            out.push_str(&"#".repeat(digits.len()));
        } else {
            out.push_str(&digits);
        }
        digits.clear();
        out.push(c);
    }
    out.pop();
    out
}

/// `cmd` run on a terminal `columns` wide: a pseudo-terminal of util-linux's `script`, which
/// passes `cmd`'s environment on. `None` when there is no `script` (the caller skips, except
/// under CI).
pub fn on_a_terminal(cmd: &Command, columns: u16) -> Option<Command> {
    let quote = |s: &std::ffi::OsStr| format!("'{}'", s.to_string_lossy().replace('\'', r"'\''"));
    let mut line = format!(
        "stty cols {columns} rows 50; exec {}",
        quote(cmd.get_program())
    );
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    let present = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "util-linux's script is missing"
        );
        eprintln!("skipped: no script(1) to make a terminal");
        return None;
    }
    let mut terminal = Command::new("script");
    terminal.args(["-qec", &line, "/dev/null"]);
    for (name, value) in cmd.get_envs() {
        match value {
            Some(value) => terminal.env(name, value),
            None => terminal.env_remove(name),
        };
    }
    Some(terminal)
}
