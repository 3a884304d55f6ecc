/* Init and Cleanup: a second Init is a successful no-op, Init(0) keeps the default MQTT
 * timeout, a non-zero one is used for every transport call, Init works again after Cleanup;
 * strerror and StateName name every value. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

/* One Sync get-pending that must succeed; returns the MQTT timeout the transport saw. */
static uint32_t timeout_seen(fb_broker_t *b)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    return fb_last_timeout_ms(b);
}

static void init_and_cleanup(void)
{
    fb_broker_t *b = fb_create(false, FB_THREADED);

    CHECK_EQ(AwsIotJobs_Init(0), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(timeout_seen(b), AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS);
    /* A second Init succeeds and changes nothing. */
    CHECK_EQ(AwsIotJobs_Init(777), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(timeout_seen(b), AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS);
    AwsIotJobs_Cleanup();
    AwsIotJobs_Cleanup(); /* harmless */

    /* Init again, with a timeout of its own. */
    CHECK_EQ(AwsIotJobs_Init(1234), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(timeout_seen(b), 1234);
    AwsIotJobs_Cleanup();

    CHECK_EQ(AwsIotJobs_Init(0), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(timeout_seen(b), AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void names(void)
{
    static const struct {
        int code;
        const char *text;
    } errors[] = {
        {0, "SUCCESS"}, {1, "STATUS PENDING"}, {2, "INIT FAILED"}, {3, "BAD PARAMETER"},
        {4, "NO MEMORY"}, {5, "MQTT ERROR"}, {6, "INVALID STATUS"}, {7, "BAD RESPONSE"},
        {8, "TIMEOUT"}, {9, "INVALID STATUS"}, {10, "INVALID STATUS"},
        {11, "NOT INITIALIZED"}, {12, "FAILED: INVALID TOPIC"}, {13, "FAILED: INVALID JSON"},
        {14, "FAILED: INVALID REQUEST"}, {15, "FAILED: INVALID STATE TRANSITION"},
        {16, "FAILED: NOT FOUND"}, {17, "FAILED: VERSION MISMATCH"},
        {18, "FAILED: INTERNAL ERROR"}, {19, "FAILED: THROTTLED"},
        {20, "FAILED: TERMINAL STATE"}, {21, "INVALID STATUS"}, {-1, "INVALID STATUS"},
        {1000, "INVALID STATUS"},
    };
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
        CHECK_STR(AwsIotJobs_strerror((AwsIotJobsError_t)errors[i].code), errors[i].text);
    }
    static const char *const states[] = {"QUEUED",    "IN PROGRESS", "FAILED",  "SUCCEEDED",
                                         "CANCELED",  "TIMED OUT",   "REJECTED", "REMOVED"};
    for (int s = 0; s < 8; s++) {
        CHECK_STR(AwsIotJobs_StateName((AwsIotJobState_t)s), states[s]);
    }
    CHECK_STR(AwsIotJobs_StateName((AwsIotJobState_t)8), "INVALID STATE");
    CHECK_STR(AwsIotJobs_StateName((AwsIotJobState_t)-1), "INVALID STATE");
    CHECK_STR(AwsIotJobs_StateName((AwsIotJobState_t)1000), "INVALID STATE");
}

int main(void)
{
    names(); /* before Init: they need no library state */
    init_and_cleanup();
    names();
    return 0;
}
