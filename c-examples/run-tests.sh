#!/bin/sh
# Builds the library (scripts/build-lib.sh) and jobs-emulator with cargo, the examples with
# CMake (the build tree's package, cmake/awsiotjobsConfig.cmake), and runs each
# example against its own emulator with ctest (about 10 s).
#
#   c-examples/run-tests.sh [extra cmake -D options...]
#
# Environment: PROFILE=release uses the release builds (default: debug); BUILD_DIR overrides
# build/c-examples.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profile=${PROFILE:-debug}
build_dir=${BUILD_DIR:-$root/build/c-examples}

cd "$root"
# What follows reads cargo's output from target/ here.
export CARGO_TARGET_DIR="$root/target"
# The examples link the archive that ships: only the public API left global.
"$root/scripts/build-lib.sh" "$profile"
if [ "$profile" = release ]; then
    cargo build --release -p jobs-emulator
else
    cargo build -p jobs-emulator
fi

cmake -S "$root/c-examples" -B "$build_dir" \
    -DAWSIOTJOBS_PROFILE="$profile" \
    -DAWSIOTJOBS_EMULATOR="$root/target/$profile/jobs-emulator" \
    "$@"
cmake --build "$build_dir" --parallel 2
ctest --test-dir "$build_dir" --output-on-failure
