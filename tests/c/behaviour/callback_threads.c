/* Callbacks run on the library's own thread (neither the caller's nor the broker's receive
 * thread); a completion callback may call a Sync operation. (A notify-next callback running
 * the classic agent loop, start-next then update until the queue is empty, needs the Jobs
 * service: tests/c_abi/job_life.rs, against the jobs-emulator.) */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static void thread_identity(fb_broker_t *b)
{
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, NULL),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_SetNotifyPendingCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_notify_pending(b, "T1", "{\"timestamp\":1,\"jobs\":{}}"));
    CHECK(ts_recorder_wait(&rec, 2, TS_SOON_MS));
    for (size_t i = 0; i < 2; i++) {
        CHECK(!pthread_equal(rec.events[i].thread, pthread_self()));
        CHECK(!pthread_equal(rec.events[i].thread, fb_receive_thread(b)));
    }
    AwsIotJobsCallbackInfo_t removal = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    removal.oldFunction = ts_recorder_callback;
    CHECK_EQ(AwsIotJobs_SetNotifyPendingCallback(fb_connection(b), "T1", 2, 0, &removal),
             AWS_IOT_JOBS_SUCCESS);
    ts_recorder_destroy(&rec);
}

/* A completion callback that makes a Sync call and records what it returned. */
typedef struct reentrant {
    ts_recorder_t rec;
    AwsIotJobsError_t inner;
    char *reply;
} reentrant_t;

static void sync_from_callback(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    reentrant_t *r = pContext;
    AwsIotJobsRequestInfo_t request =
        ts_request(pParam->mqttConnection, "T1", "job1", "from-callback");
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    r->inner = AwsIotJobs_DescribeSync(&request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, 0,
                                       TS_SOON_MS, &response);
    r->reply = (char *)response.pJobsResponse;
    ts_recorder_callback(&r->rec, pParam); /* last: the test wakes up on it */
}

static void reentrancy(fb_broker_t *b)
{
    reentrant_t r = {.inner = AWS_IOT_JOBS_SUCCESS, .reply = NULL};
    ts_recorder_init(&r.rec);
    AwsIotJobsCallbackInfo_t callback = {&r, sync_from_callback, NULL};
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    for (int round = 0; round < 3; round++) {
        CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, NULL),
                 AWS_IOT_JOBS_STATUS_PENDING);
        CHECK(ts_recorder_wait(&r.rec, (size_t)round + 1, TS_SOON_MS));
        CHECK_EQ(r.inner, AWS_IOT_JOBS_SUCCESS);
        CHECK(r.reply != NULL && strstr(r.reply, "\"clientToken\":\"from-callback\"") != NULL);
        free(r.reply);
        r.reply = NULL;
    }
    ts_recorder_destroy(&r.rec);
}

int main(void)
{
    for (int aws = 0; aws < 2; aws++) {
        ts_context("awsIotMqttMode %d", aws);
        ts_init();
        fb_broker_t *b = fb_create(aws, FB_THREADED);
        thread_identity(b);
        reentrancy(b);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
