#!/usr/bin/env bash
# The whole test suite, as the README gives it and CI runs it:
#   Rust tests of the library and the emulator (unit, engine on the loopback, header drift,
#   MQTT against a real mosquitto), the fuzz crate's own tests, the C suite under
#   AddressSanitizer/UBSan run by ctest, the C/C++ examples against the emulator (ctest), the
#   installed-package test, the linking document's build-tree commands, and the emulator's
#   boto3/AWS CLI flow.
# Each stage prints "==> stage: NAME" when it starts and "==> NAME: N s" when it ends; a table
# of the stages' durations closes the output, whatever the outcome.
# Needs cmake, mosquitto, openssl and python3 (with venv): scripts/install-deps.sh installs
# whatever of them a fresh machine lacks (set AWSIOTJOBS_NO_INSTALL=1 to skip that).
set -euo pipefail
cd "$(dirname "$0")/.."

# stage NAME COMMAND...: runs one stage and records its duration for the summary.
durations=()
stage() {
    local name=$1 started=$SECONDS
    shift
    printf '\n==> stage: %s\n' "$name"
    current="$name"
    "$@"
    current=""
    durations+=("$(printf '%6d s  %s' $((SECONDS - started)) "$name")")
    printf '==> %s: %d s\n' "$name" $((SECONDS - started))
}
current=""
summary() {
    local status=$?
    printf '\n==> stage durations\n'
    printf '%s\n' "${durations[@]}"
    [ -n "$current" ] && printf '%8s  %s (failed)\n' "" "$current"
    printf '%6d s  total\n' "$SECONDS"
    return "$status"
}
trap summary EXIT

if [ -z "${AWSIOTJOBS_NO_INSTALL:-}" ]; then
    stage "install what is missing" scripts/install-deps.sh
fi

stage "cargo build (the static and shared libraries, which some tests inspect, and the emulator)" \
    cargo build --workspace

stage "cargo test (library, emulator, xtask, and bench/: the fault and load tests)" \
    cargo test --workspace

stage "loom: the callback queue and Cleanup racing operations, under every interleaving" \
    cargo test --features loom --test loom_lifecycle -- --nocapture

# fuzz/ is its own workspace: its library tests (the seeds decode to what they were written
# from) run on stable; the fuzzing itself needs nightly (scripts/fuzz-smoke.sh, CI).
stage "fuzz crate: its own tests" \
    cargo test --manifest-path fuzz/Cargo.toml --lib

stage "C test suite (ctest, sanitizers)" scripts/c-tests.sh

# The same C suite under valgrind memcheck takes ~5-8 minutes: opt in with AWSIOTJOBS_VALGRIND=1.
if [ -n "${AWSIOTJOBS_VALGRIND:-}" ]; then
    stage "C test suite under valgrind" scripts/c-tests-valgrind.sh
fi

stage "C and C++ examples against the emulator (ctest)" c-examples/run-tests.sh

stage "installed package: find_package and pkg-config, an own platform layer, the v4-style demo" \
    tests/install/run.sh

stage "docs/linking.md: the build-tree commands, as written (a release build)" \
    tests/install/linking-doc.sh

# Run with bash, so that it runs whether or not the file kept its execute bit; a missing file
# fails the suite.
boto3_flow() {
    [ -f emulator/tests/run_boto3.sh ] || {
        echo "emulator/tests/run_boto3.sh is missing" >&2; return 1; }
    bash emulator/tests/run_boto3.sh
}
stage "emulator: boto3 and AWS CLI flow" boto3_flow
