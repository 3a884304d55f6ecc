#!/usr/bin/env bash
# The whole test suite, as the README gives it and CI runs it:
#   Rust tests of the library and the emulator (unit, engine on the loopback, header drift,
#   MQTT against a real mosquitto), the C suite under AddressSanitizer/UBSan run by ctest, the
#   C/C++ examples against the emulator (ctest), the installed-package test, the linking
#   document's build-tree commands, and the emulator's boto3/AWS CLI flow.
# Needs cmake, mosquitto, openssl and python3 (with venv): scripts/install-deps.sh installs
# whatever of them a fresh machine lacks (set AWSIOTJOBS_NO_INSTALL=1 to skip that).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if [ -z "${AWSIOTJOBS_NO_INSTALL:-}" ]; then
    scripts/install-deps.sh
fi

step "cargo build (the static and shared libraries, which some tests inspect, and the emulator)"
cargo build --workspace

step "cargo test (library, emulator, and bench/: the fault and load tests)"
cargo test --workspace

step "loom: the callback queue and Cleanup racing operations, under every interleaving"
cargo test --features loom --test loom_lifecycle -- --nocapture

step "C test suite (ctest, sanitizers)"
scripts/c-tests.sh

# The same C suite under valgrind memcheck takes ~5-8 minutes: opt in with AWSIOTJOBS_VALGRIND=1.
if [ -n "${AWSIOTJOBS_VALGRIND:-}" ]; then
    step "C test suite under valgrind"
    scripts/c-tests-valgrind.sh
fi

step "C and C++ examples against the emulator (ctest)"
c-examples/run-tests.sh

step "installed package: find_package and pkg-config, an own platform layer, the v4-style demo"
tests/install/run.sh

step "docs/linking.md: the build-tree commands, as written (a release build)"
tests/install/linking-doc.sh

if [ -x emulator/tests/run_boto3.sh ]; then
    step "emulator: boto3 and AWS CLI flow"
    emulator/tests/run_boto3.sh
fi
