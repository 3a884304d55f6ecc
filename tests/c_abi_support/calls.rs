//! The library called as a C program calls it: a v4-style `IotMqtt_Connect`, the request,
//! update and response structures filled in as the v4 initializers do, and the Sync calls and
//! `AwsIotJobs_Wait` returning their status and reply.

use super::*;
use std::ffi::{CStr, CString};

/// A zeroed credentials structure (the v4 initializer), for TLS connects.
pub fn credentials() -> Credentials {
    Credentials {
        pAlpnProtos: std::ptr::null(),
        maxFragmentLength: 0,
        disableSni: false,
        pRootCa: std::ptr::null(),
        rootCaSize: 0,
        pClientCert: std::ptr::null(),
        clientCertSize: 0,
        pPrivateKey: std::ptr::null(),
        privateKeySize: 0,
        pUserName: std::ptr::null(),
        userNameSize: 0,
        pPassword: std::ptr::null(),
        passwordSize: 0,
    }
}

/// `IotMqtt_Connect` as the v4 demos call it, through the OpenSSL network interface: TLS when
/// `credentials` is given. The connection or the `IotMqttError_t`.
pub fn connect(
    host: &str,
    port: u16,
    client_id: &str,
    credentials: Option<&Credentials>,
) -> Result<Connection, u32> {
    let host = CString::new(host).unwrap();
    let server = ServerInfo {
        pHostName: host.as_ptr(),
        port,
    };
    let network = NetworkInfo {
        createNetworkConnection: true,
        pNetworkServerInfo: &server,
        pNetworkCredentialInfo: credentials.map_or(std::ptr::null(), |c| c as *const _),
        // SAFETY: no arguments.
        pNetworkInterface: unsafe { IotNetworkOpenssl_GetInterface() },
        disconnectCallback: MqttCallbackInfo {
            pCallbackContext: std::ptr::null_mut(),
            function: None,
        },
    };
    let info = ConnectInfo {
        awsIotMqttMode: false,
        cleanSession: true,
        pPreviousSubscriptions: std::ptr::null(),
        previousSubscriptionCount: 0,
        pWillInfo: std::ptr::null(),
        keepAliveSeconds: 60,
        pClientIdentifier: client_id.as_ptr().cast(),
        clientIdentifierLength: client_id.len() as u16,
        pUserName: std::ptr::null(),
        userNameLength: 0,
        pPassword: std::ptr::null(),
        passwordLength: 0,
    };
    let mut connection: Connection = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the library copies what it keeps.
    let status = unsafe { IotMqtt_Connect(&network, &info, 10_000, &mut connection) };
    if status == IOT_MQTT_SUCCESS {
        Ok(connection)
    } else {
        Err(status)
    }
}

/// A plain TCP connection to a broker on 127.0.0.1 (the emulator's) that must succeed.
pub fn connect_local(port: u16, client_id: &str) -> Connection {
    connect("127.0.0.1", port, client_id, None).expect("connects to the local broker")
}

pub fn disconnect(connection: Connection) {
    // SAFETY: a connection of `connect`, disconnected once.
    unsafe { IotMqtt_Disconnect(connection, 0) }
}

/// A request of `thing` (and `job`) on `connection`, the client token left to the library.
/// The strings must outlive the request: the caller keeps them.
pub fn request(connection: Connection, thing: &str, job: Option<&str>) -> RequestInfo {
    RequestInfo {
        mqttConnection: connection,
        qos: 1,
        retryLimit: 0,
        retryMs: 0,
        mallocResponse: Some(libc::malloc),
        pThingName: thing.as_ptr().cast(),
        thingNameLength: thing.len(),
        pJobId: job.map_or(std::ptr::null(), |j| j.as_ptr().cast()),
        jobIdLength: job.map_or(0, str::len),
        pClientToken: std::ptr::null(),
        clientTokenLength: 0,
    }
}

/// An update to `status` with nothing else set (the v4 initializer's values).
pub fn update(status: u32) -> UpdateInfo {
    UpdateInfo {
        newStatus: status,
        expectedVersion: 0,
        executionNumber: -1,
        stepTimeoutInMinutes: 0,
        includeJobExecutionState: false,
        includeJobDocument: false,
        pStatusDetails: std::ptr::null(),
        statusDetailsLength: 0,
    }
}

