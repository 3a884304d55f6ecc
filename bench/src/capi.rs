//! The C API as the benchmarks use it: the functions of `c/jobs_client.c` (each one
//! `AwsIotJobs_*` call made the way firmware makes it) and the connections they run on.
//!
//! A [`Conn`] is an `IotMqttConnection_t`: made by `IotMqtt_Connect` from C, as firmware written
//! for v4 does ([`Conn::mqtt`]), or with `AwsIotJobs_CreateTransportConnection` over a transport
//! of ours: the library's Paho transport driven through the C transport interface
//! ([`Conn::paho`], what firmware with its own MQTT client does), an in-process echo that answers
//! every request at once (no broker: the library's own cost), or a silent one that never
//! answers (operations stay in flight).

use std::ffi::{c_char, c_void, CStr, CString};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Arc;
use std::time::Duration;

use awsiotjobs::core::router::Router;
use awsiotjobs::core::transport::{Qos, Transport};
use awsiotjobs::transport::paho::{LinkEvents, PahoTransport, Settings};

pub type Connection = *mut c_void;

pub const SUCCESS: i32 = 0;
pub const STATUS_PENDING: i32 = 1;
pub const FLAG_KEEP_SUBSCRIPTIONS: u32 = 2;
pub const STATE_IN_PROGRESS: i32 = 1;
pub const STATE_SUCCEEDED: i32 = 3;
pub const TIMEOUT: i32 = 8;

type SubscribeFn =
    unsafe extern "C" fn(*mut c_void, *const *const c_char, *const usize, usize, u32, u32) -> u32;
type UnsubscribeFn =
    unsafe extern "C" fn(*mut c_void, *const *const c_char, *const usize, usize, u32) -> u32;
type PublishFn =
    unsafe extern "C" fn(*mut c_void, *const c_char, usize, *const c_void, usize, u32, u32) -> u32;
type DoneFn = extern "C" fn(*mut c_void, i32, *const c_char, usize);

/// The result the completion of a notify-next message reports.
pub const NOTIFY: i32 = -1;
/// The result a [`Completion`] gets for a message of an application subscription.
pub const MESSAGE: i32 = -2;

extern "C" {
    fn AwsIotJobs_Init(mqtt_timeout_ms: u32) -> u32;
    fn AwsIotJobs_Cleanup();
    fn AwsIotJobs_SetResponseTimeout(timeout_ms: u32) -> u32;
    fn AwsIotJobs_ReceiveMessage(
        connection: Connection,
        topic: *const c_char,
        topic_length: usize,
        payload: *const c_void,
        payload_length: usize,
    ) -> u32;
    fn AwsIotJobs_DestroyTransportConnection(connection: Connection);

    fn bench_set_done(function: DoneFn);
    fn bench_update_sync(
        c: Connection,
        thing: *const c_char,
        job: *const c_char,
        status: i32,
        flags: u32,
        timeout_ms: u32,
    ) -> i32;
    fn bench_describe_sync(
        c: Connection,
        thing: *const c_char,
        job: *const c_char,
        flags: u32,
        timeout_ms: u32,
    ) -> i32;
    fn bench_get_pending_sync(
        c: Connection,
        thing: *const c_char,
        flags: u32,
        timeout_ms: u32,
    ) -> i32;
    fn bench_last_reply_length() -> usize;
    fn bench_update_async(
        c: Connection,
        thing: *const c_char,
        job: *const c_char,
        status: i32,
        expected_version: u32,
        flags: u32,
        context: *mut c_void,
    ) -> i32;
    fn bench_start_next_async(
        c: Connection,
        thing: *const c_char,
        flags: u32,
        context: *mut c_void,
    ) -> i32;
    fn bench_set_notify_next(c: Connection, thing: *const c_char, context: *mut c_void) -> i32;
    fn bench_mqtt_connect(
        host: *const c_char,
        port: u16,
        client_id: *const c_char,
        aws_iot_mqtt_mode: bool,
        timeout_ms: u32,
        connection: *mut Connection,
    ) -> i32;
    fn bench_mqtt_disconnect(c: Connection);
    fn bench_mqtt_connect_with(
        host: *const c_char,
        port: u16,
        client_id: *const c_char,
        aws_iot_mqtt_mode: bool,
        clean_session: bool,
        keep_alive_seconds: u16,
        timeout_ms: u32,
        connection: *mut Connection,
    ) -> i32;
    fn bench_mqtt_subscribe(
        connection: Connection,
        filter: *const c_char,
        context: *mut c_void,
    ) -> i32;
    fn bench_create_transport(
        context: *mut c_void,
        subscribe: SubscribeFn,
        unsubscribe: UnsubscribeFn,
        publish: PublishFn,
        aws_iot_mqtt_mode: bool,
        connection: *mut Connection,
    ) -> i32;
}

