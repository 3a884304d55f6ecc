//! The emulator's two HTTP faces, both REST-JSON as the AWS SDKs speak it:
//! the control plane of the `iot` service (jobs and job executions, what
//! `aws iot ... --endpoint-url` and `boto3.client("iot")` call) and the
//! `iot-jobs-data` data plane (what a device calls instead of MQTT). Both are
//! axum routers over one shared [`JobsService`]; signatures are never
//! checked, bodies are parsed by hand so malformed input is an AWS-shaped
//! `InvalidRequestException`, unknown routes answer
//! `UnknownOperationException`, and every answer carries an
//! `x-amzn-RequestId`. [`serve_control`] and [`serve_data`] bind a
//! listener (port 0 picks a free one), serve it on the current tokio runtime
//! and return the bound address; [`HttpLimits`] bound what one client can hold
//! (connections, header time, request time, body size, see [`listener`]).

mod control_certs;
mod control_executions;
mod control_groups;
mod control_jobs;
mod control_shapes;
mod control_things;
mod data;
mod data_errors;
pub mod error;
mod listener;
mod request;

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::cli::HttpLimits;
use crate::service::JobsService;
use axum::http::HeaderValue;
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use error::{unknown_operation, ApiError};
pub use listener::bind as bind_reusable;

/// The `iot` control plane's routes.
pub fn control_router(service: Arc<JobsService>) -> Router {
    use control_certs as certs;
    use control_executions as ex;
    use control_groups as groups;
    use control_jobs as jobs;
    use control_things as things;
    Router::new()
        .route("/thing-groups", get(groups::list_groups))
        .route("/thing-groups/addThingToThingGroup", put(groups::add_thing))
        .route(
            "/thing-groups/removeThingFromThingGroup",
            put(groups::remove_thing),
        )
        .route(
            "/thing-groups/{thingGroupName}",
            axum::routing::post(groups::create_group)
                .get(groups::describe_group)
                .delete(groups::delete_group),
        )
        .route(
            "/thing-groups/{thingGroupName}/things",
            get(groups::list_things),
        )
        .route("/things", get(things::list_things))
        .route(
            "/things/{thingName}",
            axum::routing::post(things::create_thing)
                .get(things::describe_thing)
                .patch(things::update_thing)
                .delete(things::delete_thing),
        )
        .route(
            "/things/{thingName}/principals",
            put(things::attach_principal)
                .delete(things::detach_principal)
                .get(things::list_principals),
        )
        .route(
            "/keys-and-certificate",
            axum::routing::post(certs::create_keys_and_certificate),
        )
        .route("/certificates", get(certs::list_certificates))
        .route(
            "/certificates/{certificateId}",
            get(certs::describe_certificate)
                .put(certs::update_certificate)
                .delete(certs::delete_certificate),
        )
        .route("/jobs", get(jobs::list_jobs))
        .route(
            "/jobs/{jobId}",
            put(jobs::create_job)
                .get(jobs::describe_job)
                .patch(jobs::update_job)
                .delete(jobs::delete_job),
        )
        .route("/jobs/{jobId}/cancel", put(jobs::cancel_job))
        .route("/jobs/{jobId}/job-document", get(jobs::job_document))
        .route("/jobs/{jobId}/things", get(ex::list_for_job))
        .route("/things/{thingName}/jobs", get(ex::list_for_thing))
        .route(
            "/things/{thingName}/jobs/{jobId}",
            get(ex::describe_execution),
        )
        .route(
            "/things/{thingName}/jobs/{jobId}/cancel",
            put(ex::cancel_execution),
        )
        .route(
            "/things/{thingName}/jobs/{jobId}/executionNumber/{executionNumber}",
            axum::routing::delete(ex::delete_execution),
        )
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation)
        .with_state(service)
}

/// The `iot-jobs-data` data plane's routes.
pub fn data_router(service: Arc<JobsService>) -> Router {
    Router::new()
        .route("/things/{thingName}/jobs", get(data::get_pending))
        .route(
            "/things/{thingName}/jobs/{jobId}",
            put(data::start_next).get(data::describe).post(data::update),
        )
        .fallback(unknown_operation)
        .method_not_allowed_fallback(unknown_operation)
        .with_state(service)
}

/// Tags every answer with a unique `x-amzn-RequestId`, which the SDKs report
/// as `ResponseMetadata.RequestId`.
async fn tag_request_id(mut response: Response) -> Response {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let id = format!("00000000-0000-4000-8000-{:012x}", n & 0xffff_ffff_ffff);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-amzn-RequestId", value);
    }
    response
}

/// The answer to a request that took longer than the request timeout.
async fn timed_out() -> ApiError {
    ApiError::new(error::ErrorKind::ServiceUnavailable, "request timed out")
}

/// The layers every plane runs behind: the request id, the body limit (a larger body is an
/// InvalidRequestException, since handlers read bodies through axum's `Bytes`) and the
/// request timeout.
fn harden(router: Router, limits: &HttpLimits) -> Router {
    use axum::error_handling::HandleErrorLayer;
    use tower::ServiceBuilder;
    router.layer(map_response(tag_request_id)).layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(|_: axum::BoxError| timed_out()))
            .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes))
            .timeout(limits.request_timeout),
    )
}

async fn serve(
    addr: SocketAddr,
    router: Router,
    plane: &'static str,
    limits: HttpLimits,
) -> io::Result<SocketAddr> {
    let router = harden(router, &limits);
    let listener = listener::bind(addr)?;
    let local = listener.local_addr()?;
    tokio::spawn(listener::accept_loop(listener, router, plane, limits));
    Ok(local)
}

/// Which HTTP face to serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plane {
    /// The `iot` control plane.
    Control,
    /// The `iot-jobs-data` data plane.
    Data,
}

/// Serves `plane` on `addr` from now on with `limits`; returns the bound address.
pub async fn serve_plane(
    plane: Plane,
    addr: SocketAddr,
    service: Arc<JobsService>,
    limits: HttpLimits,
) -> io::Result<SocketAddr> {
    match plane {
        Plane::Control => serve(addr, control_router(service), "control", limits).await,
        Plane::Data => serve(addr, data_router(service), "data", limits).await,
    }
}

/// Serves the control plane with the default limits.
pub async fn serve_control(addr: SocketAddr, service: Arc<JobsService>) -> io::Result<SocketAddr> {
    serve_plane(Plane::Control, addr, service, HttpLimits::default()).await
}

/// Serves the data plane with the default limits.
pub async fn serve_data(addr: SocketAddr, service: Arc<JobsService>) -> io::Result<SocketAddr> {
    serve_plane(Plane::Data, addr, service, HttpLimits::default()).await
}
