/* v4 defect: a NULL request info or update info crashed. Now every function returns
 * BAD_PARAMETER for them and sends nothing. */

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_INLINE);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsResponse_t response;
    AwsIotJobsOperation_t handle = NULL;
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s", TS_OP_NAMES[op]);
        CHECK_EQ(ts_async((ts_op_t)op, NULL, &update, 0, NULL, &handle),
                 AWS_IOT_JOBS_BAD_PARAMETER);
        CHECK_EQ(ts_sync((ts_op_t)op, NULL, &update, 0, 100, &response),
                 AWS_IOT_JOBS_BAD_PARAMETER);
        if (op == TS_START_NEXT || op == TS_UPDATE) {
            CHECK_EQ(ts_async((ts_op_t)op, &request, NULL, 0, NULL, &handle),
                     AWS_IOT_JOBS_BAD_PARAMETER);
            CHECK_EQ(ts_sync((ts_op_t)op, &request, NULL, 0, 100, &response),
                     AWS_IOT_JOBS_BAD_PARAMETER);
        }
    }
    CHECK(handle == NULL);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(NULL, 15), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK_EQ(fb_record_count(b), 0);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
    return 0;
}
