//! What an `IotMqttConnection_t` made by `IotMqtt_Connect` is, and what an
//! `IotMqttOperation_t` is.
//!
//! A connection is a [`PahoTransport`] (which reconnects by itself), the [`Router`] its inbound
//! messages go to, and two threads of ours: `awsiotjobs-mqtt-cb` runs every application callback
//! of the connection in order (subscription messages, operation completions, the disconnect
//! callback), `awsiotjobs-mqtt-ops` carries out the asynchronous operations one at a time. The
//! connection is registered once, in [`handles`] like every connection the Jobs functions
//! accept, with itself as the link; the `IotMqtt_*` functions look it up there. An operation
//! handle is a key of the operation table here (a [`HandleTable`] in a range of its own, so a
//! Jobs operation handle is never mistaken for one); only waitable operations are in it, and
//! `IotMqtt_Wait` takes them out.

use core::ffi::c_char;
use rustc_hash::FxHashMap as HashMap;
use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, OnceLock};
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use super::args::{ConnectRequest, MqttCallback, MqttResult, Subscription, BAD_PARAMETER};
use super::serial::SerialThread;
use crate::core::panics::contain;
use crate::core::router::Router;
use crate::core::transport::{Connection, Qos, TransportError};
use crate::ffi::boundary::handles::{self, ConnectionEntry, HandleTable, Link};
use crate::ffi::boundary::{SendPtr, MQTT_PANIC};
use crate::ffi::jobs::library;
use crate::ffi::types::{
    _mqttConnection, IotMqttCallbackParamMessage, IotMqttCallbackParamOperation,
    IotMqttCallbackParamU, IotMqttCallbackParam_t, IotMqttConnection_t, IotMqttDisconnectReason,
    IotMqttError, IotMqttError_t, IotMqttOperationType_t, IotMqttOperation_t, IotMqttPublishInfo_t,
};
use crate::transport::paho::{self, ConnectError, Holder, LinkEvents, PahoTransport};

/// The code of a transport failure, as the v4 MQTT library reported it.
pub fn status_of(result: Result<(), TransportError>) -> IotMqttError {
    match result {
        Ok(()) => IotMqttError::IOT_MQTT_SUCCESS,
        Err(TransportError::Timeout) => IotMqttError::IOT_MQTT_TIMEOUT,
        Err(TransportError::Refused) => IotMqttError::IOT_MQTT_SERVER_REFUSED,
        Err(TransportError::NotConnected) | Err(TransportError::Failed(_)) => {
            IotMqttError::IOT_MQTT_NETWORK_ERROR
        }
    }
}

/// The code of a failed connect.
pub fn connect_status(error: &ConnectError) -> IotMqttError {
    match error {
        ConnectError::Invalid(_) => IotMqttError::IOT_MQTT_BAD_PARAMETER,
        ConnectError::Network(_) => IotMqttError::IOT_MQTT_NETWORK_ERROR,
        ConnectError::Refused(_) => IotMqttError::IOT_MQTT_SERVER_REFUSED,
        ConnectError::Timeout => IotMqttError::IOT_MQTT_TIMEOUT,
    }
}

/// Tells the application's disconnect callback that the link dropped.
struct LinkWatch {
    handle: OnceLock<usize>,
    callbacks: Arc<SerialThread>,
    disconnect: Option<MqttCallback>,
}

impl LinkEvents for LinkWatch {
    fn lost(&self) {
        if let (Some(callback), Some(&handle)) = (self.disconnect, self.handle.get()) {
            // A link that fails under the library is what v4 reported as a bad packet.
            let reason = IotMqttDisconnectReason::IOT_MQTT_BAD_PACKET_RECEIVED;
            call_later(&self.callbacks, callback, disconnect_param(handle, reason));
        }
    }

    fn restored(&self) {}
}

fn disconnect_param(handle: usize, reason: IotMqttDisconnectReason) -> IotMqttCallbackParam_t {
    IotMqttCallbackParam_t {
        mqttConnection: handle as IotMqttConnection_t,
        u: IotMqttCallbackParamU {
            disconnectReason: reason as u32,
        },
    }
}

