//! Control-plane operations on jobs: CreateJob (`PUT /jobs/{jobId}`),
//! DescribeJob (`GET /jobs/{jobId}`), GetJobDocument
//! (`GET /jobs/{jobId}/job-document`), ListJobs (`GET /jobs`), CancelJob
//! (`PUT /jobs/{jobId}/cancel`) and DeleteJob (`DELETE /jobs/{jobId}`), with
//! the paths, parameters and members of the `iot` service model. Features the
//! emulator does not have (S3 document sources, continuous jobs, thing groups)
//! are refused with InvalidRequest on create and match nothing on list.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

use super::control_shapes;
use super::error::ApiError;
use super::request::{
    check_job_id, page_answer, page_bounds, path, Body, Params, RawBody, RawPath, RawQuery, Svc,
};
use crate::service::control::CreateJobRequest;
use crate::service::model::CancelInfo;
use crate::service::{ErrorCode, Job, JobStatus};

type JobPath = RawPath<String>;

/// Job statuses the model knows but no emulated job ever has.
const UNUSED_JOB_STATUSES: &[&str] = &["SCHEDULED"];

/// The `{jobArn, jobId, description}` answer of CreateJob and CancelJob.
fn job_reference(job: &Job) -> Json<Value> {
    let mut m = Map::new();
    m.insert("jobArn".into(), json!(job.job_arn));
    m.insert("jobId".into(), json!(job.job_id));
    if let Some(d) = &job.description {
        m.insert("description".into(), json!(d));
    }
    Json(Value::Object(m))
}

fn check_free_text(key: &str, text: &str, max: usize) -> Result<(), ApiError> {
    if text.chars().count() > max || text.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "{key} must be at most {max} printable characters"
        )));
    }
    Ok(())
}

fn create_request(job_id: String, body: &Body) -> Result<CreateJobRequest, ApiError> {
    let targets = body
        .strings("targets")?
        .ok_or_else(|| ApiError::invalid("targets is required"))?;
    if body.value("documentSource").is_some() {
        return Err(ApiError::invalid(
            "documentSource is not supported by the emulator; send the document itself",
        ));
    }
    let text = body
        .string("document")?
        .ok_or_else(|| ApiError::invalid("document is required"))?;
    let document: Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::invalid(format!("document is not valid JSON: {e}")))?;
    match body.string("targetSelection")?.as_deref() {
        None | Some("SNAPSHOT") => {}
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "targetSelection {other} is not supported by the emulator"
            )))
        }
    }
    let description = body.string("description")?;
    if let Some(d) = &description {
        check_free_text("description", d, 2028)?;
    }
    let timeout = match body.object("timeoutConfig")? {
        Some(config) => config.integer("inProgressTimeoutInMinutes")?,
        None => None,
    };
    Ok(CreateJobRequest {
        job_id,
        targets,
        document,
        description,
        in_progress_timeout_minutes: timeout,
    })
}

/// CreateJob.
pub async fn create_job(
    State(service): Svc,
    job_id: JobPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let request = create_request(job_id, &Body::parse(body)?)?;
    match service.create_job(&request) {
        Ok(job) => Ok(job_reference(&job)),
        Err(e) if e.code == ErrorCode::ResourceAlreadyExists => {
            let arn = service.job_arn(&request.job_id);
            Err(ApiError::from(e).with_resource(&request.job_id, Some(arn)))
        }
        Err(e) => Err(e.into()),
    }
}

/// DescribeJob.
pub async fn describe_job(State(service): Svc, job_id: JobPath) -> Result<Json<Value>, ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let job = service.describe_job(&job_id)?;
    let executions = service
        .list_executions_for_job(&job_id, None)
        .unwrap_or_default();
    Ok(Json(
        json!({ "job": control_shapes::job(&job, &executions) }),
    ))
}

/// GetJobDocument: the document as a JSON string.
pub async fn job_document(State(service): Svc, job_id: JobPath) -> Result<Json<Value>, ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let document = service.job_document(&job_id)?;
    Ok(Json(
        json!({ "document": Value::Object(document).to_string() }),
    ))
}

/// ListJobs.
pub async fn list_jobs(State(service): Svc, query: RawQuery) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(query)?;
    let page = page_bounds(&params)?;
    let status = match params.string("status") {
        None => None,
        Some(s) if UNUSED_JOB_STATUSES.contains(&s) => return Ok(Json(json!({ "jobs": [] }))),
        Some(s) => Some(
            JobStatus::parse(s).ok_or_else(|| ApiError::invalid(format!("unknown status {s}")))?,
        ),
    };
    let matches_nothing = params.string("thingGroupName").is_some()
        || params.string("thingGroupId").is_some()
        || params.string("targetSelection") == Some("CONTINUOUS");
    let jobs = if matches_nothing {
        Vec::new()
    } else {
        service.list_jobs(status)
    };
    Ok(Json(page_answer(
        jobs,
        page,
        "jobs",
        control_shapes::job_summary,
    )))
}

/// CancelJob, with `force` in the query and `reasonCode`/`comment` in the body.
pub async fn cancel_job(
    State(service): Svc,
    job_id: JobPath,
    query: RawQuery,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let params = Params::parse(query)?;
    let body = Body::parse(body)?;
    let reason_code = body.string("reasonCode")?;
    if let Some(code) = &reason_code {
        let upper = |c: char| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_';
        if code.len() > 128 || !code.chars().all(upper) {
            return Err(ApiError::invalid("reasonCode must be [A-Z0-9_]{0,128}"));
        }
    }
    let comment = body.string("comment")?;
    if let Some(c) = &comment {
        check_free_text("comment", c, 2028)?;
    }
    let info = CancelInfo {
        force: params.boolean("force")?.unwrap_or(false),
        reason_code,
        comment,
    };
    let job = service.cancel_job(&job_id, info)?;
    Ok(job_reference(&job))
}

/// DeleteJob, with `force` in the query.
pub async fn delete_job(
    State(service): Svc,
    job_id: JobPath,
    query: RawQuery,
) -> Result<(), ApiError> {
    let job_id = path(job_id)?;
    check_job_id(&job_id)?;
    let force = Params::parse(query)?.boolean("force")?.unwrap_or(false);
    service.delete_job(&job_id, force)?;
    Ok(())
}
