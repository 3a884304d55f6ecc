"""Starts a jobs-emulator and talks to its HTTP control plane (the `iot` REST API), with the
Python standard library only: what the example tests (run_example.py) and the demo need.

    with Emulator("target/debug/jobs-emulator") as emu:
        emu.create_job("job-1", ["my-thing"], {"action": "print", "message": "hi"})
        ... run a device against 127.0.0.1:emu.mqtt_port ...
        emu.execution("my-thing", "job-1")["status"]   # "SUCCEEDED"

The emulator runs on free ports (port 0), in its own process group, and is always stopped
when the `with` block ends, however it ends. From a shell (scripts/demo.sh):

    jobs_emulator.py http://HOST:PORT create JOB_ID THING DOCUMENT_JSON
    jobs_emulator.py http://HOST:PORT status THING JOB_ID...
"""

import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request


class ControlPlaneError(Exception):
    """An HTTP error answer of the control plane, with the AWS error shape."""


class ControlPlane:
    """The control plane of a running emulator at `http_url` (http://HOST:PORT)."""

    def __init__(self, http_url):
        self.http_url = http_url

    def call(self, method, path, body=None, query=None):
        url = self.http_url + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                text = answer.read()
        except urllib.error.HTTPError as error:
            raise ControlPlaneError(
                "%s %s: %s %s" % (method, path, error.code, error.read().decode())
            ) from None
        return json.loads(text) if text else {}

    def create_job(self, job_id, things, document, description=None):
        """CreateJob with thing names as targets and a JSON-serialisable document."""
        body = {"targets": list(things), "document": json.dumps(document)}
        if description:
            body["description"] = description
        return self.call("PUT", "/jobs/" + urllib.parse.quote(job_id), body)

    def execution(self, thing, job_id):
        """DescribeJobExecution: the execution as the service sees it."""
        path = "/things/%s/jobs/%s" % (urllib.parse.quote(thing), urllib.parse.quote(job_id))
        return self.call("GET", path)["execution"]


class Emulator(ControlPlane):
    def __init__(self, binary, minute_ms=None, log_path=None, startup_timeout=30.0):
        super().__init__(None)
        self.binary = binary
        self.minute_ms = minute_ms
        self.log_path = log_path
        self.startup_timeout = startup_timeout
        self.process = None
        self.mqtt_port = None

    # -- lifetime ---------------------------------------------------------------------------

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        command = [self.binary, "serve", "--mqtt", "127.0.0.1:0", "--http", "127.0.0.1:0"]
        if self.minute_ms is not None:
            command += ["--minute-ms", str(self.minute_ms)]
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        env = dict(os.environ)
        env.setdefault("RUST_LOG", "info")
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=log, env=env, start_new_session=True
        )
        if log is not subprocess.DEVNULL:
            log.close()
        try:
            addresses = self._read_addresses()
        except BaseException:
            self.stop()
            raise
        self.mqtt_port = int(addresses["mqtt"].rsplit(":", 1)[1])
        self.http_url = "http://" + addresses["http"]

    def _read_addresses(self):
        """Reads the `name address` lines the emulator prints once it serves."""
        addresses, buffer = {}, b""
        deadline = time.monotonic() + self.startup_timeout
        fd = self.process.stdout.fileno()
        while "mqtt" not in addresses or "http" not in addresses:
            left = deadline - time.monotonic()
            if left <= 0:
                raise RuntimeError("jobs-emulator printed no addresses in time")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 4096)
            if not chunk:
                raise RuntimeError(
                    "jobs-emulator exited with %s before serving" % self.process.wait()
                )
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                name, _, address = line.decode().strip().partition(" ")
                addresses[name] = address
        return addresses

    def stop(self):
        """SIGTERM (the emulator exits cleanly on it), SIGKILL after 5 s."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        finally:
            self.process.stdout.close()


def main(argv):
    """The shell interface: create a job, or print the status of executions."""
    if len(argv) >= 6 and argv[2] == "create":
        ControlPlane(argv[1]).create_job(argv[3], [argv[4]], json.loads(argv[5]))
        return 0
    if len(argv) >= 5 and argv[2] == "status":
        control, thing = ControlPlane(argv[1]), argv[3]
        for job_id in argv[4:]:
            execution = control.execution(thing, job_id)
            details = execution.get("statusDetails", {}).get("detailsMap", {})
            shown = ", ".join("%s=%s" % item for item in sorted(details.items()))
            print("  %-16s %-11s %s" % (job_id, execution["status"], shown))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
