//! The `IotMqtt_*` functions of the v4 `iot_mqtt.h` (`IotMqtt_strerror` and
//! `IotMqtt_OperationType` are in `strings`): connecting to a broker through Paho, publishing,
//! subscribing with callbacks, waiting for operations.
//!
//! Every function runs through [`guard`], checks `IotMqtt_Init` first (`IOT_MQTT_NOT_INITIALIZED`,
//! as v4), reads its arguments with the v4 checks of `args` (`IOT_MQTT_BAD_PARAMETER`), and
//! looks handles up rather than dereferencing them: an unknown connection or operation is
//! `IOT_MQTT_BAD_PARAMETER`. Callbacks never run on the caller's thread or on a Paho thread:
//! each connection has a callback thread of its own. A connection keeps itself up until
//! `IotMqtt_Disconnect`: a dropped link is reported to the disconnect callback, then restored
//! with its subscriptions (see `transport::paho`).

use core::ffi::c_char;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::args::{self, MqttCallback, MqttResult, Subscription, BAD_PARAMETER};
use super::connection::{self, status_of, MqttConnection, MqttOperation, ASYNC_PATIENCE};
use crate::core::transport::Qos;
use crate::ffi::boundary::{guard, MQTT_PANIC};
use crate::ffi::types::{
    IotMqttCallbackInfo_t, IotMqttConnectInfo_t, IotMqttConnection_t, IotMqttError, IotMqttError_t,
    IotMqttNetworkInfo_t, IotMqttOperationType, IotMqttOperation_t, IotMqttPublishInfo_t,
    IotMqttSubscription_t, IOT_MQTT_FLAG_CLEANUP_ONLY, IOT_MQTT_FLAG_WAITABLE,
};

static INITIALIZED: AtomicBool = AtomicBool::new(false);

fn initialized() -> MqttResult<()> {
    if INITIALIZED.load(Ordering::Acquire) {
        Ok(())
    } else {
        Err(IotMqttError::IOT_MQTT_NOT_INITIALIZED)
    }
}

/// Runs an entry point's body behind the panic guard and returns its code.
fn run(body: impl FnOnce() -> MqttResult<IotMqttError>) -> IotMqttError_t {
    guard(MQTT_PANIC as IotMqttError_t, || match body() {
        Ok(status) | Err(status) => status as IotMqttError_t,
    })
}

fn ms(timeout_ms: u32) -> Duration {
    Duration::from_millis(timeout_ms as u64)
}

/// The v4 rules for the notification of an asynchronous operation: a waitable one needs a
/// place for its reference and takes no callback.
fn check_notification(
    flags: u32,
    callback: Option<MqttCallback>,
    reference: *mut IotMqttOperation_t,
) -> MqttResult<bool> {
    let waitable = flags & IOT_MQTT_FLAG_WAITABLE != 0;
    if waitable && (reference.is_null() || callback.is_some()) {
        return Err(BAD_PARAMETER);
    }
    Ok(waitable)
}

/// Starts the MQTT library. A second call is a successful no-op. Any thread.
#[no_mangle]
pub extern "C" fn IotMqtt_Init() -> IotMqttError_t {
    INITIALIZED.store(true, Ordering::Release);
    IotMqttError::IOT_MQTT_SUCCESS as IotMqttError_t
}

/// Stops the MQTT library: later calls return `IOT_MQTT_NOT_INITIALIZED` until the next
/// `IotMqtt_Init`. Connections are not closed (call `IotMqtt_Disconnect` first, as in v4).
/// Any thread.
#[no_mangle]
pub extern "C" fn IotMqtt_Cleanup() {
    INITIALIZED.store(false, Ordering::Release);
}

