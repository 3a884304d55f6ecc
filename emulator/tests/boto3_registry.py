"""The thing registry, certificates, thing groups and the newer job options, driven by boto3.

Called by boto3_flow.py in its flow phase: every answer must parse into the botocore model's
shapes, and every error must raise the modelled exception class.
"""

import datetime

REGION = "us-east-1"
ACCOUNT = "123456789012"


def registry_and_jobs(iot, raises, step):
    thing = "boto-reg"
    created = iot.create_thing(thingName=thing, attributePayload={"attributes": {"model": "m1"}})
    assert created["thingArn"].endswith(f":thing/{thing}") and created["thingId"], created
    again = iot.create_thing(thingName=thing, attributePayload={"attributes": {"model": "m1"}})
    assert again["thingName"] == thing
    raises(
        iot.exceptions.ResourceAlreadyExistsException,
        iot.create_thing,
        thingName=thing,
        attributePayload={"attributes": {"model": "m2"}},
    )
    iot.update_thing(
        thingName=thing, attributePayload={"attributes": {"site": "lab"}, "merge": True}
    )
    described = iot.describe_thing(thingName=thing)
    assert described["attributes"] == {"model": "m1", "site": "lab"}, described
    assert described["version"] == 2, described
    raises(
        iot.exceptions.VersionConflictException,
        iot.update_thing,
        thingName=thing,
        attributePayload={"attributes": {}},
        expectedVersion=1,
    )
    listed = iot.list_things(attributeName="site", attributeValue="lab")["things"]
    assert [t["thingName"] for t in listed] == [thing], listed
    step("iot create/describe/update/list_things with attributes, versions and conflicts")

    keys = iot.create_keys_and_certificate(setAsActive=True)
    cert_id, cert_arn = keys["certificateId"], keys["certificateArn"]
    assert len(cert_id) == 64 and cert_arn.endswith(f":cert/{cert_id}"), keys
    assert keys["certificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    assert "PRIVATE KEY" in keys["keyPair"]["PrivateKey"]
    description = iot.describe_certificate(certificateId=cert_id)["certificateDescription"]
    assert description["status"] == "ACTIVE", description
    assert isinstance(description["creationDate"], datetime.datetime), description
    iot.attach_thing_principal(thingName=thing, principal=cert_arn)
    assert iot.list_thing_principals(thingName=thing)["principals"] == [cert_arn]
    iot.update_certificate(certificateId=cert_id, newStatus="INACTIVE")
    status = iot.describe_certificate(certificateId=cert_id)["certificateDescription"]["status"]
    assert status == "INACTIVE", status
    raises(iot.exceptions.InvalidRequestException, iot.delete_thing, thingName=thing)
    raises(iot.exceptions.DeleteConflictException, iot.delete_certificate, certificateId=cert_id)
    iot.detach_thing_principal(thingName=thing, principal=cert_arn)
    iot.delete_certificate(certificateId=cert_id)
    raises(iot.exceptions.ResourceNotFoundException, iot.describe_certificate, certificateId=cert_id)
    step("iot create_keys_and_certificate, attach/detach principal, certificate life cycle")

    group = iot.create_thing_group(
        thingGroupName="boto-group",
        thingGroupProperties={"thingGroupDescription": "boto3 group"},
    )
    iot.add_thing_to_thing_group(thingGroupName="boto-group", thingName=thing)
    members = iot.list_things_in_thing_group(thingGroupName="boto-group")["things"]
    assert members == [thing], members
    props = iot.describe_thing_group(thingGroupName="boto-group")["thingGroupProperties"]
    assert props["thingGroupDescription"] == "boto3 group", props
    iot.create_job(
        jobId="boto-continuous",
        targets=[group["thingGroupArn"]],
        document='{"op": "continuous"}',
        targetSelection="CONTINUOUS",
        jobExecutionsRolloutConfig={"maximumPerMinute": 5},
        abortConfig={
            "criteriaList": [
                {
                    "failureType": "FAILED",
                    "action": "CANCEL",
                    "thresholdPercentage": 50.0,
                    "minNumberOfExecutedThings": 10,
                }
            ]
        },
        jobExecutionsRetryConfig={"criteriaList": [{"failureType": "ALL", "numberOfRetries": 2}]},
    )
    iot.update_job(jobId="boto-continuous", description="updated by boto3")
    job = iot.describe_job(jobId="boto-continuous")["job"]
    assert job["description"] == "updated by boto3", job
    assert job["targetSelection"] == "CONTINUOUS", job
    assert job["abortConfig"]["criteriaList"][0]["minNumberOfExecutedThings"] == 10, job
    assert job["jobProcessDetails"]["numberOfQueuedThings"] == 1, job
    step("iot thing groups, a CONTINUOUS job with rollout/abort/retry configs, update_job")

    many = [f"arn:aws:iot:{REGION}:{ACCOUNT}:thing/t{i}" for i in range(101)]
    raises(
        iot.exceptions.LimitExceededException,
        iot.create_job,
        jobId="boto-too-many",
        targets=many,
        document="{}",
    )
    iot.cancel_job(jobId="boto-continuous", force=True)
    iot.remove_thing_from_thing_group(thingGroupName="boto-group", thingName=thing)
    iot.delete_thing_group(thingGroupName="boto-group")
    iot.delete_thing(thingName=thing)
    raises(iot.exceptions.ResourceNotFoundException, iot.describe_thing, thingName=thing)
    step("iot create_job over 100 targets is LimitExceeded; groups and things deleted")
