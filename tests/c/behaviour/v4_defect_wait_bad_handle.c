/* v4 defect: Wait on a bad handle leaked the operation, and using a handle after completion
 * was undefined. Now a handle is waited for once: Wait on NULL, a garbage value, a callback
 * operation's handle, a consumed (waited, timed-out) or stale handle is BAD_PARAMETER; no
 * operation leaks (LeakSanitizer checks at exit). */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    fb_fixture_t fx;
    fb_fixture_start(&fx, false, FB_THREADED);
    fb_broker_t *b = fx.b;
    AwsIotJobsCallbackInfo_t callback = fx.callback;
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    int local = 0;

    /* NULL and garbage. */
    CHECK_EQ(AwsIotJobs_Wait(NULL, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK_EQ(AwsIotJobs_Wait((AwsIotJobsOperation_t)(uintptr_t)0xdeadbeef, 10, &response),
             AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK_EQ(AwsIotJobs_Wait((AwsIotJobsOperation_t)&local, 10, &response),
             AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK_EQ(AwsIotJobs_Wait((AwsIotJobsOperation_t)(uintptr_t)UINTPTR_MAX, 10, &response),
             AWS_IOT_JOBS_BAD_PARAMETER);

    /* A callback operation's handle: not waitable; its callback still runs once. */
    AwsIotJobsOperation_t handle = NULL;
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK(ts_recorder_wait(&fx.rec, 1, TS_SOON_MS));
    CHECK(ts_recorder_find(&fx.rec, handle) != NULL);
    CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);

    /* A NULL response pointer is refused before the handle is looked at. */
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_Wait(handle, 10, NULL), AWS_IOT_JOBS_BAD_PARAMETER);
    /* Waited twice: the second is an error, not a use after free. */
    CHECK_EQ(AwsIotJobs_Wait(handle, TS_SOON_MS, &response), AWS_IOT_JOBS_SUCCESS);
    CHECK(response.pJobsResponse != NULL);
    free((void *)response.pJobsResponse);
    CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK(response.pJobsResponse == NULL);

    /* Completed before the Wait: the result is kept for it. */
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(AwsIotJobs_Wait(handle, TS_SOON_MS, &response), AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);

    /* A Wait that timed out consumed the handle; the late reply completes nothing. */
    fb_script_t hold = {0};
    hold.hold = true;
    fb_push_script(b, hold);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    uint64_t start = ts_now_ms();
    CHECK_EQ(AwsIotJobs_Wait(handle, 100, &response), AWS_IOT_JOBS_TIMEOUT);
    CHECK(ts_now_ms() - start >= 90);
    CHECK(response.pJobsResponse == NULL);
    CHECK_EQ(fb_release_held(b, 0), 1);
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);

    /* A handle from before Cleanup: NOT_INITIALIZED after it, BAD_PARAMETER after Init. */
    AwsIotJobsOperation_t old = NULL, older = NULL;
    fb_set_silent(b, true);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &old),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &older),
             AWS_IOT_JOBS_STATUS_PENDING);
    AwsIotJobs_Cleanup();
    CHECK_EQ(AwsIotJobs_Wait(old, 10, &response), AWS_IOT_JOBS_NOT_INITIALIZED);
    ts_init();
    CHECK_EQ(AwsIotJobs_Wait(older, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
    CHECK_EQ(AwsIotJobs_Wait(old, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);

    CHECK_EQ(ts_recorder_count(&fx.rec), 1);
    fb_fixture_stop(&fx);
    return 0;
}
