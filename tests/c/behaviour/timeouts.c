/* Timeouts: a Sync call whose reply never comes returns TIMEOUT within its own timeout (not
 * much later) and hands back no buffer; a late reply after that completes nothing and the
 * next operation works; a waitable operation times out at the response timeout
 * (AwsIotJobs_SetResponseTimeout) even when Wait would wait longer. */

#include "fake_broker.h"
#include "test_support.h"

static void sync_timeout(fb_broker_t *b, ts_op_t op)
{
    ts_context("%s", TS_OP_NAMES[op]);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsResponse_t response = {(const char *)"junk", 4};
    fb_script_t hold = {0};
    hold.hold = true;
    fb_push_script(b, hold);

    uint64_t start = ts_now_ms();
    CHECK_EQ(ts_sync(op, &request, &update, 0, 200, &response), AWS_IOT_JOBS_TIMEOUT);
    uint64_t took = ts_now_ms() - start;
    CHECK(took >= 190);
    CHECK(took < 200 + 3000);
    CHECK(response.pJobsResponse == NULL);
    CHECK_EQ(response.jobsResponseLength, 0);

    /* The late reply is dropped; the next operation gets its own reply. */
    CHECK_EQ(fb_release_held(b, 0), 1);
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(ts_sync(op, &request, &update, 0, TS_SOON_MS, &response), AWS_IOT_JOBS_SUCCESS);
    char *token = fb_token_of(response.pJobsResponse);
    char *topic = ts_topic(op, "T1", "job1", NULL);
    char *sent = fb_token_of(fb_last_payload(b, topic));
    CHECK_STR(token, sent);
    free(token);
    free(sent);
    free(topic);
    free((void *)response.pJobsResponse);
}

static void waitable_timeout(fb_broker_t *b)
{
    ts_context("waitable");
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    AwsIotJobsResponse_t response;
    AwsIotJobsOperation_t handle = NULL;
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(150), AWS_IOT_JOBS_SUCCESS);
    fb_next_drop(b);
    uint64_t start = ts_now_ms();
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_Wait(handle, 20000, &response), AWS_IOT_JOBS_TIMEOUT);
    uint64_t took = ts_now_ms() - start;
    CHECK(took >= 140);
    CHECK(took < 150 + 3000);
    CHECK(response.pJobsResponse == NULL);

    /* A Wait shorter than the response timeout returns TIMEOUT at its own bound. */
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(30000), AWS_IOT_JOBS_SUCCESS);
    fb_next_drop(b);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    start = ts_now_ms();
    CHECK_EQ(AwsIotJobs_Wait(handle, 100, &response), AWS_IOT_JOBS_TIMEOUT);
    CHECK(ts_now_ms() - start < 100 + 3000);
}

int main(void)
{
    static const int setups[] = {0, 3};
    for (size_t s = 0; s < 2; s++) {
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[setups[s]].aws, FB_SETUPS[setups[s]].delivery);
        for (int op = 0; op < TS_OP_COUNT; op++) sync_timeout(b, (ts_op_t)op);
        waitable_timeout(b);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