/// An MQTT connection of `IotMqtt_Connect`.
pub struct MqttConnection {
    handle: OnceLock<usize>,
    pub transport: Arc<PahoTransport>,
    pub router: Arc<Router>,
    pub aws_iot: bool,
    callbacks: Arc<SerialThread>,
    operations: SerialThread,
    /// The callback of each filter the application subscribed to.
    app_callbacks: Mutex<HashMap<String, MqttCallback>>,
    disconnect_callback: Option<MqttCallback>,
    closed: AtomicBool,
}

/// The connection of `IotMqtt_Connect` behind a handle, or `BAD_PARAMETER` (for a handle that
/// is unknown, closed, or a C transport's).
pub fn lookup(handle: IotMqttConnection_t) -> MqttResult<Arc<MqttConnection>> {
    handles::connection(handle)
        .and_then(|entry| entry.link_as::<MqttConnection>())
        .ok_or(BAD_PARAMETER)
}

/// How long an asynchronous subscribe or unsubscribe may wait for the link and the broker.
pub const ASYNC_PATIENCE: Duration = Duration::from_secs(5);

impl MqttConnection {
    /// Connects as `request` says within `timeout` and registers the connection.
    pub fn open(request: ConnectRequest, timeout: Duration) -> MqttResult<Arc<MqttConnection>> {
        let thread_failed = |_| IotMqttError::IOT_MQTT_INIT_FAILED;
        let callbacks = Arc::new(SerialThread::start("awsiotjobs-mqtt-cb").map_err(thread_failed)?);
        let operations = SerialThread::start("awsiotjobs-mqtt-ops").map_err(|e| {
            callbacks.stop();
            thread_failed(e)
        })?;
        let watch = Arc::new(LinkWatch {
            handle: OnceLock::new(),
            callbacks: callbacks.clone(),
            disconnect: request.disconnect_callback,
        });
        let router = Router::new();
        let connected =
            PahoTransport::connect(&request.settings, router.clone(), watch.clone(), timeout);
        let transport = match connected {
            Ok(transport) => transport,
            Err(error) => {
                callbacks.stop();
                operations.stop();
                return Err(connect_status(&error));
            }
        };
        let connection = Arc::new(MqttConnection {
            handle: OnceLock::new(),
            transport: transport.clone(),
            router: router.clone(),
            aws_iot: request.settings.aws_iot,
            callbacks,
            operations,
            app_callbacks: Mutex::new(HashMap::default()),
            disconnect_callback: request.disconnect_callback,
            closed: AtomicBool::new(false),
        });
        let handle = handles::add_connection(ConnectionEntry {
            connection: Connection::new(transport, router),
            link: connection.clone(),
        }) as usize;
        let _ = connection.handle.set(handle);
        let _ = watch.handle.set(handle);
        connection.adopt(&request.previous);
        Ok(connection)
    }

    pub fn handle(&self) -> IotMqttConnection_t {
        self.handle.get().copied().unwrap_or(0) as IotMqttConnection_t
    }

    /// Routes messages matching `subscription.filter` to its callback, on the callback thread.
    fn route(&self, subscription: &Subscription) {
        let Some(callback) = subscription.callback else {
            return;
        };
        let filter: Arc<str> = subscription.filter.as_str().into();
        let callbacks = self.callbacks.clone();
        let connection = SendPtr::<_mqttConnection>(self.handle());
        self.router.set_app_handler(
            &subscription.filter,
            Arc::new(move |topic: &str, payload: &[u8]| {
                let meta = paho::current_inbound().unwrap_or(paho::InboundMeta {
                    qos: 0,
                    retain: false,
                });
                let bytes = topic.len() + payload.len();
                let (filter, topic, payload) = (filter.clone(), topic.to_owned(), payload.to_vec());
                let name = filter.clone();
                callbacks.spawn_message(&name, bytes, move || {
                    deliver(callback, connection.get(), &filter, &topic, &payload, meta)
                });
            }),
        );
        self.app_callbacks
            .lock()
            .insert(subscription.filter.clone(), callback);
    }

    fn unroute(&self, filter: &str) {
        self.router.remove_app_handler(filter);
        self.app_callbacks.lock().remove(filter);
    }

    /// Takes over a persistent session's subscriptions: routed, held, nothing sent.
    fn adopt(&self, previous: &[Subscription]) {
        for subscription in previous {
            self.route(subscription);
        }
        let filters: Vec<(&str, Qos)> = previous
            .iter()
            .map(|s| (s.filter.as_str(), s.qos))
            .collect();
        self.transport.adopt(Holder::App, &filters);
    }