/// Connects to the broker that `pNetworkInfo` names (through `IOT_NETWORK_INTERFACE_OPENSSL`,
/// with TLS when `pNetworkCredentialInfo` is set) with the CONNECT of `pConnectInfo`, within
/// `timeoutMs`. On `IOT_MQTT_SUCCESS` `*pMqttConnection` is a handle usable with every
/// `IotMqtt_*` and `AwsIotJobs_*` function until `IotMqtt_Disconnect`. Both infos and what they
/// point to are read during the call only (credentials are file paths). Failures:
/// `IOT_MQTT_NETWORK_ERROR` (no route, refused, unknown host, TLS), `IOT_MQTT_SERVER_REFUSED`
/// (CONNACK refusal), `IOT_MQTT_TIMEOUT`. Blocks the calling thread; starts the connection's
/// threads. Any thread, callbacks of this library included.
///
/// TLS follows the credentials: only `pRootCa` is trusted, the host name is verified against
/// the server's certificate and sent as SNI unless `disableSni`, `pAlpnProtos` is offered, and
/// `maxFragmentLength` (0, or 512 to 16384; anything else is `IOT_MQTT_BAD_PARAMETER`) limits
/// the records sent.
/// Ownership: the handle is the caller's until `IotMqtt_Disconnect`, which frees it. A panic inside
/// this or any `IotMqtt_*` function that returns a status gives `IOT_MQTT_SCHEDULING_ERROR`.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_Connect(
    pNetworkInfo: *const IotMqttNetworkInfo_t,
    pConnectInfo: *const IotMqttConnectInfo_t,
    timeoutMs: u32,
    pMqttConnection: *mut IotMqttConnection_t,
) -> IotMqttError_t {
    run(|| {
        initialized()?;
        if pMqttConnection.is_null() {
            return Err(BAD_PARAMETER);
        }
        // SAFETY: NULL or valid (caller contract).
        let request = unsafe { args::connect(pNetworkInfo, pConnectInfo) }?;
        let connection = MqttConnection::open(request, ms(timeoutMs))?;
        // SAFETY: non-NULL and writable (caller contract).
        unsafe { *pMqttConnection = connection.handle() };
        Ok(IotMqttError::IOT_MQTT_SUCCESS)
    })
}

/// Closes a connection: a DISCONNECT is sent unless `flags` has `IOT_MQTT_FLAG_CLEANUP_ONLY`
/// (then the socket just closes, as after a network failure, and the broker publishes the
/// connection's will), Jobs operations still in flight on it end with `AWS_IOT_JOBS_MQTT_ERROR`, queued MQTT
/// operations with `IOT_MQTT_NETWORK_ERROR`, and the disconnect callback runs with
/// `IOT_MQTT_DISCONNECT_CALLED`. When it returns no callback of the connection runs any more
/// (unless it was called from one, which finishes first). The handle is invalid afterwards;
/// unknown handles are ignored. Any thread, the connection's own callbacks included.
#[no_mangle]
pub extern "C" fn IotMqtt_Disconnect(mqttConnection: IotMqttConnection_t, flags: u32) {
    guard((), || {
        if let Ok(connection) = connection::lookup(mqttConnection) {
            let send = flags & IOT_MQTT_FLAG_CLEANUP_ONLY == 0 && initialized().is_ok();
            connection.close(send);
        }
    })
}

/// Publishes and waits up to `timeoutMs` for the link and (QoS 1) the PUBACK. The publish info
/// is copied. `IOT_MQTT_SUCCESS`, `IOT_MQTT_TIMEOUT` (no PUBACK in time) or
/// `IOT_MQTT_NETWORK_ERROR` (the link stayed down). Blocks the calling thread. `flags` is
/// unused, as in v4.
/// Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_PublishSync(
    mqttConnection: IotMqttConnection_t,
    pPublishInfo: *const IotMqttPublishInfo_t,
    flags: u32,
    timeoutMs: u32,
) -> IotMqttError_t {
    let _ = flags;
    run(|| {
        initialized()?;
        let connection = connection::lookup(mqttConnection)?;
        // SAFETY: NULL or valid (caller contract).
        let publish = unsafe { args::publish(pPublishInfo, connection.aws_iot) }?;
        Ok(status_of(connection.transport.publish_message(
            &publish.topic,
            &publish.payload,
            publish.qos,
            publish.retain,
            ms(timeoutMs),
        )))
    })
}

