//! Control-plane operations on job executions: DescribeJobExecution
//! (`GET /things/{thingName}/jobs/{jobId}`), CancelJobExecution
//! (`PUT /things/{thingName}/jobs/{jobId}/cancel`), DeleteJobExecution
//! (`DELETE /things/{thingName}/jobs/{jobId}/executionNumber/{executionNumber}`),
//! ListJobExecutionsForJob (`GET /jobs/{jobId}/things`) and
//! ListJobExecutionsForThing (`GET /things/{thingName}/jobs`), as the `iot`
//! service model spells them.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::control_shapes;
use super::error::ApiError;
use super::request::{
    check_job_id, check_thing_name, page_answer, page_bounds, parse_integer, path, Body, Params,
    RawBody, RawPath, RawQuery, Svc,
};
use crate::service::{validate, Execution, ExecutionStatus};

type ThingJobPath = RawPath<(String, String)>;

/// The `(thingName, jobId)` labels, checked.
fn thing_and_job(raw: ThingJobPath) -> Result<(String, String), ApiError> {
    let (thing, job_id) = path(raw)?;
    check_thing_name(&thing)?;
    check_job_id(&job_id)?;
    Ok((thing, job_id))
}

/// The optional `status` filter of the list operations.
fn status_filter(params: &Params) -> Result<Option<ExecutionStatus>, ApiError> {
    params
        .string("status")
        .map(|s| {
            ExecutionStatus::parse(s)
                .ok_or_else(|| ApiError::invalid(format!("unknown status {s}")))
        })
        .transpose()
}

/// `{executionSummaries, nextToken?}` of one page.
fn summaries_page(
    executions: Vec<Execution>,
    params: &Params,
    shape: impl Fn(&Execution) -> Value,
) -> Result<Json<Value>, ApiError> {
    let bounds = page_bounds(params)?;
    Ok(Json(page_answer(
        executions,
        bounds,
        "executionSummaries",
        shape,
    )))
}

/// DescribeJobExecution, with an optional `executionNumber` in the query.
pub async fn describe_execution(
    State(service): Svc,
    labels: ThingJobPath,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let (thing, job_id) = thing_and_job(labels)?;
    let number = Params::parse(query)?.integer("executionNumber")?;
    let execution = service.get_execution(&job_id, &thing, number)?;
    Ok(Json(
        json!({ "execution": control_shapes::execution(&service, &execution) }),
    ))
}

/// CancelJobExecution: `force` in the query, `expectedVersion` and
/// `statusDetails` in the body.
pub async fn cancel_execution(
    State(service): Svc,
    labels: ThingJobPath,
    query: RawQuery,
    body: RawBody,
) -> Result<(), ApiError> {
    let (thing, job_id) = thing_and_job(labels)?;
    let force = Params::parse(query)?.boolean("force")?.unwrap_or(false);
    let body = Body::parse(body)?;
    let expected_version = body.integer("expectedVersion")?;
    let details = body
        .value("statusDetails")
        .map(validate::status_details)
        .transpose()?;
    service.cancel_execution(&job_id, &thing, force, expected_version, details)?;
    Ok(())
}

/// DeleteJobExecution: the execution number is a path label, `force` a query
/// parameter.
pub async fn delete_execution(
    State(service): Svc,
    labels: RawPath<(String, String, String)>,
    query: RawQuery,
) -> Result<(), ApiError> {
    let (thing, job_id, number) = path(labels)?;
    check_thing_name(&thing)?;
    check_job_id(&job_id)?;
    let number = parse_integer("executionNumber", &number)?;
    let force = Params::parse(query)?.boolean("force")?.unwrap_or(false);
    service.delete_execution(&job_id, &thing, number, force)?;
    Ok(())
}

/// ListJobExecutionsForJob, by thing name.
pub async fn list_for_job(
    State(service): Svc,
    job_id: RawPath<String>,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let params = Params::parse(query)?;
    let executions = service.list_executions_for_job(&job_id, status_filter(&params)?)?;
    summaries_page(executions, &params, |e| {
        control_shapes::summary_for_job(&service, e)
    })
}

/// ListJobExecutionsForThing, in queue order, optionally for one `jobId`.
pub async fn list_for_thing(
    State(service): Svc,
    thing: RawPath<String>,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let thing = path(thing)?;
    check_thing_name(&thing)?;
    let params = Params::parse(query)?;
    let job_filter = params.string("jobId");
    if let Some(job_id) = job_filter {
        check_job_id(job_id)?;
    }
    let executions: Vec<Execution> = service
        .list_executions_for_thing(&thing, status_filter(&params)?)?
        .into_iter()
        .filter(|e| job_filter.is_none_or(|j| e.job_id == j))
        .collect();
    summaries_page(executions, &params, control_shapes::summary_for_thing)
}
