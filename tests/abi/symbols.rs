//! Symbol hygiene of the shipped libraries: the shared library (whose version script is
//! `symbols/libawsiotjobs.map`) and the static library made by `scripts/hide-symbols.sh` export
//! the public C API (`symbols/public.txt`, the platform layer weak as `symbols/weak.txt` says)
//! and nothing else, every function the headers declare among it, so that Paho C's generic
//! names (`Log`, `ListAppend`, ...) cannot clash with a firmware's own. Needs binutils (`nm`,
//! `ld`, `objcopy`, `ar`, `readelf`) and a C compiler.
//!
//! By default the libraries checked are the build tree's (`target/<profile>/`); with
//! `AWSIOTJOBS_LIB_DIR` set they are the ones in that directory, which is how
//! `tests/install/run.sh` checks an installed package with these same tests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// target/<profile>, where this test's libraries were built.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's path");
    exe.parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>")
        .to_path_buf()
}

/// The directory `AWSIOTJOBS_LIB_DIR` names (an installed package's `lib/`), if set.
fn installed_lib_dir() -> Option<PathBuf> {
    std::env::var_os("AWSIOTJOBS_LIB_DIR").map(PathBuf::from)
}

/// The library file `name` (`libawsiotjobs.a` or `.so`) as built, or as installed when
/// `AWSIOTJOBS_LIB_DIR` is set.
pub(crate) fn library(name: &str) -> PathBuf {
    let path = installed_lib_dir().unwrap_or_else(profile_dir).join(name);
    assert!(
        path.exists(),
        "{} is missing: run `cargo build` first",
        path.display()
    );
    path
}

/// The static library as it ships: the installed one, or the build tree's after
/// `scripts/hide-symbols.sh` (which writes `target/<profile>/dist/libawsiotjobs.a`).
fn shipped_archive() -> PathBuf {
    if installed_lib_dir().is_some() {
        return library("libawsiotjobs.a");
    }
    let profile = profile_dir();
    let name = profile.file_name().unwrap().to_str().unwrap().to_owned();
    run(Command::new(root().join("scripts/hide-symbols.sh")).arg(&name));
    profile.join("dist/libawsiotjobs.a")
}

/// The system libraries a program linking the static library needs, as link flags: the list
/// `scripts/native-libs.sh` generates from rustc's native-static-libs (never written here).
fn native_libs() -> Vec<String> {
    let target = profile_dir().parent().expect("target/").to_path_buf();
    run(Command::new(root().join("scripts/native-libs.sh")).env("CARGO_TARGET_DIR", target))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

pub(crate) fn run(command: &mut Command) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The patterns of symbols/public.txt (`Prefix_*`).
fn public_prefixes() -> Vec<String> {
    std::fs::read_to_string(root().join("symbols/public.txt"))
        .expect("symbols/public.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().trim_end_matches('*').to_owned())
        .collect()
}

fn is_public(symbol: &str, prefixes: &[String]) -> bool {
    prefixes.iter().any(|p| symbol.starts_with(p.as_str()))
}

/// Every function the headers under include/ declare with a public prefix.
fn declared_functions(prefixes: &[String]) -> BTreeSet<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "h") {
                out.push(path);
            }
        }
    }
    let mut headers = Vec::new();
    walk(&root().join("include"), &mut headers);
    let mut names = BTreeSet::new();
    for header in headers {
        let text = std::fs::read_to_string(&header).unwrap();
        let mut in_macro = false;
        for line in text.lines() {
            // Preprocessor lines, their continuations and comments declare nothing.
            let continued = in_macro;
            in_macro = (continued || line.trim_start().starts_with('#')) && line.ends_with('\\');
            if continued || line.trim_start().starts_with('#') || line.trim_start().starts_with('*')
            {
                continue;
            }
            for prefix in prefixes {
                let mut rest = line;
                while let Some(at) = rest.find(prefix.as_str()) {
                    let tail = &rest[at..];
                    let end = tail
                        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                        .unwrap_or(tail.len());
                    let before = rest[..at].chars().last();
                    if tail[end..].starts_with('(') && before.is_none_or(|c| c == ' ' || c == '*') {
                        names.insert(tail[..end].to_owned());
                    }
                    rest = &tail[end..];
                }
            }
        }
    }
    names
}

