//! `--registry strict`: a thing must be registered before a job may target it or a device
//! may ask for its jobs, as on the service (ResourceNotFound otherwise); `implicit` keeps the
//! emulator's historical behaviour (targets registered on the fly, empty answers).

mod http_common;

use http_common::{assert_error, Planes};
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::device::StartNextRequest;
use jobs_emulator::service::{ErrorCode, JobsService, RegistryMode, ServiceConfig};
use serde_json::json;
use std::sync::Arc;

fn service(registry: RegistryMode) -> Arc<JobsService> {
    JobsService::with_config(ServiceConfig {
        registry,
        ..ServiceConfig::default()
    })
    .unwrap()
}

#[test]
fn strict_refuses_unknown_things_until_registered() {
    let svc = service(RegistryMode::Strict);
    let job = CreateJobRequest::new("j1", &["ghost"], json!({}));
    assert_eq!(
        svc.create_job(&job).unwrap_err().code,
        ErrorCode::ResourceNotFound
    );
    assert!(svc.describe_job("j1").is_err(), "nothing half-created");
    for err in [
        svc.get_pending_executions("ghost").unwrap_err(),
        svc.start_next_execution("ghost", &StartNextRequest::default())
            .unwrap_err(),
        svc.describe_execution("ghost", "$next", None).unwrap_err(),
    ] {
        assert_eq!(err.code, ErrorCode::ResourceNotFound, "{err}");
    }
    svc.create_thing("ghost", Default::default()).unwrap();
    svc.create_job(&job).unwrap();
    let pending = svc.get_pending_executions("ghost").unwrap();
    assert_eq!(pending.queued.len(), 1);
}

#[test]
fn implicit_registers_targets_and_answers_unknown_devices_empty() {
    let svc = service(RegistryMode::Implicit);
    svc.create_job(&CreateJobRequest::new("j1", &["auto"], json!({})))
        .unwrap();
    assert_eq!(svc.describe_thing("auto").unwrap().thing_name, "auto");
    let pending = svc.get_pending_executions("nobody").unwrap();
    assert!(pending.queued.is_empty() && pending.in_progress.is_empty());
}

#[test]
fn strict_http_planes_answer_not_found_for_unknown_things() {
    let planes = Planes::with_service(service(RegistryMode::Strict));
    for (method, path) in [
        ("GET", "/things/ghost/jobs"),
        ("PUT", "/things/ghost/jobs/$next"),
        ("GET", "/things/ghost/jobs/$next"),
    ] {
        let reply = planes.data(method, path, Some(json!({})));
        assert_error(&reply, 404, "ResourceNotFoundException");
    }
    let create = json!({ "targets": ["arn:aws:iot:us-east-1:123456789012:thing/ghost"],
        "document": "{}" });
    assert_error(
        &planes.control("PUT", "/jobs/j1", Some(create.clone())),
        404,
        "ResourceNotFoundException",
    );
    assert_eq!(
        planes
            .control("POST", "/things/ghost", Some(json!({})))
            .status,
        200
    );
    assert_eq!(planes.control("PUT", "/jobs/j1", Some(create)).status, 200);
    let pending = planes.data("GET", "/things/ghost/jobs", None);
    assert_eq!(pending.json["queuedJobs"][0]["jobId"], "j1");
}