/// Publishes without blocking. QoS 0: `IOT_MQTT_SUCCESS` once queued (no callback, no
/// reference, not waitable). QoS 1: `IOT_MQTT_STATUS_PENDING`; the result (after the PUBACK,
/// or an error when the link stays down or the PUBACK does not come within
/// max(5 s, `retryMs` × (`retryLimit` + 1))) goes to `pCallbackInfo`'s function on the
/// connection's callback thread, or to `IotMqtt_Wait` with `IOT_MQTT_FLAG_WAITABLE`. The publish
/// info is copied; `*pPublishOperation` (if not NULL) is set before anything completes.
/// Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_PublishAsync(
    mqttConnection: IotMqttConnection_t,
    pPublishInfo: *const IotMqttPublishInfo_t,
    flags: u32,
    pCallbackInfo: *const IotMqttCallbackInfo_t,
    pPublishOperation: *mut IotMqttOperation_t,
) -> IotMqttError_t {
    run(|| {
        initialized()?;
        let connection = connection::lookup(mqttConnection)?;
        // SAFETY: NULL or valid (caller contract).
        let publish = unsafe { args::publish(pPublishInfo, connection.aws_iot) }?;
        // SAFETY: NULL or valid (caller contract).
        let callback = unsafe { MqttCallback::optional(pCallbackInfo) }?;
        let qos0 = publish.qos == Qos::AtMostOnce;
        if qos0 && (callback.is_some() || flags & IOT_MQTT_FLAG_WAITABLE != 0) {
            return Err(BAD_PARAMETER);
        }
        let waitable = check_notification(flags, callback, pPublishOperation)?;
        let patience = publish.patience(ASYNC_PATIENCE);
        let work = move |c: &MqttConnection| {
            status_of(c.transport.publish_message(
                &publish.topic,
                &publish.payload,
                publish.qos,
                publish.retain,
                patience,
            ))
        };
        let kind = IotMqttOperationType::IOT_MQTT_PUBLISH_TO_SERVER as u32;
        if qos0 {
            // SAFETY: NULL is always acceptable as the reference.
            let status = unsafe { connection.start(kind, false, None, std::ptr::null_mut(), work) };
            return Ok(match status {
                IotMqttError::IOT_MQTT_STATUS_PENDING => IotMqttError::IOT_MQTT_SUCCESS,
                other => other,
            });
        }
        // SAFETY: NULL or writable (caller contract).
        Ok(unsafe { connection.start(kind, waitable, callback, pPublishOperation, work) })
    })
}

/// The connection and the subscription list of a subscribe or unsubscribe call, after the
/// checks each of them makes first, in v4's order: the library initialized, a live connection,
/// a valid list (at most AWS IoT's filters per request on an AWS IoT connection).
///
/// # Safety
/// `list` is NULL or `count` valid entries.
unsafe fn subscription_call(
    handle: IotMqttConnection_t,
    list: *const IotMqttSubscription_t,
    count: usize,
    subscribe: bool,
) -> MqttResult<(Arc<MqttConnection>, Vec<Subscription>)> {
    initialized()?;
    let connection = connection::lookup(handle)?;
    // SAFETY: caller contract.
    let list = unsafe { args::subscriptions(list, count, subscribe, connection.aws_iot) }?;
    Ok((connection, list))
}

