#!/usr/bin/env bash
# Runs the build-tree commands of docs/linking.md ("Without installing") exactly as written:
# the first ```sh block after the line naming this script, in a fresh folder holding agent.c
# (a copy of tests/install/consumer.c), with AWSIOTJOBS set to this repository and
# CARGO_TARGET_DIR unset, as the text says. Then checks that the shared build needs the library
# by its SONAME and the loader finds it in target/release, and the static build not at all.
# Builds the release library (about a minute from cold). Ends with "linking-doc: ok".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
doc="$repo/docs/linking.md"

# The block: from the first "```sh" after the marker line to its closing "```".
commands=$(awk '/tests\/install\/linking-doc.sh runs the block below/ { marked = 1; next }
                marked && /^```sh$/ { inside = 1; next }
                inside && /^```$/ { exit }
                inside { print }' "$doc")
if [ -z "$commands" ]; then
    echo "linking-doc: no command block found in $doc" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$repo/tests/install/consumer.c" "$work/agent.c"

echo "running in $work, AWSIOTJOBS=$repo:"
sed 's/^/  $ /' <<<"$commands"
(cd "$work" && env -u CARGO_TARGET_DIR AWSIOTJOBS="$repo" bash -euo pipefail -c "$commands")

readelf -d "$work/agent-shared" | grep -q '(NEEDED).*\[libawsiotjobs.so.0\]' || {
    echo "linking-doc: agent-shared does not need libawsiotjobs.so.0" >&2; exit 1; }
resolved=$(ldd "$work/agent-shared" | awk '$1 == "libawsiotjobs.so.0" { print $3 }')
[ "$resolved" = "$repo/target/release/libawsiotjobs.so.0" ] || {
    echo "linking-doc: libawsiotjobs.so.0 resolves to '$resolved'" >&2; exit 1; }
if readelf -d "$work/agent-static" | grep -q 'libawsiotjobs'; then
    echo "linking-doc: agent-static needs a shared awsiotjobs" >&2
    exit 1
fi
echo "linking-doc: ok"
