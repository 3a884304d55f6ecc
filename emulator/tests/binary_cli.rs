//! The `jobs-emulator` binary's command line as a user meets it: `--help` documents every
//! option, bad values and unknown options fail with a message and exit code 2, options come
//! from the environment too, and `jobs-emulator ca --data DIR` prints the same CA every time
//! (the one `serve --mqtts --data DIR` announces on its `ca` line).

use std::process::{Command, Output};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_jobs-emulator"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run jobs-emulator")
}

#[test]
fn help_documents_every_option() {
    let out = run(&["serve", "--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--mqtt",
        "--mqtts",
        "--http",
        "--data-http",
        "--broker",
        "--minute-ms",
        "--data",
        "--seed",
        "--authz",
        "--registry",
        "--http-max-connections",
        "--http-header-timeout-ms",
        "--http-request-timeout-ms",
        "--http-max-body",
        "JOBS_EMULATOR_AUTHZ",
    ] {
        assert!(help.contains(option), "{option} missing from:\n{help}");
    }
}

#[test]
fn bad_input_is_a_clear_error() {
    for (args, env, needle) in [
        (vec!["serve", "--authz", "everyone"], vec![], "everyone"),
        (vec!["serve", "--bogus"], vec![], "--bogus"),
        (vec!["serve", "--mqtt", "nowhere"], vec![], "nowhere"),
        (
            vec!["serve"],
            vec![("JOBS_EMULATOR_MINUTE_MS", "0")],
            "minute-ms",
        ),
        (vec!["launch"], vec![], "launch"),
    ] {
        let out = run(&args, &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
    }
}

#[test]
fn ca_prints_the_data_directory_ca() {
    let dir = std::env::temp_dir().join(format!("cli-ca-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_str().unwrap();
    let first = run(&["ca", "--data", d], &[]);
    assert!(first.status.success());
    let pem = String::from_utf8(first.stdout).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let again = run(&[], &[("JOBS_EMULATOR_DATA", d)]);
    assert_eq!(again.status.code(), Some(2), "no subcommand is an error");
    let second = run(&["ca"], &[("JOBS_EMULATOR_DATA", d)]);
    assert_eq!(String::from_utf8(second.stdout).unwrap(), pem);
    let on_disk = std::fs::read_to_string(dir.join("ca").join("ca-cert.pem")).unwrap();
    assert_eq!(on_disk, pem);
    let _ = std::fs::remove_dir_all(&dir);
}
