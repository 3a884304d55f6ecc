//! What a build of the library needs beyond rustc: link arguments and the one C file.
//!
//! - The shared library exports the public C API only (`symbols/libawsiotjobs.map`, a version
//!   script) and carries the SONAME `libawsiotjobs.so.0`; `target/<profile>/libawsiotjobs.so.0`
//!   is linked to it so that a program linked from the build tree runs.
//! - Two of Paho C's calls go through wrappers of ours: `--wrap` for each name of
//!   `symbols/wrapped.txt`, in the shared library, this package's tests and executables
//!   (`scripts/hide-symbols.sh` does the same for the static library).
//! - The library's C files (every `*.c` below `src/`: today `IotLog_Generic`, a C variadic
//!   function, which stable Rust cannot define) are compiled with the `cc` crate against the
//!   committed headers of `include/`.
//!
//! The headers themselves are not written by the build: `cargo xtask gen-headers` renders
//! them (xtask/), and `cargo xtask gen-headers --check` fails when they are stale.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    println!("cargo:rerun-if-changed=build.rs");

    // The shared library exports the public C API only and is versioned by its SONAME; the
    // static library is filtered by scripts/hide-symbols.sh.
    println!("cargo:rerun-if-changed=symbols/libawsiotjobs.map");
    let map = root.join("symbols").join("libawsiotjobs.map");
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libawsiotjobs.so.0");
    soname_link();

    println!("cargo:rerun-if-changed=symbols/wrapped.txt");
    let wrapped = root.join("symbols").join("wrapped.txt");
    let wrapped = fs::read_to_string(&wrapped)
        .unwrap_or_else(|error| panic!("{}: {error}", wrapped.display()));
    for name in wrapped.split_whitespace() {
        println!("cargo:rustc-link-arg=-Wl,--wrap={name}");
    }

    compile_c(&root);
}

/// Puts the link `libawsiotjobs.so.0 -> libawsiotjobs.so` next to where cargo writes the
/// shared library (`target/<profile>/`): a program linked with `-L target/<profile>
/// -lawsiotjobs` records the SONAME, and the loader looks for that name. The link may dangle
/// until cargo has written the library (or when only the static library is built).
fn soname_link() {
    if env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    // OUT_DIR is <target>/<profile>/build/awsiotjobs-<hash>/out.
    let Some(profile_dir) = out.ancestors().nth(3) else {
        return;
    };
    let link = profile_dir.join("libawsiotjobs.so.0");
    let target = Path::new("libawsiotjobs.so");
    if fs::read_link(&link).is_ok_and(|current| current == target) {
        return;
    }
    let _ = fs::remove_file(&link);
    if let Err(error) = std::os::unix::fs::symlink(target, &link) {
        println!("cargo:warning=cannot link {}: {error}", link.display());
    }
}

/// Every `*.c` file below `dir`, sorted.
fn c_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            c_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "c") {
            found.push(path);
        }
    }
    found.sort();
}

/// Compiles the C files of `src/` against `include/` into a static library that is linked
/// whole into every crate type: nothing in Rust calls `IotLog_Generic`, and the shared library
/// must still export it.
fn compile_c(root: &Path) {
    let include = root.join("include");
    println!("cargo:rerun-if-changed={}", include.display());
    let mut sources = Vec::new();
    c_files(&root.join("src"), &mut sources);
    let mut build = cc::Build::new();
    build
        .include(&include)
        .std("c99")
        .warnings(true)
        .extra_warnings(true)
        .cargo_metadata(false);
    for source in &sources {
        println!("cargo:rerun-if-changed={}", source.display());
        build.file(source);
    }
    build.compile("awsiotjobs_c");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rustc-link-search=native={out_dir}");
    println!("cargo:rustc-link-lib=static:+whole-archive=awsiotjobs_c");
}
