//! `cargo xtask gen-headers` writes the C headers of `include/`; with `--check` it writes
//! nothing and fails, listing the differing files, when `include/` is not what the sources
//! render (CI runs it).

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask gen-headers [--check]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = xtask::project_root();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["gen-headers"] => xtask::write_headers(&root).map(|changed| {
            for path in &changed {
                println!("wrote {path}");
            }
            if changed.is_empty() {
                println!("include/ is up to date");
            }
            true
        }),
        ["gen-headers", "--check"] => xtask::check_headers(&root).map(|drift| {
            if drift.is_empty() {
                println!("include/ matches the sources");
                return true;
            }
            eprintln!("include/ differs from what the sources render; run `cargo xtask gen-headers` and commit include/:");
            for line in &drift {
                eprintln!("  {line}");
            }
            false
        }),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
