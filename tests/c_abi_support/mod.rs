//! The C ABI seen from a Rust test, as a C program sees it: `repr(C)` mirrors of the few v4
//! structures these tests fill in (checked against the reference layout of
//! `tests/reference/abi-x86_64-linux.json`, not against the library's own mirrors), the exported
//! `IotMqtt_*` / `AwsIotJobs_*` functions declared by hand, a v4-style connect, a lock that
//! keeps the tests of one binary from sharing the library's global state, and a watchdog that
//! ends the process when a call never returns. This file holds the mirrors and the declarations;
//! `calls` the calls made as C makes them (connect, requests, the Sync calls, Wait), `callbacks`
//! what a Jobs callback is given and a recorder of the callbacks, `session` the lock, the
//! watchdog and the libraries' start.
#![allow(dead_code, non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_void};
use std::time::Duration;

mod callbacks;
mod calls;
mod session;
pub use callbacks::*;
pub use calls::*;
pub use session::*;

pub type Connection = *mut c_void;
pub type Operation = *mut c_void;
pub type JobsCallback = unsafe extern "C" fn(*mut c_void, *mut CallbackParam);

/// `AwsIotJobsError_t` values (the `jobs_enums` of the reference).
pub const SUCCESS: u32 = 0;
pub const STATUS_PENDING: u32 = 1;
pub const BAD_PARAMETER: u32 = 3;
pub const NOT_INITIALIZED: u32 = 11;
pub const INVALID_REQUEST: u32 = 14;
pub const INVALID_STATE: u32 = 15;
pub const NOT_FOUND: u32 = 16;
pub const VERSION_MISMATCH: u32 = 17;
pub const TERMINAL_STATE: u32 = 20;
/// `IotMqttError_t` values.
pub const IOT_MQTT_SUCCESS: u32 = 0;
pub const IOT_MQTT_BAD_PARAMETER: u32 = 3;
/// `AwsIotJobState_t` values.
pub const QUEUED: u32 = 0;
pub const IN_PROGRESS: u32 = 1;
pub const SUCCEEDED: u32 = 3;
/// `AwsIotJobsCallbackType_t` values.
pub const GET_PENDING_COMPLETE: u32 = 0;
pub const START_NEXT_COMPLETE: u32 = 1;
pub const DESCRIBE_COMPLETE: u32 = 2;
pub const UPDATE_COMPLETE: u32 = 3;
pub const NOTIFY_PENDING_CALLBACK: u32 = 4;
pub const NOTIFY_NEXT_CALLBACK: u32 = 5;
/// `AWS_IOT_JOBS_FLAG_WAITABLE`.
pub const FLAG_WAITABLE: u32 = 1;

#[repr(C)]
pub struct ServerInfo {
    pub pHostName: *const c_char,
    pub port: u16,
}

#[repr(C)]
pub struct Credentials {
    pub pAlpnProtos: *const c_char,
    pub maxFragmentLength: usize,
    pub disableSni: bool,
    pub pRootCa: *const c_char,
    pub rootCaSize: usize,
    pub pClientCert: *const c_char,
    pub clientCertSize: usize,
    pub pPrivateKey: *const c_char,
    pub privateKeySize: usize,
    pub pUserName: *const c_char,
    pub userNameSize: usize,
    pub pPassword: *const c_char,
    pub passwordSize: usize,
}

#[repr(C)]
pub struct MqttCallbackInfo {
    pub pCallbackContext: *mut c_void,
    pub function: Option<unsafe extern "C" fn(*mut c_void, *mut c_void)>,
}

/// `IotMqttNetworkInfo_t` with its union read as the `setup` member, the only one used here.
#[repr(C)]
pub struct NetworkInfo {
    pub createNetworkConnection: bool,
    pub pNetworkServerInfo: *const ServerInfo,
    pub pNetworkCredentialInfo: *const Credentials,
    pub pNetworkInterface: *const c_void,
    pub disconnectCallback: MqttCallbackInfo,
}

#[repr(C)]
pub struct ConnectInfo {
    pub awsIotMqttMode: bool,
    pub cleanSession: bool,
    pub pPreviousSubscriptions: *const c_void,
    pub previousSubscriptionCount: usize,
    pub pWillInfo: *const c_void,
    pub keepAliveSeconds: u16,
    pub pClientIdentifier: *const c_char,
    pub clientIdentifierLength: u16,
    pub pUserName: *const c_char,
    pub userNameLength: u16,
    pub pPassword: *const c_char,
    pub passwordLength: u16,
}

#[repr(C)]
pub struct RequestInfo {
    pub mqttConnection: Connection,
    pub qos: u32,
    pub retryLimit: u32,
    pub retryMs: u32,
    pub mallocResponse: Option<unsafe extern "C" fn(usize) -> *mut c_void>,
    pub pThingName: *const c_char,
    pub thingNameLength: usize,
    pub pJobId: *const c_char,
    pub jobIdLength: usize,
    pub pClientToken: *const c_char,
    pub clientTokenLength: usize,
}

#[repr(C)]
pub struct UpdateInfo {
    pub newStatus: u32,
    pub expectedVersion: u32,
    pub executionNumber: i32,
    pub stepTimeoutInMinutes: i32,
    pub includeJobExecutionState: bool,
    pub includeJobDocument: bool,
    pub pStatusDetails: *const c_char,
    pub statusDetailsLength: usize,
}

