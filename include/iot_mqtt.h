/* Generated from src/ffi/mqtt/{api,strings}.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_MQTT_H_
#define IOT_MQTT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_mqtt_types.h"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Starts the MQTT library. A second call is a successful no-op. Any thread.
 */
IotMqttError_t IotMqtt_Init(void);

/**
 * Stops the MQTT library: later calls return `IOT_MQTT_NOT_INITIALIZED` until the next
 * `IotMqtt_Init`. Connections are not closed (call `IotMqtt_Disconnect` first, as in v4).
 * Any thread.
 */
void IotMqtt_Cleanup(void);

/**
 * Connects to the broker that `pNetworkInfo` names (through `IOT_NETWORK_INTERFACE_OPENSSL`,
 * with TLS when `pNetworkCredentialInfo` is set) with the CONNECT of `pConnectInfo`, within
 * `timeoutMs`. On `IOT_MQTT_SUCCESS` `*pMqttConnection` is a handle usable with every
 * `IotMqtt_*` and `AwsIotJobs_*` function until `IotMqtt_Disconnect`. Both infos and what they
 * point to are read during the call only (credentials are file paths). Failures:
 * `IOT_MQTT_NETWORK_ERROR` (no route, refused, unknown host, TLS), `IOT_MQTT_SERVER_REFUSED`
 * (CONNACK refusal), `IOT_MQTT_TIMEOUT`. Blocks the calling thread; starts the connection's
 * threads. Any thread, callbacks of this library included.
 *
 * TLS follows the credentials: only `pRootCa` is trusted, the host name is verified against
 * the server's certificate and sent as SNI unless `disableSni`, `pAlpnProtos` is offered, and
 * `maxFragmentLength` (0, or 512 to 16384; anything else is `IOT_MQTT_BAD_PARAMETER`) limits
 * the records sent.
 * Ownership: the handle is the caller's until `IotMqtt_Disconnect`, which frees it. A panic inside
 * this or any `IotMqtt_*` function that returns a status gives `IOT_MQTT_SCHEDULING_ERROR`.
 */
IotMqttError_t IotMqtt_Connect(const IotMqttNetworkInfo_t *pNetworkInfo,
                               const IotMqttConnectInfo_t *pConnectInfo,
                               uint32_t timeoutMs,
                               IotMqttConnection_t *pMqttConnection);

/**
 * Closes a connection: a DISCONNECT is sent unless `flags` has `IOT_MQTT_FLAG_CLEANUP_ONLY`
 * (then the socket just closes, as after a network failure, and the broker publishes the
 * connection's will), Jobs operations still in flight on it end with `AWS_IOT_JOBS_MQTT_ERROR`, queued MQTT
 * operations with `IOT_MQTT_NETWORK_ERROR`, and the disconnect callback runs with
 * `IOT_MQTT_DISCONNECT_CALLED`. When it returns no callback of the connection runs any more
 * (unless it was called from one, which finishes first). The handle is invalid afterwards;
 * unknown handles are ignored. Any thread, the connection's own callbacks included.
 */
void IotMqtt_Disconnect(IotMqttConnection_t mqttConnection,
                        uint32_t flags);

/**
 * Publishes and waits up to `timeoutMs` for the link and (QoS 1) the PUBACK. The publish info
 * is copied. `IOT_MQTT_SUCCESS`, `IOT_MQTT_TIMEOUT` (no PUBACK in time) or
 * `IOT_MQTT_NETWORK_ERROR` (the link stayed down). Blocks the calling thread. `flags` is
 * unused, as in v4.
 * Any thread.
 */
IotMqttError_t IotMqtt_PublishSync(IotMqttConnection_t mqttConnection,
                                   const IotMqttPublishInfo_t *pPublishInfo,
                                   uint32_t flags,
                                   uint32_t timeoutMs);

/**
 * Publishes without blocking. QoS 0: `IOT_MQTT_SUCCESS` once queued (no callback, no
 * reference, not waitable). QoS 1: `IOT_MQTT_STATUS_PENDING`; the result (after the PUBACK,
 * or an error when the link stays down or the PUBACK does not come within
 * max(5 s, `retryMs` × (`retryLimit` + 1))) goes to `pCallbackInfo`'s function on the
 * connection's callback thread, or to `IotMqtt_Wait` with `IOT_MQTT_FLAG_WAITABLE`. The publish
 * info is copied; `*pPublishOperation` (if not NULL) is set before anything completes.
 * Any thread.
 */
IotMqttError_t IotMqtt_PublishAsync(IotMqttConnection_t mqttConnection,
                                    const IotMqttPublishInfo_t *pPublishInfo,
                                    uint32_t flags,
                                    const IotMqttCallbackInfo_t *pCallbackInfo,
                                    IotMqttOperation_t *pPublishOperation);

