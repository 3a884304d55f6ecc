//! The C side of the `c_entry_points` target: mirrors of the v4 structs as a C program
//! declares them, the `extern "C"` declarations of every entry point it calls, and the return
//! codes it names.

use std::ffi::{c_char, c_void};

// Mirrors of the v4 structs, as a C program declares them (layouts: abi-x86_64-linux.json).
pub(crate) type Connection = *mut c_void;
pub(crate) type OperationHandle = *mut c_void;
pub(crate) type JobsCallback = unsafe extern "C" fn(*mut c_void, *mut CallbackParam);
pub(crate) type MallocFn = unsafe extern "C" fn(usize) -> *mut c_void;

#[repr(C)]
pub(crate) struct RequestInfo {
    pub(crate) mqtt_connection: Connection,
    pub(crate) qos: u32,
    pub(crate) retry_limit: u32,
    pub(crate) retry_ms: u32,
    pub(crate) malloc_response: Option<MallocFn>,
    pub(crate) thing: *const c_char,
    pub(crate) thing_length: usize,
    pub(crate) job_id: *const c_char,
    pub(crate) job_id_length: usize,
    pub(crate) client_token: *const c_char,
    pub(crate) client_token_length: usize,
}

#[repr(C)]
pub(crate) struct UpdateInfo {
    pub(crate) new_status: u32,
    pub(crate) expected_version: u32,
    pub(crate) execution_number: i32,
    pub(crate) step_timeout_in_minutes: i32,
    pub(crate) include_job_execution_state: bool,
    pub(crate) include_job_document: bool,
    pub(crate) status_details: *const c_char,
    pub(crate) status_details_length: usize,
}

#[repr(C)]
pub(crate) struct CallbackInfo {
    pub(crate) context: *mut c_void,
    pub(crate) function: Option<JobsCallback>,
    pub(crate) old_function: Option<JobsCallback>,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct ParamOperation {
    pub(crate) result: u32,
    pub(crate) reference: OperationHandle,
    pub(crate) response: *const c_char,
    pub(crate) response_length: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub(crate) struct ParamCallback {
    pub(crate) document: *const c_char,
    pub(crate) document_length: usize,
}

#[repr(C)]
pub(crate) union ParamU {
    pub(crate) operation: ParamOperation,
    pub(crate) callback: ParamCallback,
}

#[repr(C)]
pub(crate) struct CallbackParam {
    pub(crate) callback_type: u32,
    pub(crate) thing: *const c_char,
    pub(crate) thing_length: usize,
    pub(crate) mqtt_connection: Connection,
    pub(crate) u: ParamU,
}

#[repr(C)]
pub(crate) struct Response {
    pub(crate) response: *const c_char,
    pub(crate) length: usize,
}

pub(crate) type Filters = *const *const c_char;

#[repr(C)]
pub(crate) struct TransportVtable {
    pub(crate) context: *mut c_void,
    pub(crate) subscribe:
        Option<unsafe extern "C" fn(*mut c_void, Filters, *const usize, usize, u32, u32) -> u32>,
    pub(crate) unsubscribe:
        Option<unsafe extern "C" fn(*mut c_void, Filters, *const usize, usize, u32) -> u32>,
    pub(crate) publish: Option<
        unsafe extern "C" fn(
            *mut c_void,
            *const c_char,
            usize,
            *const c_void,
            usize,
            u32,
            u32,
        ) -> u32,
    >,
    pub(crate) aws_iot_mqtt_mode: bool,
}

const _: () = assert!(std::mem::size_of::<RequestInfo>() == 80);
const _: () = assert!(std::mem::size_of::<UpdateInfo>() == 40);
const _: () = assert!(std::mem::size_of::<CallbackInfo>() == 24);
const _: () = assert!(std::mem::size_of::<CallbackParam>() == 64);
const _: () = assert!(std::mem::size_of::<Response>() == 16);

extern "C" {
    pub(crate) fn AwsIotJobs_Init(ms: u32) -> u32;
    pub(crate) fn AwsIotJobs_Cleanup();
    pub(crate) fn AwsIotJobs_GetPendingAsync(
        r: *const RequestInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    pub(crate) fn AwsIotJobs_GetPendingSync(
        r: *const RequestInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    pub(crate) fn AwsIotJobs_StartNextAsync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    pub(crate) fn AwsIotJobs_StartNextSync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    pub(crate) fn AwsIotJobs_DescribeAsync(
        r: *const RequestInfo,
        execution: i32,
        include: bool,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    pub(crate) fn AwsIotJobs_DescribeSync(
        r: *const RequestInfo,
        execution: i32,
        include: bool,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    pub(crate) fn AwsIotJobs_UpdateAsync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    pub(crate) fn AwsIotJobs_UpdateSync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    pub(crate) fn AwsIotJobs_Wait(op: OperationHandle, t: u32, resp: *mut Response) -> u32;
    pub(crate) fn AwsIotJobs_RemovePersistentSubscriptions(
        r: *const RequestInfo,
        flags: u32,
    ) -> u32;
    pub(crate) fn AwsIotJobs_SetNotifyPendingCallback(
        c: Connection,
        thing: *const c_char,
        len: usize,
        flags: u32,
        cb: *const CallbackInfo,
    ) -> u32;
    pub(crate) fn AwsIotJobs_SetNotifyNextCallback(
        c: Connection,
        thing: *const c_char,
        len: usize,
        flags: u32,
        cb: *const CallbackInfo,
    ) -> u32;
    pub(crate) fn AwsIotJobs_strerror(status: u32) -> *const c_char;
    pub(crate) fn AwsIotJobs_StateName(state: u32) -> *const c_char;
    pub(crate) fn IotMqtt_strerror(status: u32) -> *const c_char;
    pub(crate) fn IotMqtt_OperationType(op: u32) -> *const c_char;
    pub(crate) fn AwsIotJobs_CreateTransportConnection(
        t: *const TransportVtable,
        out: *mut Connection,
    ) -> u32;
    pub(crate) fn AwsIotJobs_ReceiveMessage(
        c: Connection,
        topic: *const c_char,
        topic_length: usize,
        payload: *const c_void,
        payload_length: usize,
    ) -> u32;
    pub(crate) fn AwsIotJobs_DestroyTransportConnection(c: Connection);
    pub(crate) fn AwsIotJobs_SetResponseTimeout(ms: u32) -> u32;
    pub(crate) fn AwsIotJobs_SetNotifyCallbackLimit(limit: usize) -> u32;
}

// Link the library in (its exported functions are reached through the declarations above).
use awsiotjobs as _;

pub(crate) const SUCCESS: u32 = 0;
pub(crate) const PENDING: u32 = 1;
pub(crate) const BAD_PARAMETER: u32 = 3;
pub(crate) const NOT_INITIALIZED: u32 = 11;
pub(crate) const WAITABLE: u32 = 1;

/// Codes with which the library hands a reply to the caller.
pub(crate) fn carries_document(code: u32) -> bool {
    code == SUCCESS || (12..=20).contains(&code)
}
