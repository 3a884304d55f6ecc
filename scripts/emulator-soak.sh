#!/usr/bin/env bash
# The jobs-emulator soak run of BENCHMARKS.md (not part of the test suite: a full run takes
# minutes). Builds the emulator and emulator/examples/soak.rs in release and runs it:
#   scripts/emulator-soak.sh [THINGS JOBS WORKERS BIG SLOW IDLE]
# defaults 10000 10 100 40000 1024 500. Prints the numbers; exits non-zero if any execution
# was lost or duplicated or any request failed. Runs under `nice`.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
nice -n 10 cargo build --release --quiet -p jobs-emulator --bin jobs-emulator --example soak
exec nice -n 10 "$target/release/examples/soak" "$@"
