//! Reading the C request structures into the engine's terms, with every v4 check.

use crate::core::request::{Request, UpdateFields};
use crate::core::JobsError;
use crate::ffi::boundary::{job_state, qos, required_str, try_ref, try_str};
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
    let client_token = if info.pClientToken.is_null() {
        None
    } else {
        // SAFETY: as above.
        let token = unsafe { try_str(info.pClientToken, info.clientTokenLength) }?;
        Some(
            token
                .filter(|t| !t.is_empty())
                .ok_or(JobsError::BadParameter)?,
        )
    };
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
    let status_details = if info.pStatusDetails.is_null() {
        None
    } else {
        // SAFETY: as above.
        let details = unsafe { try_str(info.pStatusDetails, info.statusDetailsLength) }?;
        Some(
            details
                .filter(|d| !d.is_empty())
                .ok_or(JobsError::BadParameter)?,
        )
    };
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
