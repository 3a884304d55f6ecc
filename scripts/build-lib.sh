#!/bin/sh
# Builds what a C program of this repository links, for one cargo profile: the static and
# shared libraries (target/<profile>/), the static library that ships with only the public API
# global (target/<profile>/dist/libawsiotjobs.a, scripts/hide-symbols.sh) and the list of
# system libraries it needs (target/native-static-libs.txt, scripts/native-libs.sh). The build
# tree's CMake package, cmake/awsiotjobsConfig.cmake, reads all of them; the C tests, the
# examples, the demo and scripts/install.sh call this first.
#
#   scripts/build-lib.sh [debug|release|dist]      (default debug)
#
# dist is Cargo.toml's size-optimised profile: cargo applies no LTO to a library it builds as
# rlib at the same time, so the .so and the .a are built one crate type at a time
# (cargo rustc --crate-type), with Rust's standard library rebuilt (below), then copied into
# target/dist/.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-debug}
cd "$root"
# What follows (scripts/hide-symbols.sh too) reads cargo's output from target/ here.
export CARGO_TARGET_DIR="$root/target"

case "$profile" in
    debug) cargo build --lib -p awsiotjobs ;;
    release) cargo build --lib -p awsiotjobs --release ;;
    dist)
        # build.rs's link arguments, the version script and SONAME among them, still reach
        # the cdylib's link.
        # Rust's standard library is rebuilt with the library, without the symbolizer that
        # only the default panic hook's backtraces use (gimli, addr2line, rustc-demangle,
        # miniz_oxide: a quarter of the .so's code); unwinding, which every C entry point's
        # panic boundary needs, stays. -Zbuild-std needs the toolchain's rust-src component,
        # and RUSTC_BOOTSTRAP=1 on a stable toolchain, for this command only.
        # AWSIOTJOBS_DIST_STD=prebuilt builds with the toolchain's std as it comes instead.
        host=
        if [ "${AWSIOTJOBS_DIST_STD:-rebuilt}" = prebuilt ]; then
            dist_rustc() { cargo rustc "$@"; }
        else
            sysroot=$(rustc --print sysroot)
            if [ ! -f "$sysroot/lib/rustlib/src/rust/library/Cargo.lock" ]; then
                echo "build-lib.sh: dist rebuilds Rust's standard library and needs its sources:" \
                    "rustup component add rust-src (or AWSIOTJOBS_DIST_STD=prebuilt)" >&2
                exit 1
            fi
            host=$(rustc -vV | sed -n 's/^host: //p')
            dist_rustc() {
                RUSTC_BOOTSTRAP=1 cargo rustc -Z build-std=std,panic_unwind \
                    -Z build-std-features=panic-unwind --target "$host" "$@"
            }
        fi
        for type in cdylib staticlib; do
            dist_rustc --profile dist -p awsiotjobs --lib --crate-type "$type"
        done
        if [ -n "${host:-}" ]; then
            # Where everything downstream (hide-symbols.sh, install.sh, the CMake package)
            # reads the dist libraries, with the SONAME link build.rs makes for the others.
            mkdir -p target/dist
            cp -f "target/$host/dist/libawsiotjobs.so" "target/$host/dist/libawsiotjobs.a" \
                target/dist/
            ln -sf libawsiotjobs.so target/dist/libawsiotjobs.so.0
        fi ;;
    *) echo "build-lib.sh: the profile is debug, release or dist, not $profile" >&2; exit 2 ;;
esac
scripts/hide-symbols.sh "$profile" >/dev/null
scripts/native-libs.sh >/dev/null
