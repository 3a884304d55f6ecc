/* The C side of the benchmarks: each function makes one AwsIotJobs_* call the way firmware
 * does (request info on the stack, malloc for replies, the reply freed), so what the bench
 * measures is the C API and nothing of ours in between. The Rust side (src/capi.rs) makes the
 * connections and drives these functions. */

#include <stdlib.h>
#include <string.h>

#include "aws_iot_jobs.h"
#include "awsiotjobs.h"

/* Called for every completed asynchronous operation with its context and result. */
typedef void (*bench_done_fn)(void *context, int32_t result);

static bench_done_fn done_function;

void bench_set_done(bench_done_fn function) { done_function = function; }

static void on_complete(void *context, AwsIotJobsCallbackParam_t *param) {
    done_function(context, (int32_t)param->u.operation.result);
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

static int32_t finish(AwsIotJobsError_t status, AwsIotJobsResponse_t *response) {
    free((void *)response->pJobsResponse);
    return (int32_t)status;
}

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

/* UpdateAsync with a completion callback that reports to the function of bench_set_done. */
int32_t bench_update_async(IotMqttConnection_t connection, const char *thing, const char *job,
                           int32_t status, uint32_t flags, void *context) {
    AwsIotJobsRequestInfo_t info = request(connection, thing, job);
    AwsIotJobsUpdateInfo_t fields = update(status);
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    callback.function = on_complete;
    callback.pCallbackContext = context;
    return (int32_t)AwsIotJobs_UpdateAsync(&info, &fields, flags, &callback, NULL);
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
