//! Control-plane operations on jobs: CreateJob (`PUT /jobs/{jobId}`),
//! DescribeJob (`GET /jobs/{jobId}`), GetJobDocument
//! (`GET /jobs/{jobId}/job-document`), ListJobs (`GET /jobs`), CancelJob
//! (`PUT /jobs/{jobId}/cancel`), DeleteJob (`DELETE /jobs/{jobId}`) and UpdateJob
//! (`PATCH /jobs/{jobId}`), with the paths, parameters and members of the `iot`
//! service model. S3 document sources are refused with InvalidRequest; more than
//! 100 targets is a LimitExceededException (target a thing group instead).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

use super::control_shapes;
use super::error::{ApiError, ErrorKind};
use super::request::{
    check_job_id, page_answer, page_bounds, path, Body, Params, RawBody, RawPath, RawQuery, Svc,
};
use crate::service::control::CreateJobRequest;
use crate::service::identity::stable_id;
use crate::service::jobconfig::JobConfig;
use crate::service::jobs::MAX_TARGETS;
use crate::service::model::CancelInfo;
use crate::service::model::TargetSelection;
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
    for unsupported in [
        "documentSource",
        "jobTemplateArn",
        "schedulingConfig",
        "namespaceId",
        "destinationPackageVersions",
    ] {
        if body.value(unsupported).is_some() {
            return Err(ApiError::invalid(format!(
                "{unsupported} is not supported by the emulator; send the document itself"
            )));
        }
    }
    let text = body
        .string("document")?
        .ok_or_else(|| ApiError::invalid("document is required"))?;
    let document: Value = serde_json::from_str(&text)
        .map_err(|e| ApiError::invalid(format!("document is not valid JSON: {e}")))?;
    if targets.len() > MAX_TARGETS {
        return Err(ApiError::new(
            ErrorKind::LimitExceeded,
            format!(
                "A job can have at most {MAX_TARGETS} targets ({} given); target a thing group",
                targets.len()
            ),
        ));
    }
    let target_selection = match body.string("targetSelection")?.as_deref() {
        None | Some("SNAPSHOT") => TargetSelection::Snapshot,
        Some("CONTINUOUS") => TargetSelection::Continuous,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "targetSelection must be SNAPSHOT or CONTINUOUS, not {other}"
            )))
        }
    };
    let (description, timeout, config) = updatable(body)?;
    Ok(CreateJobRequest {
        job_id,
        targets,
        document,
        description,
        in_progress_timeout_minutes: timeout,
        target_selection,
        config,
    })
}

/// The members CreateJob and UpdateJob share: description, timeoutConfig and the
/// rollout, abort, retry and presigned-URL configurations.
fn updatable(body: &Body) -> Result<(Option<String>, Option<i64>, JobConfig), ApiError> {
    let description = body.string("description")?;
    if let Some(d) = &description {
        check_free_text("description", d, 2028)?;
    }
    let timeout = match body.object("timeoutConfig")? {
        Some(config) => config.integer("inProgressTimeoutInMinutes")?,
        None => None,
    };
    let object = |key: &str| -> Result<Option<Value>, ApiError> {
        match body.value(key) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Ok(Some(v.clone())),
            Some(_) => Err(ApiError::invalid(format!("{key} must be an object"))),
        }
    };
    let config = JobConfig {
        presigned_url_config: object("presignedUrlConfig")?,
        job_executions_rollout_config: object("jobExecutionsRolloutConfig")?,
        abort_config: object("abortConfig")?,
        job_executions_retry_config: object("jobExecutionsRetryConfig")?,
    };
    Ok((description, timeout, config))
}

/// The `jobId` path label, checked.
fn job_label(raw: JobPath) -> Result<String, ApiError> {
    let job_id = path(raw)?;
    check_job_id(&job_id)?;
    Ok(job_id)
}

/// UpdateJob (`PATCH /jobs/{jobId}`).
pub async fn update_job(
    State(service): Svc,
    job_id: JobPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let (description, timeout, config) = updatable(&Body::parse(body)?)?;
    let job_id = job_label(job_id)?;
    service.update_job(&job_id, description, timeout, config)?;
    Ok(Json(json!({})))
}

/// CreateJob.
pub async fn create_job(
    State(service): Svc,
    job_id: JobPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let request = create_request(job_label(job_id)?, &Body::parse(body)?)?;
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
    let counts = service.job_counts(&job_id);
    Ok(Json(json!({ "job": control_shapes::job(&job, &counts) })))
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
    let selection = params.string("targetSelection");
    let group = params.string("thingGroupName");
    let group_id = params.string("thingGroupId");
    let jobs: Vec<Job> = service
        .list_jobs(status)
        .into_iter()
        .filter(|j| selection.is_none_or(|s| j.target_selection.as_str() == s))
        .filter(|j| group.is_none_or(|g| j.group_targets.iter().any(|t| t == g)))
        .filter(|j| {
            group_id.is_none_or(|id| {
                j.group_targets
                    .iter()
                    .any(|t| stable_id(&format!("group:{t}")) == id)
            })
        })
        .collect();
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