/// Global defined symbols in `nm` output (`value type name` lines).
fn defined_globals(nm_output: &str) -> BTreeSet<String> {
    nm_output
        .lines()
        .filter_map(|l| {
            let mut fields = l.split_whitespace();
            let (_, kind, name) = (fields.next()?, fields.next()?, fields.next()?);
            // Upper-case types are global; U (undefined) and w/v (weak undefined) are not ours.
            let global = kind.chars().all(|c| c.is_ascii_uppercase()) && kind != "U";
            global.then(|| name.to_owned())
        })
        .collect()
}

fn check_exports(library: &str, exported: &BTreeSet<String>) {
    let prefixes = public_prefixes();
    let private: Vec<&String> = exported
        .iter()
        .filter(|s| !is_public(s, &prefixes))
        .collect();
    assert!(
        private.is_empty(),
        "{library} exports non-public symbols: {private:?}"
    );
    let declared = declared_functions(&prefixes);
    assert!(
        declared.len() >= 40,
        "too few functions found in the headers: {declared:?}"
    );
    let missing: Vec<&String> = declared.difference(exported).collect();
    assert!(
        missing.is_empty(),
        "{library} lacks declared functions: {missing:?}"
    );
}

#[test]
fn the_shared_library_exports_only_the_public_api_and_has_a_soname() {
    let so = library("libawsiotjobs.so");
    let nm = run(Command::new("nm").args(["-D", "--defined-only"]).arg(&so));
    check_exports("libawsiotjobs.so", &defined_globals(&nm));
    let dynamic = run(Command::new("readelf").arg("-d").arg(&so));
    assert!(
        dynamic.contains("Library soname: [libawsiotjobs.so.0]"),
        "{dynamic}"
    );
}

#[test]
fn the_shipped_static_library_exports_only_the_public_api_and_links_beside_paho_names() {
    let archive = shipped_archive();
    let nm = run(Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(&archive));
    check_exports("dist/libawsiotjobs.a", &defined_globals(&nm));

    // A firmware with functions named like Paho's links and runs against it.
    let scratch = std::env::temp_dir().join(format!("awsiotjobs-symbols-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let source = scratch.join("own_log.c");
    std::fs::write(
        &source,
        r#"#include <stdio.h>
#include <string.h>
#include "iot_mqtt.h"
#include "aws_iot_jobs.h"
int Log( int level, int id, const char * format ) { (void) level; (void) id; return format != NULL; }
void * ListAppend( void * list, void * content, size_t size ) { (void) content; (void) size; return list; }
int main( void )
{
    if( Log( 1, 2, "x" ) != 1 || ListAppend( NULL, NULL, 0 ) != NULL ) return 1;
    if( IotMqtt_Init() != IOT_MQTT_SUCCESS ) return 2;
    if( strcmp( AwsIotJobs_strerror( AWS_IOT_JOBS_SUCCESS ), "SUCCESS" ) != 0 ) return 3;
    IotMqtt_Cleanup();
    puts( "linked beside Log and ListAppend" );
    return 0;
}
"#,
    )
    .unwrap();
    let program = scratch.join("own_log");
    run(Command::new("cc")
        .arg("-I")
        .arg(root().join("include"))
        .arg(&source)
        .arg(&archive)
        .args(native_libs())
        .arg("-o")
        .arg(&program));
    let out = run(&mut Command::new(&program));
    assert!(out.contains("linked beside Log and ListAppend"));
    let _ = std::fs::remove_dir_all(&scratch);
}

/// The patterns of symbols/weak.txt.
fn weak_patterns() -> Vec<String> {
    std::fs::read_to_string(root().join("symbols/weak.txt"))
        .expect("symbols/weak.txt")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().to_owned())
        .collect()
}

fn matches(pattern: &str, symbol: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => symbol.starts_with(prefix),
        None => symbol == pattern,
    }
}

#[test]
fn the_platform_functions_are_weak_in_the_shipped_static_library_and_the_rest_strong() {
    let nm = run(Command::new("nm")
        .args(["-g", "--defined-only"])
        .arg(shipped_archive()));
    let patterns = weak_patterns();
    let mut weak = 0;
    for line in nm.lines() {
        let mut fields = line.split_whitespace();
        let (Some(_), Some(kind), Some(symbol)) = (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        if patterns.iter().any(|p| matches(p, symbol)) {
            assert_eq!(kind, "W", "{symbol} should be weak");
            weak += 1;
        } else {
            assert_eq!(kind, "T", "{symbol} should be a strong definition");
        }
    }
    // The clock (6), threads (1), mutexes (5), semaphores (7), logging (2), parser (1) and
    // IotSdk_Init/Cleanup (2).
    assert_eq!(weak, 24, "{nm}");
}
