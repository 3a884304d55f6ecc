//! Every `AwsIotJobs_*` entry point, called through its C ABI with structs built from fuzzed
//! fields. Pointers are always NULL or valid: strings point into buffers owned by this target
//! (freed right after the call, so a library that kept one would be caught by AddressSanitizer),
//! lengths never exceed their buffers, function pointers are NULL or real functions, and
//! connection handles are real ones (from `AwsIotJobs_CreateTransportConnection` over a
//! C-shaped transport written here, live or destroyed), NULL, or any integer.
//!
//! Invariants: no crash and no panic; every return code is one the function may return;
//! NOT_INITIALIZED before Init; a response buffer comes from the request's `mallocResponse`,
//! holds `length` bytes and a NUL, and is handed over only with a code that carries a reply;
//! a handle can be waited for once; each callback operation completes exactly once by Cleanup
//! and every callback gets a legal type, result and readable pointers; no allocation from
//! `mallocResponse` is left over at the end (plus LeakSanitizer for the library's own memory).
#![no_main]

use awsiotjobs_fuzz::c_entry::*;
use awsiotjobs_fuzz::LEGAL_CODES;
use libfuzzer_sys::fuzz_target;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void, CStr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

// Mirrors of the v4 structs, as a C program declares them (layouts: abi-x86_64-linux.json).
type Connection = *mut c_void;
type OperationHandle = *mut c_void;
type JobsCallback = unsafe extern "C" fn(*mut c_void, *mut CallbackParam);
type MallocFn = unsafe extern "C" fn(usize) -> *mut c_void;

#[repr(C)]
struct RequestInfo {
    mqtt_connection: Connection,
    qos: u32,
    retry_limit: u32,
    retry_ms: u32,
    malloc_response: Option<MallocFn>,
    thing: *const c_char,
    thing_length: usize,
    job_id: *const c_char,
    job_id_length: usize,
    client_token: *const c_char,
    client_token_length: usize,
}

#[repr(C)]
struct UpdateInfo {
    new_status: u32,
    expected_version: u32,
    execution_number: i32,
    step_timeout_in_minutes: i32,
    include_job_execution_state: bool,
    include_job_document: bool,
    status_details: *const c_char,
    status_details_length: usize,
}

