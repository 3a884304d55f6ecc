"""The jobs emulator driven by the real AWS SDK and CLI.

boto3's `iot` client (control plane) and `iot-jobs-data` client (HTTP data
plane) run a whole job life cycle against a running emulator, and a paho-mqtt
subscriber on `$aws/things/{thing}/jobs/notify` checks that HTTP changes reach
MQTT devices. The AWS CLI then repeats the README's command sequence. Each
step asserts what AWS would answer, errors included (boto3 must raise the
modelled exception class).

Phases (run_boto3.sh calls both, restarting the emulator in between):
  flow           the life cycle, the CLI sequence, and a job left for later
  after-restart  checks that the job left by `flow` survived the restart
"""

import argparse
import json
import os
import queue
import subprocess
import sys
import time

import boto3
import botocore.config
import boto3_registry
import paho.mqtt.client as mqtt

REGION = "us-east-1"
ACCOUNT = "123456789012"
THING = "boto-thing"
OTHER_THING = "boto-thing-2"
KEPT_JOB = "kept-across-restart"
PASSED = []


def thing_arn(name):
    return f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/{name}"


def step(name):
    """Records a passed step, printed as the run goes."""
    PASSED.append(name)
    print(f"ok {len(PASSED)} - {name}", flush=True)


def clients(args):
    config = botocore.config.Config(retries={"max_attempts": 1})
    common = dict(
        region_name=REGION,
        aws_access_key_id="emulator",
        aws_secret_access_key="emulator",
        config=config,
    )
    iot = boto3.client("iot", endpoint_url=args.control_url, **common)
    data = boto3.client("iot-jobs-data", endpoint_url=args.data_url, **common)
    return iot, data


def raises(exception_class, call, **kwargs):
    """Asserts that `call(**kwargs)` raises the modelled exception class."""
    try:
        call(**kwargs)
    except exception_class as e:
        return e
    raise AssertionError(f"{call.__name__} did not raise {exception_class.__name__}")


