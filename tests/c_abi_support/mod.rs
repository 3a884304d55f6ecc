//! The C ABI seen from a Rust test, as a C program sees it: `repr(C)` mirrors of the few v4
//! structures these tests fill in (checked against the reference layout of
//! `tests/reference/abi-x86_64-linux.json`, not against the library's own mirrors), the exported
//! `IotMqtt_*` / `AwsIotJobs_*` functions declared by hand, a v4-style connect, a lock that
//! keeps the tests of one binary from sharing the library's global state, and a watchdog that
//! ends the process when a call never returns.
#![allow(dead_code, non_camel_case_types, non_snake_case)]

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

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

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time per binary: the library's state between Init and Cleanup is global.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a test holds while it runs: the binary's lock and a watchdog.
pub struct Session {
    _watchdog: Watchdog,
    _serial: MutexGuard<'static, ()>,
}

/// Takes the lock, arms a watchdog for `limit`, and starts the libraries.
pub fn begin(what: &'static str, limit: Duration) -> Session {
    let session = Session {
        _serial: serial(),
        _watchdog: Watchdog::arm(limit, what),
    };
    init();
    session
}

/// Starts the SDK, MQTT and Jobs libraries (each a no-op when already running).
pub fn init() {
    check_mirrors();
    // SAFETY: no arguments.
    unsafe {
        assert!(IotSdk_Init());
        assert_eq!(IotMqtt_Init(), IOT_MQTT_SUCCESS);
        assert_eq!(AwsIotJobs_Init(0), SUCCESS);
    }
}

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

/// The document of a callback: the reply of an operation or the notification, parsed.
///
/// # Safety
/// `param` is the parameter of a Jobs callback, during the call.
pub unsafe fn document(param: *const CallbackParam) -> serde_json::Value {
    // SAFETY: caller contract.
    let param = unsafe { &*param };
    let (pointer, length) = if param.callbackType >= NOTIFY_PENDING_CALLBACK {
        (param.u[0] as *const u8, param.u[1])
    } else {
        (param.u[2] as *const u8, param.u[3])
    };
    if pointer.is_null() {
        return serde_json::Value::Null;
    }
    // SAFETY: the library's document, valid during the callback.
    let bytes = unsafe { std::slice::from_raw_parts(pointer, length) };
    serde_json::from_slice(bytes).expect("the document is JSON")
}

/// The `result` of an operation's callback.
///
/// # Safety
/// As [`document`], for a `*_COMPLETE` callback.
pub unsafe fn result(param: *const CallbackParam) -> u32 {
    // SAFETY: caller contract; `result` is the first member of `u.operation`.
    (unsafe { &*param }).u[0] as u32
}

/// The `reference` (the operation's handle) of an operation's callback.
///
/// # Safety
/// As [`result`].
pub unsafe fn reference(param: *const CallbackParam) -> Operation {
    // SAFETY: caller contract; `reference` is the second member of `u.operation`.
    (unsafe { &*param }).u[1] as Operation
}

/// The thing name of a callback.
///
/// # Safety
/// As [`document`].
pub unsafe fn thing(param: *const CallbackParam) -> String {
    // SAFETY: caller contract.
    let param = unsafe { &*param };
    // SAFETY: the library's thing name, valid during the callback.
    let bytes =
        unsafe { std::slice::from_raw_parts(param.pThingName.cast::<u8>(), param.thingNameLength) };
    String::from_utf8(bytes.to_vec()).unwrap()
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

/// Ends the process, failing the test, unless dropped within `limit`: a guard against a call
/// that never returns (a deadlock would otherwise hang the test binary).
pub struct Watchdog {
    disarm: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    pub fn arm(limit: Duration, what: &'static str) -> Watchdog {
        let (disarm, disarmed) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
                // Straight to stderr: the test harness's capture would swallow `eprintln!`
                // when the process ends here.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "watchdog: {what} did not finish within {limit:?}: a hang"
                );
                std::process::exit(101);
            }
        });
        Watchdog { disarm }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.disarm.send(());
    }
}

/// What one callback saw.
#[derive(Clone, Debug)]
pub struct Event {
    /// Which of the test's callbacks ran.
    pub tag: &'static str,
    pub callback_type: u32,
    /// The operation's result (`*_COMPLETE` callbacks only).
    pub result: Option<u32>,
    pub thing: String,
    pub document: serde_json::Value,
}

/// The callbacks' record, which the test thread waits on.
pub struct Recorder {
    events: Mutex<Vec<Event>>,
    changed: std::sync::Condvar,
}

impl Recorder {
    pub const fn new() -> Recorder {
        Recorder {
            events: Mutex::new(Vec::new()),
            changed: std::sync::Condvar::new(),
        }
    }

    /// Records the call of callback `tag` with `param`.
    ///
    /// # Safety
    /// As [`document`].
    pub unsafe fn record(&self, tag: &'static str, param: *const CallbackParam) {
        // SAFETY: caller contract.
        let event = unsafe {
            let callback_type = (*param).callbackType;
            Event {
                tag,
                callback_type,
                result: (callback_type < NOTIFY_PENDING_CALLBACK).then(|| result(param)),
                thing: thing(param),
                document: document(param),
            }
        };
        self.push(event);
    }

    pub fn push(&self, event: Event) {
        self.events.lock().unwrap().push(event);
        self.changed.notify_all();
    }

    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.events.lock().unwrap().clear();
    }

    /// Waits (up to [`PATIENCE`]) until `done` holds for the events; returns them.
    pub fn wait_for(&self, what: &str, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
        let events = self.events.lock().unwrap();
        let (events, _) = self
            .changed
            .wait_timeout_while(events, PATIENCE, |e| !done(e))
            .unwrap();
        assert!(done(&events), "waited for {what}; got {events:#?}");
        events.clone()
    }
}

/// A callback info: `function` replacing `old` (or added when `old` is None, removing `old`
/// when `function` is None).
pub fn callback(function: Option<JobsCallback>, old: Option<JobsCallback>) -> CallbackInfo {
    CallbackInfo {
        pCallbackContext: std::ptr::null_mut(),
        function,
        oldFunction: old,
    }
}

/// The two kinds of notify callbacks.
#[derive(Clone, Copy, Debug)]
pub enum Notify {
    Next,
    Pending,
}

/// `AwsIotJobs_SetNotifyNextCallback` or `AwsIotJobs_SetNotifyPendingCallback`.
pub fn set_notify(kind: Notify, connection: Connection, thing: &str, info: &CallbackInfo) -> u32 {
    let setter = match kind {
        Notify::Next => AwsIotJobs_SetNotifyNextCallback,
        Notify::Pending => AwsIotJobs_SetNotifyPendingCallback,
    };
    // SAFETY: valid pointers for the call; the library copies the info.
    unsafe { setter(connection, thing.as_ptr().cast(), thing.len(), 0, info) }
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
