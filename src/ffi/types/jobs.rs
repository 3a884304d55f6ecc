//! Types of `types/aws_iot_jobs_types.h`: the Jobs handles, enums, parameter structs and flags.

use core::ffi::{c_char, c_void};

use super::mqtt::{IotMqttConnection_t, IotMqttQos_t};

/// The incomplete type behind [`AwsIotJobsOperation_t`].
pub struct _jobsOperation {
    _opaque: [u8; 0],
}

/// A handle of a Jobs operation in progress. Only its value means anything: it is a key,
/// never dereferenced.
pub type AwsIotJobsOperation_t = *mut _jobsOperation;

/// Result of a Jobs function. C values: the `AwsIotJobsError` enumerators, the same numbers
/// as [`crate::core::JobsError`].
pub type AwsIotJobsError_t = u32;

/// State of a job execution. C values: the `AwsIotJobState` enumerators.
pub type AwsIotJobState_t = u32;

/// Why a Jobs callback runs. C values: the `AwsIotJobsCallbackType` enumerators.
pub type AwsIotJobsCallbackType_t = u32;

/// The enumerators of `AwsIotJobsError_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsIotJobsError {
    AWS_IOT_JOBS_SUCCESS = 0,
    AWS_IOT_JOBS_STATUS_PENDING = 1,
    AWS_IOT_JOBS_INIT_FAILED = 2,
    AWS_IOT_JOBS_BAD_PARAMETER = 3,
    AWS_IOT_JOBS_NO_MEMORY = 4,
    AWS_IOT_JOBS_MQTT_ERROR = 5,
    AWS_IOT_JOBS_BAD_RESPONSE = 7,
    AWS_IOT_JOBS_TIMEOUT = 8,
    AWS_IOT_JOBS_NOT_INITIALIZED = 11,
    AWS_IOT_JOBS_INVALID_TOPIC = 12,
    AWS_IOT_JOBS_INVALID_JSON = 13,
    AWS_IOT_JOBS_INVALID_REQUEST = 14,
    AWS_IOT_JOBS_INVALID_STATE = 15,
    AWS_IOT_JOBS_NOT_FOUND = 16,
    AWS_IOT_JOBS_VERSION_MISMATCH = 17,
    /// The service's `InternalError` rejection; also what every Jobs function but Init returns
    /// when a panic inside the library was contained (logged with its location): a bug of the
    /// library, never a caller's mistake.
    AWS_IOT_JOBS_INTERNAL_ERROR = 18,
    AWS_IOT_JOBS_THROTTLED = 19,
    AWS_IOT_JOBS_TERMINAL_STATE = 20,
}

/// The enumerators of `AwsIotJobState_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsIotJobState {
    AWS_IOT_JOB_STATE_QUEUED = 0,
    AWS_IOT_JOB_STATE_IN_PROGRESS = 1,
    AWS_IOT_JOB_STATE_FAILED = 2,
    AWS_IOT_JOB_STATE_SUCCEEDED = 3,
    AWS_IOT_JOB_STATE_CANCELED = 4,
    AWS_IOT_JOB_STATE_TIMED_OUT = 5,
    AWS_IOT_JOB_STATE_REJECTED = 6,
    AWS_IOT_JOB_STATE_REMOVED = 7,
}

/// The enumerators of `AwsIotJobsCallbackType_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AwsIotJobsCallbackType {
    AWS_IOT_JOBS_GET_PENDING_COMPLETE = 0,
    AWS_IOT_JOBS_START_NEXT_COMPLETE = 1,
    AWS_IOT_JOBS_DESCRIBE_COMPLETE = 2,
    AWS_IOT_JOBS_UPDATE_COMPLETE = 3,
    AWS_IOT_JOBS_NOTIFY_PENDING_CALLBACK = 4,
    AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK = 5,
}

/// `AwsIotJobsCallbackParam_t.u.operation`: a completed Jobs operation and the service's reply.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsCallbackParamOperation {
    pub result: AwsIotJobsError_t,
    pub reference: AwsIotJobsOperation_t,
    pub pResponse: *const c_char,
    pub responseLength: usize,
}

/// `AwsIotJobsCallbackParam_t.u.callback`: the document of a notify-pending or notify-next
/// message.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsCallbackParamCallback {
    pub pDocument: *const c_char,
    pub documentLength: usize,
}

/// `AwsIotJobsCallbackParam_t.u`: `operation` for the `*_COMPLETE` callback types, `callback`
/// for the `NOTIFY_*` ones.
#[repr(C)]
#[derive(Clone, Copy)]
pub union AwsIotJobsCallbackParamU {
    pub operation: AwsIotJobsCallbackParamOperation,
    pub callback: AwsIotJobsCallbackParamCallback,
}