/// What runs when an asynchronous operation completes (its result and reply, empty for none)
/// or a notify-next message arrives (result [`NOTIFY`] and the document). Must outlive every
/// operation it is given to.
pub struct Completion(Box<CompletionFn>);

type CompletionFn = dyn Fn(i32, &[u8]) + Send + Sync;

impl Completion {
    pub fn new(f: impl Fn(i32, &[u8]) + Send + Sync + 'static) -> Completion {
        Completion(Box::new(f))
    }

    fn context(&self) -> *mut c_void {
        self as *const Completion as *mut c_void
    }
}

extern "C" fn dispatch(context: *mut c_void, result: i32, reply: *const c_char, length: usize) {
    // SAFETY: every context given to the C side is a live Completion (caller contract of the
    // async functions below); the reply is valid for the call.
    let (completion, reply) = unsafe {
        (
            &*(context as *const Completion),
            if reply.is_null() {
                &[][..]
            } else {
                std::slice::from_raw_parts(reply.cast::<u8>(), length)
            },
        )
    };
    (completion.0)(result, reply);
}

/// `AwsIotJobs_Init` with the default MQTT timeout.
pub fn init() {
    // SAFETY: plain calls into the library; `dispatch` lives for the program.
    unsafe {
        assert_eq!(AwsIotJobs_Init(0), 0, "AwsIotJobs_Init");
        bench_set_done(dispatch);
    }
}

/// The length of the reply the calling thread's last Sync call received.
pub fn last_reply_length() -> usize {
    // SAFETY: no argument.
    unsafe { bench_last_reply_length() }
}

/// `AwsIotJobs_Cleanup`: what is still in flight completes.
pub fn cleanup() {
    // SAFETY: no argument.
    unsafe { AwsIotJobs_Cleanup() }
}

pub fn set_response_timeout(timeout: Duration) {
    // SAFETY: no pointer.
    unsafe { AwsIotJobs_SetResponseTimeout(timeout.as_millis() as u32) };
}

/// Where the transport of a connection sends what the library asks.
enum Link {
    Paho(Arc<PahoTransport>),
    Echo,
    Silent,
}

/// The context pointer of a bench transport.
struct Ctx {
    link: Link,
    connection: AtomicPtr<c_void>,
}

/// A Jobs connection of the C API; closed on drop.
pub struct Conn {
    pub handle: Connection,
    /// The transport's context (`None` for an `IotMqtt_Connect` connection).
    ctx: Option<*mut Ctx>,
}

// SAFETY: the handle is a value the library looks up; the context is only read.
unsafe impl Send for Conn {}
// SAFETY: as above.
unsafe impl Sync for Conn {}

struct NoEvents;

impl LinkEvents for NoEvents {
    fn lost(&self) {}
    fn restored(&self) {}
}

impl Conn {
    /// `IotMqtt_Connect` to `host:port` (plain TCP), from C.
    pub fn mqtt(host: &str, port: u16, client_id: &str, aws_iot_mode: bool) -> Conn {
        let (h, id) = (cstring(host), cstring(client_id));
        let mut handle: Connection = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings valid for the call; `handle` is written on success.
        let status = unsafe {
            bench_mqtt_connect(
                h.as_ptr(),
                port,
                id.as_ptr(),
                aws_iot_mode,
                10_000,
                &mut handle,
            )
        };
        assert_eq!(status, SUCCESS, "IotMqtt_Connect to {host}:{port}");
        Conn { handle, ctx: None }
    }

    /// `IotMqtt_Connect` with a persistent session (`clean_session` false) or a short
    /// keep-alive; `Err` with the status when it fails (the soak expects some to).
    pub fn mqtt_with(
        host: &str,
        port: u16,
        client_id: &str,
        aws_iot_mode: bool,
        clean_session: bool,
        keep_alive: Duration,
    ) -> Result<Conn, i32> {
        let (h, id) = (cstring(host), cstring(client_id));
        let mut handle: Connection = std::ptr::null_mut();
        // SAFETY: NUL-terminated strings valid for the call; `handle` is written on success.
        let status = unsafe {
            bench_mqtt_connect_with(
                h.as_ptr(),
                port,
                id.as_ptr(),
                aws_iot_mode,
                clean_session,
                keep_alive.as_secs().min(u16::MAX as u64) as u16,
                10_000,
                &mut handle,
            )
        };
        if status == SUCCESS {
            Ok(Conn { handle, ctx: None })
        } else {
            Err(status)
        }
    }

