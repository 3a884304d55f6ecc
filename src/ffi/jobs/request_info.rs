//! Reading the C request structures into the engine's terms, with every v4 check.

use crate::core::request::{Request, UpdateFields};
use crate::core::JobsError;
use crate::ffi::boundary::{job_state, optional_str, qos, required_str, try_ref};
use crate::ffi::types::{AwsIotJobsRequestInfo_t, AwsIotJobsUpdateInfo_t, IotMqttConnection_t};
use std::ffi::c_void;

/// A request info after the checks every operation shares.
pub struct RequestView<'a> {
    pub connection: IotMqttConnection_t,
    pub thing: &'a str,
    pub job_id: Option<&'a str>,
    pub client_token: Option<&'a str>,
    pub malloc: Option<unsafe extern "C" fn(usize) -> *mut c_void>,
}

/// Reads a request info: connection present, QoS 0 or 1, thing name given, job ID given when
/// `needs_job`, client token either absent (NULL: generate one) or 1 to 64 bytes. Names are
/// checked against the service's rules later, by the engine.
///
/// # Safety
/// `p` is NULL or a valid request info whose strings are readable for their lengths.
pub unsafe fn read<'a>(
    p: *const AwsIotJobsRequestInfo_t,
    needs_job: bool,
) -> Result<RequestView<'a>, JobsError> {
    // SAFETY: forwarded contract.
    let info = unsafe { try_ref(p) }?;
    if info.mqttConnection.is_null() {
        return Err(JobsError::BadParameter);
    }
    qos(info.qos)?;
    // SAFETY: the strings are readable for their lengths (caller contract).
    let thing = unsafe { required_str(info.pThingName, info.thingNameLength) }?;
    let job_id = if needs_job {
        // SAFETY: as above.
        Some(unsafe { required_str(info.pJobId, info.jobIdLength) }?)
    } else {
        None
    };
    // SAFETY: as above.
    let client_token = unsafe { optional_str(info.pClientToken, info.clientTokenLength) }?;
    Ok(RequestView {
        connection: info.mqttConnection,
        thing,
        job_id,
        client_token,
        malloc: info.mallocResponse,
    })
}

/// Reads an update info into update fields.
///
/// # Safety
/// `p` is NULL or a valid update info whose status details are readable for their length.
pub unsafe fn update_fields<'a>(
    p: *const AwsIotJobsUpdateInfo_t,
) -> Result<UpdateFields<'a>, JobsError> {
    // SAFETY: forwarded contract.
    let info = unsafe { try_ref(p) }?;
    let status = job_state(info.newStatus)?;
    // SAFETY: the status details are readable for their length (caller contract).
    let status_details = unsafe { optional_str(info.pStatusDetails, info.statusDetailsLength) }?;
    Ok(UpdateFields {
        status,
        status_details,
        expected_version: info.expectedVersion,
        execution_number: info.executionNumber,
        include_job_execution_state: info.includeJobExecutionState,
        include_job_document: info.includeJobDocument,
        step_timeout_minutes: info.stepTimeoutInMinutes,
    })
}

/// The start-next request of an update info (only status details and the step timeout count).
///
/// # Safety
/// As [`update_fields`].
pub unsafe fn start_next<'a>(p: *const AwsIotJobsUpdateInfo_t) -> Result<Request<'a>, JobsError> {
    // SAFETY: forwarded contract.
    let fields = unsafe { update_fields(p) }?;
    Ok(Request::StartNext {
        status_details: fields.status_details,
        step_timeout_minutes: fields.step_timeout_minutes,
    })
}
