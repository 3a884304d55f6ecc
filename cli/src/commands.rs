//! The four `aws iot-jobs-data` commands, sent over MQTT: each gathers its parameters (flags,
//! then `--cli-input-json`), connects, makes the call and prints the reply as the AWS CLI
//! prints the HTTP API's, which differs from the MQTT reply in two ways undone here: no
//! `timestamp` or `clientToken`, and the job document as JSON text rather than an object.

use crate::args::{DescribeArgs, GetPendingArgs, RequestArgs, StartNextArgs, UpdateArgs};
use crate::failure::Failure;
use crate::input::{self, either, switch, InputJson};
use crate::output;
use crate::session::Session;
use crate::tree::Node;
use awsiotjobs::client::{
    DescribeRequest, ExecutionReply, JobStatus, StartNextRequest, StatusDetails, UpdateReply,
    UpdateRequest,
};
use serde_json::Value;

/// The job document as the HTTP API gives it: the JSON text of the object.
fn as_text(document: &mut Option<Value>) {
    if let Some(doc) = document.take() {
        *document = Some(Value::String(doc.to_string()));
    }
}

fn execution_tree(mut reply: ExecutionReply) -> Node {
    if let Some(execution) = reply.execution.as_mut() {
        as_text(&mut execution.job_document);
    }
    Node::of(&reply)
}

/// The thing name and input JSON of a request command.
fn common(session: &Session, args: &RequestArgs) -> Result<(String, InputJson), Failure> {
    let json = InputJson::parse(args.cli_input_json.as_deref())?;
    let thing = either(args.thing_name.clone(), json.string("thingName"))?;
    Ok((session.thing_name(thing)?, json))
}

fn required(value: Option<String>, flag: &str) -> Result<String, Failure> {
    value.ok_or_else(|| Failure::usage(format!("the following arguments are required: {flag}")))
}

/// `--job-id`, else the input JSON's `jobId`.
fn job_id(flag: &Option<String>, json: &InputJson) -> Result<String, Failure> {
    required(either(flag.clone(), json.string("jobId"))?, "--job-id")
}

/// `--status-details`, else the input JSON's `statusDetails`.
fn status_details(
    flag: &Option<String>,
    json: &InputJson,
) -> Result<Option<StatusDetails>, Failure> {
    match flag {
        Some(text) => Ok(Some(input::status_details(text)?)),
        None => json.status_details(),
    }
}

/// Prints a reply and returns the run's output.
fn print(session: &Session, tree: &Node, operation: &str) -> String {
    output::render(tree, session.format, operation)
}

pub fn describe(session: &Session, args: &DescribeArgs) -> Result<String, Failure> {
    const OP: &str = "DescribeJobExecution";
    let (thing, json) = common(session, &args.request)?;
    let job_id = job_id(&args.job_id, &json)?;
    let request = DescribeRequest {
        execution_number: either(args.execution_number, json.integer("executionNumber"))?,
        include_job_document: switch(
            args.include_job_document,
            args.no_include_job_document,
            json.boolean("includeJobDocument"),
            true,
        )?,
    };
    let client = session.connect(&thing)?;
    let reply = client
        .describe(&thing, &job_id, &request)
        .map_err(|e| Failure::call(e, OP))?;
    Ok(print(session, &execution_tree(reply), OP))
}

pub fn get_pending(session: &Session, args: &GetPendingArgs) -> Result<String, Failure> {
    const OP: &str = "GetPendingJobExecutions";
    let (thing, _) = common(session, &args.request)?;
    let client = session.connect(&thing)?;
    let reply = client
        .get_pending(&thing)
        .map_err(|e| Failure::call(e, OP))?;
    Ok(print(session, &Node::of(&reply), OP))
}

pub fn start_next(session: &Session, args: &StartNextArgs) -> Result<String, Failure> {
    const OP: &str = "StartNextPendingJobExecution";
    let (thing, json) = common(session, &args.request)?;
    let request = StartNextRequest {
        status_details: status_details(&args.status_details, &json)?,
        step_timeout_in_minutes: either(
            args.step_timeout_in_minutes,
            json.integer("stepTimeoutInMinutes"),
        )?,
    };
    let client = session.connect(&thing)?;
    let reply = client
        .start_next(&thing, &request)
        .map_err(|e| Failure::call(e, OP))?;
    Ok(print(session, &execution_tree(reply), OP))
}

pub fn update(session: &Session, args: &UpdateArgs) -> Result<String, Failure> {
    const OP: &str = "UpdateJobExecution";
    let (thing, json) = common(session, &args.request)?;
    let job_id = job_id(&args.job_id, &json)?;
    let status = required(
        either(args.status.clone(), json.string("status"))?,
        "--status",
    )?;
    let status = JobStatus::parse(&status).ok_or_else(|| {
        Failure::usage(format!(
            "--status {status}: expected IN_PROGRESS, SUCCEEDED, FAILED or REJECTED"
        ))
    })?;
    let mut request = UpdateRequest::new(status);
    request.status_details = status_details(&args.status_details, &json)?;
    request.expected_version = either(args.expected_version, json.integer("expectedVersion"))?;
    request.execution_number = either(args.execution_number, json.integer("executionNumber"))?;
    request.step_timeout_in_minutes = either(
        args.step_timeout_in_minutes,
        json.integer("stepTimeoutInMinutes"),
    )?;
    request.include_job_execution_state = switch(
        args.include_job_execution_state,
        args.no_include_job_execution_state,
        json.boolean("includeJobExecutionState"),
        false,
    )?;
    request.include_job_document = switch(
        args.include_job_document,
        args.no_include_job_document,
        json.boolean("includeJobDocument"),
        false,
    )?;
    let client = session.connect(&thing)?;
    let mut reply: UpdateReply = client
        .update(&thing, &job_id, &request)
        .map_err(|e| Failure::call(e, OP))?;
    as_text(&mut reply.job_document);
    Ok(print(session, &Node::of(&reply), OP))
}
