/* Before Init and after Cleanup every Jobs call returns NOT_INITIALIZED and sends nothing;
 * the settings and the transport functions work at any time. */

#include "fake_broker.h"
#include "test_support.h"

static void nothing_works(fb_broker_t *b)
{
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    unsigned records = (unsigned)fb_record_count(b);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s", TS_OP_NAMES[op]);
        AwsIotJobsOperation_t handle = NULL;
        AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
        CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, &callback, &handle),
                 AWS_IOT_JOBS_NOT_INITIALIZED);
        CHECK_EQ(ts_async((ts_op_t)op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL,
                          &handle),
                 AWS_IOT_JOBS_NOT_INITIALIZED);
        CHECK(handle == NULL);
        CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, 100, &response),
                 AWS_IOT_JOBS_NOT_INITIALIZED);
        /* Checked before the parameters, as in v4. */
        CHECK_EQ(ts_sync((ts_op_t)op, NULL, NULL, 0, 100, NULL), AWS_IOT_JOBS_NOT_INITIALIZED);
    }
    ts_context("other functions");
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    CHECK_EQ(AwsIotJobs_Wait((AwsIotJobsOperation_t)(uintptr_t)0x1000, 100, &response),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(AwsIotJobs_SetNotifyPendingCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(fb_record_count(b), records);
    CHECK_EQ(ts_recorder_count(&rec), 0);
    ts_recorder_destroy(&rec);
    ts_context("%s", "");
}

int main(void)
{
    /* Settings and the transport interface need no Init. */
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(1000), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(AwsIotJobs_SetNotifyCallbackLimit(2), AWS_IOT_JOBS_SUCCESS);
    fb_broker_t *b = fb_create(false, FB_THREADED);
    nothing_works(b);

    ts_init();
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    AwsIotJobsResponse_t response;
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    AwsIotJobs_Cleanup();

    nothing_works(b);
    fb_destroy(b);
    return 0;
}
