#!/usr/bin/env bash
# The demo: a C device agent built on awsiotjobs takes jobs from a local AWS IoT Jobs service.
#
#   scripts/demo.sh
#
# 1. installs what a fresh Debian machine lacks (scripts/install-deps.sh; AWSIOTJOBS_NO_INSTALL=1
#    skips it) and builds the library and jobs-emulator (cargo, release) and the example
#    agent c-examples/jobs_agent.c (CMake);
# 2. starts jobs-emulator: the Jobs service with its own MQTT broker and the HTTP control plane
#    the AWS CLI and boto3 speak;
# 3. creates five jobs for the thing "demo-device" through the control plane;
# 4. runs jobs_agent, which connects with IotMqtt_Connect and works through them;
# 5. prints each job's final status as the service sees it.
# Exits 0 when every job ended as expected; the emulator is always stopped.
# PROFILE=debug uses the debug builds (quicker to build, and shared with scripts/test.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
# What follows (scripts/hide-symbols.sh too) reads cargo's output from target/ here.
export CARGO_TARGET_DIR="$repo/target"
thing=demo-device
profile=${PROFILE:-release}
build_dir=$repo/build/demo-$profile
work=$(mktemp -d)
emulator_pid=""

cleanup() {
    if [ -n "$emulator_pid" ]; then
        kill "$emulator_pid" 2>/dev/null || true
        wait "$emulator_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bold=""; plain=""
if [ -t 1 ]; then bold=$(printf '\033[1m'); plain=$(printf '\033[0m'); fi
say() { printf '\n%s==> %s%s\n' "$bold" "$*" "$plain"; }
control() { python3 c-examples/jobs_emulator.py "http://$http" "$@"; }

if [ -z "${AWSIOTJOBS_NO_INSTALL:-}" ]; then
    scripts/install-deps.sh
fi

release=""
[ "$profile" = release ] && release=--release
say "Building the library and jobs-emulator (cargo build $release; the first time takes minutes)"
scripts/build-lib.sh "$profile" >"$work/build-lib.log" 2>&1 || { cat "$work/build-lib.log"; exit 1; }
cargo build $release --quiet -p jobs-emulator
say "Building the device agent c-examples/jobs_agent.c against include/ and libawsiotjobs.a (CMake)"
cmake -S c-examples -B "$build_dir" -DAWSIOTJOBS_PROFILE="$profile" \
    -DAWSIOTJOBS_EMULATOR="$repo/target/$profile/jobs-emulator" >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; exit 1; }
cmake --build "$build_dir" --target jobs_agent --parallel 2 >"$work/build.log" 2>&1 ||
    { cat "$work/build.log"; exit 1; }
echo "built $build_dir/jobs_agent"

say "Starting jobs-emulator, a local AWS IoT Jobs service (its log: $build_dir/emulator.log)"
"target/$profile/jobs-emulator" serve --mqtt 127.0.0.1:0 --http 127.0.0.1:0 \
    >"$work/addresses" 2>"$build_dir/emulator.log" &
emulator_pid=$!
for _ in $(seq 1 100); do
    grep -q '^http ' "$work/addresses" 2>/dev/null && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$build_dir/emulator.log"; exit 1; }
    sleep 0.1
done
mqtt=$(awk '$1 == "mqtt" { print $2 }' "$work/addresses")
http=$(awk '$1 == "http" { print $2 }' "$work/addresses")
[ -n "$mqtt" ] && [ -n "$http" ] || { echo "the emulator did not start"; exit 1; }
echo "MQTT broker (devices connect here):      $mqtt"
echo "HTTP control plane (aws iot ... --endpoint-url http://$http)"

say "Creating five jobs for the thing \"$thing\" (CreateJob on the control plane)"
jobs=(say-hello report-reading update-firmware broken-job stop-agent)
documents=(
    '{"action":"print","message":"Hello from the cloud!"}'
    '{"action":"publish","topic":"devices/demo-device/readings","message":"{\"temperature\":21.5}"}'
    '{"action":"sleep","ms":1500}'
    '{"action":"fail","message":"simulated failure: disk full"}'
    '{"action":"exit"}'
)
for i in "${!jobs[@]}"; do
    control create "${jobs[$i]}" "$thing" "${documents[$i]}"
    printf '  %-16s %s\n' "${jobs[$i]}" "${documents[$i]}"
done

say "Running the device: jobs_agent ${mqtt##*:} --aws-iot --thing $thing"
echo "(it takes each job with start-next, runs its action and reports the result; \"exit\" stops it."
echo " notify-next messages only wake it up, so they may trail behind what it is doing)"
timeout 120 "$build_dir/jobs_agent" "${mqtt##*:}" --aws-iot --thing "$thing" 2>&1 |
    sed 's/^/  device | /'
agent_status=${PIPESTATUS[0]}

say "What the service says now (DescribeJobExecution for each job)"
control status "$thing" "${jobs[@]}" | tee "$work/status"

expected="SUCCEEDED SUCCEEDED SUCCEEDED FAILED SUCCEEDED"
got=$(awk '{ printf "%s%s", sep, $2; sep = " " }' "$work/status")
if [ "$agent_status" -eq 0 ] && [ "$got" = "$expected" ]; then
    say "Done: four jobs SUCCEEDED and broken-job FAILED, as their documents asked."
    echo "Next: c-examples/README.md (the examples), docs/ (linking, migrating, AWS IoT)."
else
    say "Unexpected: agent exit code $agent_status, statuses: $got (expected $expected)"
    exit 1
fi
