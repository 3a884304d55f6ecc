/* Bad input: each call returns its documented code, publishes and subscribes nothing, and
 * leaks nothing (LeakSanitizer checks at exit). */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static fb_broker_t *b;
static IotMqttConnection_t conn;
static ts_recorder_t rec;

/* `call` returns `code` and the broker saw no subscribe or publish. */
#define EXPECT(call, code)                                                              \
    do {                                                                                \
        unsigned subs_ = fb_subscribes(b), pubs_ = fb_publishes(b);                     \
        CHECK_EQ((call), (code));                                                       \
        CHECK_EQ(fb_subscribes(b), subs_);                                              \
        CHECK_EQ(fb_publishes(b), pubs_);                                               \
    } while (0)

#define ALL_OPS 15u
#define UPDATE_OPS ((1u << TS_START_NEXT) | (1u << TS_UPDATE))
#define JOB_OPS ((1u << TS_DESCRIBE) | (1u << TS_UPDATE))

/* The operations of the bit set `ops`, Async with a callback and Sync, reject
 * `request`/`update`. */
static void all_ops_reject(const AwsIotJobsRequestInfo_t *request,
                           const AwsIotJobsUpdateInfo_t *update, unsigned ops)
{
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        if (!(ops & (1u << op))) continue;
        ts_context("%s, thing %.*s (%zu), job %.*s (%zu), token (%zu)", TS_OP_NAMES[op],
                   request && request->pThingName ? (int)request->thingNameLength : 0,
                   request && request->pThingName ? request->pThingName : "",
                   request ? request->thingNameLength : 0,
                   request && request->pJobId ? (int)request->jobIdLength : 0,
                   request && request->pJobId ? request->pJobId : "",
                   request ? request->jobIdLength : 0,
                   request ? request->clientTokenLength : 0);
        AwsIotJobsOperation_t handle = NULL;
        AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
        EXPECT(ts_async((ts_op_t)op, request, update, 0, &callback, &handle),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(ts_sync((ts_op_t)op, request, update, 0, 100, &response),
               AWS_IOT_JOBS_BAD_PARAMETER);
        CHECK(response.pJobsResponse == NULL);
    }
}

