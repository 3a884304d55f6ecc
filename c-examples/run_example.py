#!/usr/bin/env python3
"""Runs one example against a fresh jobs-emulator (what each ctest of c-examples does):

    run_example.py --emulator PATH --example PATH --scenario NAME

starts the emulator on free ports, creates the scenario's jobs through the HTTP control
plane, runs the example with the MQTT port as its argument, checks the example's exit code,
its output and every job execution as the service sees it, and stops the emulator whatever
happens. Exit 0 when every check holds."""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jobs_emulator import Emulator  # noqa: E402

EXAMPLE_TIMEOUT = 45


class Example:
    """The example program, its output collected line by line as it runs."""

    def __init__(self, command):
        print("$ " + " ".join(command), flush=True)
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.lines = []
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            print("  | " + line.rstrip("\n"), flush=True)
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()

    def wait_for_line(self, text, timeout=20):
        deadline = time.monotonic() + timeout
        with self.changed:
            while not any(text in line for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError("the example never printed %r" % text)
                self.changed.wait(min(left, 0.2))

    def finish(self):
        try:
            code = self.process.wait(timeout=EXAMPLE_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError("the example did not finish in %d s" % EXAMPLE_TIMEOUT)
        self.reader.join(timeout=5)
        return code

    def count(self, text):
        return sum(1 for line in self.lines if text in line)


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, condition, what):
        print(("ok   " if condition else "FAIL ") + what, flush=True)
        if not condition:
            self.failures.append(what)

    def status(self, emu, thing, job_id, want, details=None):
        execution = emu.execution(thing, job_id)
        got = execution["status"]
        self.expect(got == want, "%s on %s is %s (service: %s)" % (job_id, thing, want, got))
        if details:
            have = execution.get("statusDetails", {}).get("detailsMap", {})
            for key, value in details.items():
                self.expect(
                    have.get(key) == value,
                    "%s statusDetails %s=%r (service: %r)" % (job_id, key, value, have.get(key)),
                )


# -- scenarios: each gets the emulator, the example's path and the checks ------------------


def scenario_jobs_agent(emu, binary, checks):
    thing = "agent-thing"
    stale = {"timestamp": 1, "execution": {"jobId": "stale-copy", "jobDocument": {}}}
    # Two jobs wait before the agent starts: it finds them with its first start-next.
    emu.create_job("print-1", [thing], {"action": "print", "message": "hello from the cloud"})
    emu.create_job(
        "publish-1",
        [thing],
        {"action": "publish", "topic": "devices/%s/hello" % thing, "message": "hi"},
    )
    agent = Example([binary, str(emu.mqtt_port), "--aws-iot", "--thing", thing])
    agent.wait_for_line("waiting for notify-next")
    # The rest arrive while it waits: notify-next wakes it. The first publishes a stale copy
    # of an old notify-next to the agent's own topic: a duplicate it must shrug off.
    emu.create_job(
        "duplicate-1",
        [thing],
        {
            "action": "publish",
            "topic": "$aws/things/%s/jobs/notify-next" % thing,
            "message": json.dumps(stale),
        },
    )
    emu.create_job("sleep-1", [thing], {"action": "sleep", "ms": 300})
    emu.create_job("fail-1", [thing], {"action": "fail", "message": "disk full"})
    emu.create_job("exit-1", [thing], {"action": "exit"})
    code = agent.finish()

    checks.expect(code == 0, "jobs_agent exited 0 (got %s)" % code)
    checks.status(emu, thing, "print-1", "SUCCEEDED", {"result": "printed"})
    checks.status(emu, thing, "publish-1", "SUCCEEDED", {"result": "published"})
    checks.status(emu, thing, "duplicate-1", "SUCCEEDED")
    checks.status(emu, thing, "sleep-1", "SUCCEEDED", {"result": "slept"})
    checks.status(emu, thing, "fail-1", "FAILED", {"reason": "disk full"})
    checks.status(emu, thing, "exit-1", "SUCCEEDED", {"result": "agent stopping"})
    checks.expect(agent.count("job print-1 says: hello from the cloud") == 1, "print-1 printed")
    # The stale copy is delivered once, unless the service's newer notify-next (sleep-1, sent
    # when duplicate-1 is reported a moment later) reaches the library before the callback
    # thread took the copy: notify-next coalesces to the newest (README, "Memory bounds").
    stale_seen = agent.count("notify-next: stale-copy is next")
    checks.expect(
        stale_seen == 1 or (stale_seen == 0 and agent.count("notify-next: sleep-1 is next") == 1),
        "the stale copy arrived, or was superseded by the newer notify-next (%d)" % stale_seen,
    )
    for job in ("print-1", "publish-1", "duplicate-1", "sleep-1", "fail-1", "exit-1"):
        checks.expect(agent.count("job %s: reported" % job) >= 1, "%s reported" % job)
        runs = sum(1 for line in agent.lines if line.startswith("job %s: " % job)
                   and line.split(": ", 1)[1] in ("print", "publish", "sleep", "fail", "exit"))
        checks.expect(runs == 1, "%s ran exactly once (%d)" % (job, runs))
    checks.expect(agent.count("job sleep-1: reported IN PROGRESS") == 1, "sleep-1 reported IN_PROGRESS")
    checks.expect(agent.count("jobs_agent: 5 succeeded, 1 failed") == 1, "agent summary")


def scenario_jobs_agent_timeout(emu, binary, checks):
    # One emulated minute is 100 ms: a one-minute step timeout expires during a 1.5 s sleep.
    thing = "slow-thing"
    emu.create_job("slow-1", [thing], {"action": "sleep", "ms": 1500, "stepTimeoutInMinutes": 1})
    emu.create_job("exit-1", [thing], {"action": "exit"})
    agent = Example([binary, str(emu.mqtt_port), "--aws-iot", "--thing", thing])
    code = agent.finish()
    checks.expect(code == 0, "jobs_agent exited 0 (got %s)" % code)
    checks.status(emu, thing, "slow-1", "TIMED_OUT")
    checks.status(emu, thing, "exit-1", "SUCCEEDED")
    checks.expect(
        agent.count("job slow-1: the service already ended it: TIMED_OUT") == 1,
        "the agent saw the step timeout",
    )


def scenario_sync_tour(emu, binary, checks):
    thing = "tour-thing"
    emu.create_job("tour-1", [thing], {"action": "print", "message": "first"})
    emu.create_job("tour-2", [thing], {"action": "print", "message": "second"})
    tour = Example([binary, str(emu.mqtt_port), "--aws-iot", "--thing", thing])
    code = tour.finish()
    checks.expect(code == 0, "sync_tour exited 0 (got %s)" % code)
    checks.status(emu, thing, "tour-1", "SUCCEEDED", {"step": "tour"})
    checks.status(emu, thing, "tour-2", "QUEUED")
    for operation in ("GetPendingSync", "StartNextSync", "DescribeSync", "UpdateSync"):
        checks.expect(tour.count(operation) >= 1, "the tour ran %s" % operation)
    checks.expect(tour.count("FAILED: NOT FOUND") == 1, "the tour showed a rejection")


def scenario_async_pipeline(emu, binary, checks):
    things = ["pipe-%d" % i for i in range(4)]
    jobs = ["batch-%d" % i for i in range(8)]
    for job in jobs:
        emu.create_job(job, things, {"action": "print", "message": job})
    pipeline = Example(
        [binary, str(emu.mqtt_port), "--aws-iot", "--thing-prefix", "pipe-", "--things", str(len(things))]
    )
    code = pipeline.finish()
    checks.expect(code == 0, "async_pipeline exited 0 (got %s)" % code)
    for thing in things:
        for job in jobs:
            checks.status(emu, thing, job, "SUCCEEDED")
    checks.expect(pipeline.count("64 updates accepted, 0 failed") == 1, "pipeline summary")


def scenario_cpp_agent(emu, binary, checks):
    thing = "cpp-thing"
    for i in range(3):
        emu.create_job("cpp-%d" % i, [thing], {"action": "print", "message": "job %d" % i})
    agent = Example([binary, str(emu.mqtt_port), "--aws-iot", "--thing", thing])
    code = agent.finish()
    checks.expect(code == 0, "cpp_agent exited 0 (got %s)" % code)
    for i in range(3):
        checks.status(emu, thing, "cpp-%d" % i, "SUCCEEDED", {"by": "cpp_agent"})
    checks.expect(agent.count("cpp_agent: 3 jobs done") == 1, "cpp_agent summary")


SCENARIOS = {
    "jobs_agent": (scenario_jobs_agent, None),
    "jobs_agent_timeout": (scenario_jobs_agent_timeout, 100),
    "sync_tour": (scenario_sync_tour, None),
    "async_pipeline": (scenario_async_pipeline, None),
    "cpp_agent": (scenario_cpp_agent, None),
}


def run_scenario(name, scenario, emulator, binary, minute_ms=None):
    """Runs `scenario(emu, binary, checks)` against a fresh emulator at `emulator`, prints
    every check and, if one failed, the end of the emulator's log; the exit code (0: all held).
    Also used by tests/install/v4_jobs_demo/run_demo.py."""
    checks = Checks()
    with tempfile.NamedTemporaryFile(prefix="jobs-emulator-", suffix=".log") as log:
        try:
            with Emulator(emulator, minute_ms=minute_ms, log_path=log.name) as emu:
                print("emulator: mqtt 127.0.0.1:%d, http %s" % (emu.mqtt_port, emu.http_url))
                scenario(emu, binary, checks)
        except Exception as error:  # noqa: BLE001 - every failure is reported the same way
            checks.expect(False, "%s: %s" % (type(error).__name__, error))
        if checks.failures:
            print("--- emulator log (last 40 lines) ---")
            with open(log.name, errors="replace") as text:
                print("".join(text.readlines()[-40:]))
    print("%s: %d failed check(s)" % (name, len(checks.failures)))
    return 1 if checks.failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emulator", required=True)
    parser.add_argument("--example", required=True)
    parser.add_argument("--scenario", required=True, choices=sorted(SCENARIOS))
    args = parser.parse_args()
    scenario, minute_ms = SCENARIOS[args.scenario]
    return run_scenario(args.scenario, scenario, args.emulator, args.example, minute_ms)


if __name__ == "__main__":
    sys.exit(main())
