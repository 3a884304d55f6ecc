/* The C side of the benchmarks: each function makes one AwsIotJobs_* call the way firmware
 * does (request info on the stack, malloc for replies, the reply freed), so what the bench
 * measures is the C API and nothing of ours in between. The Rust side (src/capi.rs) makes the
 * connections and drives these functions. */

#include <stdlib.h>
#include <string.h>

#include "aws_iot_jobs.h"
#include "awsiotjobs.h"
#include "iot_init.h"
#include "iot_mqtt.h"
#include "iot_network_openssl.h"

/* Called for every completed asynchronous operation with its context, result and reply (NULL
 * and 0 when there is none), and for every notify-next message with its context, -1 and the
 * document. The pointers are valid during the call only. */
typedef void (*bench_done_fn)(void *context, int32_t result, const char *reply, size_t length);

static bench_done_fn done_function;

void bench_set_done(bench_done_fn function) { done_function = function; }

static void on_complete(void *context, AwsIotJobsCallbackParam_t *param) {
    if (param->callbackType == AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK) {
        done_function(context, -1, param->u.callback.pDocument, param->u.callback.documentLength);
    } else {
        done_function(context, (int32_t)param->u.operation.result, param->u.operation.pResponse,
                      param->u.operation.responseLength);
    }
}

static AwsIotJobsCallbackInfo_t callback_info(void *context) {
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    callback.function = on_complete;
    callback.pCallbackContext = context;
    return callback;
}

static AwsIotJobsRequestInfo_t request(IotMqttConnection_t connection, const char *thing,
                                       const char *job) {
    AwsIotJobsRequestInfo_t info = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    info.mqttConnection = connection;
    info.qos = IOT_MQTT_QOS_1;
    info.mallocResponse = malloc;
    info.pThingName = thing;
    info.thingNameLength = strlen(thing);
    if (job != NULL) {
        info.pJobId = job;
        info.jobIdLength = strlen(job);
    }
    return info;
}

static AwsIotJobsUpdateInfo_t update(int32_t status) {
    AwsIotJobsUpdateInfo_t info = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    info.newStatus = (AwsIotJobState_t)status;
    return info;
}

static _Thread_local size_t last_length;

static int32_t finish(AwsIotJobsError_t status, AwsIotJobsResponse_t *response) {
    last_length = response->jobsResponseLength;
    free((void *)response->pJobsResponse);
    return (int32_t)status;
}

/* The length of the reply the calling thread's last Sync call received (0 for none). */
size_t bench_last_reply_length(void) { return last_length; }

int32_t bench_update_sync(IotMqttConnection_t connection, const char *thing, const char *job,
                          int32_t status, uint32_t flags, uint32_t timeout_ms) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, job);
    AwsIotJobsUpdateInfo_t fields = update(status);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    return finish(AwsIotJobs_UpdateSync(&info, &fields, flags, timeout_ms, &response), &response);
}

int32_t bench_describe_sync(IotMqttConnection_t connection, const char *thing, const char *job,
                            uint32_t flags, uint32_t timeout_ms) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, job);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    return finish(AwsIotJobs_DescribeSync(&info, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, flags,
                                          timeout_ms, &response),
                  &response);
}

int32_t bench_get_pending_sync(IotMqttConnection_t connection, const char *thing, uint32_t flags,
                               uint32_t timeout_ms) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, NULL);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    return finish(AwsIotJobs_GetPendingSync(&info, flags, timeout_ms, &response), &response);
}

/* UpdateAsync (expected_version 0: none) with a callback reporting to bench_set_done's function. */
int32_t bench_update_async(IotMqttConnection_t connection, const char *thing, const char *job,
                           int32_t status, uint32_t expected_version, uint32_t flags,
                           void *context) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, job);
    AwsIotJobsUpdateInfo_t fields = update(status);
    fields.expectedVersion = expected_version;
    AwsIotJobsCallbackInfo_t callback = callback_info(context);
    return (int32_t)AwsIotJobs_UpdateAsync(&info, &fields, flags, &callback, NULL);
}

/* StartNextAsync with a callback reporting to bench_set_done's function. */
int32_t bench_start_next_async(IotMqttConnection_t connection, const char *thing, uint32_t flags,
                               void *context) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, NULL);
    AwsIotJobsUpdateInfo_t fields = update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsCallbackInfo_t callback = callback_info(context);
    return (int32_t)AwsIotJobs_StartNextAsync(&info, &fields, flags, &callback, NULL);
}