    /// Over the library's Paho transport to `host:port`, through the C transport interface.
    pub fn paho(host: &str, port: u16, client_id: &str, aws_iot_mode: bool) -> Conn {
        let router = Router::new();
        let mut settings = Settings::new(host, port, client_id);
        settings.aws_iot = aws_iot_mode;
        let transport = PahoTransport::connect(
            &settings,
            router.clone(),
            Arc::new(NoEvents),
            Duration::from_secs(10),
        )
        .unwrap_or_else(|e| panic!("connect to {host}:{port}: {e}"));
        let conn = Conn::create(Link::Paho(transport), aws_iot_mode);
        let handle = conn.handle as usize;
        router.set_jobs_handler(Some(Arc::new(move |topic: &str, payload: &[u8]| {
            receive(handle as Connection, topic, payload);
        })));
        conn
    }

    /// Answers every request at once, in the publishing thread, with an accepted reply.
    pub fn echo(aws_iot_mode: bool) -> Conn {
        Conn::create(Link::Echo, aws_iot_mode)
    }

    /// Accepts every publish and never answers.
    pub fn silent(aws_iot_mode: bool) -> Conn {
        Conn::create(Link::Silent, aws_iot_mode)
    }

    fn create(link: Link, aws_iot_mode: bool) -> Conn {
        let ctx = Box::into_raw(Box::new(Ctx {
            link,
            connection: AtomicPtr::new(std::ptr::null_mut()),
        }));
        let mut handle: Connection = std::ptr::null_mut();
        // SAFETY: the context outlives the connection (freed after Destroy in drop).
        let status = unsafe {
            bench_create_transport(
                ctx.cast(),
                t_subscribe,
                t_unsubscribe,
                t_publish,
                aws_iot_mode,
                &mut handle,
            )
        };
        assert_eq!(status, SUCCESS, "AwsIotJobs_CreateTransportConnection");
        // SAFETY: just allocated, never freed before drop.
        unsafe { (*ctx).connection.store(handle, Ordering::Release) };
        Conn {
            handle,
            ctx: Some(ctx),
        }
    }

    pub fn update_sync(&self, thing: &CStr, job: &CStr, flags: u32, timeout: Duration) -> i32 {
        self.update_sync_to(thing, job, STATE_IN_PROGRESS, flags, timeout)
    }

    /// UpdateSync to `status` (one of the `STATE_*`).
    pub fn update_sync_to(
        &self,
        thing: &CStr,
        job: &CStr,
        status: i32,
        flags: u32,
        timeout: Duration,
    ) -> i32 {
        // SAFETY: NUL-terminated strings valid for the call.
        unsafe {
            bench_update_sync(
                self.handle,
                thing.as_ptr(),
                job.as_ptr(),
                status,
                flags,
                ms(timeout),
            )
        }
    }

    pub fn describe_sync(&self, thing: &CStr, job: &CStr, flags: u32, timeout: Duration) -> i32 {
        // SAFETY: as above.
        unsafe {
            bench_describe_sync(
                self.handle,
                thing.as_ptr(),
                job.as_ptr(),
                flags,
                ms(timeout),
            )
        }
    }

    pub fn get_pending_sync(&self, thing: &CStr, flags: u32, timeout: Duration) -> i32 {
        // SAFETY: as above.
        unsafe { bench_get_pending_sync(self.handle, thing.as_ptr(), flags, ms(timeout)) }
    }

    /// UpdateAsync to `status` (with `expected_version` unless 0); `done` runs on completion.
    pub fn update_async(
        &self,
        thing: &CStr,
        job: &CStr,
        status: i32,
        expected_version: u32,
        flags: u32,
        done: &Completion,
    ) -> i32 {
        // SAFETY: as above; `done` outlives the operation (caller contract).
        unsafe {
            bench_update_async(
                self.handle,
                thing.as_ptr(),
                job.as_ptr(),
                status,
                expected_version,
                flags,
                done.context(),
            )
        }
    }

    /// StartNextAsync; `done` runs on completion.
    pub fn start_next_async(&self, thing: &CStr, flags: u32, done: &Completion) -> i32 {
        // SAFETY: as above.
        unsafe { bench_start_next_async(self.handle, thing.as_ptr(), flags, done.context()) }
    }

    /// Adds a notify-next callback for `thing`: `done` gets [`NOTIFY`] and each document.
    pub fn set_notify_next(&self, thing: &CStr, done: &Completion) -> i32 {
        // SAFETY: as above.
        unsafe { bench_set_notify_next(self.handle, thing.as_ptr(), done.context()) }
    }

    /// An application subscription (`IotMqtt_SubscribeSync`, QoS 1) of an `IotMqtt_Connect`
    /// connection; each message goes to `done` with result [`MESSAGE`] and the payload.
    pub fn subscribe(&self, filter: &CStr, done: &Completion) -> i32 {
        // SAFETY: as above; `done` outlives the subscription (caller contract).
        unsafe { bench_mqtt_subscribe(self.handle, filter.as_ptr(), done.context()) }
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        let Some(ctx) = self.ctx else {
            // SAFETY: a connection of IotMqtt_Connect, disconnected once.
            unsafe { bench_mqtt_disconnect(self.handle) };
            return;
        };
        // SAFETY: after Destroy returns the library never calls the transport again, so the
        // context can be freed.
        unsafe {
            AwsIotJobs_DestroyTransportConnection(self.handle);
            let ctx = Box::from_raw(ctx);
            if let Link::Paho(t) = &ctx.link {
                t.close(true);
            }
        }
    }
}

