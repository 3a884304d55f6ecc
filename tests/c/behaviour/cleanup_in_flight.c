/* Cleanup with work in flight: pending callbacks run once with NOT_INITIALIZED before Cleanup
 * returns; a thread blocked in a Sync call returns NOT_INITIALIZED; an un-waited waitable
 * handle is released (LeakSanitizer checks at exit) and Wait on it afterwards is
 * NOT_INITIALIZED; Init again works. Destroying the connection completes its operations with
 * MQTT_ERROR. */

#include "fake_broker.h"
#include "test_support.h"

typedef struct blocked {
    fb_broker_t *b;
    AwsIotJobsError_t result;
    uint64_t took;
} blocked_t;

static void *sync_call(void *arg)
{
    blocked_t *t = arg;
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(t->b), "T2", NULL, NULL);
    AwsIotJobsResponse_t response;
    uint64_t start = ts_now_ms();
    t->result = AwsIotJobs_GetPendingSync(&request, 0, 20000, &response);
    t->took = ts_now_ms() - start;
    return NULL;
}

static bool published(void *arg)
{
    blocked_t *t = arg;
    return fb_publishes(t->b) > 0;
}

int main(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    fb_set_silent(b, true);
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);

    /* A thread blocked in a Sync call. */
    blocked_t t = {b, AWS_IOT_JOBS_SUCCESS, 0};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, sync_call, &t) == 0);
    CHECK(ts_wait_for(published, &t, TS_SOON_MS));

    AwsIotJobsOperation_t handles[TS_OP_COUNT], waitable = NULL;
    for (int op = 0; op < TS_OP_COUNT; op++) {
        AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
        CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, &callback, &handles[op]),
                 AWS_IOT_JOBS_STATUS_PENDING);
    }
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &waitable),
             AWS_IOT_JOBS_STATUS_PENDING);

    AwsIotJobs_Cleanup();
    /* No waiting: the callbacks ran before Cleanup returned. */
    CHECK_EQ(ts_recorder_count(&rec), TS_OP_COUNT);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        const ts_event_t *e = ts_recorder_find(&rec, handles[op]);
        CHECK(e != NULL);
        CHECK_EQ(e->result, AWS_IOT_JOBS_NOT_INITIALIZED);
        CHECK_EQ(e->callbackType, (AwsIotJobsCallbackType_t)op);
    }
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK_EQ(t.result, AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK(t.took < 10000);
    AwsIotJobsResponse_t response = {(const char *)"junk", 4};
    CHECK_EQ(AwsIotJobs_Wait(waitable, 10, &response), AWS_IOT_JOBS_NOT_INITIALIZED);

    /* Init again works, and nothing of the old run comes back. */
    ts_init();
    fb_set_silent(b, false);
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    CHECK_EQ(ts_recorder_count(&rec), TS_OP_COUNT);

    /* Destroying the connection completes what is in flight on it with MQTT_ERROR. */
    fb_set_silent(b, true);
    AwsIotJobsOperation_t last = NULL;
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &last),
             AWS_IOT_JOBS_STATUS_PENDING);
    AwsIotJobs_DestroyTransportConnection(fb_connection(b));
    CHECK(ts_recorder_wait(&rec, TS_OP_COUNT + 1, TS_SOON_MS));
    CHECK_EQ(ts_recorder_find(&rec, last)->result, AWS_IOT_JOBS_MQTT_ERROR);
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, 100, &response),
             AWS_IOT_JOBS_BAD_PARAMETER);

    AwsIotJobs_Cleanup();
    CHECK_EQ(ts_recorder_count(&rec), TS_OP_COUNT + 1);
    fb_destroy(b);
    ts_recorder_destroy(&rec);
    return 0;
}
