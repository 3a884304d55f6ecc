#!/usr/bin/env bash
# The long soak of BENCHMARKS.md: bench/tests/soak_link_flaps.rs with many flaps (default 300),
# Paho C built with AddressSanitizer (PAHO_C_SANITIZE=address, in a target directory of its
# own), the test run with libasan preloaded. Prints the soak's summary line; exits non-zero if
# the soak failed (its log is then kept in target/soak-asan/soak.log).
#
#   scripts/soak.sh [FLAPS]
set -euo pipefail
cd "$(dirname "$0")/.."
flaps=${1:-300}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/soak-asan}
export PAHO_C_SANITIZE=address
export SOAK_FLAPS=$flaps
mkdir -p "$CARGO_TARGET_DIR"
log="$CARGO_TARGET_DIR/soak.log"
start=$(date +%s)
status=0
cargo test --release -p awsiotjobs-bench --test soak_link_flaps -- --nocapture >"$log" 2>&1 \
    || status=$?
grep -E "soak summary|test result" "$log" || true
echo "soak: $flaps flaps, exit status $status, $(( $(date +%s) - start )) s (build included)"
[ "$status" = 0 ] || { tail -60 "$log"; exit "$status"; }
