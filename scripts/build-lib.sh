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
# (cargo rustc --crate-type), into target/dist/.
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
        for type in cdylib staticlib; do
            cargo rustc --profile dist -p awsiotjobs --lib --crate-type "$type"
        done ;;
    *) echo "build-lib.sh: the profile is debug, release or dist, not $profile" >&2; exit 2 ;;
esac
scripts/hide-symbols.sh "$profile" >/dev/null
scripts/native-libs.sh >/dev/null
