/* The four operations in Async form, with a callback and as WAITABLE + Wait, on every kind of
 * broker: STATUS_PENDING and a handle; the callback gets its callbackType, SUCCESS, the handle
 * as reference, the raw reply with its length, the thing name and the connection. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static void with_callback(fb_broker_t *b, ts_op_t op)
{
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "Thing-1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsOperation_t handle = AWS_IOT_JOBS_OPERATION_INITIALIZER;

    CHECK_EQ(ts_async(op, &request, &update, 0, &callback, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(handle != NULL);
    CHECK(ts_recorder_wait(&rec, 1, TS_SOON_MS));

    const ts_event_t *e = ts_recorder_find(&rec, handle);
    CHECK(e != NULL);
    CHECK_EQ(e->callbackType, (AwsIotJobsCallbackType_t)op);
    CHECK_EQ(e->result, AWS_IOT_JOBS_SUCCESS);
    CHECK_STR(e->thing, "Thing-1");
    CHECK_EQ(e->thingLength, 7);
    CHECK(e->connection == fb_connection(b));
    CHECK(!pthread_equal(e->thread, pthread_self()));
    char *accepted = ts_topic(op, "Thing-1", "job1", "/accepted");
    const char *reply = fb_last_delivered(b, accepted);
    CHECK(reply != NULL);
    CHECK(e->response != NULL);
    CHECK_EQ(e->responseLength, strlen(reply));
    CHECK_STR(e->response, reply);
    free(accepted);

    /* Exactly once. */
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK(!ts_recorder_wait(&rec, 2, 50));
    ts_recorder_destroy(&rec);
}

static void waitable(fb_broker_t *b, ts_op_t op)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "Thing-1", "job1", "w-tok");
    request.mallocResponse = ts_counting_malloc;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsOperation_t handle = AWS_IOT_JOBS_OPERATION_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;

    CHECK_EQ(ts_async(op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(handle != NULL);
    size_t mallocs = ts_counting_malloc_calls();
    CHECK_EQ(AwsIotJobs_Wait(handle, TS_SOON_MS, &response), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(ts_counting_malloc_calls(), mallocs + 1);
    char *accepted = ts_topic(op, "Thing-1", "job1", "/accepted");
    const char *reply = fb_last_delivered(b, accepted);
    CHECK(reply != NULL);
    CHECK_MEM(response.pJobsResponse, response.jobsResponseLength, reply);
    CHECK(strstr(reply, "\"clientToken\":\"w-tok\"") != NULL);
    free(accepted);
    free((void *)response.pJobsResponse);
}

/* No callback and not waitable: fire and forget. The request still goes out. */
static void fire_and_forget(fb_broker_t *b, ts_op_t op)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "Thing-1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    unsigned publishes = fb_publishes(b);
    CHECK_EQ(ts_async(op, &request, &update, 0, NULL, NULL), AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(fb_publishes(b), publishes + 1);
    CHECK(fb_drain(b, TS_SOON_MS));
}

int main(void)
{
    for (int s = 0; s < FB_SETUP_COUNT; s++) {
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[s].aws, FB_SETUPS[s].delivery);
        for (int op = 0; op < TS_OP_COUNT; op++) {
            with_callback(b, (ts_op_t)op);
            waitable(b, (ts_op_t)op);
            fire_and_forget(b, (ts_op_t)op);
        }
        CHECK_EQ(fb_undelivered(b), 0);
        CHECK_EQ(fb_receive_errors(b), 0);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
