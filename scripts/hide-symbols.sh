#!/usr/bin/env bash
# Makes the static library that ships: target/<profile>/dist/libawsiotjobs.a, with only the
# public C API (the patterns of symbols/public.txt) left global.
#
#   scripts/hide-symbols.sh [debug|release|dist]      (default debug; build the library first)
#
# dist is Cargo.toml's size-optimised profile, built one crate type at a time (see
# scripts/install.sh): its input is target/dist/libawsiotjobs.a, its output
# target/dist/dist/libawsiotjobs.a.
#
# The Rust staticlib carries ~500 C-visible globals of its dependencies, Paho C's among them
# with generic names (Log, ListAppend, Socket_*, ...), which would clash with a firmware's own.
# So: link every member into one relocatable object (ld -r --whole-archive), make every global
# that is not public local (objcopy --keep-global-symbols; the embedded LLVM bitcode sections
# are dropped too, since binutils' LLVM plugin here aborts on Rust's bitcode), and archive that
# one object. Linking the result needs the system libraries scripts/native-libs.sh prints.
#
# The v4 platform layer, logging and document parser functions and IotSdk_Init/Cleanup
# (symbols/weak.txt) are made weak: an application that keeps the SDK's own platform library
# (or a port of its own) links without "multiple definition" errors, and its definitions win.
# The library never calls these names itself, so whichever definitions win, it behaves the
# same.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-debug}
input=$root/target/$profile/libawsiotjobs.a
output_dir=$root/target/$profile/dist
output=$output_dir/libawsiotjobs.a

if [ ! -f "$input" ]; then
    case "$profile" in
        debug) build="cargo build --lib" ;;
        dist) build="cargo rustc --profile dist -p awsiotjobs --lib --crate-type staticlib" ;;
        *) build="cargo build --lib --profile $profile" ;;
    esac
    echo "$input does not exist: run $build first" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Two of Paho C's calls go through wrappers of ours (src/ffi/mqtt/paho_wraps.rs), as build.rs links
# the shared library: the names are in symbols/wrapped.txt.
wraps=()
while read -r name; do
    [ -n "$name" ] && wraps+=("--wrap=$name")
done <"$root/symbols/wrapped.txt"
ld -r "${wraps[@]}" --whole-archive "$input" -o "$work/all.o"
objcopy --wildcard --keep-global-symbols="$root/symbols/public.txt" \
    --weaken-symbols="$root/symbols/weak.txt" \
    --remove-section=.llvmbc --remove-section=.llvmcmd \
    "$work/all.o" "$work/awsiotjobs.o"
mkdir -p "$output_dir"
# A name of this run's own, then an atomic rename: several runs may make the same archive at once
# (the tests do).
ar rcs "$work/libawsiotjobs.a" "$work/awsiotjobs.o"
mv -f "$work/libawsiotjobs.a" "$output.$$.tmp"
mv -f "$output.$$.tmp" "$output"
echo "$output"
