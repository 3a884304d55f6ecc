#!/bin/sh
# Runs every fuzz target of fuzz/ briefly from its committed seed corpus: what CI calls.
#
#   scripts/fuzz-smoke.sh [SECONDS_PER_TARGET]   (default 15, or $FUZZ_SECONDS)
#
# Needs the nightly toolchain (`rustup toolchain install nightly`); installs cargo-fuzz if
# missing. One libFuzzer process at a time. Inputs the fuzzer discovers go to a temporary
# directory, so the committed corpus is not changed; a crash leaves its input under
# fuzz/artifacts/<target>/ and makes the script fail. Long runs: see fuzz/README.md.
set -eu

SECONDS_PER_TARGET=${1:-${FUZZ_SECONDS:-15}}
TARGETS="reply_head requests inbound c_entry_points doc_parser"

cd "$(dirname "$0")/../fuzz"

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

cargo +nightly fuzz build

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

for target in $TARGETS; do
    echo "== fuzz $target for ${SECONDS_PER_TARGET}s"
    mkdir -p "$scratch/$target"
    # inbound without leak detection, as in its long runs (fuzz/README.md): threads of its
    # per-input loopback end after the input returns, and LeakSanitizer, scanning then, takes
    # a dying thread's glibc destructor list (__cxa_thread_atexit_impl) for a leak. The same
    # engine runs under LeakSanitizer in c_entry_points.
    leaks=1
    [ "$target" = inbound ] && leaks=0
    cargo +nightly fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$SECONDS_PER_TARGET" -max_len=4096 -detect_leaks=$leaks -print_final_stats=1 \
        2>"$scratch/$target.log" || {
        grep -v -E '^#[0-9]+' "$scratch/$target.log" | tail -n 60
        echo "fuzz-smoke: $target FAILED (input saved under fuzz/artifacts/$target/)" >&2
        exit 1
    }
    grep -E '^(#[0-9]+[[:space:]]+DONE|stat::number_of_executed_units|stat::peak_rss_mb)' \
        "$scratch/$target.log" || true
done
echo "fuzz-smoke: all targets ran without a crash"
