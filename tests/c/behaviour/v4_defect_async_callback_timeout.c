/* v4 defect: asynchronous operations with a callback never timed out. Now the callback runs
 * exactly once with TIMEOUT after AwsIotJobs_SetResponseTimeout, for every operation; a reply
 * arriving after that is ignored. */

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    fb_fixture_t fx;
    fb_fixture_start(&fx, false, FB_THREADED);
    fb_broker_t *b = fx.b;
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(150), AWS_IOT_JOBS_SUCCESS);
    AwsIotJobsCallbackInfo_t callback = fx.callback;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    fb_script_t hold = {0};
    hold.hold = true;
    AwsIotJobsOperation_t handles[TS_OP_COUNT];

    uint64_t start = ts_now_ms();
    for (int op = 0; op < TS_OP_COUNT; op++) {
        AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
        fb_push_script(b, hold);
        CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, &callback, &handles[op]),
                 AWS_IOT_JOBS_STATUS_PENDING);
    }
    CHECK(ts_recorder_wait(&fx.rec, TS_OP_COUNT, 150 + 5000));
    CHECK(ts_now_ms() - start >= 140);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        const ts_event_t *e = ts_recorder_find(&fx.rec, handles[op]);
        CHECK(e != NULL);
        CHECK_EQ(e->callbackType, (AwsIotJobsCallbackType_t)op);
        CHECK_EQ(e->result, AWS_IOT_JOBS_TIMEOUT);
        CHECK(e->response == NULL);
        CHECK_EQ(e->responseLength, 0);
    }
    /* The late replies complete nothing: no second callback. */
    CHECK_EQ(fb_release_held(b, 0), TS_OP_COUNT);
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK(!ts_recorder_wait(&fx.rec, TS_OP_COUNT + 1, 300));

    AwsIotJobs_Cleanup();
    CHECK_EQ(ts_recorder_count(&fx.rec), TS_OP_COUNT);
    fb_fixture_stop(&fx);
    return 0;
}
