//! The committed headers under `include/` must be exactly what `cargo xtask gen-headers`
//! renders from the current sources.
//!
//! The test renders them in memory with the xtask's library (the build no longer writes
//! `include/`) and fails, naming each differing file and its first differing line, when a
//! change of the C API's Rust sources or of `cbindgen/` was not followed by
//! `cargo xtask gen-headers` and a commit of `include/` (a header missing from `include/`, or
//! there and no longer generated, fails too). CI also runs
//! `cargo xtask gen-headers --check`, the same comparison.

use std::path::Path;

#[test]
fn committed_headers_match_the_generated_ones() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let drift = xtask::check_headers(root).expect("the headers render");
    assert!(
        drift.is_empty(),
        "the headers are stale; run `cargo xtask gen-headers` and commit include/:\n{}",
        drift.join("\n")
    );
}
