#!/usr/bin/env bash
# The whole test suite, as the README gives it and CI runs it:
#   Rust tests of the library and the emulator (unit, engine on the loopback, header drift,
#   MQTT against a real mosquitto), the C suite under AddressSanitizer/UBSan run by ctest, and
#   the emulator's boto3/AWS CLI flow.
# Needs cmake, mosquitto, openssl and python3 (with venv); .ci/run installs them on a fresh
# machine (scripts/install-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "cargo test (library and emulator)"
cargo test --workspace

step "C test suite (ctest, sanitizers)"
scripts/c-tests.sh

if [ -x emulator/tests/run_boto3.sh ]; then
    step "emulator: boto3 and AWS CLI flow"
    emulator/tests/run_boto3.sh
fi
