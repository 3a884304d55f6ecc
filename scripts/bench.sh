#!/bin/sh
# The benchmarks of BENCHMARKS.md, in one invocation against one emulator process.
#
#   scripts/bench.sh [all|latency|throughput|floor-ratio|wan|inbound|flood|disconnect|memory|footprint|cpu]... [--quick]
#   scripts/bench.sh footprint-variants      the library's size under candidate release profiles
#
# Builds the library (rlib, .so, .a), the emulator and the bench in release mode, then runs
# bench/ (awsiotjobs-bench), which prints markdown tables and a summary against the targets.
# `cpu` needs valgrind. CARGO_TARGET_DIR is honoured. Run on a quiet machine: the figures
# share two cores with whatever else runs (the bench prints the load average).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cd "$root"

build() {
    cargo build --release --quiet -p awsiotjobs --lib
    cargo build --release --quiet -p jobs-emulator -p awsiotjobs-bench
}

if [ "${1:-}" = footprint-variants ]; then
    build
    # name and CARGO_PROFILE_RELEASE_* settings; each variant builds in a target dir of its own.
    for variant in \
        "release-as-is" \
        "opt-s OPT_LEVEL=s" \
        "lto LTO=true" \
        "cgu1 CODEGEN_UNITS=1" \
        "opt-s+lto+cgu1 OPT_LEVEL=s LTO=true CODEGEN_UNITS=1" \
        "opt-3+lto+cgu1 LTO=true CODEGEN_UNITS=1" \
        "opt-s+lto+cgu1+panic-abort OPT_LEVEL=s LTO=true CODEGEN_UNITS=1 PANIC=abort"
    do
        set -- $variant
        name=$1
        shift
        dir="$target/footprint/$name"
        echo "==> $name: $*" >&2
        # One crate type per build: cargo applies no LTO to a library it also builds as rlib.
        for type in cdylib staticlib; do
            env $(for s in "$@"; do printf 'CARGO_PROFILE_RELEASE_%s ' "$s"; done) \
                CARGO_TARGET_DIR="$dir" \
                cargo rustc --release --quiet -p awsiotjobs --lib --crate-type "$type"
        done
        "$target/release/awsiotjobs-bench" footprint --lib-dir "$dir/release" --label "$name"
    done
    exit 0
fi

build
exec "$target/release/awsiotjobs-bench" "$@"