pub fn empty_response() -> Response {
    Response {
        pJobsResponse: std::ptr::null(),
        jobsResponseLength: 0,
    }
}

/// The reply a Sync call wrote, parsed; its buffer (from `mallocResponse`) freed.
pub fn take_response(response: &mut Response) -> serde_json::Value {
    assert!(!response.pJobsResponse.is_null(), "a reply document");
    // SAFETY: the library wrote `jobsResponseLength` bytes at `pJobsResponse` with malloc.
    let bytes = unsafe {
        let bytes = std::slice::from_raw_parts(
            response.pJobsResponse.cast::<u8>(),
            response.jobsResponseLength,
        )
        .to_vec();
        libc::free(response.pJobsResponse as *mut c_void);
        bytes
    };
    *response = empty_response();
    serde_json::from_slice(&bytes).expect("the reply is JSON")
}

/// The text of a status, for messages.
pub fn name(status: u32) -> String {
    extern "C" {
        fn AwsIotJobs_strerror(status: u32) -> *const c_char;
    }
    // SAFETY: returns a static NUL-terminated string for any value.
    unsafe { CStr::from_ptr(AwsIotJobs_strerror(status)) }
        .to_string_lossy()
        .into_owned()
}

/// The status of a Sync call and the reply it wrote (Null when none).
fn sync_reply(status: u32, response: &mut Response) -> (u32, serde_json::Value) {
    let document = if response.pJobsResponse.is_null() {
        serde_json::Value::Null
    } else {
        take_response(response)
    };
    (status, document)
}

/// `AwsIotJobs_UpdateSync` of `job`: the status and the reply.
pub fn update_sync(
    connection: Connection,
    thing: &str,
    job: &str,
    info: &UpdateInfo,
) -> (u32, serde_json::Value) {
    let request = request(connection, thing, Some(job));
    let mut response = empty_response();
    // SAFETY: valid pointers for the call.
    let status = unsafe { AwsIotJobs_UpdateSync(&request, info, 0, SYNC_MS, &mut response) };
    sync_reply(status, &mut response)
}

/// `AwsIotJobs_DescribeSync` of `job`, with its document: the status and the reply.
pub fn describe_sync(connection: Connection, thing: &str, job: &str) -> (u32, serde_json::Value) {
    describe_sync_with(connection, thing, job, true)
}

/// `AwsIotJobs_DescribeSync` asking for the job document or not: the status and the reply.
pub fn describe_sync_with(
    connection: Connection,
    thing: &str,
    job: &str,
    include_document: bool,
) -> (u32, serde_json::Value) {
    let request = request(connection, thing, Some(job));
    let mut response = empty_response();
    // SAFETY: valid pointers for the call.
    let status = unsafe {
        AwsIotJobs_DescribeSync(&request, -1, include_document, 0, SYNC_MS, &mut response)
    };
    sync_reply(status, &mut response)
}

/// `AwsIotJobs_GetPendingSync`: the status and the reply.
pub fn get_pending_sync(connection: Connection, thing: &str) -> (u32, serde_json::Value) {
    let request = request(connection, thing, None);
    let mut response = empty_response();
    // SAFETY: valid pointers for the call.
    let status = unsafe { AwsIotJobs_GetPendingSync(&request, 0, SYNC_MS, &mut response) };
    sync_reply(status, &mut response)
}

/// `AwsIotJobs_StartNextSync` with `info`'s status details and step timeout: the status and
/// the reply.
pub fn start_next_sync(
    connection: Connection,
    thing: &str,
    info: &UpdateInfo,
) -> (u32, serde_json::Value) {
    let request = request(connection, thing, None);
    let mut response = empty_response();
    // SAFETY: valid pointers for the call.
    let status = unsafe { AwsIotJobs_StartNextSync(&request, info, 0, SYNC_MS, &mut response) };
    sync_reply(status, &mut response)
}

/// `AwsIotJobs_Wait` on a waitable operation: the status and the reply.
pub fn wait(operation: Operation) -> (u32, serde_json::Value) {
    let mut response = empty_response();
    // SAFETY: a handle of a waitable operation; `response` valid for the call.
    let status = unsafe { AwsIotJobs_Wait(operation, SYNC_MS, &mut response) };
    sync_reply(status, &mut response)
}
