#!/bin/sh
# The C concurrency tests under ThreadSanitizer, with the library itself instrumented too: the
# Rust code (and its standard library, rebuilt with -Zbuild-std) by nightly rustc's
# -Zsanitizer=thread, Paho C and our one C file by gcc's -fsanitize=thread. Every lock and
# atomic the library hands C memory across is then visible to the sanitizer, so a report is a
# real race, not a synchronisation TSan could not see.
#
#   scripts/c-tests-tsan.sh [TEST...]     (default: the tests below, each a ctest name)
#
# Needs the nightly toolchain with rust-src (`rustup component add rust-src --toolchain
# nightly`) and mosquitto. Not part of scripts/test.sh (a second build of std and of every
# dependency: ~5 minutes); BENCHMARKS.md records its result.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
tests=${*:-cleanup_race cleanup_in_flight handle_before_callback callback_threads concurrency \
    notify_callbacks async_operations timeouts v4_defect_concurrent_updates_same_thing \
    mqtt_mqtt_concurrency_plain mqtt_mqtt_concurrency_tls mqtt_reconnect_plain}
target_dir="$root/target/tsan"
build_dir="$root/build/c-tests-tsan"

cd "$root"
PAHO_C_SANITIZE=thread CFLAGS="-fsanitize=thread" \
    RUSTFLAGS="-Zsanitizer=thread" \
    cargo +nightly build -Zbuild-std --target x86_64-unknown-linux-gnu --lib \
    --target-dir "$target_dir"
library="$target_dir/x86_64-unknown-linux-gnu/debug/libawsiotjobs.a"

# The system libraries the static library needs, for the build tree's CMake package.
"$root/scripts/native-libs.sh" >/dev/null

# rustc's own ThreadSanitizer runtime, which knows every entry point rustc instruments with.
runtime="$(rustc +nightly --print sysroot)/lib/rustlib/x86_64-unknown-linux-gnu/lib/librustc-nightly_rt.tsan.a"

cmake -S "$root/tests/c" -B "$build_dir" \
    -DAWSIOTJOBS_STATIC_LIBRARY="$library" -DAWSIOTJOBS_SHARED_LIBRARY="" \
    -DAWSIOTJOBS_TSAN_RUNTIME="$runtime" \
    -DAWSIOTJOBS_SANITIZE=ON -DAWSIOTJOBS_SANITIZER=thread
# Only these programs: the others (header and coexistence checks) link without a sanitizer.
for t in $tests; do
    cmake --build "$build_dir" --parallel 2 --target "$t"
done
ctest --test-dir "$build_dir" --output-on-failure -R "^($(echo $tests | tr ' ' '|'))\$"
