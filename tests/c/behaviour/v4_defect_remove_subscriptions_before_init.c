/* v4 defect: RemovePersistentSubscriptions skipped the Init check. Now it returns
 * NOT_INITIALIZED before Init and after Cleanup, and unsubscribes nothing; kept
 * subscriptions of an earlier run are not touched by it. */

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    fb_broker_t *b = fb_create(false, FB_INLINE);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(NULL, 15), AWS_IOT_JOBS_NOT_INITIALIZED);

    ts_init();
    AwsIotJobsResponse_t response;
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS,
                                       TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    AwsIotJobs_Cleanup();
    unsigned unsubscribes = fb_unsubscribes(b);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    CHECK_EQ(fb_unsubscribes(b), unsubscribes);
    fb_destroy(b);
    return 0;
}