#[repr(C)]
pub struct Response {
    pub pJobsResponse: *const c_char,
    pub jobsResponseLength: usize,
}

#[repr(C)]
pub struct CallbackInfo {
    pub pCallbackContext: *mut c_void,
    pub function: Option<JobsCallback>,
    pub oldFunction: Option<JobsCallback>,
}

/// `AwsIotJobsCallbackParam_t`; `u` is the union's `operation` member, whose first two words
/// are also the `callback` member's `pDocument` and `documentLength` (read by [`document`]).
#[repr(C)]
pub struct CallbackParam {
    pub callbackType: u32,
    pub pThingName: *const c_char,
    pub thingNameLength: usize,
    pub mqttConnection: Connection,
    pub u: [usize; 4],
}

extern "C" {
    pub fn IotSdk_Init() -> bool;
    pub fn IotMqtt_Init() -> u32;
    pub fn IotNetworkOpenssl_GetInterface() -> *const c_void;
    pub fn IotMqtt_Connect(
        network: *const NetworkInfo,
        connect: *const ConnectInfo,
        timeout_ms: u32,
        connection: *mut Connection,
    ) -> u32;
    pub fn IotMqtt_Disconnect(connection: Connection, flags: u32);
    pub fn AwsIotJobs_Init(mqtt_timeout_ms: u32) -> u32;
    pub fn AwsIotJobs_Cleanup();
    pub fn AwsIotJobs_GetPendingAsync(
        request: *const RequestInfo,
        flags: u32,
        callback: *const CallbackInfo,
        operation: *mut Operation,
    ) -> u32;
    pub fn AwsIotJobs_GetPendingSync(
        request: *const RequestInfo,
        flags: u32,
        timeout_ms: u32,
        response: *mut Response,
    ) -> u32;
    pub fn AwsIotJobs_StartNextAsync(
        request: *const RequestInfo,
        update: *const UpdateInfo,
        flags: u32,
        callback: *const CallbackInfo,
        operation: *mut Operation,
    ) -> u32;
    pub fn AwsIotJobs_UpdateAsync(
        request: *const RequestInfo,
        update: *const UpdateInfo,
        flags: u32,
        callback: *const CallbackInfo,
        operation: *mut Operation,
    ) -> u32;
    pub fn AwsIotJobs_StartNextSync(
        request: *const RequestInfo,
        update: *const UpdateInfo,
        flags: u32,
        timeout_ms: u32,
        response: *mut Response,
    ) -> u32;
    pub fn AwsIotJobs_Wait(operation: Operation, timeout_ms: u32, response: *mut Response) -> u32;
    pub fn AwsIotJobs_DescribeAsync(
        request: *const RequestInfo,
        execution_number: i32,
        include_job_document: bool,
        flags: u32,
        callback: *const CallbackInfo,
        operation: *mut Operation,
    ) -> u32;
    pub fn AwsIotJobs_DescribeSync(
        request: *const RequestInfo,
        execution_number: i32,
        include_job_document: bool,
        flags: u32,
        timeout_ms: u32,
        response: *mut Response,
    ) -> u32;
    pub fn AwsIotJobs_UpdateSync(
        request: *const RequestInfo,
        update: *const UpdateInfo,
        flags: u32,
        timeout_ms: u32,
        response: *mut Response,
    ) -> u32;
    pub fn AwsIotJobs_SetNotifyNextCallback(
        connection: Connection,
        thing: *const c_char,
        thing_length: usize,
        flags: u32,
        callback: *const CallbackInfo,
    ) -> u32;
    pub fn AwsIotJobs_SetNotifyPendingCallback(
        connection: Connection,
        thing: *const c_char,
        thing_length: usize,
        flags: u32,
        callback: *const CallbackInfo,
    ) -> u32;
}

/// Long enough for any reply on a loaded machine; only a hang waits it out.
pub const PATIENCE: Duration = Duration::from_secs(20);
/// `timeoutMs` of the Sync calls.
pub const SYNC_MS: u32 = 20_000;

/// The mirrors above have the sizes of the v4 types in the reference.
pub fn check_mirrors() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/abi-x86_64-linux.json"
    ))
    .expect("the reference ABI facts");
    let abi: serde_json::Value = serde_json::from_str(&text).unwrap();
    let size = |group: &str, name: &str| abi[group][name]["size"].as_u64().unwrap() as usize;
    use std::mem::size_of;
    let mqtt = [
        ("struct IotNetworkServerInfo", size_of::<ServerInfo>()),
        ("struct IotNetworkCredentials", size_of::<Credentials>()),
        ("IotMqttNetworkInfo_t", size_of::<NetworkInfo>()),
        ("IotMqttConnectInfo_t", size_of::<ConnectInfo>()),
    ];
    let jobs = [
        ("AwsIotJobsRequestInfo_t", size_of::<RequestInfo>()),
        ("AwsIotJobsUpdateInfo_t", size_of::<UpdateInfo>()),
        ("AwsIotJobsResponse_t", size_of::<Response>()),
        ("AwsIotJobsCallbackInfo_t", size_of::<CallbackInfo>()),
        ("AwsIotJobsCallbackParam_t", size_of::<CallbackParam>()),
    ];
    let groups = [("mqtt_types", &mqtt[..]), ("jobs_types", &jobs[..])];
    for (group, mirrors) in groups {
        for &(name, ours) in mirrors {
            assert_eq!(ours, size(group, name), "the test's mirror of {name}");
        }
    }
}
