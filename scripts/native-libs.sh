#!/bin/sh
# Prints the system libraries a program linking the static libawsiotjobs.a needs besides it, as
# link flags on one line (e.g. "-lssl -lcrypto -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"),
# and keeps them in target/native-static-libs.txt, where the build tree's CMake package
# (cmake/awsiotjobsConfig.cmake) reads them and from which scripts/install.sh fills the
# installed pkg-config and CMake files. The list is never written by hand: it is what rustc
# prints for the staticlib (cargo rustc ... -- --print native-static-libs), each flag once.
#
#   scripts/native-libs.sh
#
# rustc prints it when it links the staticlib: the first time, one build of the library as a
# staticlib only (about half a minute in debug), then cargo replays the note. The result is kept
# until Cargo.toml or Cargo.lock changes.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
list=$target/native-static-libs.txt
key_file=$target/native-static-libs.key
key=$(cat "$root/Cargo.toml" "$root/Cargo.lock" | cksum)

if [ -s "$list" ] && [ "$(cat "$key_file" 2>/dev/null)" = "$key" ]; then
    cat "$list"
    exit 0
fi

mkdir -p "$target"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! (cd "$root" && cargo rustc --quiet -p awsiotjobs --lib --crate-type staticlib \
    -- --print native-static-libs) >"$log" 2>&1; then
    cat "$log" >&2
    exit 1
fi
flags=$(sed -n 's/^note: native-static-libs: //p' "$log" | tail -n 1 |
    tr ' ' '\n' | awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//')
if [ -z "$flags" ]; then
    echo "native-libs.sh: rustc printed no native-static-libs line:" >&2
    cat "$log" >&2
    exit 1
fi
printf '%s\n' "$flags" >"$list"
printf '%s\n' "$key" >"$key_file"
cat "$list"