    /// Subscribes the application to `list`: callbacks are routed before the SUBSCRIBE goes
    /// out (a retained message may follow the SUBACK at once) and withdrawn if it fails.
    pub fn subscribe(&self, list: &[Subscription], timeout: Duration) -> IotMqttError {
        let fresh: Vec<&str> = list
            .iter()
            .filter(|s| !self.app_callbacks.lock().contains_key(&s.filter))
            .map(|s| s.filter.as_str())
            .collect();
        for subscription in list {
            self.route(subscription);
        }
        let filters: Vec<(&str, Qos)> = list.iter().map(|s| (s.filter.as_str(), s.qos)).collect();
        let status = status_of(self.transport.subscribe_as(Holder::App, &filters, timeout));
        if status != IotMqttError::IOT_MQTT_SUCCESS {
            for filter in fresh {
                self.unroute(filter);
            }
        }
        status
    }

    /// Unsubscribes the application from `list`; its callbacks stop at once.
    pub fn unsubscribe(&self, list: &[Subscription], timeout: Duration) -> IotMqttError {
        for subscription in list {
            self.unroute(&subscription.filter);
        }
        let filters: Vec<&str> = list.iter().map(|s| s.filter.as_str()).collect();
        status_of(
            self.transport
                .unsubscribe_as(Holder::App, &filters, timeout),
        )
    }

    /// Whether `filter` is subscribed (by the application or the Jobs library), with its QoS
    /// and the application's callback. A Jobs reply topic counts as subscribed while the Jobs
    /// library's subscription of its thing delivers it.
    pub fn subscription(&self, filter: &str) -> Option<(Qos, Option<MqttCallback>)> {
        match self.transport.subscription(filter) {
            Some((qos, _)) => Some((qos, self.app_callbacks.lock().get(filter).copied())),
            None => self.transport.jobs_coverage(filter).map(|qos| (qos, None)),
        }
    }

    /// Runs `work` on the operations thread as an operation of `kind`. Its result goes to the
    /// waitable operation, or to `callback` on the callback thread. The operation's handle is
    /// written to `reference` (when not NULL) before anything can complete.
    ///
    /// # Safety
    /// `reference` is NULL or writable.
    pub unsafe fn start(
        self: &Arc<Self>,
        kind: IotMqttOperationType_t,
        waitable: bool,
        callback: Option<MqttCallback>,
        reference: *mut IotMqttOperation_t,
        work: impl FnOnce(&MqttConnection) -> IotMqttError + Send + 'static,
    ) -> IotMqttError {
        let (handle, operation) = MqttOperation::create(waitable);
        if !reference.is_null() {
            // SAFETY: writable (caller contract).
            unsafe { *reference = handle as IotMqttOperation_t };
        }
        let connection = self.clone();
        let queued = self.operations.spawn(move || {
            let result = contain("an asynchronous MQTT operation", || work(&connection))
                .unwrap_or(MQTT_PANIC);
            operation.complete(result);
            if let Some(callback) = callback {
                let param = operation_param(connection.handle(), kind, handle, result);
                call_later(&connection.callbacks, callback, param);
            }
        });
        if queued {
            IotMqttError::IOT_MQTT_STATUS_PENDING
        } else {
            MqttOperation::forget(handle);
            IotMqttError::IOT_MQTT_NETWORK_ERROR
        }
    }

    /// Closes the connection: Jobs operations on it end with `AWS_IOT_JOBS_MQTT_ERROR`, the link
    /// closes (with a DISCONNECT if `send_disconnect`), queued operations fail with
    /// `IOT_MQTT_NETWORK_ERROR`, the disconnect callback runs with `IOT_MQTT_DISCONNECT_CALLED`,
    /// and the connection's threads end after the callbacks queued so far (the callback thread
    /// after the current callback, when this is called from one). Idempotent.
    pub fn close(&self, send_disconnect: bool) {
        if self.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        let handle = self.handle();
        if handles::remove_connection(handle).is_some() {
            self.router.set_jobs_handler(None);
            library::connection_closed(handle);
        }
        self.transport.close(send_disconnect);
        self.operations.stop();
        if let Some(callback) = self.disconnect_callback {
            let param = disconnect_param(
                handle as usize,
                IotMqttDisconnectReason::IOT_MQTT_DISCONNECT_CALLED,
            );
            call_later(&self.callbacks, callback, param);
        }
        self.callbacks.stop();
    }
}

