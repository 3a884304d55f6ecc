#!/bin/sh
# Builds the static library and its shipped form (scripts/hide-symbols.sh), then builds and
# runs the C tests of tests/c with CMake and ctest.
#
#   scripts/c-tests.sh [extra cmake -D options...]
#
# Environment: PROFILE=release tests target/release/libawsiotjobs.a (default: debug);
# BUILD_DIR overrides build/c-tests; SANITIZE=OFF builds without ASan/UBSan; BUILD_ONLY=1
# stops before ctest (scripts/c-tests-valgrind.sh runs the tests its own way).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profile=${PROFILE:-debug}
build_dir=${BUILD_DIR:-$root/build/c-tests}

cd "$root"
if [ "$profile" = release ]; then
    cargo build --lib --release
else
    cargo build --lib
fi

# The tests link the archive that ships: only the public API left global.
"$root/scripts/hide-symbols.sh" "$profile" >/dev/null

cmake -S "$root/tests/c" -B "$build_dir" \
    -DAWSIOTJOBS_LIBRARY="$root/target/$profile/dist/libawsiotjobs.a" \
    -DAWSIOTJOBS_SHARED_LIBRARY="$root/target/$profile/libawsiotjobs.so" \
    -DAWSIOTJOBS_SANITIZE="${SANITIZE:-ON}" \
    "$@"
cmake --build "$build_dir" --parallel 2
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0
ctest --test-dir "$build_dir" --output-on-failure
