/* v4 defect: a reply without clientToken (the service sends InvalidJson without one) never
 * matched and the operation hung. Now such a rejection completes the oldest matching
 * operation (same thing, operation and job) with INVALID_JSON, promptly; an accepted reply
 * without a token matches nothing (the operation times out instead of taking a stranger's
 * reply). */

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    fb_fixture_t fx;
    fb_fixture_start(&fx, false, FB_THREADED);
    fb_broker_t *b = fx.b;
    AwsIotJobsCallbackInfo_t callback = fx.callback;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", "tok");
    fb_script_t invalid_json = {0};
    invalid_json.reject_code = "InvalidJson";
    invalid_json.no_token = true;

    /* Sync: INVALID_JSON well before the timeout, with the document. */
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s", TS_OP_NAMES[op]);
        AwsIotJobsResponse_t response;
        fb_push_script(b, invalid_json);
        uint64_t start = ts_now_ms();
        CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, 20000, &response),
                 AWS_IOT_JOBS_INVALID_JSON);
        CHECK(ts_now_ms() - start < 10000);
        CHECK(response.pJobsResponse != NULL);
        free((void *)response.pJobsResponse);
    }

    /* Two in flight: the token-less rejection of the second goes to the oldest, the first. */
    ts_context("oldest first");
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(300), AWS_IOT_JOBS_SUCCESS);
    AwsIotJobsOperation_t older = NULL, newer = NULL;
    fb_next_drop(b);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &older),
             AWS_IOT_JOBS_STATUS_PENDING);
    fb_push_script(b, invalid_json);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &newer),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(ts_recorder_wait(&fx.rec, 2, TS_SOON_MS));
    CHECK_EQ(ts_recorder_find(&fx.rec, older)->result, AWS_IOT_JOBS_INVALID_JSON);
    CHECK_EQ(ts_recorder_find(&fx.rec, newer)->result, AWS_IOT_JOBS_TIMEOUT);

    /* An accepted reply without a token completes nothing. */
    ts_context("accepted without token");
    fb_script_t no_token = {0};
    no_token.no_token = true;
    fb_push_script(b, no_token);
    AwsIotJobsOperation_t lone = NULL;
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &lone),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(ts_recorder_wait(&fx.rec, 3, TS_SOON_MS));
    CHECK_EQ(ts_recorder_find(&fx.rec, lone)->result, AWS_IOT_JOBS_TIMEOUT);

    fb_fixture_stop(&fx);
    return 0;
}