/// Subscribes to every filter of the list (QoS 0 or 1, each with its callback) and waits up to
/// `timeoutMs` for the SUBACK. The list is copied; messages arrive on the connection's callback
/// thread with an `IotMqttCallbackParam_t` whose pointers are valid during the call. At most
/// 1,024 messages or 4 MiB of them wait for the callbacks of one connection (a larger single
/// message passes when none waits); newer ones are dropped with a log line. The subscriptions
/// are restored after every reconnection until unsubscribed. `flags` is unused.
/// Ownership: the list is copied; each callback's context must stay valid until unsubscribed or
/// disconnected. Blocks the calling thread. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_SubscribeSync(
    mqttConnection: IotMqttConnection_t,
    pSubscriptionList: *const IotMqttSubscription_t,
    subscriptionCount: usize,
    flags: u32,
    timeoutMs: u32,
) -> IotMqttError_t {
    let _ = flags;
    run(|| {
        // SAFETY: NULL or `subscriptionCount` valid entries (caller contract).
        let (connection, list) = unsafe {
            subscription_call(mqttConnection, pSubscriptionList, subscriptionCount, true)
        }?;
        Ok(connection.subscribe(&list, ms(timeoutMs)))
    })
}

/// Unsubscribes from every filter of the list and waits up to `timeoutMs` for the UNSUBACK.
/// The callbacks of those filters stop at once. A filter the Jobs library also uses stays
/// subscribed at the broker for it. `flags` is unused.
/// The list is read during the call only. Blocks the calling thread. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_UnsubscribeSync(
    mqttConnection: IotMqttConnection_t,
    pSubscriptionList: *const IotMqttSubscription_t,
    subscriptionCount: usize,
    flags: u32,
    timeoutMs: u32,
) -> IotMqttError_t {
    let _ = flags;
    run(|| {
        // SAFETY: NULL or `subscriptionCount` valid entries (caller contract).
        let (connection, list) = unsafe {
            subscription_call(mqttConnection, pSubscriptionList, subscriptionCount, false)
        }?;
        Ok(connection.unsubscribe(&list, ms(timeoutMs)))
    })
}

/// The shared body of the asynchronous subscribe and unsubscribe.
///
/// # Safety
/// As the two functions.
unsafe fn subscription_async(
    subscribe: bool,
    mqttConnection: IotMqttConnection_t,
    pSubscriptionList: *const IotMqttSubscription_t,
    subscriptionCount: usize,
    flags: u32,
    pCallbackInfo: *const IotMqttCallbackInfo_t,
    pOperation: *mut IotMqttOperation_t,
) -> IotMqttError_t {
    run(|| {
        // SAFETY: NULL or `subscriptionCount` valid entries (caller contract).
        let (connection, list) = unsafe {
            subscription_call(
                mqttConnection,
                pSubscriptionList,
                subscriptionCount,
                subscribe,
            )
        }?;
        // SAFETY: NULL or valid (caller contract).
        let callback = unsafe { MqttCallback::optional(pCallbackInfo) }?;
        let waitable = check_notification(flags, callback, pOperation)?;
        let kind = if subscribe {
            IotMqttOperationType::IOT_MQTT_SUBSCRIBE
        } else {
            IotMqttOperationType::IOT_MQTT_UNSUBSCRIBE
        };
        let work = move |c: &MqttConnection| {
            if subscribe {
                c.subscribe(&list, ASYNC_PATIENCE)
            } else {
                c.unsubscribe(&list, ASYNC_PATIENCE)
            }
        };
        // SAFETY: NULL or writable (caller contract).
        Ok(unsafe { connection.start(kind as u32, waitable, callback, pOperation, work) })
    })
}

