/* A mallocResponse that returns NULL: Sync and Wait return NO_MEMORY with no buffer, for a
 * reply and for a rejection, and nothing leaks (LeakSanitizer checks at exit). */

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    request.mallocResponse = ts_null_malloc;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);

    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s", TS_OP_NAMES[op]);
        AwsIotJobsResponse_t response = {(const char *)"junk", 4};
        CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, TS_SOON_MS, &response),
                 AWS_IOT_JOBS_NO_MEMORY);
        CHECK(response.pJobsResponse == NULL);
        CHECK_EQ(response.jobsResponseLength, 0);

        fb_next_reject(b, "InvalidRequest");
        CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, TS_SOON_MS, &response),
                 AWS_IOT_JOBS_NO_MEMORY);
        CHECK(response.pJobsResponse == NULL);

        AwsIotJobsOperation_t handle = NULL;
        CHECK_EQ(ts_async((ts_op_t)op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE, NULL,
                          &handle),
                 AWS_IOT_JOBS_STATUS_PENDING);
        CHECK_EQ(AwsIotJobs_Wait(handle, TS_SOON_MS, &response), AWS_IOT_JOBS_NO_MEMORY);
        CHECK(response.pJobsResponse == NULL);
        /* The handle is consumed all the same. */
        CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
    }
    /* A reply that carries no document (BAD_RESPONSE) needs no memory. */
    AwsIotJobsResponse_t response;
    fb_next_reject(b, "Unheard");
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_BAD_RESPONSE);
    CHECK(response.pJobsResponse == NULL);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
    return 0;
}
