#!/bin/sh
# The whole C suite under valgrind (memcheck), in addition to the sanitizer run of
# scripts/c-tests.sh: the same tests built without sanitizers, each test program run under
#   valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect
# with its ctest environment and launcher (the MQTT tests keep their mosquitto wrapper; valgrind
# goes between the wrapper and the program). Any memory error or any definitely or indirectly
# lost block fails the test; the script fails if any test does.
#
#   scripts/c-tests-valgrind.sh [-R REGEX] [-j JOBS]     (-j 1 by default: the MQTT tests have
#                                                        connect deadlines that valgrind plus a
#                                                        busy machine can miss)
#
# Environment: PROFILE=release tests the release library (default: debug); BUILD_DIR
# overrides build/c-tests-valgrind; VALGRIND_TIMEOUT (seconds per test, default 600).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
profile=${PROFILE:-debug}
build_dir=${BUILD_DIR:-$root/build/c-tests-valgrind}
regex=""
jobs=1
while [ $# -gt 0 ]; do
    case "$1" in
        -R) regex=$2; shift 2 ;;
        -j) jobs=$2; shift 2 ;;
        *) echo "usage: $0 [-R REGEX] [-j JOBS]" >&2; exit 2 ;;
    esac
done

command -v valgrind >/dev/null || { echo "valgrind is not installed (apt-get install valgrind)" >&2; exit 1; }

cd "$root"
# The same libraries and test programs as scripts/c-tests.sh, without the sanitizers.
PROFILE=$profile BUILD_DIR=$build_dir SANITIZE=OFF BUILD_ONLY=1 "$root/scripts/c-tests.sh" >/dev/null

logs="$build_dir/valgrind-logs"
rm -rf "$logs"
mkdir -p "$logs"

# Not ours: glibc keeps a resolver context per thread that looked a host name up (Paho's send
# thread, for "localhost" in the TLS tests) and frees it where valgrind does not look.
cat >"$logs/suppressions.supp" <<'SUPP'
{
   glibc-resolver-context-of-a-thread
   Memcheck:Leak
   match-leak-kinds: definite
   fun:malloc
   ...
   fun:__resolv_conf_allocate
   ...
   fun:getaddrinfo
}
SUPP

# One line per test: name, then the tab-separated environment and command with valgrind added.
ctest --test-dir "$build_dir" --show-only=json-v1 >"$logs/tests.json"
python3 - "$logs" "$regex" "${VALGRIND_TIMEOUT:-600}" "$jobs" <<'EOF'
import json, os, re, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor

logs, regex, timeout, jobs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
tests = json.load(open(os.path.join(logs, "tests.json")))["tests"]
if regex:
    tests = [t for t in tests if re.search(regex, t["name"])]

def valgrind(name):
    return ["valgrind", "--error-exitcode=1", "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect", "--show-leak-kinds=definite,indirect,possible",
            "--track-origins=yes", "--num-callers=30",
            "--suppressions=" + os.path.join(logs, "suppressions.supp"),
            "--log-file=" + os.path.join(logs, name + ".log")]

def run(test):
    name, command = test["name"], test["command"]
    env = dict(os.environ)
    for prop in test.get("properties", []):
        if prop["name"] == "ENVIRONMENT":
            for pair in prop["value"]:
                key, _, value = pair.partition("=")
                env[key] = value
    # A launcher (the MQTT tests' with_broker.sh MODE) stays in front of valgrind.
    at = 2 if command[0].endswith("with_broker.sh") else 0
    command = command[:at] + valgrind(name) + command[at:]
    start = time.monotonic()
    try:
        done = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout)
        status = done.returncode
        output = done.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        status, output = "timeout", (e.stdout or b"").decode(errors="replace")
    seconds = time.monotonic() - start
    log = open(os.path.join(logs, name + ".log"), errors="replace").read() if os.path.exists(
        os.path.join(logs, name + ".log")) else ""
    summary = re.findall(r"ERROR SUMMARY: (\d+) errors", log)
    lost = re.findall(r"definitely lost: ([\d,]+) bytes|indirectly lost: ([\d,]+) bytes", log)
    return name, status, seconds, output, summary, lost

failed = []
with ThreadPoolExecutor(max_workers=jobs) as pool:
    for name, status, seconds, output, summary, lost in pool.map(run, tests):
        errors = max((int(s) for s in summary), default=0)
        verdict = "ok" if status == 0 else "FAILED"
        print(f"{verdict:6} {name:45} {seconds:6.1f}s  errors {errors}", flush=True)
        if status != 0:
            failed.append(name)
            print(output[-3000:])
            print(f"    valgrind log: {logs}/{name}.log")
print(f"\n{len(tests) - len(failed)} of {len(tests)} tests passed under valgrind")
sys.exit(1 if failed else 0)
EOF