static void null_pointers(void)
{
    AwsIotJobsRequestInfo_t request = ts_request(conn, "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    all_ops_reject(NULL, &update, ALL_OPS);
    /* NULL update info. */
    AwsIotJobsResponse_t response;
    EXPECT(AwsIotJobs_StartNextAsync(&request, NULL, 0, &callback, NULL),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_StartNextSync(&request, NULL, 0, 100, &response),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_UpdateAsync(&request, NULL, 0, &callback, NULL),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_UpdateSync(&request, NULL, 0, 100, &response),
           AWS_IOT_JOBS_BAD_PARAMETER);
    /* A callback info without a function. */
    AwsIotJobsCallbackInfo_t empty = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    empty.pCallbackContext = &rec;
    for (int op = 0; op < TS_OP_COUNT; op++) {
        EXPECT(ts_async((ts_op_t)op, &request, &update, 0, &empty, NULL),
               AWS_IOT_JOBS_BAD_PARAMETER);
        /* Sync without a response pointer. */
        EXPECT(ts_sync((ts_op_t)op, &request, &update, 0, 100, NULL),
               AWS_IOT_JOBS_BAD_PARAMETER);
    }
}

static void connections(void)
{
    int foreign = 0;
    fb_broker_t *gone = fb_create(false, FB_INLINE);
    IotMqttConnection_t stale = fb_connection(gone);
    fb_destroy(gone);
    IotMqttConnection_t bad[] = {NULL, (IotMqttConnection_t)(uintptr_t)0x1234,
                                 (IotMqttConnection_t)&foreign, stale};
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        AwsIotJobsRequestInfo_t request = ts_request(bad[i], "T1", "job1", NULL);
        AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
        all_ops_reject(&request, &update, ALL_OPS);
        EXPECT(AwsIotJobs_RemovePersistentSubscriptions(&request, 15),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(AwsIotJobs_SetNotifyNextCallback(bad[i], "T1", 2, 0, &callback),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(AwsIotJobs_SetNotifyPendingCallback(bad[i], "T1", 2, 0, &callback),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(AwsIotJobs_ReceiveMessage(bad[i], "$aws/things/T1/jobs/notify", 26, "{}", 2),
               AWS_IOT_JOBS_BAD_PARAMETER);
    }
    /* Destroying unknown or NULL handles is ignored. */
    AwsIotJobs_DestroyTransportConnection(NULL);
    AwsIotJobs_DestroyTransportConnection(stale);
}

static void thing_names(void)
{
    char long_name[130];
    memset(long_name, 'x', 129);
    long_name[129] = '\0';
    static const char with_nul[] = {'a', '\0', 'b'};
    struct {
        const char *name;
        size_t length;
    } bad[] = {{NULL, 0},     {NULL, 2},     {"", 0},       {long_name, 129},
               {"a/b", 3},    {"a+b", 3},    {"a#b", 3},    {with_nul, 3},
               {"a b", 3},    {"\xc3\xa9", 2}, {"\xff", 1}};
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        AwsIotJobsRequestInfo_t request = ts_request(conn, NULL, "job1", NULL);
        request.pThingName = bad[i].name;
        request.thingNameLength = bad[i].length;
        all_ops_reject(&request, &update, ALL_OPS);
        EXPECT(AwsIotJobs_RemovePersistentSubscriptions(&request, 15),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(AwsIotJobs_SetNotifyNextCallback(conn, bad[i].name, bad[i].length, 0, &callback),
               AWS_IOT_JOBS_BAD_PARAMETER);
        EXPECT(AwsIotJobs_SetNotifyPendingCallback(conn, bad[i].name, bad[i].length, 0,
                                                   &callback),
               AWS_IOT_JOBS_BAD_PARAMETER);
    }
    /* 128 characters is fine. */
    long_name[128] = '\0';
    AwsIotJobsRequestInfo_t request = ts_request(conn, long_name, NULL, NULL);
    AwsIotJobsResponse_t response;
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
}

static void job_ids_and_tokens(void)
{
    char id65[66], token65[66];
    memset(id65, 'j', 65);
    id65[65] = '\0';
    memset(token65, 't', 65);
    token65[65] = '\0';
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);

    const char *bad_ids[] = {NULL, "", id65, "a/b", "a+", "#", "a b"};
    for (size_t i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
        AwsIotJobsRequestInfo_t request = ts_request(conn, "T1", bad_ids[i], NULL);
        all_ops_reject(&request, &update, JOB_OPS);
    }
    /* A length without a pointer. */
    AwsIotJobsRequestInfo_t request = ts_request(conn, "T1", NULL, NULL);
    request.jobIdLength = 4;
    all_ops_reject(&request, &update, JOB_OPS);
    /* $next: describe only. */
    request = ts_request(conn, "T1", AWS_IOT_JOBS_NEXT_JOB, NULL);
    all_ops_reject(&request, &update, 1u << TS_UPDATE);

    /* Client tokens of length 0 and 65, and a length without a pointer. */
    request = ts_request(conn, "T1", "job1", "tok");
    request.clientTokenLength = 0;
    all_ops_reject(&request, &update, ALL_OPS);
    request = ts_request(conn, "T1", "job1", token65);
    all_ops_reject(&request, &update, ALL_OPS);
    request = ts_request(conn, "T1", "job1", "with space");
    all_ops_reject(&request, &update, ALL_OPS);

    /* Out-of-range QoS. */
    request = ts_request(conn, "T1", "job1", NULL);
    request.qos = (IotMqttQos_t)7;
    all_ops_reject(&request, &update, ALL_OPS);
    request.qos = IOT_MQTT_QOS_2;
    all_ops_reject(&request, &update, ALL_OPS);

    /* Describe: execution number below -1. */
    request = ts_request(conn, "T1", "job1", NULL);
    AwsIotJobsResponse_t response;
    EXPECT(AwsIotJobs_DescribeAsync(&request, -2, true, 0, NULL, NULL),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_DescribeSync(&request, -2, true, 0, 100, &response),
           AWS_IOT_JOBS_BAD_PARAMETER);
}

static void update_infos(void)
{
    AwsIotJobsRequestInfo_t request = ts_request(conn, "T1", "job1", NULL);
    /* Not a state a device may set (update only), or not a state at all (both). */
    AwsIotJobState_t not_device[] = {AWS_IOT_JOB_STATE_QUEUED, AWS_IOT_JOB_STATE_CANCELED,
                                     AWS_IOT_JOB_STATE_TIMED_OUT, AWS_IOT_JOB_STATE_REMOVED};
    for (size_t i = 0; i < 4; i++) {
        AwsIotJobsUpdateInfo_t update = ts_update(not_device[i]);
        all_ops_reject(&request, &update, 1u << TS_UPDATE);
    }
    AwsIotJobState_t not_state[] = {(AwsIotJobState_t)99, (AwsIotJobState_t)1000,
                                    (AwsIotJobState_t)-1};
    for (size_t i = 0; i < 3; i++) {
        AwsIotJobsUpdateInfo_t update = ts_update(not_state[i]);
        all_ops_reject(&request, &update, UPDATE_OPS);
    }
    /* Step timeouts outside {0, -1, 1..10080}. */
    int32_t timeouts[] = {-2, 10081, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < 4; i++) {
        AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
        update.stepTimeoutInMinutes = timeouts[i];
        all_ops_reject(&request, &update, UPDATE_OPS);
    }
    /* Status details: not JSON, not an object of strings, empty, too long. */
    static char big[32770];
    memset(big, ' ', sizeof(big) - 1);
    memcpy(big, "{\"k\":\"v\"}", 9); /* valid JSON padded to 32769 bytes */
    const char *details[] = {"{", "{\"x\":1}", "[\"a\"]", "\"s\"", "{\"a\":{\"b\":\"c\"}}",
                             "{\"a\":\"b\"} trailing", "{\"a\":\"b\"", "\xff"};
    for (size_t i = 0; i < sizeof(details) / sizeof(details[0]); i++) {
        AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
        update.pStatusDetails = details[i];
        update.statusDetailsLength = strlen(details[i]);
        all_ops_reject(&request, &update, UPDATE_OPS);
    }
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    update.pStatusDetails = "{\"a\":\"b\"}";
    update.statusDetailsLength = 0;
    all_ops_reject(&request, &update, UPDATE_OPS);
    update.pStatusDetails = big;
    update.statusDetailsLength = 32769;
    all_ops_reject(&request, &update, UPDATE_OPS);
}

static void waitable_flags(void)
{
    AwsIotJobsRequestInfo_t request = ts_request(conn, "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        AwsIotJobsOperation_t handle = NULL;
        /* Without an operation pointer. */
        EXPECT(ts_async((ts_op_t)op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, NULL),
               AWS_IOT_JOBS_BAD_PARAMETER);
        /* With a callback. */
        EXPECT(ts_async((ts_op_t)op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, &callback,
                        &handle),
               AWS_IOT_JOBS_BAD_PARAMETER);
        /* Without mallocResponse (waitable and Sync). */
        AwsIotJobsRequestInfo_t no_malloc = request;
        no_malloc.mallocResponse = NULL;
        EXPECT(ts_async((ts_op_t)op, &no_malloc, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL,
                        &handle),
               AWS_IOT_JOBS_BAD_PARAMETER);
        AwsIotJobsResponse_t response;
        EXPECT(ts_sync((ts_op_t)op, &no_malloc, &update, 0, 100, &response),
               AWS_IOT_JOBS_BAD_PARAMETER);
        CHECK(handle == NULL);
    }
}

static void other_functions(void)
{
    AwsIotJobsCallbackInfo_t none = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    EXPECT(AwsIotJobs_SetNotifyNextCallback(conn, "T1", 2, 0, NULL), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyNextCallback(conn, "T1", 2, 0, &none),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyPendingCallback(conn, "T1", 2, 0, NULL),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyPendingCallback(conn, "T1", 2, 0, &none),
           AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_RemovePersistentSubscriptions(NULL, 15), AWS_IOT_JOBS_BAD_PARAMETER);

    EXPECT(AwsIotJobs_SetResponseTimeout(0), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyCallbackLimit(0), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyCallbackLimit(1025), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_SetNotifyCallbackLimit(1024), AWS_IOT_JOBS_SUCCESS);
    EXPECT(AwsIotJobs_SetNotifyCallbackLimit(4), AWS_IOT_JOBS_SUCCESS);

    /* The transport interface. */
    IotMqttConnection_t made = NULL;
    AwsIotJobsTransport_t partial = {NULL, NULL, NULL, NULL, false};
    EXPECT(AwsIotJobs_CreateTransportConnection(NULL, &made), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_CreateTransportConnection(&partial, &made), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK(made == NULL);
    EXPECT(AwsIotJobs_ReceiveMessage(conn, NULL, 5, "{}", 2), AWS_IOT_JOBS_BAD_PARAMETER);
    EXPECT(AwsIotJobs_ReceiveMessage(conn, "\xff\xfe", 2, "{}", 2), AWS_IOT_JOBS_BAD_PARAMETER);
    /* Garbage on a topic nobody asked for is ignored. */
    EXPECT(AwsIotJobs_ReceiveMessage(conn, "x/y", 3, "\x01\x02", 2), AWS_IOT_JOBS_SUCCESS);
    EXPECT(AwsIotJobs_ReceiveMessage(conn, "$aws/things/T1/jobs/get/accepted", 32, "not json",
                                     8),
           AWS_IOT_JOBS_SUCCESS);
}

int main(void)
{
    ts_init();
    ts_recorder_init(&rec);
    b = fb_create(false, FB_THREADED);
    conn = fb_connection(b);
    null_pointers();
    connections();
    thing_names();
    job_ids_and_tokens();
    update_infos();
    waitable_flags();
    other_functions();
    /* No callback ever ran for a rejected call. */
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(ts_recorder_count(&rec), 0);
    AwsIotJobs_Cleanup();
    CHECK_EQ(ts_recorder_count(&rec), 0);
    fb_destroy(b);
    ts_recorder_destroy(&rec);
    return 0;
}
