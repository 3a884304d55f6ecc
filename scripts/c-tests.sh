#!/bin/sh
# Builds the libraries (scripts/build-lib.sh: the shipped static library and the system
# libraries it needs), then builds and runs the C tests of tests/c with CMake and ctest, which
# link them through the build tree's CMake package (cmake/awsiotjobsConfig.cmake).
#
#   scripts/c-tests.sh [extra cmake -D options...]
#
# Environment: PROFILE=release tests target/release/libawsiotjobs.a (default: debug);
# BUILD_DIR overrides build/c-tests; SANITIZE=OFF builds without ASan/UBSan; BUILD_ONLY=1
# stops before ctest (scripts/c-tests-valgrind.sh runs the tests its own way).
# The MQTT tests need mosquitto and openssl: without them the configuration fails, unless
# -DAWSIOTJOBS_SKIP_MQTT_TESTS=ON is given to leave those tests out.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profile=${PROFILE:-debug}
build_dir=${BUILD_DIR:-$root/build/c-tests}

cd "$root"
# The tests link the archive that ships: only the public API left global.
"$root/scripts/build-lib.sh" "$profile"

cmake -S "$root/tests/c" -B "$build_dir" -DAWSIOTJOBS_PROFILE="$profile" \
    -DAWSIOTJOBS_SANITIZE="${SANITIZE:-ON}" \
    "$@"
cmake --build "$build_dir" --parallel 2
[ "${BUILD_ONLY:-0}" = 1 ] && exit 0
ctest --test-dir "$build_dir" --output-on-failure
