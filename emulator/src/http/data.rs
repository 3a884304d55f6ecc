//! The `iot-jobs-data` HTTP data plane: GetPendingJobExecutions
//! (`GET /things/{thingName}/jobs`), StartNextPendingJobExecution
//! (`PUT /things/{thingName}/jobs/$next`), DescribeJobExecution
//! (`GET /things/{thingName}/jobs/{jobId}`, `jobId` may be `$next`) and
//! UpdateJobExecution (`POST /things/{thingName}/jobs/{jobId}`). They call the
//! same service operations as the MQTT devices, so both drive one state; the
//! only difference on the wire is that the job document is a JSON string here,
//! as the model says, where MQTT sends an object.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

use super::data_errors::{data_error, DataOp};
use super::error::{unknown_operation, ApiError};
use super::request::{
    check_job_id, check_thing_name, path, Body, Params, RawBody, RawPath, RawQuery, Svc,
};
use crate::service::device::{ExecutionWithDocument, StartNextRequest, UpdateRequest, NEXT_JOB_ID};
use crate::service::views::{execution_json, execution_state, execution_state_json, summary_json};
use crate::service::{validate, ExecutionStatus, JobsService};

type ThingJobPath = RawPath<(String, String)>;

/// A job document as the HTTP data plane sends it: serialized JSON text.
fn document_text(document: Map<String, Value>) -> Value {
    Value::String(Value::Object(document).to_string())
}

/// `{execution}` with the document as text, or `{}` when there is none.
fn execution_answer(
    service: &JobsService,
    found: Option<ExecutionWithDocument>,
    include_document: bool,
) -> Json<Value> {
    match found {
        None => Json(json!({})),
        Some(found) => {
            let document = include_document.then(|| document_text(found.document));
            let execution = execution_json(
                &found.execution,
                document,
                service.now_ms(),
                service.minute_ms(),
            );
            Json(json!({ "execution": execution }))
        }
    }
}

fn status_details(body: &Body) -> Result<Option<crate::service::StatusDetails>, ApiError> {
    Ok(body
        .value("statusDetails")
        .map(validate::status_details)
        .transpose()?)
}

/// GetPendingJobExecutions.
pub async fn get_pending(
    State(service): Svc,
    thing: RawPath<String>,
) -> Result<Json<Value>, ApiError> {
    let thing = path(thing)?;
    check_thing_name(&thing)?;
    let pending = service
        .get_pending_executions(&thing)
        .map_err(|e| data_error(DataOp::GetPending, e))?;
    let in_progress: Vec<Value> = pending.in_progress.iter().map(summary_json).collect();
    let queued: Vec<Value> = pending.queued.iter().map(summary_json).collect();
    Ok(Json(
        json!({ "inProgressJobs": in_progress, "queuedJobs": queued }),
    ))
}

/// StartNextPendingJobExecution; a PUT to any other job ID is no operation.
pub async fn start_next(
    State(service): Svc,
    labels: ThingJobPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let (thing, job_id) = path(labels)?;
    if job_id != NEXT_JOB_ID {
        return Err(unknown_operation().await);
    }
    check_thing_name(&thing)?;
    let body = Body::parse(body)?;
    let request = StartNextRequest {
        status_details: status_details(&body)?,
        step_timeout_minutes: body.integer("stepTimeoutInMinutes")?,
    };
    let started = service
        .start_next_execution(&thing, &request)
        .map_err(|e| data_error(DataOp::StartNext, e))?;
    Ok(execution_answer(&service, started, true))
}

/// DescribeJobExecution; `includeJobDocument` defaults to true.
pub async fn describe(
    State(service): Svc,
    labels: ThingJobPath,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (thing, job_id) = path(labels)?;
    check_thing_name(&thing)?;
    if job_id != NEXT_JOB_ID {
        check_job_id(&job_id)?;
    }
    let params = Params::parse(query)?;
    let include_document = params.boolean("includeJobDocument")?.unwrap_or(true);
    let number = params.integer("executionNumber")?;
    let found = service
        .describe_execution(&thing, &job_id, number)
        .map_err(|e| data_error(DataOp::Describe, e))?;
    Ok(execution_answer(&service, found, include_document))
}

/// UpdateJobExecution.
pub async fn update(
    State(service): Svc,
    labels: ThingJobPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let (thing, job_id) = path(labels)?;
    check_thing_name(&thing)?;
    check_job_id(&job_id)?;
    let body = Body::parse(body)?;
    let status_text = body
        .string("status")?
        .ok_or_else(|| ApiError::invalid("status is required"))?;
    let status = ExecutionStatus::parse(&status_text)
        .ok_or_else(|| ApiError::invalid(format!("unknown status {status_text}")))?;
    let request = UpdateRequest {
        status,
        status_details: status_details(&body)?,
        expected_version: body.integer("expectedVersion")?,
        execution_number: body.integer("executionNumber")?,
        step_timeout_minutes: body.integer("stepTimeoutInMinutes")?,
    };
    let include_state = body.boolean("includeJobExecutionState")?.unwrap_or(false);
    let include_document = body.boolean("includeJobDocument")?.unwrap_or(false);
    let updated = service
        .update_execution(&thing, &job_id, &request)
        .map_err(|e| data_error(DataOp::Update, e))?;
    let mut answer = Map::new();
    if include_state {
        let state = execution_state(&updated.execution);
        answer.insert("executionState".into(), execution_state_json(&state));
    }
    if include_document {
        answer.insert("jobDocument".into(), document_text(updated.document));
    }
    Ok(Json(Value::Object(answer)))
}
