//! The test fakes (the in-memory loopback broker and the fake Jobs service of the
//! `awsiotjobs-testkit` crate) are not in the libraries: neither the static nor the shared
//! library has a symbol of theirs, local ones included. They used to be compiled into the
//! library (as `awsiotjobs::transport::loopback` and `::responder`), which is what the names
//! looked for here would show.

use crate::symbols::{library, run};
use std::process::Command;

/// Names, as `nm -C` prints them demangled, that only the fakes' code would bring in.
const FAKE_NAMES: [&str; 8] = [
    "awsiotjobs_testkit",
    "::loopback::",
    "::responder::",
    "Loopback",
    "Responder",
    "CannedJobs",
    "FakeJobs",
    "Scripted",
];

/// Fails with the lines of `nm -C library` (every symbol, defined or not, global or local)
/// that name a fake.
fn assert_no_fake_symbols(name: &str) {
    let listing = run(Command::new("nm").arg("-C").arg(library(name)));
    let found: Vec<&str> = listing
        .lines()
        .filter(|line| FAKE_NAMES.iter().any(|fake| line.contains(fake)))
        .collect();
    assert!(found.is_empty(), "{name} holds test code:\n{found:#?}");
}

#[test]
fn the_static_library_has_no_symbol_of_the_test_fakes() {
    assert_no_fake_symbols("libawsiotjobs.a");
}

#[test]
fn the_shared_library_has_no_symbol_of_the_test_fakes() {
    assert_no_fake_symbols("libawsiotjobs.so");
}
