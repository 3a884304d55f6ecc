#!/usr/bin/env bash
# The installed-package test: installs awsiotjobs into a fresh prefix with scripts/install.sh,
# then builds tests/install/consumer.c outside the repository four ways and runs each build:
#   find_package(awsiotjobs) -> awsiotjobs::awsiotjobs (static) and awsiotjobs::shared,
#   pkg-config awsiotjobs (shared) and awsiotjobs-static,
# checking that a shared build needs the library by its SONAME and a static build not at all;
# builds it again with own_platform.c, an application's own platform layer (as a firmware that
# keeps the v4 SDK's has), whose definitions must link beside the library's and win; and builds
# v4_jobs_demo/, a v4-style Jobs application, with find_package and runs it with ctest against
# the jobs-emulator (target/debug/jobs-emulator, built if missing). The installed .a and .so
# are checked with nm by the tests of tests/abi (AWSIOTJOBS_LIB_DIR points them at the prefix):
# they export exactly the public API and carry no test code.
#
#   tests/install/run.sh [--profile dist|release|debug]    (default: debug, what the tests build;
#                                                       install.sh alone defaults to dist)
# Ends with the line "install: N passed, N failed".
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
here="$repo/tests/install"
profile=debug
[ "${1:-}" = --profile ] && profile=${2:?--profile needs dist, release or debug}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

"$repo/scripts/install.sh" --prefix "$prefix" --profile "$profile" >"$work/install.log" || {
    cat "$work/install.log"; exit 1; }
cat "$work/install.log"

cc_defines=()
cmake_defines=()
if [ -x "$repo/scripts/hide-symbols.sh" ]; then
    # The installed libraries export the public API only: the program may define paho's names.
    cc_defines=(-DCONSUMER_DEFINES_PAHO_NAMES)
    cmake_defines=(-DCONSUMER_DEFINES_PAHO_NAMES=ON)
fi

passed=0
failed=0
# check NAME COMMAND...: runs a command, counts it, shows its output on failure.
check() {
    local name=$1
    shift
    if "$@" >"$work/$name.log" 2>&1; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name"
        sed 's/^/     /' "$work/$name.log"
    fi
}

