#!/usr/bin/env python3
"""Runs v4_jobs_demo against a fresh jobs-emulator (the ctest of CMakeLists.txt):

    run_demo.py --emulator PATH --demo PATH

starts the emulator on free ports, starts the demo for one thing, creates the jobs once the
demo says it is ready (so each arrives by notify-next, as with the v4 demo), waits for the demo
to exit, and checks: exit code 0, every job SUCCEEDED as the service reports it, each job's
message printed once, and the log lines in the v4 format. Stops the emulator whatever happens.
Exit 0 when every check holds."""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "c-examples"))
from run_example import Example, run_scenario  # noqa: E402

THING = "v4-demo-thing"
# Messages with brackets, braces, quotes and a colon: the document parser must keep them whole.
MESSAGES = [
    "hello from the cloud",
    "nested [brackets] and {braces}",
    'a "quoted" word: done',
    "last one",
]
LOG_LINE = re.compile(r"^\[(ERROR|WARN |INFO |DEBUG)\]\[DEMO\]\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\] ")


def run(emu, binary, checks):
    jobs = ["v4-job-%d" % i for i in range(len(MESSAGES))]
    demo = Example([binary, str(emu.mqtt_port), THING, str(len(jobs))])
    demo.wait_for_line("The Jobs demo is now ready to accept Jobs.")
    for job, message in zip(jobs, MESSAGES):
        emu.create_job(job, [THING], {"action": "print", "message": message})
    code = demo.finish()

    checks.expect(code == 0, "v4_jobs_demo exited 0 (got %s)" % code)
    for job, message in zip(jobs, MESSAGES):
        checks.status(emu, THING, job, "SUCCEEDED")
        printed = message.replace('"', '\\"')
        checks.expect(demo.count("Job %s says: %s" % (job, printed)) == 1, "%s printed" % job)
        checks.expect(demo.count("Job %s received." % job) >= 1, "%s received" % job)
    summary = "%d of %d jobs done in" % (len(jobs), len(jobs))
    checks.expect(demo.count(summary) == 1, "the demo's summary")
    logged = [line for line in demo.lines if LOG_LINE.match(line)]
    checks.expect(len(logged) >= 3 * len(jobs), "v4-format log lines (%d)" % len(logged))
    checks.expect(
        not any(line.startswith("[ERROR]") for line in demo.lines), "no error was logged"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--demo", required=True)
    args = parser.parse_args()
    return run_scenario("v4_jobs_demo", run, args.emulator, args.demo)


if __name__ == "__main__":
    sys.exit(main())