class Notifications:
    """A paho-mqtt subscriber collecting one thing's `notify` messages."""

    def __init__(self, host, port, thing):
        self.topic = f"$aws/things/{thing}/jobs/notify"
        self.messages = queue.Queue()
        subscribed = queue.Queue()
        if hasattr(mqtt, "CallbackAPIVersion"):
            self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="boto3-flow")
        else:
            self.client = mqtt.Client(client_id="boto3-flow")
        self.client.on_message = lambda c, u, msg: self.messages.put(json.loads(msg.payload))
        self.client.on_subscribe = lambda *a: subscribed.put(True)
        self.client.connect(host, port)
        self.client.loop_start()
        self.client.subscribe(self.topic, qos=1)
        subscribed.get(timeout=10)

    def next(self, timeout=10):
        return self.messages.get(timeout=timeout)

    def wait_for(self, predicate, what, timeout=10):
        """Returns the first message for which `predicate` holds."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                message = self.next(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            if predicate(message):
                return message
            seen.append(message)
        raise AssertionError(f"no notify message {what}; saw {seen}")

    def close(self):
        self.client.loop_stop()
        self.client.disconnect()


def queued_ids(message):
    return [s["jobId"] for s in message.get("jobs", {}).get("QUEUED", [])]


def job_life_cycle(iot, data, notes):
    document = {"operation": "install", "version": "1.2.3"}
    created = iot.create_job(
        jobId="boto-1",
        targets=[thing_arn(THING)],
        document=json.dumps(document),
        description="boto3 flow",
        timeoutConfig={"inProgressTimeoutInMinutes": 60},
    )
    assert created["jobArn"] == f"arn:aws:iot:{REGION}:{ACCOUNT}:job/boto-1", created
    assert created["jobId"] == "boto-1" and created["description"] == "boto3 flow"
    step("iot create_job")

    notes.wait_for(lambda m: "boto-1" in queued_ids(m), "listing boto-1 as QUEUED")
    step("MQTT notify after create_job lists the job as QUEUED")

    job = iot.describe_job(jobId="boto-1")["job"]
    assert job["status"] == "IN_PROGRESS" and job["targets"] == [thing_arn(THING)], job
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 1, job
    assert job["timeoutConfig"]["inProgressTimeoutInMinutes"] == 60, job
    assert hasattr(job["createdAt"], "year"), "createdAt parses as a timestamp"
    step("iot describe_job")

    doc = iot.get_job_document(jobId="boto-1")["document"]
    assert json.loads(doc) == document
    step("iot get_job_document")

    listed = [j["jobId"] for j in iot.list_jobs(status="IN_PROGRESS")["jobs"]]
    assert "boto-1" in listed, listed
    step("iot list_jobs")

    pending = data.get_pending_job_executions(thingName=THING)
    assert [j["jobId"] for j in pending["queuedJobs"]] == ["boto-1"], pending
    assert pending["inProgressJobs"] == [], pending
    step("iot-jobs-data get_pending_job_executions")

    started = data.start_next_pending_job_execution(
        thingName=THING, statusDetails={"step": "download"}, stepTimeoutInMinutes=30
    )["execution"]
    assert started["jobId"] == "boto-1" and started["status"] == "IN_PROGRESS", started
    assert started["thingName"] == THING and started["versionNumber"] == 2, started
    assert isinstance(started["jobDocument"], str), "HTTP sends the document as a string"
    assert json.loads(started["jobDocument"]) == document
    assert started["statusDetails"] == {"step": "download"}
    step("iot-jobs-data start_next_pending_job_execution")

    described = data.describe_job_execution(thingName=THING, jobId="boto-1")["execution"]
    assert described["status"] == "IN_PROGRESS" and "approximateSecondsBeforeTimedOut" in described
    step("iot-jobs-data describe_job_execution")

    # The iot-jobs-data model declares no VersionConflictException: a stale version is the
    # modelled InvalidStateTransitionException, with the current executionState.
    stale = raises(
        data.exceptions.InvalidStateTransitionException,
        data.update_job_execution,
        thingName=THING,
        jobId="boto-1",
        status="SUCCEEDED",
        expectedVersion=1,
    )
    assert stale.response["Error"]["Message"].startswith("VersionMismatch"), stale.response
    step("iot-jobs-data update_job_execution with a stale version is InvalidStateTransition")

    updated = data.update_job_execution(
        thingName=THING,
        jobId="boto-1",
        status="SUCCEEDED",
        statusDetails={"step": "done"},
        expectedVersion=2,
        includeJobExecutionState=True,
        includeJobDocument=True,
    )
    state = updated["executionState"]
    assert state["status"] == "SUCCEEDED" and state["versionNumber"] == 3, updated
    assert json.loads(updated["jobDocument"]) == document
    step("iot-jobs-data update_job_execution to SUCCEEDED")

    notes.wait_for(lambda m: m.get("jobs") == {}, "with an empty pending set")
    step("MQTT notify after the HTTP update shows no pending job")

    raises(
        data.exceptions.InvalidStateTransitionException,
        data.update_job_execution,
        thingName=THING,
        jobId="boto-1",
        status="IN_PROGRESS",
    )
    raises(
        data.exceptions.TerminalStateException,
        data.describe_job_execution,
        thingName=THING,
        jobId="boto-1",
    )
    step("terminal execution: InvalidStateTransition on update, TerminalState on describe")

    execution = iot.describe_job_execution(jobId="boto-1", thingName=THING)["execution"]
    assert execution["status"] == "SUCCEEDED", execution
    assert execution["statusDetails"]["detailsMap"] == {"step": "done"}, execution
    assert execution["thingArn"] == thing_arn(THING)
    step("iot describe_job_execution")

    for_job = iot.list_job_executions_for_job(jobId="boto-1")["executionSummaries"]
    assert for_job[0]["thingArn"] == thing_arn(THING), for_job
    assert for_job[0]["jobExecutionSummary"]["status"] == "SUCCEEDED"
    for_thing = iot.list_job_executions_for_thing(thingName=THING)["executionSummaries"]
    assert [s["jobId"] for s in for_thing] == ["boto-1"], for_thing
    step("iot list_job_executions_for_job / _for_thing")

    raises(
        iot.exceptions.ResourceAlreadyExistsException,
        iot.create_job,
        jobId="boto-1",
        targets=[thing_arn(THING)],
        document="{}",
    )
    raises(iot.exceptions.ResourceNotFoundException, iot.describe_job, jobId="no-such-job")
    raises(
        iot.exceptions.InvalidRequestException,
        iot.create_job,
        jobId="bad",
        targets=[thing_arn(THING)],
        document="not json",
    )
    step("iot errors raise ResourceAlreadyExists / ResourceNotFound / InvalidRequest")


def cancel_and_delete(iot, data, notes):
    iot.create_job(jobId="boto-2", targets=[thing_arn(THING)], document='{"n":2}')
    notes.wait_for(lambda m: "boto-2" in queued_ids(m), "listing boto-2")
    data.start_next_pending_job_execution(thingName=THING)
    raises(
        iot.exceptions.InvalidStateTransitionException,
        iot.cancel_job_execution,
        jobId="boto-2",
        thingName=THING,
    )
    step("iot cancel_job_execution of an IN_PROGRESS execution needs force")

    cancelled = iot.cancel_job(jobId="boto-2", reasonCode="OPERATOR", comment="flow", force=True)
    assert cancelled["jobId"] == "boto-2", cancelled
    notes.wait_for(lambda m: m.get("jobs") == {}, "after the forced cancel")
    job = iot.describe_job(jobId="boto-2")["job"]
    assert job["status"] == "CANCELED" and job["forceCanceled"] is True, job
    assert job["reasonCode"] == "OPERATOR" and job["comment"] == "flow", job
    step("iot cancel_job with force; MQTT notify empties the pending set")

    iot.create_job(jobId="boto-3", targets=[thing_arn(OTHER_THING)], document="{}")
    iot.cancel_job_execution(jobId="boto-3", thingName=OTHER_THING, statusDetails={"why": "test"})
    execution = iot.describe_job_execution(jobId="boto-3", thingName=OTHER_THING)["execution"]
    assert execution["status"] == "CANCELED", execution
    iot.delete_job_execution(jobId="boto-3", thingName=OTHER_THING, executionNumber=1)
    raises(
        iot.exceptions.ResourceNotFoundException,
        iot.describe_job_execution,
        jobId="boto-3",
        thingName=OTHER_THING,
    )
    step("iot cancel_job_execution and delete_job_execution")

    iot.create_job(jobId="boto-4", targets=[thing_arn(OTHER_THING)], document="{}")
    raises(iot.exceptions.InvalidStateTransitionException, iot.delete_job, jobId="boto-4")
    for job_id, force in [("boto-1", False), ("boto-2", False), ("boto-3", True), ("boto-4", True)]:
        iot.delete_job(jobId=job_id, force=force)
        raises(iot.exceptions.ResourceNotFoundException, iot.describe_job, jobId=job_id)
    step("iot delete_job (force for IN_PROGRESS jobs)")


def aws_cli(args, *words):
    """Runs `aws WORDS --endpoint-url ...` and returns its parsed JSON output."""
    plane = args.data_url if words[0] == "iot-jobs-data" else args.control_url
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="emulator",
        AWS_SECRET_ACCESS_KEY="emulator",
        AWS_DEFAULT_REGION=REGION,
        AWS_PAGER="",
    )
    command = [args.aws, *words, "--endpoint-url", plane, "--output", "json"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{' '.join(command)}: {done.stderr}"
    return json.loads(done.stdout) if done.stdout.strip() else {}


def cli_sequence(args):
    arn = thing_arn("cli-thing")
    created = aws_cli(
        args, "iot", "create-job", "--job-id", "cli-1", "--targets", arn,
        "--document", '{"action":"reboot"}', "--description", "from the CLI",
    )
    assert created["jobId"] == "cli-1", created
    assert aws_cli(args, "iot", "describe-job", "--job-id", "cli-1")["job"]["status"] == "IN_PROGRESS"
    pending = aws_cli(args, "iot-jobs-data", "get-pending-job-executions", "--thing-name", "cli-thing")
    assert pending["queuedJobs"][0]["jobId"] == "cli-1", pending
    started = aws_cli(
        args, "iot-jobs-data", "start-next-pending-job-execution", "--thing-name", "cli-thing"
    )
    assert started["execution"]["status"] == "IN_PROGRESS", started
    aws_cli(
        args, "iot-jobs-data", "update-job-execution", "--thing-name", "cli-thing",
        "--job-id", "cli-1", "--status", "SUCCEEDED",
    )
    execution = aws_cli(
        args, "iot", "describe-job-execution", "--job-id", "cli-1", "--thing-name", "cli-thing"
    )
    assert execution["execution"]["status"] == "SUCCEEDED", execution
    listed = aws_cli(args, "iot", "list-job-executions-for-job", "--job-id", "cli-1")
    assert len(listed["executionSummaries"]) == 1, listed
    aws_cli(args, "iot", "delete-job", "--job-id", "cli-1")
    jobs = aws_cli(args, "iot", "list-jobs")["jobs"]
    assert all(j["jobId"] != "cli-1" for j in jobs), jobs
    step("AWS CLI: create-job, get-pending, start-next, update, describe, list, delete")


def leave_job_for_restart(iot):
    iot.create_job(jobId=KEPT_JOB, targets=[thing_arn(THING)], document='{"keep":true}')
    step("a job left QUEUED for the restart check")


def after_restart(iot, data):
    job = iot.describe_job(jobId=KEPT_JOB)["job"]
    assert job["status"] == "IN_PROGRESS", job
    pending = data.get_pending_job_executions(thingName=THING)
    assert [j["jobId"] for j in pending["queuedJobs"]] == [KEPT_JOB], pending
    started = data.start_next_pending_job_execution(thingName=THING)["execution"]
    assert json.loads(started["jobDocument"]) == {"keep": True}
    raises(iot.exceptions.ResourceNotFoundException, iot.describe_job, jobId="boto-1")
    step("after a restart on the same --data dir the job and its execution are there")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--control-url", required=True)
    parser.add_argument("--data-url", required=True)
    parser.add_argument("--mqtt-host", default="127.0.0.1")
    parser.add_argument("--mqtt-port", type=int)
    parser.add_argument("--aws", default="aws", help="the AWS CLI executable")
    parser.add_argument("--phase", choices=["flow", "after-restart"], default="flow")
    args = parser.parse_args()
    iot, data = clients(args)
    if args.phase == "flow":
        if args.mqtt_port is None:
            parser.error("--mqtt-port is needed for the flow phase")
        notes = Notifications(args.mqtt_host, args.mqtt_port, THING)
        try:
            job_life_cycle(iot, data, notes)
            cancel_and_delete(iot, data, notes)
        finally:
            notes.close()
        cli_sequence(args)
        boto3_registry.registry_and_jobs(iot, raises, step)
        leave_job_for_restart(iot)
    else:
        after_restart(iot, data)
    print(f"{len(PASSED)} passed, 0 failed", flush=True)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # noqa: BLE001 - any failure is reported the same way
        print(f"not ok {len(PASSED) + 1} - {type(e).__name__}: {e}", flush=True)
        print(f"{len(PASSED)} passed, 1 failed", flush=True)
        sys.exit(1)
