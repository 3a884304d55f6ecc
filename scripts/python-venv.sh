#!/usr/bin/env bash
# Makes the Python virtual environment of the tests that act as AWS clients of the emulator,
# once: boto3, the AWS CLI (v1, `bin/aws`) and paho-mqtt, in target-emu/boto3-venv (git
# ignores it; EMU_VENV overrides where). Used by emulator/tests/run_boto3.sh and by
# scripts/install-deps.sh (the command line's tests compare their output with the AWS CLI's).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${EMU_VENV:-$repo/target-emu/boto3-venv}
if [[ ! -x "$venv/bin/python" || ! -x "$venv/bin/aws" ]] ||
    ! "$venv/bin/python" -c "import boto3, awscli, paho.mqtt" 2>/dev/null; then
    echo "python-venv: creating $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet boto3 awscli paho-mqtt
fi
