/* The four operations in Sync form on every kind of broker: the reply is handed back in a
 * buffer from mallocResponse (one call), NUL-terminated, equal to the raw reply (the one with
 * the request's token), freed by the caller. A job's life through the Sync forms (start-next,
 * describe `$next` and by ID, update, with the states and versions the service keeps) is
 * checked against the jobs-emulator in tests/c_abi/job_life.rs. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

/* Runs `op` synchronously, expecting SUCCESS; returns the reply (caller frees). */
static char *sync_ok(fb_broker_t *b, ts_op_t op, const char *jobId,
                     const AwsIotJobsUpdateInfo_t *update)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", jobId, NULL);
    request.mallocResponse = ts_counting_malloc;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    size_t mallocs = ts_counting_malloc_calls();
    CHECK_EQ(ts_sync(op, &request, update, 0, TS_SOON_MS, &response), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(ts_counting_malloc_calls(), mallocs + 1);
    CHECK(response.pJobsResponse != NULL);
    CHECK_EQ(response.pJobsResponse[response.jobsResponseLength], '\0');
    char *accepted = ts_topic(op, "T1", jobId, "/accepted");
    CHECK_MEM(response.pJobsResponse, response.jobsResponseLength,
              fb_last_delivered(b, accepted));
    free(accepted);
    return (char *)response.pJobsResponse;
}

/* Each operation once, the reply carrying the request's token. */
static void every_operation(fb_broker_t *b)
{
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s", TS_OP_NAMES[op]);
        char *reply = sync_ok(b, (ts_op_t)op, "job1", &update);
        char *topic = ts_topic((ts_op_t)op, "T1", "job1", NULL);
        char *token = fb_token_of(reply), *sent = fb_token_of(fb_last_payload(b, topic));
        CHECK(token != NULL && sent != NULL);
        CHECK_STR(token, sent);
        free(token);
        free(sent);
        free(topic);
        free(reply);
    }
}

int main(void)
{
    for (int s = 0; s < FB_SETUP_COUNT; s++) {
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[s].aws, FB_SETUPS[s].delivery);
        every_operation(b);
        CHECK_EQ(fb_undelivered(b), 0);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
