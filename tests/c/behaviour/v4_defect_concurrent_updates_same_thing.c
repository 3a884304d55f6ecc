/* v4 defect: describe/update reply subscriptions were counted per operation type, not per
 * job ID, so a second concurrent update for another job of the same thing never subscribed
 * and hung. Now both updates (and both describes) are in flight together on a generic broker
 * and both complete, each with its own reply. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static void two_at_once(fb_broker_t *b, ts_op_t op)
{
    ts_context("%s", TS_OP_NAMES[op]);
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsRequestInfo_t first = ts_request(fb_connection(b), "T1", "job1", "first");
    AwsIotJobsRequestInfo_t second = ts_request(fb_connection(b), "T1", "job2", "second");
    AwsIotJobsOperation_t h1 = NULL, h2 = NULL;
    fb_script_t hold = {0};
    hold.hold = true;
    fb_push_script(b, hold);
    fb_push_script(b, hold);

    CHECK_EQ(ts_async(op, &first, &update, 0, &callback, &h1), AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(ts_async(op, &second, &update, 0, &callback, &h2), AWS_IOT_JOBS_STATUS_PENDING);
    /* Both jobs' reply topics are subscribed while both are in flight. */
    for (int j = 1; j <= 2; j++) {
        char *accepted = ts_topic(op, "T1", j == 1 ? "job1" : "job2", "/accepted");
        CHECK(fb_is_subscribed(b, accepted));
        free(accepted);
    }
    CHECK_EQ(fb_release_held(b, 0), 2);
    CHECK(ts_recorder_wait(&rec, 2, TS_SOON_MS));
    CHECK_EQ(fb_undelivered(b), 0);
    const ts_event_t *e1 = ts_recorder_find(&rec, h1), *e2 = ts_recorder_find(&rec, h2);
    CHECK(e1 != NULL && e2 != NULL);
    CHECK_EQ(e1->result, AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(e2->result, AWS_IOT_JOBS_SUCCESS);
    CHECK(strstr(e1->response, "\"clientToken\":\"first\"") != NULL);
    CHECK(strstr(e2->response, "\"clientToken\":\"second\"") != NULL);
    ts_recorder_destroy(&rec);
}

typedef struct syncer {
    fb_broker_t *b;
    const char *job;
    AwsIotJobsError_t result;
} syncer_t;

static void *update_sync(void *arg)
{
    syncer_t *s = arg;
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(s->b), "T1", s->job, NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_SUCCEEDED);
    AwsIotJobsResponse_t response;
    s->result = AwsIotJobs_UpdateSync(&request, &update, 0, TS_SOON_MS, &response);
    free((void *)response.pJobsResponse);
    return NULL;
}

int main(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    two_at_once(b, TS_DESCRIBE);
    two_at_once(b, TS_UPDATE);

    /* Two threads, one Sync update each, at the same time. */
    syncer_t s1 = {b, "job1", AWS_IOT_JOBS_TIMEOUT}, s2 = {b, "job2", AWS_IOT_JOBS_TIMEOUT};
    pthread_t t1, t2;
    CHECK(pthread_create(&t1, NULL, update_sync, &s1) == 0);
    CHECK(pthread_create(&t2, NULL, update_sync, &s2) == 0);
    CHECK(pthread_join(t1, NULL) == 0);
    CHECK(pthread_join(t2, NULL) == 0);
    CHECK_EQ(s1.result, AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(s2.result, AWS_IOT_JOBS_SUCCESS);
    /* Both updates went out as SUCCEEDED (the service applying concurrent updates of one
     * thing: tests/c_abi/async_and_concurrency.rs, against the jobs-emulator). */
    CHECK(strstr(fb_last_payload(b, "$aws/things/T1/jobs/job1/update"),
                 "\"status\":\"SUCCEEDED\"") != NULL);
    CHECK(strstr(fb_last_payload(b, "$aws/things/T1/jobs/job2/update"),
                 "\"status\":\"SUCCEEDED\"") != NULL);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
    return 0;
}