/// The second argument of a Jobs callback. Pointers in it are valid only during the call.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct AwsIotJobsCallbackParam_t {
    pub callbackType: AwsIotJobsCallbackType_t,
    pub pThingName: *const c_char,
    pub thingNameLength: usize,
    pub mqttConnection: IotMqttConnection_t,
    pub u: AwsIotJobsCallbackParamU,
}

/// A Jobs callback function, its first argument, and (for the notify setters) the function it
/// replaces.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsCallbackInfo_t {
    pub pCallbackContext: *mut c_void,
    pub function: Option<
        unsafe extern "C" fn(
            pCallbackContext: *mut c_void,
            pCallbackParam: *mut AwsIotJobsCallbackParam_t,
        ),
    >,
    pub oldFunction: Option<
        unsafe extern "C" fn(
            pCallbackContext: *mut c_void,
            pCallbackParam: *mut AwsIotJobsCallbackParam_t,
        ),
    >,
}

/// What every Jobs request says: the connection, the thing, the job and the client token.
/// Lengths exclude any NUL terminator.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsRequestInfo_t {
    pub mqttConnection: IotMqttConnection_t,
    pub qos: IotMqttQos_t,
    pub retryLimit: u32,
    pub retryMs: u32,
    /// Allocates the buffer a waitable operation's reply is copied into.
    pub mallocResponse: Option<unsafe extern "C" fn(size: usize) -> *mut c_void>,
    pub pThingName: *const c_char,
    pub thingNameLength: usize,
    pub pJobId: *const c_char,
    pub jobIdLength: usize,
    pub pClientToken: *const c_char,
    pub clientTokenLength: usize,
}

/// The reply of a blocking Jobs call, in a buffer from `mallocResponse` that the caller frees.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsResponse_t {
    pub pJobsResponse: *const c_char,
    pub jobsResponseLength: usize,
}

/// The status update that StartNext and Update send.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AwsIotJobsUpdateInfo_t {
    pub newStatus: AwsIotJobState_t,
    pub expectedVersion: u32,
    pub executionNumber: i32,
    pub stepTimeoutInMinutes: i32,
    pub includeJobExecutionState: bool,
    pub includeJobDocument: bool,
    pub pStatusDetails: *const c_char,
    pub statusDetailsLength: usize,
}

/// `pJobId` meaning "the next pending job".
pub const AWS_IOT_JOBS_NEXT_JOB: &str = "$next";

/// Length of [`AWS_IOT_JOBS_NEXT_JOB`].
pub const AWS_IOT_JOBS_NEXT_JOB_LENGTH: usize = 5;

/// `expectedVersion`: send no expected version.
pub const AWS_IOT_JOBS_NO_VERSION: u32 = 0;

/// `executionNumber`: send no execution number.
pub const AWS_IOT_JOBS_NO_EXECUTION_NUMBER: i32 = -1;

/// `stepTimeoutInMinutes`: send no step timeout.
pub const AWS_IOT_JOBS_NO_TIMEOUT: i32 = 0;

/// `stepTimeoutInMinutes`: cancel the current step timeout.
pub const AWS_IOT_JOBS_CANCEL_TIMEOUT: i32 = -1;

/// Operation flag: the caller will `AwsIotJobs_Wait` for the result.
pub const AWS_IOT_JOBS_FLAG_WAITABLE: u32 = 0x0000_0001;

/// Operation flag: keep the reply subscriptions after the operation completes.
pub const AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS: u32 = 0x0000_0002;

/// `AwsIotJobs_RemovePersistentSubscriptions`: drop the get-pending reply subscriptions.
pub const AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS: u32 = 0x0000_0001;

/// `AwsIotJobs_RemovePersistentSubscriptions`: drop the start-next reply subscriptions.
pub const AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS: u32 = 0x0000_0002;

/// `AwsIotJobs_RemovePersistentSubscriptions`: drop the describe reply subscriptions.
pub const AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS: u32 = 0x0000_0004;

/// `AwsIotJobs_RemovePersistentSubscriptions`: drop the update reply subscriptions.
pub const AWS_IOT_JOBS_FLAG_REMOVE_UPDATE_SUBSCRIPTIONS: u32 = 0x0000_0008;

/// Default of the compile-time setting `AWS_IOT_JOBS_NOTIFY_CALLBACKS`: how many notify
/// callbacks of each kind a thing may have. The header lets firmware override it with
/// `#ifndef`, so cbindgen leaves this constant out and the header defines it by hand.
pub const AWS_IOT_JOBS_NOTIFY_CALLBACKS: usize = 1;

/// Default of the compile-time setting `AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS`, the MQTT
/// timeout used when `AwsIotJobs_Init` is given 0. Rendered by hand like the one above.
pub const AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS: u32 = 5000;