fn ms(timeout: Duration) -> u32 {
    timeout.as_millis().min(u32::MAX as u128) as u32
}

pub fn cstring(s: &str) -> CString {
    CString::new(s).expect("no NUL")
}

fn receive(connection: Connection, topic: &str, payload: &[u8]) {
    // SAFETY: buffers valid for the call; the library copies what it keeps.
    unsafe {
        AwsIotJobs_ReceiveMessage(
            connection,
            topic.as_ptr().cast(),
            topic.len(),
            payload.as_ptr().cast(),
            payload.len(),
        );
    }
}

/// # Safety
/// `filters` holds `count` pointers with their lengths, each valid UTF-8 (the library's topics).
unsafe fn filters<'a>(
    filters: *const *const c_char,
    lengths: *const usize,
    count: usize,
) -> Vec<&'a str> {
    (0..count)
        .map(|i| {
            // SAFETY: caller contract.
            let bytes = unsafe {
                std::slice::from_raw_parts((*filters.add(i)).cast::<u8>(), *lengths.add(i))
            };
            std::str::from_utf8(bytes).unwrap_or("")
        })
        .collect()
}

fn status(result: Result<(), awsiotjobs::core::transport::TransportError>) -> u32 {
    match result {
        Ok(()) => 0,
        Err(awsiotjobs::core::transport::TransportError::Timeout) => 8,
        Err(_) => 5,
    }
}

fn qos(raw: u32) -> Qos {
    if raw == 0 {
        Qos::AtMostOnce
    } else {
        Qos::AtLeastOnce
    }
}

unsafe extern "C" fn t_subscribe(
    ctx: *mut c_void,
    f: *const *const c_char,
    l: *const usize,
    count: usize,
    q: u32,
    timeout_ms: u32,
) -> u32 {
    // SAFETY: our context; the library's arrays.
    let (ctx, filters) = unsafe { (&*ctx.cast::<Ctx>(), filters(f, l, count)) };
    match &ctx.link {
        Link::Paho(t) => {
            status(t.subscribe(&filters, qos(q), Duration::from_millis(timeout_ms.into())))
        }
        Link::Echo | Link::Silent => 0,
    }
}

unsafe extern "C" fn t_unsubscribe(
    ctx: *mut c_void,
    f: *const *const c_char,
    l: *const usize,
    count: usize,
    timeout_ms: u32,
) -> u32 {
    // SAFETY: as above.
    let (ctx, filters) = unsafe { (&*ctx.cast::<Ctx>(), filters(f, l, count)) };
    match &ctx.link {
        Link::Paho(t) => status(t.unsubscribe(&filters, Duration::from_millis(timeout_ms.into()))),
        Link::Echo | Link::Silent => 0,
    }
}

unsafe extern "C" fn t_publish(
    ctx: *mut c_void,
    topic: *const c_char,
    topic_length: usize,
    payload: *const c_void,
    payload_length: usize,
    q: u32,
    timeout_ms: u32,
) -> u32 {
    // SAFETY: our context; the library's buffers.
    let (ctx, topic, payload) = unsafe {
        (
            &*ctx.cast::<Ctx>(),
            std::str::from_utf8(std::slice::from_raw_parts(topic.cast::<u8>(), topic_length))
                .unwrap_or(""),
            std::slice::from_raw_parts(payload.cast::<u8>(), payload_length),
        )
    };
    match &ctx.link {
        Link::Paho(t) => status(t.publish(
            topic,
            payload,
            qos(q),
            Duration::from_millis(timeout_ms.into()),
        )),
        Link::Silent => 0,
        Link::Echo => {
            let (reply_topic, reply) = echo_reply(topic, payload);
            receive(ctx.connection.load(Ordering::Acquire), &reply_topic, &reply);
            0
        }
    }
}

/// The accepted reply the service would send to a request, with its client token.
fn echo_reply(topic: &str, payload: &[u8]) -> (String, Vec<u8>) {
    let token = serde_json::from_slice::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| {
            v.get("clientToken")
                .and_then(|t| t.as_str())
                .map(str::to_owned)
        })
        .unwrap_or_default();
    let reply = serde_json::json!({
        "clientToken": token,
        "timestamp": 1,
        "executionState": { "status": "IN_PROGRESS", "versionNumber": 2 },
    });
    (format!("{topic}/accepted"), reply.to_string().into_bytes())
}
