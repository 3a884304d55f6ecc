#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks for the build and the tests. Idempotent.
set -euo pipefail
need=()
for pkg in cmake mosquitto libssl-dev pkg-config openssl python3-venv; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
# boto3 and the AWS CLI for the emulator's boto3 flow and the command line's tests.
"$(dirname "$0")/python-venv.sh"
# The dist libraries rebuild Rust's standard library (scripts/build-lib.sh): its sources.
if command -v rustup >/dev/null 2>&1; then
    rustup component add rust-src >/dev/null
fi
