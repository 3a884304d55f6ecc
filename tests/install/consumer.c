/* A program built outside the repository against an installed awsiotjobs (see run.sh): it
 * includes the headers as the v4 SDK names them, links the library, and runs one Jobs
 * request through the C transport interface with a transport that answers like the service.
 * Exit 0 when every check holds. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws_iot_jobs.h"
#include "awsiotjobs.h"
#include "iot_mqtt.h"
#include "types/aws_iot_jobs_types.h"

#ifdef CONSUMER_DEFINES_PAHO_NAMES
/* Names the bundled MQTT client uses internally: with the library's symbols hidden, a
 * program may define its own. */
int Log(int level, const char *message);
int Log(int level, const char *message) { return level + (message != NULL); }
int ListAppend = 1;
#endif

#ifdef CONSUMER_OWN_PLATFORM
/* own_platform.c: the program's own platform layer; 0 if its definitions are the ones used. */
int own_platform_check(void);
#endif

static int failures;

#define CHECK(condition)                                                         \
    do {                                                                         \
        if (!(condition)) {                                                      \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #condition); \
            failures++;                                                          \
        }                                                                        \
    } while (0)

static IotMqttConnection_t connection;
static char lastTopic[256];

static IotMqttError_t fakeSubscribe(void *pContext, const char *const *pTopicFilters,
                                    const size_t *pTopicFilterLengths, size_t count,
                                    IotMqttQos_t qos, uint32_t timeoutMs) {
    (void)pContext, (void)pTopicFilters, (void)pTopicFilterLengths, (void)count, (void)qos,
        (void)timeoutMs;
    return IOT_MQTT_SUCCESS;
}

static IotMqttError_t fakeUnsubscribe(void *pContext, const char *const *pTopicFilters,
                                      const size_t *pTopicFilterLengths, size_t count,
                                      uint32_t timeoutMs) {
    (void)pContext, (void)pTopicFilters, (void)pTopicFilterLengths, (void)count, (void)timeoutMs;
    return IOT_MQTT_SUCCESS;
}

/* Answers a get-pending request with one queued job, echoing the client token. */
static IotMqttError_t fakePublish(void *pContext, const char *pTopic, size_t topicLength,
                                  const void *pPayload, size_t payloadLength, IotMqttQos_t qos,
                                  uint32_t timeoutMs) {
    char request[512], reply[768], replyTopic[300];
    const char *token, *end;
    (void)pContext, (void)qos, (void)timeoutMs;
    if (topicLength >= sizeof lastTopic || payloadLength >= sizeof request) {
        return IOT_MQTT_BAD_PARAMETER;
    }
    memcpy(lastTopic, pTopic, topicLength);
    lastTopic[topicLength] = '\0';
    memcpy(request, pPayload, payloadLength);
    request[payloadLength] = '\0';
    token = strstr(request, "\"clientToken\":\"");
    if (token == NULL) {
        return IOT_MQTT_BAD_PARAMETER;
    }
    token += strlen("\"clientToken\":\"");
    end = strchr(token, '"');
    snprintf(reply, sizeof reply,
             "{\"inProgressJobs\":[],\"queuedJobs\":[{\"jobId\":\"job-1\",\"queuedAt\":1,"
             "\"lastUpdatedAt\":1,\"versionNumber\":1,\"executionNumber\":1}],"
             "\"timestamp\":2,\"clientToken\":\"%.*s\"}",
             (int)(end - token), token);
    snprintf(replyTopic, sizeof replyTopic, "%s/accepted", lastTopic);
    return AwsIotJobs_ReceiveMessage(connection, replyTopic, strlen(replyTopic), reply,
                                     strlen(reply)) == AWS_IOT_JOBS_SUCCESS
               ? IOT_MQTT_SUCCESS
               : IOT_MQTT_BAD_RESPONSE;
}

int main(void) {
    AwsIotJobsTransport_t transport = { NULL, fakeSubscribe, fakeUnsubscribe, fakePublish, false };
    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsError_t status;

    CHECK(strcmp(AwsIotJobs_strerror(AWS_IOT_JOBS_NOT_FOUND), "FAILED: NOT FOUND") == 0);
    CHECK(strcmp(IotMqtt_strerror(IOT_MQTT_SERVER_REFUSED), "SERVER REFUSED") == 0);
#ifdef CONSUMER_OWN_PLATFORM
    CHECK(own_platform_check() == 0);
#endif
    CHECK(AwsIotJobs_GetPendingSync(&request, 0, 100, &response) == AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK(AwsIotJobs_Init(0) == AWS_IOT_JOBS_SUCCESS);
    CHECK(AwsIotJobs_CreateTransportConnection(&transport, &connection) == AWS_IOT_JOBS_SUCCESS);

    request.mqttConnection = connection;
    request.pThingName = "installed-thing";
    request.thingNameLength = strlen(request.pThingName);
    request.mallocResponse = malloc;
    status = AwsIotJobs_GetPendingSync(&request, 0, 5000, &response);
    CHECK(status == AWS_IOT_JOBS_SUCCESS);
    CHECK(strcmp(lastTopic, "$aws/things/installed-thing/jobs/get") == 0);
    CHECK(response.pJobsResponse != NULL &&
          strstr(response.pJobsResponse, "\"jobId\":\"job-1\"") != NULL);
    printf("get-pending through the installed library: %s, %zu bytes of reply\n",
           AwsIotJobs_strerror(status), response.jobsResponseLength);
    free((void *)response.pJobsResponse);

    AwsIotJobs_DestroyTransportConnection(connection);
    AwsIotJobs_Cleanup();
    if (failures != 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("installed awsiotjobs: all checks passed\n");
    return 0;
}
