//! The C transport interface: how firmware plugs its own MQTT client into the Jobs library.

use core::ffi::{c_char, c_void};
use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::RwLock;

use crate::core::router::Router;
use crate::core::transport::{Connection, Qos, Transport, TransportError};
use crate::core::JobsError;
use crate::ffi::boundary::handles::{self, ConnectionEntry, Link};
use crate::ffi::boundary::{code, guard, required_str, try_bytes, try_ref, JOBS_PANIC};
use crate::ffi::jobs::library;
use crate::ffi::types::{
    AwsIotJobsError_t, IotMqttConnection_t, IotMqttError, IotMqttError_t, IotMqttQos_t,
};

/// The functions through which the Jobs library uses a firmware-provided MQTT client. Each
/// function gets `pContext` as its first argument.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // Until the functions that take it are written.
pub struct AwsIotJobsTransport_t {
    pub pContext: *mut c_void,
    pub subscribe: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopicFilters: *const *const c_char,
            pTopicFilterLengths: *const usize,
            count: usize,
            qos: IotMqttQos_t,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub unsubscribe: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopicFilters: *const *const c_char,
            pTopicFilterLengths: *const usize,
            count: usize,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub publish: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopic: *const c_char,
            topicLength: usize,
            pPayload: *const c_void,
            payloadLength: usize,
            qos: IotMqttQos_t,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub awsIotMqttMode: bool,
}

/// A firmware MQTT client behind the [`Transport`] trait. Calls into C hold a read lock, so
/// that closing the connection waits for calls in progress and no call starts afterwards.
struct CTransport {
    vtable: AwsIotJobsTransport_t,
    open: RwLock<bool>,
}

// SAFETY: the firmware promises (by this interface's contract) that its functions may be called
// from any thread with its context pointer until the connection is destroyed.
unsafe impl Send for CTransport {}
// SAFETY: as above.
unsafe impl Sync for CTransport {}

fn mqtt_result(status: IotMqttError_t) -> Result<(), TransportError> {
    const SUCCESS: u32 = IotMqttError::IOT_MQTT_SUCCESS as u32;
    const TIMEOUT: u32 = IotMqttError::IOT_MQTT_TIMEOUT as u32;
    const REFUSED: u32 = IotMqttError::IOT_MQTT_SERVER_REFUSED as u32;
    match status {
        SUCCESS => Ok(()),
        TIMEOUT => Err(TransportError::Timeout),
        REFUSED => Err(TransportError::Refused),
        other => Err(TransportError::Failed(format!(
            "transport returned {other}"
        ))),
    }
}

fn ms(timeout: Duration) -> u32 {
    timeout.as_millis().min(u32::MAX as u128) as u32
}

impl CTransport {
    fn with_open<R>(
        &self,
        call: impl FnOnce() -> Result<R, TransportError>,
    ) -> Result<R, TransportError> {
        let open = self.open.read();
        if !*open {
            return Err(TransportError::NotConnected);
        }
        call()
    }

    fn filters_call(
        &self,
        filters: &[&str],
        call: impl FnOnce(*const *const c_char, *const usize, usize) -> IotMqttError_t,
    ) -> Result<(), TransportError> {
        let pointers: Vec<*const c_char> = filters.iter().map(|f| f.as_ptr().cast()).collect();
        let lengths: Vec<usize> = filters.iter().map(|f| f.len()).collect();
        self.with_open(|| mqtt_result(call(pointers.as_ptr(), lengths.as_ptr(), filters.len())))
    }
}

impl Transport for CTransport {
    fn subscribe(
        &self,
        filters: &[&str],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let f = self.vtable.subscribe.ok_or(TransportError::NotConnected)?;
        let ctx = self.vtable.pContext;
        // SAFETY: the firmware's function, called with its context and arrays valid for the call.
        self.filters_call(filters, |p, l, n| unsafe {
            f(ctx, p, l, n, qos as u32, ms(timeout))
        })
    }

    fn unsubscribe(&self, filters: &[&str], timeout: Duration) -> Result<(), TransportError> {
        let f = self
            .vtable
            .unsubscribe
            .ok_or(TransportError::NotConnected)?;
        let ctx = self.vtable.pContext;
        // SAFETY: as in `subscribe`.
        self.filters_call(filters, |p, l, n| unsafe { f(ctx, p, l, n, ms(timeout)) })
    }

    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let f = self.vtable.publish.ok_or(TransportError::NotConnected)?;
        let ctx = self.vtable.pContext;
        self.with_open(|| {
            // SAFETY: the firmware's function, called with its context and buffers valid for the call.
            let status = unsafe {
                f(
                    ctx,
                    topic.as_ptr().cast(),
                    topic.len(),
                    payload.as_ptr().cast(),
                    payload.len(),
                    qos as u32,
                    ms(timeout),
                )
            };
            mqtt_result(status)
        })
    }

    fn is_aws_iot(&self) -> bool {
        self.vtable.awsIotMqttMode
    }
}