/* Adds a notify-next callback for `thing` reporting to bench_set_done's function (result -1). */
int32_t bench_set_notify_next(IotMqttConnection_t connection, const char *thing, void *context) {
    AwsIotJobsCallbackInfo_t callback = callback_info(context);
    return (int32_t)AwsIotJobs_SetNotifyNextCallback(connection, thing, strlen(thing), 0,
                                                     &callback);
}

/* AwsIotJobs_CreateTransportConnection with the three functions of a bench transport. */
int32_t bench_create_transport(void *context,
                               IotMqttError_t (*subscribe)(void *, const char *const *,
                                                           const size_t *, size_t,
                                                           IotMqttQos_t, uint32_t),
                               IotMqttError_t (*unsubscribe)(void *, const char *const *,
                                                             const size_t *, size_t, uint32_t),
                               IotMqttError_t (*publish)(void *, const char *, size_t,
                                                         const void *, size_t, IotMqttQos_t,
                                                         uint32_t),
                               bool aws_iot_mqtt_mode, IotMqttConnection_t *connection) {
    AwsIotJobsTransport_t transport;
    memset(&transport, 0, sizeof transport);
    transport.pContext = context;
    transport.subscribe = subscribe;
    transport.unsubscribe = unsubscribe;
    transport.publish = publish;
    transport.awsIotMqttMode = aws_iot_mqtt_mode;
    return (int32_t)AwsIotJobs_CreateTransportConnection(&transport, connection);
}

/* The v4 way: IotMqtt_Connect to host:port over plain TCP (no credentials), as the v4 Jobs demo
 * does, with the session kind and keep-alive given. IotSdk_Init, IotMqtt_Init and
 * IotNetworkOpenssl_Init are called first (each is a no-op when repeated). Returns the
 * IotMqttError_t of IotMqtt_Connect. */
int32_t bench_mqtt_connect_with(const char *host, uint16_t port, const char *client_id,
                                bool aws_iot_mqtt_mode, bool clean_session,
                                uint16_t keep_alive_seconds, uint32_t timeout_ms,
                                IotMqttConnection_t *connection) {
    if (!IotSdk_Init() || IotMqtt_Init() != IOT_MQTT_SUCCESS ||
        IotNetworkOpenssl_Init() != IOT_NETWORK_SUCCESS) {
        return (int32_t)IOT_MQTT_INIT_FAILED;
    }
    struct IotNetworkServerInfo server;
    memset(&server, 0, sizeof server);
    server.pHostName = host;
    server.port = port;
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    network.u.setup.pNetworkServerInfo = &server;
    network.u.setup.pNetworkCredentialInfo = NULL;
    network.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;
    IotMqttConnectInfo_t info = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    info.awsIotMqttMode = aws_iot_mqtt_mode;
    info.cleanSession = clean_session;
    info.keepAliveSeconds = keep_alive_seconds;
    info.pClientIdentifier = client_id;
    info.clientIdentifierLength = (uint16_t)strlen(client_id);
    return (int32_t)IotMqtt_Connect(&network, &info, timeout_ms, connection);
}

/* bench_mqtt_connect_with a clean session and a 60 s keep-alive. */
int32_t bench_mqtt_connect(const char *host, uint16_t port, const char *client_id,
                           bool aws_iot_mqtt_mode, uint32_t timeout_ms,
                           IotMqttConnection_t *connection) {
    return bench_mqtt_connect_with(host, port, client_id, aws_iot_mqtt_mode, true, 60,
                                   timeout_ms, connection);
}

void bench_mqtt_disconnect(IotMqttConnection_t connection) { IotMqtt_Disconnect(connection, 0); }

/* An application subscription of `filter` (QoS 1) on an IotMqtt_Connect connection; each
 * message goes to the done function with its context, -2 and the payload. */
static void on_message(void *context, IotMqttCallbackParam_t *param) {
    done_function(context, -2, (const char *)param->u.message.info.pPayload,
                  param->u.message.info.payloadLength);
}

int32_t bench_mqtt_subscribe(IotMqttConnection_t connection, const char *filter, void *context) {
    IotMqttSubscription_t subscription = IOT_MQTT_SUBSCRIPTION_INITIALIZER;
    subscription.qos = IOT_MQTT_QOS_1;
    subscription.pTopicFilter = filter;
    subscription.topicFilterLength = (uint16_t)strlen(filter);
    subscription.callback.function = on_message;
    subscription.callback.pCallbackContext = context;
    return (int32_t)IotMqtt_SubscribeSync(connection, &subscription, 1, 0, 10000);
}