/**
 * Subscribes to every filter of the list (QoS 0 or 1, each with its callback) and waits up to
 * `timeoutMs` for the SUBACK. The list is copied; messages arrive on the connection's callback
 * thread with an `IotMqttCallbackParam_t` whose pointers are valid during the call. At most
 * 1,024 messages or 4 MiB of them wait for the callbacks of one connection (a larger single
 * message passes when none waits); newer ones are dropped with a log line. The subscriptions
 * are restored after every reconnection until unsubscribed. `flags` is unused.
 * Ownership: the list is copied; each callback's context must stay valid until unsubscribed or
 * disconnected. Blocks the calling thread. Any thread.
 */
IotMqttError_t IotMqtt_SubscribeSync(IotMqttConnection_t mqttConnection,
                                     const IotMqttSubscription_t *pSubscriptionList,
                                     size_t subscriptionCount,
                                     uint32_t flags,
                                     uint32_t timeoutMs);

/**
 * Unsubscribes from every filter of the list and waits up to `timeoutMs` for the UNSUBACK.
 * The callbacks of those filters stop at once. A filter the Jobs library also uses stays
 * subscribed at the broker for it. `flags` is unused.
 * The list is read during the call only. Blocks the calling thread. Any thread.
 */
IotMqttError_t IotMqtt_UnsubscribeSync(IotMqttConnection_t mqttConnection,
                                       const IotMqttSubscription_t *pSubscriptionList,
                                       size_t subscriptionCount,
                                       uint32_t flags,
                                       uint32_t timeoutMs);

/**
 * Subscribes without blocking: `IOT_MQTT_STATUS_PENDING`, the result (after the SUBACK, or an
 * error within 5 s) to the callback on the connection's callback thread or to `IotMqtt_Wait`
 * with `IOT_MQTT_FLAG_WAITABLE`. Otherwise as `IotMqtt_SubscribeSync`.
 * The list is copied; callback contexts as for `IotMqtt_SubscribeSync`. Any thread.
 */
IotMqttError_t IotMqtt_SubscribeAsync(IotMqttConnection_t mqttConnection,
                                      const IotMqttSubscription_t *pSubscriptionList,
                                      size_t subscriptionCount,
                                      uint32_t flags,
                                      const IotMqttCallbackInfo_t *pCallbackInfo,
                                      IotMqttOperation_t *pSubscribeOperation);

/**
 * Unsubscribes without blocking; as `IotMqtt_SubscribeAsync` for the notification, as
 * `IotMqtt_UnsubscribeSync` for the rest.
 * The list is copied. Any thread.
 */
IotMqttError_t IotMqtt_UnsubscribeAsync(IotMqttConnection_t mqttConnection,
                                        const IotMqttSubscription_t *pSubscriptionList,
                                        size_t subscriptionCount,
                                        uint32_t flags,
                                        const IotMqttCallbackInfo_t *pCallbackInfo,
                                        IotMqttOperation_t *pUnsubscribeOperation);

/**
 * Waits up to `timeoutMs` for a waitable operation and returns its result, or
 * `IOT_MQTT_TIMEOUT`. The operation is released either way: a handle can be waited for once;
 * any other value (NULL, a stale or non-waitable handle) is `IOT_MQTT_BAD_PARAMETER`. Blocks
 * the calling thread only. Any thread.
 */
IotMqttError_t IotMqtt_Wait(IotMqttOperation_t operation, uint32_t timeoutMs);

/**
 * True if the connection is subscribed to exactly this filter (by the application or by the
 * Jobs library; a Jobs reply topic, such as `$aws/things/T/jobs/get/accepted`, counts as
 * subscribed while the Jobs library's subscription of that thing delivers it, as it was
 * subscribed on its own in v4). If so and `pCurrentSubscription` is not NULL, it receives the QoS, the filter
 * (pointing to the caller's `pTopicFilter`) and the application's callback (NULL members for a
 * Jobs-only subscription). False for every bad argument. Any thread.
 */
bool IotMqtt_IsSubscribed(IotMqttConnection_t mqttConnection,
                          const char *pTopicFilter,
                          uint16_t topicFilterLength,
                          IotMqttSubscription_t *pCurrentSubscription);

/**
 * Describes an MQTT result code.
 * Returns a static string: never free it. Any thread.
 */
const char *IotMqtt_strerror(IotMqttError_t status);

/**
 * Names an MQTT operation type.
 * Returns a static string: never free it. Any thread.
 */
const char *IotMqtt_OperationType(IotMqttOperationType_t operation);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_MQTT_H_ */