impl Link for CTransport {
    fn close(&self) {
        *self.open.write() = false;
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// Makes an `IotMqttConnection_t` out of a firmware MQTT client, for use with every
/// `AwsIotJobs_*` function. `pTransport` is copied; its three functions must be set and stay
/// callable, from any thread the library owns, with `pContext` until
/// `AwsIotJobs_DestroyTransportConnection` returns. Each returns `IOT_MQTT_SUCCESS` once the
/// broker acknowledged (or, for QoS 0, once sent) and must not call back into the library
/// except through `AwsIotJobs_ReceiveMessage`. Set `awsIotMqttMode` when the broker may be AWS
/// IoT: the library then keeps its reply subscriptions within AWS IoT's quota and goes on
/// without one the broker refuses (AWS IoT delivers a reply to its requester anyway). In both
/// modes it subscribes once per thing, to three wildcard filters (`$aws/things/T/jobs/+/accepted`,
/// `.../+/rejected`, `.../+/+/+`): the transport's broker must accept `+` in filters.
/// Ownership: the handle is the caller's until `AwsIotJobs_DestroyTransportConnection`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_CreateTransportConnection(
    pTransport: *const AwsIotJobsTransport_t,
    pConnection: *mut IotMqttConnection_t,
) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
        code((|| {
            // SAFETY: NULL or valid (caller contract).
            let vtable = *unsafe { try_ref(pTransport) }?;
            if vtable.subscribe.is_none()
                || vtable.unsubscribe.is_none()
                || vtable.publish.is_none()
                || pConnection.is_null()
            {
                return Err(JobsError::BadParameter);
            }
            let transport = Arc::new(CTransport {
                vtable,
                open: RwLock::new(true),
            });
            let connection = Connection::new(transport.clone(), Router::new());
            let handle = handles::add_connection(ConnectionEntry {
                connection,
                link: transport,
            });
            // SAFETY: non-NULL and writable (caller contract).
            unsafe { *pConnection = handle };
            Ok(JobsError::Success)
        })())
    })
}

/// Hands one message the firmware's MQTT client received to the library. Call it from any
/// thread, for every message on a topic the library subscribed to (and, in AWS IoT mode, for
/// Jobs replies that arrive without a subscription); other messages are ignored. The topic and
/// payload are copied as needed before it returns; it never blocks on the network and never
/// runs application callbacks itself. `AWS_IOT_JOBS_BAD_PARAMETER` for an unknown connection, a
/// NULL topic, or a topic that is not UTF-8.
/// Ownership: topic and payload are borrowed for the call only.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_ReceiveMessage(
    mqttConnection: IotMqttConnection_t,
    pTopic: *const c_char,
    topicLength: usize,
    pPayload: *const c_void,
    payloadLength: usize,
) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
        code((|| {
            let entry = handles::connection(mqttConnection).ok_or(JobsError::BadParameter)?;
            // SAFETY: readable for the lengths given (caller contract).
            let topic = unsafe { required_str(pTopic, topicLength) }?;
            // SAFETY: as above.
            let payload = unsafe { try_bytes(pPayload.cast(), payloadLength) }?.unwrap_or_default();
            entry.connection.router.deliver(topic, payload);
            Ok(JobsError::Success)
        })())
    })
}

/// Destroys a connection made by `AwsIotJobs_CreateTransportConnection`. Jobs operations still
/// in flight on it complete with `AWS_IOT_JOBS_MQTT_ERROR`; its notify callbacks are dropped.
/// When it returns, the library will not call the transport's functions again. Unknown or NULL
/// handles are ignored.
/// Any thread, but not from inside one of the transport's functions: it waits for the calls in
/// progress.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_DestroyTransportConnection(
    mqttConnection: IotMqttConnection_t,
) {
    guard((), || {
        if let Some(entry) = handles::remove_connection(mqttConnection) {
            entry.connection.router.set_jobs_handler(None);
            library::connection_closed(mqttConnection);
            entry.link.close();
        }
    })
}