soname=$(readelf -d "$prefix/lib/libawsiotjobs.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ -n "$soname" ] || soname=libawsiotjobs.so

# needs BINARY yes|no: whether the binary records the shared library as NEEDED.
needs() {
    [ -x "$1" ] || { echo "no $1"; return 1; }
    if readelf -d "$1" | grep -q "(NEEDED).*\[$soname\]"; then
        [ "$2" = yes ]
    else
        [ "$2" = no ]
    fi
}

layout() {
    local f
    for f in lib/libawsiotjobs.a lib/libawsiotjobs.so lib/"$soname" \
        include/awsiotjobs/aws_iot_jobs.h include/awsiotjobs/iot_mqtt.h \
        include/awsiotjobs/types/aws_iot_jobs_types.h include/awsiotjobs/platform/iot_network.h \
        include/awsiotjobs/types/iot_platform_types.h include/awsiotjobs/platform/iot_clock.h \
        include/awsiotjobs/platform/iot_threads.h include/awsiotjobs/iot_logging.h \
        include/awsiotjobs/iot_logging_setup.h include/awsiotjobs/iot_error.h \
        include/awsiotjobs/aws_iot_doc_parser.h \
        lib/pkgconfig/awsiotjobs.pc lib/pkgconfig/awsiotjobs-static.pc \
        lib/cmake/awsiotjobs/awsiotjobsConfig.cmake \
        lib/cmake/awsiotjobs/awsiotjobsConfigVersion.cmake \
        lib/cmake/awsiotjobs/awsiotjobsTargets.cmake; do
        [ -e "$prefix/$f" ] || { echo "missing $f"; return 1; }
    done
    echo "layout complete, SONAME $soname"
}
check layout layout

# --- what the installed libraries hold ----------------------------------------------------
# The checks of the build tree's libraries (tests/abi), run against the installed ones: the
# .so and the .a export exactly the API (symbols/public.txt, every function the headers
# declare, the platform layer weak as symbols/weak.txt says) and hold no symbol of the test
# fakes (awsiotjobs-testkit's loopback and responder).
installed_symbols() {
    (cd "$repo" && AWSIOTJOBS_LIB_DIR="$prefix/lib" cargo test --quiet -p awsiotjobs --test abi)
}
check installed-exports-exactly-the-api-and-no-test-code installed_symbols

# --- find_package -------------------------------------------------------------------------
cmake_build() {
    cmake -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$prefix" "${cmake_defines[@]}" &&
        cmake --build "$work/cmake"
}
check cmake-configure-and-build cmake_build
check find_package-static-runs "$work/cmake/consumer_static"
check find_package-static-is-self-contained needs "$work/cmake/consumer_static" no
# The imported shared target carries its location: CMake puts it in the build RPATH.
check find_package-shared-runs "$work/cmake/consumer_shared"
check find_package-shared-needs-soname needs "$work/cmake/consumer_shared" yes
version_mismatch() {
    mkdir -p "$work/too-new" &&
        printf 'cmake_minimum_required(VERSION 3.16)\nproject(p C)\nfind_package(awsiotjobs 0.2 REQUIRED)\n' \
            >"$work/too-new/CMakeLists.txt" &&
        ! cmake -S "$work/too-new" -B "$work/too-new/build" -DCMAKE_PREFIX_PATH="$prefix"
}
check find_package-refuses-0.2 version_mismatch

# --- pkg-config ----------------------------------------------------------------------------
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc_build() {
    local out=$1 package=$2
    shift 2
    # shellcheck disable=SC2046 # pkg-config prints several words on purpose
    cc -std=c99 -Wall -Wextra -pedantic -Werror "${cc_defines[@]}" -o "$out" "$here/consumer.c" \
        $(pkg-config --cflags --libs "$package") "$@"
}
check pkg-config-shared-build cc_build "$work/pc_shared" awsiotjobs -Wl,-rpath,"$prefix/lib"
check pkg-config-shared-runs "$work/pc_shared"
check pkg-config-shared-needs-soname needs "$work/pc_shared" yes
check pkg-config-static-build cc_build "$work/pc_static" awsiotjobs-static
check pkg-config-static-runs "$work/pc_static"
check pkg-config-static-is-self-contained needs "$work/pc_static" no

# --- an application with its own platform layer --------------------------------------------
# Its objects define every platform, logging and parser function (and IotSdk_Init/Cleanup):
# the library's are weak in the static library and interposed in the shared one.
check own-platform-static-build cc_build "$work/own_static" awsiotjobs-static \
    -DCONSUMER_OWN_PLATFORM "$here/own_platform.c"
check own-platform-static-runs "$work/own_static"
check own-platform-shared-build cc_build "$work/own_shared" awsiotjobs \
    -DCONSUMER_OWN_PLATFORM "$here/own_platform.c" -Wl,-rpath,"$prefix/lib"
check own-platform-shared-runs "$work/own_shared"

# --- a v4-style Jobs application against the emulator ---------------------------------------
emulator="$repo/target/debug/jobs-emulator"
demo_build() {
    if [ ! -x "$emulator" ]; then
        (cd "$repo" && CARGO_TARGET_DIR="$repo/target" cargo build -p jobs-emulator)
    fi
    cmake -S "$here/v4_jobs_demo" -B "$work/demo" -DCMAKE_PREFIX_PATH="$prefix" \
        -DJOBS_EMULATOR="$emulator" && cmake --build "$work/demo"
}
check v4-jobs-demo-build demo_build
check v4-jobs-demo-runs ctest --test-dir "$work/demo" --output-on-failure

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
