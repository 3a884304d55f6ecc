#!/usr/bin/env bash
# Installs awsiotjobs under a prefix, for C and C++ builds that use it from outside this repo:
#
#   scripts/install.sh --prefix DIR [--profile dist|release|debug] [--no-build]
#
#   DIR/lib/libawsiotjobs.a                  static library (public symbols only, when
#                                            scripts/hide-symbols.sh exists)
#   DIR/lib/libawsiotjobs.so.VERSION         shared library, with the links SONAME -> it and
#   DIR/lib/libawsiotjobs.so.MAJOR           libawsiotjobs.so -> SONAME
#   DIR/lib/libawsiotjobs.so
#   DIR/include/awsiotjobs/...               the headers, with their types/ and platform/ folders
#   DIR/lib/pkgconfig/awsiotjobs.pc          pkg-config (shared; --static adds what the .a needs)
#   DIR/lib/pkgconfig/awsiotjobs-static.pc   pkg-config for the static library
#   DIR/lib/cmake/awsiotjobs/                find_package(awsiotjobs): awsiotjobs::awsiotjobs
#
# It builds the library first (scripts/build-lib.sh) unless --no-build is given. The default
# profile is dist (Cargo.toml: opt-level "s", LTO, one codegen unit), the size-optimised build
# that ships, into target/dist/; release and debug use target/release/ and target/debug/. The
# templates are in packaging/, the imported targets in cmake/awsiotjobsTargets.cmake; the
# system libraries the static library needs are rustc's list (scripts/native-libs.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=""
# What follows (scripts/hide-symbols.sh too) reads cargo's output from target/ here.
export CARGO_TARGET_DIR="$repo/target"
profile=dist
build=1
usage() { sed -n '2,/^set -e/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=${2:?--prefix needs a directory}; shift 2 ;;
        --prefix=*) prefix=${1#--prefix=}; shift ;;
        --profile) profile=${2:?--profile needs dist, release or debug}; shift 2 ;;
        --profile=*) profile=${1#--profile=}; shift ;;
        --no-build) build=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown argument $1" >&2; usage 2 >&2 ;;
    esac
done
[ -n "$prefix" ] || { echo "install.sh: --prefix DIR is required" >&2; exit 2; }
case "$profile" in dist|release|debug) ;; *) echo "install.sh: --profile dist|release|debug" >&2; exit 2 ;; esac
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)

target=$repo/target/$profile
if [ "$build" = 1 ]; then
    # The libraries, the shipped (symbol-hidden) archive and the list of system libraries.
    "$repo/scripts/build-lib.sh" "$profile"
fi
for f in libawsiotjobs.a libawsiotjobs.so; do
    [ -f "$target/$f" ] || { echo "install.sh: $target/$f is missing: build first" >&2; exit 1; }
done

version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$repo/Cargo.toml" | head -n 1)
# What a C program linking the static library needs besides it: rustc's native-static-libs
# for this crate (scripts/native-libs.sh). The CMake package reads the whole list; pkg-config
# gets it without OpenSSL, which Requires names (with its own -L), and without -lc.
native_libs=$("$repo/scripts/native-libs.sh")
pc_native_libs=$(printf '%s\n' $native_libs | grep -vx -e -lssl -e -lcrypto -e -lc | tr '\n' ' ' |
    sed 's/ $//')

lib="$prefix/lib"
mkdir -p "$lib/pkgconfig" "$lib/cmake/awsiotjobs" "$prefix/include/awsiotjobs"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The static library, with only the public API left global when the hiding script exists
# (it writes target/<profile>/dist/libawsiotjobs.a; build-lib.sh ran it already).
if [ -x "$repo/scripts/hide-symbols.sh" ]; then
    [ "$build" = 1 ] || "$repo/scripts/hide-symbols.sh" "$profile" >/dev/null
    install -m 644 "$repo/target/$profile/dist/libawsiotjobs.a" "$lib/libawsiotjobs.a"
else
    echo "install.sh: scripts/hide-symbols.sh not found: installing the archive as built" >&2
    install -m 644 "$target/libawsiotjobs.a" "$lib/libawsiotjobs.a"
fi

# The shared library under its full version, reached through its SONAME and the link name.
soname=$(readelf -d "$target/libawsiotjobs.so" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
shared_file="libawsiotjobs.so.$version"
rm -f "$lib"/libawsiotjobs.so "$lib"/libawsiotjobs.so.*
install -m 755 "$target/libawsiotjobs.so" "$lib/$shared_file"
if [ -n "$soname" ] && [ "$soname" != libawsiotjobs.so ]; then
    ln -s "$shared_file" "$lib/$soname"
    ln -s "$soname" "$lib/libawsiotjobs.so"
else
    echo "install.sh: libawsiotjobs.so has no versioned SONAME: linking it by file name" >&2
    soname=libawsiotjobs.so
    ln -s "$shared_file" "$lib/libawsiotjobs.so"
fi

# The headers, as generated (types/ and platform/ kept: the v4 includes name them).
rm -rf "$prefix/include/awsiotjobs"
mkdir -p "$prefix/include/awsiotjobs"
(cd "$repo/include" && find . -name '*.h' -print) | while read -r header; do
    install -D -m 644 "$repo/include/$header" "$prefix/include/awsiotjobs/$header"
done

fill() {
    sed -e "s|@PREFIX@|$prefix|g" -e "s|@VERSION@|$version|g" -e "s|@SONAME@|$soname|g" \
        -e "s|@SHARED_FILE@|$shared_file|g" -e "s|@PC_NATIVE_LIBS@|$pc_native_libs|g" \
        -e "s|@NATIVE_LIBS@|$native_libs|g" \
        "$repo/packaging/$1" >"$2"
    chmod 644 "$2"
}
fill awsiotjobs.pc.in "$lib/pkgconfig/awsiotjobs.pc"
fill awsiotjobs-static.pc.in "$lib/pkgconfig/awsiotjobs-static.pc"
fill awsiotjobsConfig.cmake.in "$lib/cmake/awsiotjobs/awsiotjobsConfig.cmake"
fill awsiotjobsConfigVersion.cmake.in "$lib/cmake/awsiotjobs/awsiotjobsConfigVersion.cmake"
# The imported targets, the same file the build tree's package includes.
install -m 644 "$repo/cmake/awsiotjobsTargets.cmake" "$lib/cmake/awsiotjobs/awsiotjobsTargets.cmake"

echo "installed awsiotjobs $version ($profile) under $prefix:"
(cd "$prefix" && find lib include -maxdepth 3 \( -type f -o -type l \) | sort | sed 's/^/  /' |
    grep -v '^  include/awsiotjobs/.*/')
