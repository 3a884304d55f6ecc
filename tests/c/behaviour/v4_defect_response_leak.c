/* v4 defect: the response buffer leaked for InvalidTopic and for unknown rejection codes.
 * Now InvalidTopic hands the document to the caller (who frees it) and an unknown code
 * allocates nothing; repeated many times, in Sync, Wait and callback forms, LeakSanitizer
 * finds nothing at exit and every mallocResponse buffer was handed back. */

#include "fake_broker.h"
#include "test_support.h"

#define ROUNDS 50

int main(void)
{
    fb_fixture_t fx;
    fb_fixture_start(&fx, false, FB_THREADED);
    fb_broker_t *b = fx.b;
    AwsIotJobsCallbackInfo_t callback = fx.callback;
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    request.mallocResponse = ts_counting_malloc;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    size_t handed_back = 0;

    for (int i = 0; i < ROUNDS; i++) {
        ts_op_t op = (ts_op_t)(i % TS_OP_COUNT);
        AwsIotJobsResponse_t response;
        fb_next_reject(b, "InvalidTopic");
        CHECK_EQ(ts_sync(op, &request, &update, 0, TS_SOON_MS, &response),
                 AWS_IOT_JOBS_INVALID_TOPIC);
        CHECK(response.pJobsResponse != NULL);
        free((void *)response.pJobsResponse);
        handed_back++;

        fb_next_reject(b, "NoSuchCode");
        CHECK_EQ(ts_sync(op, &request, &update, 0, TS_SOON_MS, &response),
                 AWS_IOT_JOBS_BAD_RESPONSE);
        CHECK(response.pJobsResponse == NULL);

        AwsIotJobsOperation_t handle = NULL;
        fb_next_reject(b, i % 2 ? "InvalidTopic" : "NoSuchCode");
        CHECK_EQ(ts_async(op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
                 AWS_IOT_JOBS_STATUS_PENDING);
        AwsIotJobsError_t rc = AwsIotJobs_Wait(handle, TS_SOON_MS, &response);
        CHECK_EQ(rc, i % 2 ? AWS_IOT_JOBS_INVALID_TOPIC : AWS_IOT_JOBS_BAD_RESPONSE);
        if (response.pJobsResponse != NULL) handed_back++;
        free((void *)response.pJobsResponse);

        fb_next_reject(b, i % 2 ? "InvalidTopic" : "NoSuchCode");
        CHECK_EQ(ts_async(op, &request, &update, 0, &callback, NULL),
                 AWS_IOT_JOBS_STATUS_PENDING);
    }
    CHECK(ts_recorder_wait(&fx.rec, ROUNDS, TS_SOON_MS));
    for (size_t i = 0; i < ROUNDS; i++) {
        CHECK_EQ(fx.rec.events[i].result,
                 i % 2 ? AWS_IOT_JOBS_INVALID_TOPIC : AWS_IOT_JOBS_BAD_RESPONSE);
    }
    CHECK_EQ(ts_counting_malloc_calls(), handed_back);
    fb_fixture_stop(&fx);
    return 0;
}
