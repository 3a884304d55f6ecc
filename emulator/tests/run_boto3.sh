#!/usr/bin/env bash
# Runs emulator/tests/boto3_flow.py against a freshly built jobs-emulator:
#  1. makes a Python virtual environment with boto3, awscli and paho-mqtt (once;
#     EMU_VENV overrides where, default target-emu/boto3-venv, which git ignores),
#  2. builds the emulator (cargo, honouring CARGO_TARGET_DIR),
#  3. starts it on free ports with a fresh --data directory and runs the flow phase,
#  4. kills it, starts it again on the same directory and runs the after-restart phase.
# The emulator is always killed on exit, whatever happens.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
venv=${EMU_VENV:-$repo/target-emu/boto3-venv}
target=${CARGO_TARGET_DIR:-$repo/target}
work=$(mktemp -d)
emulator_pid=""

stop_emulator() {
    if [[ -n "$emulator_pid" ]]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
        emulator_pid=""
    fi
}
cleanup() {
    stop_emulator
    rm -rf "$work"
}
trap cleanup EXIT

EMU_VENV=$venv "$repo/scripts/python-venv.sh"

echo "run_boto3: building jobs-emulator"
(cd "$repo" && cargo build --quiet -p jobs-emulator)
binary="$target/debug/jobs-emulator"

# Starts the emulator on free ports and waits for its address lines.
start_emulator() {
    local out="$work/addresses.$1"
    "$binary" serve --mqtt 127.0.0.1:0 --http 127.0.0.1:0 --data-http 127.0.0.1:0 \
        --data "$work/data" >"$out" 2>>"$work/emulator.log" &
    emulator_pid=$!
    for _ in $(seq 1 100); do
        grep -q '^data-http ' "$out" 2>/dev/null && break
        kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.log"; exit 1; }
        sleep 0.1
    done
    mqtt=$(awk '$1 == "mqtt" { print $2 }' "$out")
    http=$(awk '$1 == "http" { print $2 }' "$out")
    data_http=$(awk '$1 == "data-http" { print $2 }' "$out")
    [[ -n "$mqtt" && -n "$http" && -n "$data_http" ]] || { cat "$out" "$work/emulator.log"; exit 1; }
    echo "run_boto3: emulator up: mqtt $mqtt, http $http, data-http $data_http"
}

run_phase() {
    "$venv/bin/python" "$repo/emulator/tests/boto3_flow.py" --phase "$1" \
        --control-url "http://$http" --data-url "http://$data_http" \
        --mqtt-host "${mqtt%:*}" --mqtt-port "${mqtt##*:}" --aws "$venv/bin/aws"
}

start_emulator 1
run_phase flow
stop_emulator
start_emulator 2
run_phase after-restart
