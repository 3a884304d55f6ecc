/* Generated from src/ffi/jobs/{transport,settings}.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef AWSIOTJOBS_H_
#define AWSIOTJOBS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "aws_iot_jobs.h"

typedef struct AwsIotJobsTransport AwsIotJobsTransport_t;

/**
 * The functions through which the Jobs library uses a firmware-provided MQTT client. Each
 * function gets `pContext` as its first argument.
 */
struct AwsIotJobsTransport {
  void *pContext;
  IotMqttError_t (*subscribe)(void *pContext,
                              const char *const *pTopicFilters,
                              const size_t *pTopicFilterLengths,
                              size_t count,
                              IotMqttQos_t qos,
                              uint32_t timeoutMs);
  IotMqttError_t (*unsubscribe)(void *pContext,
                                const char *const *pTopicFilters,
                                const size_t *pTopicFilterLengths,
                                size_t count,
                                uint32_t timeoutMs);
  IotMqttError_t (*publish)(void *pContext,
                            const char *pTopic,
                            size_t topicLength,
                            const void *pPayload,
                            size_t payloadLength,
                            IotMqttQos_t qos,
                            uint32_t timeoutMs);
  bool awsIotMqttMode;
};

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Makes an `IotMqttConnection_t` out of a firmware MQTT client, for use with every
 * `AwsIotJobs_*` function. `pTransport` is copied; its three functions must be set and stay
 * callable, from any thread the library owns, with `pContext` until
 * `AwsIotJobs_DestroyTransportConnection` returns. Each returns `IOT_MQTT_SUCCESS` once the
 * broker acknowledged (or, for QoS 0, once sent) and must not call back into the library
 * except through `AwsIotJobs_ReceiveMessage`. Set `awsIotMqttMode` when the broker may be AWS
 * IoT: the library then keeps its reply subscriptions within AWS IoT's quota and goes on
 * without one the broker refuses (AWS IoT delivers a reply to its requester anyway). In both
 * modes it subscribes once per thing, to three wildcard filters (`$aws/things/T/jobs/+/accepted`,
 * `.../+/rejected`, `.../+/+/+`): the transport's broker must accept `+` in filters.
 * Ownership: the handle is the caller's until `AwsIotJobs_DestroyTransportConnection`. Any thread.
 */
AwsIotJobsError_t AwsIotJobs_CreateTransportConnection(const struct AwsIotJobsTransport *pTransport,
                                                       IotMqttConnection_t *pConnection);

/**
 * Hands one message the firmware's MQTT client received to the library. Call it from any
 * thread, for every message on a topic the library subscribed to (and, in AWS IoT mode, for
 * Jobs replies that arrive without a subscription); other messages are ignored. The topic and
 * payload are copied as needed before it returns; it never blocks on the network and never
 * runs application callbacks itself. `AWS_IOT_JOBS_BAD_PARAMETER` for an unknown connection, a
 * NULL topic, or a topic that is not UTF-8.
 * Ownership: topic and payload are borrowed for the call only.
 */
AwsIotJobsError_t AwsIotJobs_ReceiveMessage(IotMqttConnection_t mqttConnection,
                                            const char *pTopic,
                                            size_t topicLength,
                                            const void *pPayload,
                                            size_t payloadLength);

/**
 * Destroys a connection made by `AwsIotJobs_CreateTransportConnection`. Jobs operations still
 * in flight on it complete with `AWS_IOT_JOBS_MQTT_ERROR`; its notify callbacks are dropped.
 * When it returns, the library will not call the transport's functions again. Unknown or NULL
 * handles are ignored.
 * Any thread, but not from inside one of the transport's functions: it waits for the calls in
 * progress.
 */
void AwsIotJobs_DestroyTransportConnection(IotMqttConnection_t mqttConnection);

/**
 * Sets how long an asynchronous operation waits for its reply before completing with
 * `AWS_IOT_JOBS_TIMEOUT` (default 30000 ms). Sync calls and `AwsIotJobs_Wait` use their own
 * `timeoutMs`. 0 is `AWS_IOT_JOBS_BAD_PARAMETER`.
 * Any thread, at any time.
 */
AwsIotJobsError_t AwsIotJobs_SetResponseTimeout(uint32_t timeoutMs);

/**
 * Sets how many notify callbacks of each kind one thing may have (default 4; the v4 library
 * fixed this at build time with `AWS_IOT_JOBS_NOTIFY_CALLBACKS`). 1 to 1024; other values are
 * `AWS_IOT_JOBS_BAD_PARAMETER`. Lowering it keeps callbacks already set.
 * Any thread, at any time.
 */
AwsIotJobsError_t AwsIotJobs_SetNotifyCallbackLimit(size_t limit);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* AWSIOTJOBS_H_ */