impl Link for MqttConnection {
    fn close(&self) {
        MqttConnection::close(self, true);
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// Calls a subscription callback with the original `IotMqttCallbackParam_t` layout; every
/// pointer in it is valid for the call only.
fn deliver(
    callback: MqttCallback,
    connection: IotMqttConnection_t,
    filter: &str,
    topic: &str,
    payload: &[u8],
    meta: paho::InboundMeta,
) {
    let message = IotMqttCallbackParamMessage {
        pTopicFilter: filter.as_ptr().cast::<c_char>(),
        topicFilterLength: filter.len() as u16,
        info: IotMqttPublishInfo_t {
            qos: meta.qos as u32,
            retain: meta.retain,
            pTopicName: topic.as_ptr().cast::<c_char>(),
            topicNameLength: topic.len().min(u16::MAX as usize) as u16,
            pPayload: payload.as_ptr().cast(),
            payloadLength: payload.len(),
            retryMs: 0,
            retryLimit: 0,
        },
    };
    callback.call(IotMqttCallbackParam_t {
        mqttConnection: connection,
        u: IotMqttCallbackParamU { message },
    });
}

/// A callback parameter that may travel to the callback thread.
struct SendParam(IotMqttCallbackParam_t);

// SAFETY: only operation and disconnect parameters travel, which hold the connection and
// operation handles: keys, never dereferenced.
unsafe impl Send for SendParam {}

impl SendParam {
    fn get(self) -> IotMqttCallbackParam_t {
        self.0
    }
}

/// Queues a call of `callback` with an operation or disconnect parameter.
fn call_later(callbacks: &SerialThread, callback: MqttCallback, param: IotMqttCallbackParam_t) {
    let param = SendParam(param);
    callbacks.spawn(move || callback.call(param.get()));
}

fn operation_param(
    connection: IotMqttConnection_t,
    kind: IotMqttOperationType_t,
    handle: usize,
    result: IotMqttError,
) -> IotMqttCallbackParam_t {
    IotMqttCallbackParam_t {
        mqttConnection: connection,
        u: IotMqttCallbackParamU {
            operation: IotMqttCallbackParamOperation {
                r#type: kind,
                reference: handle as IotMqttOperation_t,
                result: result as IotMqttError_t,
            },
        },
    }
}

/// An asynchronous operation's outcome, once it is known.
pub struct MqttOperation {
    result: Mutex<Option<IotMqttError>>,
    done: Condvar,
}

/// Operation handles start here, in a range of their own.
const OPERATION_BASE: usize = 0x00c0_ffee_8000_0000;

/// The waitable operations not yet waited for.
static OPERATIONS: LazyLock<HandleTable<Arc<MqttOperation>>> =
    LazyLock::new(|| HandleTable::new(OPERATION_BASE));

impl MqttOperation {
    /// A new operation and its handle; a waitable one is entered in the table.
    fn create(waitable: bool) -> (usize, Arc<MqttOperation>) {
        let handle = OPERATIONS.new_key();
        let operation = Arc::new(MqttOperation {
            result: Mutex::new(None),
            done: Condvar::new(),
        });
        if waitable {
            OPERATIONS.insert_at(handle, operation.clone());
        }
        (handle, operation)
    }

    fn forget(handle: usize) {
        OPERATIONS.remove(handle);
    }

    fn complete(&self, result: IotMqttError) {
        *self.result.lock() = Some(result);
        self.done.notify_all();
    }

    /// `IotMqtt_Wait`: takes a waitable operation out of the table and waits up to `timeout`
    /// for its result. `BAD_PARAMETER` for a handle that is not a waitable operation (or was
    /// waited for already); `IOT_MQTT_TIMEOUT` if it did not complete in time (it is forgotten
    /// either way, as in v4).
    pub fn wait(handle: IotMqttOperation_t, timeout: Duration) -> IotMqttError {
        let Some(operation) = OPERATIONS.remove(handle as usize) else {
            return BAD_PARAMETER;
        };
        let deadline = Instant::now() + timeout;
        let mut result = operation.result.lock();
        while result.is_none() {
            if operation.done.wait_until(&mut result, deadline).timed_out() {
                break;
            }
        }
        result.unwrap_or(IotMqttError::IOT_MQTT_TIMEOUT)
    }
}