/// Subscribes without blocking: `IOT_MQTT_STATUS_PENDING`, the result (after the SUBACK, or an
/// error within 5 s) to the callback on the connection's callback thread or to `IotMqtt_Wait`
/// with `IOT_MQTT_FLAG_WAITABLE`. Otherwise as `IotMqtt_SubscribeSync`.
/// The list is copied; callback contexts as for `IotMqtt_SubscribeSync`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_SubscribeAsync(
    mqttConnection: IotMqttConnection_t,
    pSubscriptionList: *const IotMqttSubscription_t,
    subscriptionCount: usize,
    flags: u32,
    pCallbackInfo: *const IotMqttCallbackInfo_t,
    pSubscribeOperation: *mut IotMqttOperation_t,
) -> IotMqttError_t {
    // SAFETY: forwarded contract.
    unsafe {
        subscription_async(
            true,
            mqttConnection,
            pSubscriptionList,
            subscriptionCount,
            flags,
            pCallbackInfo,
            pSubscribeOperation,
        )
    }
}

/// Unsubscribes without blocking; as `IotMqtt_SubscribeAsync` for the notification, as
/// `IotMqtt_UnsubscribeSync` for the rest.
/// The list is copied. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_UnsubscribeAsync(
    mqttConnection: IotMqttConnection_t,
    pSubscriptionList: *const IotMqttSubscription_t,
    subscriptionCount: usize,
    flags: u32,
    pCallbackInfo: *const IotMqttCallbackInfo_t,
    pUnsubscribeOperation: *mut IotMqttOperation_t,
) -> IotMqttError_t {
    // SAFETY: forwarded contract.
    unsafe {
        subscription_async(
            false,
            mqttConnection,
            pSubscriptionList,
            subscriptionCount,
            flags,
            pCallbackInfo,
            pUnsubscribeOperation,
        )
    }
}

/// Waits up to `timeoutMs` for a waitable operation and returns its result, or
/// `IOT_MQTT_TIMEOUT`. The operation is released either way: a handle can be waited for once;
/// any other value (NULL, a stale or non-waitable handle) is `IOT_MQTT_BAD_PARAMETER`. Blocks
/// the calling thread only. Any thread.
#[no_mangle]
pub extern "C" fn IotMqtt_Wait(operation: IotMqttOperation_t, timeoutMs: u32) -> IotMqttError_t {
    run(|| {
        initialized()?;
        if operation.is_null() {
            return Err(BAD_PARAMETER);
        }
        Ok(MqttOperation::wait(operation, ms(timeoutMs)))
    })
}

/// True if the connection is subscribed to exactly this filter (by the application or by the
/// Jobs library; a Jobs reply topic, such as `$aws/things/T/jobs/get/accepted`, counts as
/// subscribed while the Jobs library's subscription of that thing delivers it, as it was
/// subscribed on its own in v4). If so and `pCurrentSubscription` is not NULL, it receives the QoS, the filter
/// (pointing to the caller's `pTopicFilter`) and the application's callback (NULL members for a
/// Jobs-only subscription). False for every bad argument. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotMqtt_IsSubscribed(
    mqttConnection: IotMqttConnection_t,
    pTopicFilter: *const c_char,
    topicFilterLength: u16,
    pCurrentSubscription: *mut IotMqttSubscription_t,
) -> bool {
    guard(false, || {
        if initialized().is_err() {
            return false;
        }
        let Ok(connection) = connection::lookup(mqttConnection) else {
            return false;
        };
        // SAFETY: NULL or `topicFilterLength` readable bytes (caller contract).
        let Ok(filter) = (unsafe { args::text(pTopicFilter, topicFilterLength as usize) }) else {
            return false;
        };
        let Some((qos, callback)) = connection.subscription(&filter) else {
            return false;
        };
        if !pCurrentSubscription.is_null() {
            let callback = callback.map_or(
                IotMqttCallbackInfo_t {
                    pCallbackContext: std::ptr::null_mut(),
                    function: None,
                },
                MqttCallback::info,
            );
            // SAFETY: non-NULL and writable (caller contract).
            unsafe {
                *pCurrentSubscription = IotMqttSubscription_t {
                    qos: qos as u32,
                    pTopicFilter,
                    topicFilterLength,
                    callback,
                }
            };
        }
        true
    })
}
