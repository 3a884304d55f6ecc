#!/bin/sh
# The compile checks of CMakeLists.txt against the real v4 SDK's headers instead of the
# stand-in: every include order of v4_program.c, our headers before and after the SDK's, as
# gnu99 and gnu++11 (the SDK's own POSIX types header needs the GNU dialects), with
# -Wall -Wextra -pedantic -Werror. Not part of the suite (the SDK is not in this repository):
#
#   tests/c/platform/coexistence/check-real-sdk.sh SDK_GIT_DIR [REF]
#
# SDK_GIT_DIR is a clone (bare or not) of aws/aws-iot-device-sdk-embedded-C; REF defaults to
# v4_beta_deprecated. Prints one line per compile and exits non-zero if any failed.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
include=$(cd "$here/../../../../include" && pwd)
sdk_git=${1:?usage: check-real-sdk.sh SDK_GIT_DIR [REF]}
ref=${2:-v4_beta_deprecated}

sdk=$(mktemp -d)
trap 'rm -rf "$sdk"' EXIT
git -C "$sdk_git" archive "$ref" libraries ports | tar -x -C "$sdk"
sdk_dirs="-I$sdk/libraries -I$sdk/libraries/platform -I$sdk/libraries/standard/common/include
-I$sdk/libraries/aws/common/include -I$sdk/ports/posix/include"

failed=0
for first in ours sdk; do
    if [ "$first" = ours ]; then path="-I$include $sdk_dirs"; else path="$sdk_dirs -I$include"; fi
    for order in DEMO JOBS_FIRST TYPES_FIRST; do
        for compiler in "cc -std=gnu99 -xc" "c++ -std=gnu++11 -xc++"; do
            # shellcheck disable=SC2086 # the paths and the compiler are several words on purpose
            if $compiler -Wall -Wextra -pedantic -Werror -fsyntax-only -DORDER_$order \
                -I"$here/v4_sdk/config" $path "$here/v4_program.c" 2>"$sdk/errors"; then
                echo "ok   $first first, $order, ${compiler%% -x*}"
            else
                echo "FAIL $first first, $order, ${compiler%% -x*}"
                sed 's/^/     /' "$sdk/errors" | head -n 20
                failed=$((failed + 1))
            fi
        done
    done
done
echo "real SDK ($ref): $failed failed"
[ "$failed" = 0 ]
