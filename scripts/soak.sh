#!/usr/bin/env bash
# The long soak of BENCHMARKS.md: bench/tests/soak_link_flaps.rs with many flaps (default 300),
# Paho C built with AddressSanitizer (PAHO_C_SANITIZE=address, in a target directory of its
# own) and the soak run with the sanitizer's runtime preloaded, so that a use after free, a
# double free or an overflow in Paho C is reported (the Rust code's frees and the C library's
# are caught by the same allocator). Prints the soak's summary line; exits non-zero if the soak
# failed (its log is then kept in target/soak-asan/soak.log).
#
#   scripts/soak.sh [FLAPS]
set -euo pipefail
cd "$(dirname "$0")/.."
flaps=${1:-300}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/soak-asan}
export PAHO_C_SANITIZE=address
mkdir -p "$CARGO_TARGET_DIR"
log="$CARGO_TARGET_DIR/soak.log"
start=$(date +%s)
binary=$(cargo test --release -p awsiotjobs-bench --test soak_link_flaps --no-run \
    --message-format=json 2>/dev/null \
    | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable") and "soak_link_flaps" in m["target"]["name"]:
        print(m["executable"])')
built=$(date +%s)
status=0
SOAK_CHILD=1 SOAK_FLAPS=$flaps LD_PRELOAD="$(gcc -print-file-name=libasan.so)" \
    ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 \
    "$binary" --exact operations_in_flight_survive_link_flaps_exactly_once --nocapture \
    >"$log" 2>&1 || status=$?
grep -E "soak summary|test result" "$log" || true
echo "soak: $flaps flaps, exit status $status, build $(( built - start )) s, run $(( $(date +%s) - built )) s"
[ "$status" = 0 ] || { tail -80 "$log"; exit "$status"; }