#[repr(C)]
struct CallbackInfo {
    context: *mut c_void,
    function: Option<JobsCallback>,
    old_function: Option<JobsCallback>,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ParamOperation {
    result: u32,
    reference: OperationHandle,
    response: *const c_char,
    response_length: usize,
}

#[repr(C)]
#[derive(Clone, Copy)]
struct ParamCallback {
    document: *const c_char,
    document_length: usize,
}

#[repr(C)]
union ParamU {
    operation: ParamOperation,
    callback: ParamCallback,
}

#[repr(C)]
struct CallbackParam {
    callback_type: u32,
    thing: *const c_char,
    thing_length: usize,
    mqtt_connection: Connection,
    u: ParamU,
}

#[repr(C)]
struct Response {
    response: *const c_char,
    length: usize,
}

type Filters = *const *const c_char;

#[repr(C)]
struct TransportVtable {
    context: *mut c_void,
    subscribe:
        Option<unsafe extern "C" fn(*mut c_void, Filters, *const usize, usize, u32, u32) -> u32>,
    unsubscribe:
        Option<unsafe extern "C" fn(*mut c_void, Filters, *const usize, usize, u32) -> u32>,
    publish: Option<
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
    aws_iot_mqtt_mode: bool,
}

const _: () = assert!(std::mem::size_of::<RequestInfo>() == 80);
const _: () = assert!(std::mem::size_of::<UpdateInfo>() == 40);
const _: () = assert!(std::mem::size_of::<CallbackInfo>() == 24);
const _: () = assert!(std::mem::size_of::<CallbackParam>() == 64);
const _: () = assert!(std::mem::size_of::<Response>() == 16);

extern "C" {
    fn AwsIotJobs_Init(ms: u32) -> u32;
    fn AwsIotJobs_Cleanup();
    fn AwsIotJobs_GetPendingAsync(
        r: *const RequestInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    fn AwsIotJobs_GetPendingSync(
        r: *const RequestInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    fn AwsIotJobs_StartNextAsync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    fn AwsIotJobs_StartNextSync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    fn AwsIotJobs_DescribeAsync(
        r: *const RequestInfo,
        execution: i32,
        include: bool,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    fn AwsIotJobs_DescribeSync(
        r: *const RequestInfo,
        execution: i32,
        include: bool,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    fn AwsIotJobs_UpdateAsync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        cb: *const CallbackInfo,
        out: *mut OperationHandle,
    ) -> u32;
    fn AwsIotJobs_UpdateSync(
        r: *const RequestInfo,
        u: *const UpdateInfo,
        flags: u32,
        t: u32,
        resp: *mut Response,
    ) -> u32;
    fn AwsIotJobs_Wait(op: OperationHandle, t: u32, resp: *mut Response) -> u32;
    fn AwsIotJobs_RemovePersistentSubscriptions(r: *const RequestInfo, flags: u32) -> u32;
    fn AwsIotJobs_SetNotifyPendingCallback(
        c: Connection,
        thing: *const c_char,
        len: usize,
        flags: u32,
        cb: *const CallbackInfo,
    ) -> u32;
    fn AwsIotJobs_SetNotifyNextCallback(
        c: Connection,
        thing: *const c_char,
        len: usize,
        flags: u32,
        cb: *const CallbackInfo,
    ) -> u32;
    fn AwsIotJobs_strerror(status: u32) -> *const c_char;
    fn AwsIotJobs_StateName(state: u32) -> *const c_char;
    fn IotMqtt_strerror(status: u32) -> *const c_char;
    fn IotMqtt_OperationType(op: u32) -> *const c_char;
    fn AwsIotJobs_CreateTransportConnection(t: *const TransportVtable, out: *mut Connection)
        -> u32;
    fn AwsIotJobs_ReceiveMessage(
        c: Connection,
        topic: *const c_char,
        topic_length: usize,
        payload: *const c_void,
        payload_length: usize,
    ) -> u32;
    fn AwsIotJobs_DestroyTransportConnection(c: Connection);
    fn AwsIotJobs_SetResponseTimeout(ms: u32) -> u32;
    fn AwsIotJobs_SetNotifyCallbackLimit(limit: usize) -> u32;
}

// Link the library in (its exported functions are reached through the declarations above).
use awsiotjobs as _;

const SUCCESS: u32 = 0;
const PENDING: u32 = 1;
const BAD_PARAMETER: u32 = 3;
const NOT_INITIALIZED: u32 = 11;
const WAITABLE: u32 = 1;

/// Codes with which the library hands a reply to the caller.
fn carries_document(code: u32) -> bool {
    code == SUCCESS || (12..=20).contains(&code)
}

// ---- The application side: allocator, callbacks, transport ----

/// Live allocations made through `counting_malloc`.
static LIVE: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

unsafe extern "C" fn counting_malloc(size: usize) -> *mut c_void {
    // SAFETY: plain malloc.
    let p = unsafe { libc::malloc(size) };
    if !p.is_null() {
        LIVE.lock()
            .unwrap()
            .get_or_insert_with(HashSet::new)
            .insert(p as usize);
    }
    p
}

unsafe extern "C" fn failing_malloc(_size: usize) -> *mut c_void {
    std::ptr::null_mut()
}

/// Checks and frees a response handed over with `code`.
fn take_response(code: u32, resp: &Response) {
    if resp.response.is_null() {
        assert_eq!(resp.length, 0);
        assert!(!carries_document(code), "code {code} without its reply");
        return;
    }
    assert!(
        carries_document(code),
        "a buffer handed over with code {code}"
    );
    let live = LIVE
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .remove(&(resp.response as usize));
    assert!(live, "response buffer not from mallocResponse");
    // SAFETY: the library promises `length` bytes and a NUL.
    unsafe {
        let bytes = std::slice::from_raw_parts(resp.response.cast::<u8>(), resp.length + 1);
        assert_eq!(bytes[resp.length], 0);
        libc::free(resp.response as *mut c_void);
    }
}

static CONTEXT: u8 = 0;

struct Completions {
    /// Operation callbacks seen, by reference.
    operations: HashMap<usize, usize>,
    notifications: usize,
}

static COMPLETIONS: Mutex<Option<Completions>> = Mutex::new(None);

unsafe extern "C" fn callback(context: *mut c_void, param: *mut CallbackParam) {
    assert!(context.is_null() || context == &CONTEXT as *const u8 as *mut c_void);
    // SAFETY: the library passes a valid parameter for the call.
    let p = unsafe { &*param };
    // SAFETY: the thing name is readable for its length.
    let thing = unsafe { std::slice::from_raw_parts(p.thing.cast::<u8>(), p.thing_length) };
    assert!(!thing.is_empty());
    let read = |ptr: *const c_char, len: usize| {
        if len > 0 {
            // SAFETY: the library's pointers are readable for their lengths.
            let b = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
            std::hint::black_box(b.iter().map(|x| *x as usize).sum::<usize>());
        }
    };
    let mut guard = COMPLETIONS.lock().unwrap();
    let c = guard.as_mut().expect("callback outside an input");
    match p.callback_type {
        0..=3 => {
            // SAFETY: operation types use `u.operation`.
            let op = unsafe { p.u.operation };
            assert!(
                LEGAL_CODES.contains(&op.result) && op.result != PENDING,
                "{}",
                op.result
            );
            read(op.response, op.response_length);
            *c.operations.entry(op.reference as usize).or_default() += 1;
        }
        4 | 5 => {
            // SAFETY: notify types use `u.callback`.
            let n = unsafe { p.u.callback };
            read(n.document, n.document_length);
            c.notifications += 1;
        }
        other => panic!("callback type {other}"),
    }
}

unsafe extern "C" fn callback_b(context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: forwarded.
    unsafe { callback(context, param) }
}

#[derive(Clone, Copy)]
struct Knobs {
    subscribe: u32,
    unsubscribe: u32,
    publish: u32,
    reply: usize,
    code: usize,
}

const DEFAULT_KNOBS: Knobs = Knobs {
    subscribe: 0,
    unsubscribe: 0,
    publish: 0,
    reply: 1,
    code: 0,
};

static KNOBS: Mutex<Knobs> = Mutex::new(DEFAULT_KNOBS);
/// The last request published: (topic, clientToken).
static LAST_REQUEST: Mutex<Option<(String, Option<String>)>> = Mutex::new(None);

/// What the transport's functions get as `pContext`.
struct Ctx {
    connection: AtomicUsize,
    calls: AtomicUsize,
}

unsafe fn read_filters(filters: Filters, lengths: *const usize, count: usize) {
    assert!(count > 0 && !filters.is_null() && !lengths.is_null());
    for i in 0..count {
        // SAFETY: arrays of `count`, each filter readable for its length.
        let f =
            unsafe { std::slice::from_raw_parts((*filters.add(i)).cast::<u8>(), *lengths.add(i)) };
        let f = std::str::from_utf8(f).expect("UTF-8 filter");
        assert!(f.starts_with("$aws/things/"), "{f}");
    }
}

unsafe extern "C" fn t_subscribe(
    ctx: *mut c_void,
    filters: Filters,
    lengths: *const usize,
    count: usize,
    qos: u32,
    _timeout: u32,
) -> u32 {
    // SAFETY: our context, alive until the connection is destroyed.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    ctx.calls.fetch_add(1, Ordering::Relaxed);
    assert!(qos <= 1);
    // SAFETY: forwarded.
    unsafe { read_filters(filters, lengths, count) };
    KNOBS.lock().unwrap().subscribe
}

unsafe extern "C" fn t_unsubscribe(
    ctx: *mut c_void,
    filters: Filters,
    lengths: *const usize,
    count: usize,
    _timeout: u32,
) -> u32 {
    // SAFETY: as above.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    ctx.calls.fetch_add(1, Ordering::Relaxed);
    // SAFETY: forwarded.
    unsafe { read_filters(filters, lengths, count) };
    KNOBS.lock().unwrap().unsubscribe
}

fn receive(connection: Connection, topic: &[u8], payload: &[u8]) -> u32 {
    // SAFETY: valid buffers for their lengths.
    let r = unsafe {
        AwsIotJobs_ReceiveMessage(
            connection,
            topic.as_ptr().cast(),
            topic.len(),
            payload.as_ptr().cast(),
            payload.len(),
        )
    };
    assert!(r == SUCCESS || r == BAD_PARAMETER, "ReceiveMessage {r}");
    r
}

unsafe extern "C" fn t_publish(
    ctx: *mut c_void,
    topic: *const c_char,
    topic_length: usize,
    payload: *const c_void,
    payload_length: usize,
    qos: u32,
    _timeout: u32,
) -> u32 {
    // SAFETY: as above.
    let ctx = unsafe { &*(ctx as *const Ctx) };
    ctx.calls.fetch_add(1, Ordering::Relaxed);
    assert!(qos <= 1);
    // SAFETY: readable for their lengths.
    let (topic, payload) = unsafe {
        (
            std::slice::from_raw_parts(topic.cast::<u8>(), topic_length),
            std::slice::from_raw_parts(payload.cast::<u8>(), payload_length),
        )
    };
    let topic = std::str::from_utf8(topic).expect("UTF-8 topic").to_owned();
    assert!(!topic.contains(['+', '#', '\0']), "{topic}");
    let request: serde_json::Value = serde_json::from_slice(payload).expect("request JSON");
    let token = request["clientToken"].as_str().map(str::to_owned);
    assert!(token.is_some(), "request without token");
    *LAST_REQUEST.lock().unwrap() = Some((topic.clone(), token.clone()));
    let knobs = *KNOBS.lock().unwrap();
    if knobs.publish != 0 {
        return knobs.publish;
    }
    let connection = ctx.connection.load(Ordering::Relaxed) as Connection;
    let accepted = format!("{topic}/accepted");
    let rejected = format!("{topic}/rejected");
    let token = serde_json::to_string(&token).unwrap();
    let code = code_text(knobs.code);
    match knobs.reply {
        1 | 4 => {
            let body = format!("{{\"clientToken\":{token},\"timestamp\":1}}");
            for _ in 0..(knobs.reply / 4 + 1) {
                receive(connection, accepted.as_bytes(), body.as_bytes());
            }
        }
        2 => {
            let body = format!("{{\"code\":\"{code}\",\"clientToken\":{token}}}");
            receive(connection, rejected.as_bytes(), body.as_bytes());
        }
        3 => {
            let body = format!("{{\"code\":\"{code}\"}}");
            receive(connection, rejected.as_bytes(), body.as_bytes());
        }
        5 => {
            receive(connection, accepted.as_bytes(), b"[\"\xff");
        }
        _ => {}
    }
    SUCCESS
}

fn code_text(i: usize) -> &'static str {
    awsiotjobs_fuzz::SERVICE_CODES.get(i).map_or(
        if i.is_multiple_of(2) { "Weird" } else { "" },
        |(name, _)| name,
    )
}

// ---- Turning specs into C arguments ----

/// Buffers that live for one call.
#[derive(Default)]
struct Arena {
    buffers: Vec<Vec<u8>>,
}

impl Arena {
    fn str(&mut self, s: &Str, pool: &[&str]) -> (*const c_char, usize) {
        match s {
            Str::Null(len) => (std::ptr::null(), *len as usize % 3),
            Str::Pool(i) => {
                let b = pool[*i].as_bytes().to_vec();
                let len = b.len();
                self.buffers.push(b);
                (self.buffers.last().unwrap().as_ptr().cast(), len)
            }
            Str::Raw(bytes, len) => {
                let len = *len as usize % (bytes.len() + 1);
                self.buffers.push(bytes.clone());
                (self.buffers.last().unwrap().as_ptr().cast(), len)
            }
        }
    }
}

struct State {
    initialized: bool,
    /// Connections made: handle and context (dropped, so freed, when destroyed: a library
    /// calling the transport afterwards would be caught by AddressSanitizer).
    connections: Vec<(Connection, Option<Box<Ctx>>)>,
    /// Operation handles returned: (handle, waitable, waited).
    handles: Vec<(OperationHandle, bool, bool)>,
    /// Callback operations started since Init.
    callback_ops: usize,
}

impl State {
    fn conn(&self, c: &Conn) -> Connection {
        match c {
            Conn::Made(i) => self
                .connections
                .get(*i)
                .map_or(std::ptr::null_mut(), |c| c.0),
            Conn::Null => std::ptr::null_mut(),
            Conn::Raw(v) => *v as usize as Connection,
        }
    }

    fn request(&self, arena: &mut Arena, q: &Req) -> RequestInfo {
        let (thing, thing_length) = arena.str(&q.thing, &THINGS);
        let (job_id, job_id_length) = arena.str(&q.job, &JOBS);
        let (client_token, client_token_length) = arena.str(&q.token, &TOKENS);
        RequestInfo {
            mqtt_connection: self.conn(&q.conn),
            qos: q.qos,
            retry_limit: q.retry_limit,
            retry_ms: q.retry_ms,
            malloc_response: match q.malloc {
                0 => None,
                1 => Some(counting_malloc),
                _ => Some(failing_malloc),
            },
            thing,
            thing_length,
            job_id,
            job_id_length,
            client_token,
            client_token_length,
        }
    }

    /// Checks the end of an Init epoch: every callback operation completed exactly once.
    fn check_callbacks(&mut self) {
        let mut guard = COMPLETIONS.lock().unwrap();
        let c = guard.as_mut().unwrap();
        assert!(
            c.operations.values().all(|n| *n == 1),
            "a callback ran twice"
        );
        assert_eq!(
            c.operations.len(),
            self.callback_ops,
            "a callback never ran"
        );
        c.operations.clear();
        self.callback_ops = 0;
    }
}

fn cb_info(c: &Cb) -> CallbackInfo {
    let f = |i: usize| match i {
        0 => None,
        1 => Some(callback as JobsCallback),
        _ => Some(callback_b as JobsCallback),
    };
    CallbackInfo {
        context: if c.context {
            &CONTEXT as *const u8 as *mut c_void
        } else {
            std::ptr::null_mut()
        },
        function: f(c.function),
        old_function: f(c.old),
    }
}

fn text_ok(p: *const c_char) {
    assert!(!p.is_null());
    // SAFETY: the library returns static NUL-terminated strings.
    let s = unsafe { CStr::from_ptr(p) }.to_str().expect("ASCII text");
    assert!(!s.is_empty() && s.len() < 64 && s.is_ascii(), "{s:?}");
}

fn legal(code: u32, allowed: &[u32], what: &str) {
    assert!(allowed.contains(&code), "{what} returned {code}");
}

const ASYNC_CODES: [u32; 5] = [1, 3, 4, 5, 11];
const SYNC_CODES: [u32; 16] = [0, 3, 4, 5, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
const NOTIFY_CODES: [u32; 5] = [0, 3, 4, 5, 11];
const REMOVE_CODES: [u32; 4] = [0, 3, 5, 11];

#[allow(clippy::too_many_lines)]
fn call(state: &mut State, c: &Call) {
    let mut arena = Arena::default();
    match c {
        Call::Init(ms) => {
            // SAFETY: plain call.
            let r = unsafe { AwsIotJobs_Init(*ms) };
            assert_eq!(r, SUCCESS, "Init");
            state.initialized = true;
        }
        Call::Cleanup => {
            // SAFETY: plain call.
            unsafe { AwsIotJobs_Cleanup() };
            state.initialized = false;
            state.check_callbacks();
        }
        Call::Operation {
            kind,
            sync,
            req,
            upd,
            execution,
            include,
            flags,
            cb,
            out,
            timeout,
            resp,
        } => {
            let req = req.as_ref().map(|q| state.request(&mut arena, q));
            let upd = upd.as_ref().map(|u| {
                let (status_details, status_details_length) = arena.str(&u.details, &DETAILS);
                UpdateInfo {
                    new_status: u.status,
                    expected_version: u.version,
                    execution_number: u.execution,
                    step_timeout_in_minutes: u.step,
                    include_job_execution_state: u.include_state,
                    include_job_document: u.include_document,
                    status_details,
                    status_details_length,
                }
            });
            let rp = req
                .as_ref()
                .map_or(std::ptr::null(), |r| r as *const RequestInfo);
            let up = upd
                .as_ref()
                .map_or(std::ptr::null(), |u| u as *const UpdateInfo);
            if *sync {
                let mut response = Response {
                    response: 0x5a5a as *const c_char,
                    length: 77,
                };
                let rs = if *resp {
                    &mut response as *mut Response
                } else {
                    std::ptr::null_mut()
                };
                // SAFETY: every pointer is NULL or valid for the call.
                let r = unsafe {
                    match kind {
                        0 => AwsIotJobs_GetPendingSync(rp, *flags, *timeout, rs),
                        1 => AwsIotJobs_StartNextSync(rp, up, *flags, *timeout, rs),
                        2 => {
                            AwsIotJobs_DescribeSync(rp, *execution, *include, *flags, *timeout, rs)
                        }
                        _ => AwsIotJobs_UpdateSync(rp, up, *flags, *timeout, rs),
                    }
                };
                legal(r, &SYNC_CODES, "Sync");
                if !state.initialized {
                    assert_eq!(r, NOT_INITIALIZED);
                }
                if *resp && response.response as usize != 0x5a5a {
                    take_response(r, &response);
                } else if *resp {
                    // Untouched only when the call failed before doing anything.
                    assert!(!carries_document(r), "Sync {r} left the response unset");
                }
            } else {
                let info = cb.as_ref().map(cb_info);
                let cp = info
                    .as_ref()
                    .map_or(std::ptr::null(), |i| i as *const CallbackInfo);
                let mut handle: OperationHandle = std::ptr::null_mut();
                let hp = if *out {
                    &mut handle as *mut OperationHandle
                } else {
                    std::ptr::null_mut()
                };
                // SAFETY: every pointer is NULL or valid for the call.
                let r = unsafe {
                    match kind {
                        0 => AwsIotJobs_GetPendingAsync(rp, *flags, cp, hp),
                        1 => AwsIotJobs_StartNextAsync(rp, up, *flags, cp, hp),
                        2 => AwsIotJobs_DescribeAsync(rp, *execution, *include, *flags, cp, hp),
                        _ => AwsIotJobs_UpdateAsync(rp, up, *flags, cp, hp),
                    }
                };
                legal(r, &ASYNC_CODES, "Async");
                if !state.initialized {
                    assert_eq!(r, NOT_INITIALIZED);
                }
                if r == PENDING {
                    let waitable = flags & WAITABLE != 0;
                    if waitable {
                        assert!(*out && !handle.is_null(), "waitable without a handle");
                        assert!(info.is_none(), "waitable with a callback accepted");
                    }
                    if *out {
                        assert!(!handle.is_null());
                        state.handles.push((handle, waitable, false));
                    }
                    if !waitable && info.as_ref().is_some_and(|i| i.function.is_some()) {
                        state.callback_ops += 1;
                    }
                }
            }
        }
        Call::Wait {
            handle,
            timeout,
            resp,
        } => {
            let (h, index) = match handle {
                Handle::Returned(i) if !state.handles.is_empty() => {
                    let i = i % state.handles.len();
                    (state.handles[i].0, Some(i))
                }
                Handle::Returned(_) | Handle::Null => (std::ptr::null_mut(), None),
                Handle::Raw(v) => (*v as usize as OperationHandle, None),
            };
            let mut response = Response {
                response: std::ptr::null(),
                length: 0,
            };
            let rs = if *resp {
                &mut response as *mut Response
            } else {
                std::ptr::null_mut()
            };
            // SAFETY: `rs` is NULL or valid; the handle is only a value.
            let r = unsafe { AwsIotJobs_Wait(h, *timeout, rs) };
            legal(r, &SYNC_CODES, "Wait");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
            if let Some(i) = index {
                let (_, waitable, waited) = state.handles[i];
                if !waitable || waited {
                    assert!(
                        r == BAD_PARAMETER || r == NOT_INITIALIZED,
                        "Wait {r} on a spent handle"
                    );
                }
                if *resp && state.initialized {
                    state.handles[i].2 = true;
                }
            }
            if *resp {
                take_response(r, &response);
            }
        }
        Call::Remove { req, flags } => {
            let req = req.as_ref().map(|q| state.request(&mut arena, q));
            let rp = req
                .as_ref()
                .map_or(std::ptr::null(), |r| r as *const RequestInfo);
            // SAFETY: NULL or valid.
            let r = unsafe { AwsIotJobs_RemovePersistentSubscriptions(rp, *flags) };
            legal(r, &REMOVE_CODES, "RemovePersistentSubscriptions");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
        }
        Call::Notify {
            next,
            conn,
            thing,
            flags,
            cb,
        } => {
            let (t, len) = arena.str(thing, &THINGS);
            let info = cb.as_ref().map(cb_info);
            let cp = info
                .as_ref()
                .map_or(std::ptr::null(), |i| i as *const CallbackInfo);
            let connection = state.conn(conn);
            // SAFETY: NULL or valid.
            let r = unsafe {
                if *next {
                    AwsIotJobs_SetNotifyNextCallback(connection, t, len, *flags, cp)
                } else {
                    AwsIotJobs_SetNotifyPendingCallback(connection, t, len, *flags, cp)
                }
            };
            legal(r, &NOTIFY_CODES, "SetNotify");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
        }
        Call::Text { which, value } => {
            // SAFETY: plain calls.
            let p = unsafe {
                match which {
                    0 => AwsIotJobs_strerror(*value),
                    1 => AwsIotJobs_StateName(*value),
                    2 => IotMqtt_strerror(*value),
                    _ => IotMqtt_OperationType(*value),
                }
            };
            text_ok(p);
        }
        Call::Receive {
            conn,
            topic,
            payload,
        } => {
            let last = LAST_REQUEST.lock().unwrap().clone();
            let (topic, payload) = {
                let t = match topic {
                    Topic::ReplyToLast { rejected } => Str::Raw(
                        last.as_ref()
                            .map(|(t, _)| {
                                format!("{t}/{}", if *rejected { "rejected" } else { "accepted" })
                            })
                            .unwrap_or_default()
                            .into_bytes(),
                        u16::MAX,
                    ),
                    Topic::Notify { thing, next } => Str::Raw(
                        format!(
                            "$aws/things/{}/jobs/{}",
                            THINGS[*thing],
                            if *next { "notify-next" } else { "notify" }
                        )
                        .into_bytes(),
                        u16::MAX,
                    ),
                    Topic::Raw(s) => s.clone(),
                };
                let p = match payload {
                    Payload::ReplyToLast { code } => {
                        let token = last.as_ref().and_then(|(_, t)| t.clone());
                        Str::Raw(
                            format!(
                                "{{\"clientToken\":{},\"code\":\"{}\"}}",
                                serde_json::to_string(&token).unwrap(),
                                code_text(*code)
                            )
                            .into_bytes(),
                            u16::MAX,
                        )
                    }
                    Payload::Raw(s) => s.clone(),
                };
                (t, p)
            };
            // A Raw string with length u16::MAX % (n + 1): make full-length ones full.
            let full = |s: Str| match s {
                Str::Raw(b, u16::MAX) => {
                    let n = b.len() as u16;
                    Str::Raw(b, n)
                }
                other => other,
            };
            let (tp, tl) = arena.str(&full(topic), &["$aws/things/T1/jobs/notify-next"]);
            let (pp, pl) = arena.str(&full(payload), &["{}"]);
            // SAFETY: NULL or valid for the lengths.
            let r = unsafe { AwsIotJobs_ReceiveMessage(state.conn(conn), tp, tl, pp.cast(), pl) };
            legal(r, &[SUCCESS, BAD_PARAMETER], "ReceiveMessage");
        }
        Call::Setting { limit, value } => {
            // SAFETY: plain calls.
            let r = unsafe {
                if *limit {
                    AwsIotJobs_SetNotifyCallbackLimit(*value as usize)
                } else {
                    AwsIotJobs_SetResponseTimeout(*value)
                }
            };
            legal(r, &[SUCCESS, BAD_PARAMETER], "Set*");
        }
        Call::Connect {
            aws_iot,
            missing,
            out,
        } => {
            if state.connections.len() >= 4 {
                return;
            }
            let ctx = Box::new(Ctx {
                connection: AtomicUsize::new(0),
                calls: AtomicUsize::new(0),
            });
            let vtable = TransportVtable {
                context: &*ctx as *const Ctx as *mut c_void,
                subscribe: (*missing != 0).then_some(t_subscribe as _),
                unsubscribe: (*missing != 1).then_some(t_unsubscribe as _),
                publish: (*missing != 2).then_some(t_publish as _),
                aws_iot_mqtt_mode: *aws_iot,
            };
            let mut connection: Connection = std::ptr::null_mut();
            let cp = if *out {
                &mut connection as *mut Connection
            } else {
                std::ptr::null_mut()
            };
            // SAFETY: valid or NULL.
            let r = unsafe { AwsIotJobs_CreateTransportConnection(&vtable, cp) };
            if *missing == 3 && *out {
                assert_eq!(r, SUCCESS);
                assert!(!connection.is_null());
                ctx.connection.store(connection as usize, Ordering::Relaxed);
                state.connections.push((connection, Some(ctx)));
            } else {
                assert_eq!(r, BAD_PARAMETER);
            }
        }
        Call::Destroy(conn) => {
            let connection = state.conn(conn);
            // SAFETY: any value is accepted.
            unsafe { AwsIotJobs_DestroyTransportConnection(connection) };
            if let Conn::Made(i) = conn {
                if let Some(c) = state.connections.get_mut(*i) {
                    c.1 = None;
                }
            }
        }
        Call::Knobs {
            subscribe,
            unsubscribe,
            publish,
            reply,
            code,
        } => {
            *KNOBS.lock().unwrap() = Knobs {
                subscribe: *subscribe,
                unsubscribe: *unsubscribe,
                publish: *publish,
                reply: *reply,
                code: *code,
            };
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let input = Input::decode(data);
    *KNOBS.lock().unwrap() = DEFAULT_KNOBS;
    *LAST_REQUEST.lock().unwrap() = None;
    *COMPLETIONS.lock().unwrap() = Some(Completions {
        operations: HashMap::new(),
        notifications: 0,
    });
    LIVE.lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .clear();
    let mut state = State {
        initialized: false,
        connections: Vec::new(),
        handles: Vec::new(),
        callback_ops: 0,
    };
    // One connection to start with; the input may make more.
    call(
        &mut state,
        &Call::Connect {
            aws_iot: false,
            missing: 3,
            out: true,
        },
    );
    for c in &input.calls {
        call(&mut state, c);
    }
    call(&mut state, &Call::Cleanup);
    for (connection, ctx) in state.connections.drain(..) {
        // SAFETY: our handle (destroying twice is allowed).
        unsafe { AwsIotJobs_DestroyTransportConnection(connection) };
        drop(ctx);
    }
    // SAFETY: plain calls restoring the defaults.
    unsafe {
        assert_eq!(AwsIotJobs_SetResponseTimeout(30_000), SUCCESS);
        assert_eq!(AwsIotJobs_SetNotifyCallbackLimit(4), SUCCESS);
    }
    let live = LIVE.lock().unwrap().as_ref().map_or(0, HashSet::len);
    assert_eq!(live, 0, "mallocResponse buffers left over");
    *COMPLETIONS.lock().unwrap() = None;
});
