/* The four operations in Sync form on every kind of broker: the reply is handed back in a
 * buffer from mallocResponse (one call), NUL-terminated, equal to the raw reply, freed by the
 * caller; a job goes through its life: start-next, describe ($next and by ID), update. */

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

static void life_of_a_job(fb_broker_t *b)
{
    AwsIotJobsUpdateInfo_t start = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    start.pStatusDetails = "{\"step\":\"download\"}";
    start.statusDetailsLength = strlen(start.pStatusDetails);

    char *reply = sync_ok(b, TS_GET_PENDING, NULL, NULL);
    CHECK(strstr(reply, "\"queuedJobs\":[{\"jobId\":\"job1\"") != NULL);
    free(reply);

    reply = sync_ok(b, TS_START_NEXT, NULL, &start);
    CHECK(strstr(reply, "\"jobId\":\"job1\"") != NULL);
    CHECK(strstr(reply, "\"status\":\"IN_PROGRESS\"") != NULL);
    CHECK(strstr(reply, "\"statusDetails\":{\"step\":\"download\"}") != NULL);
    free(reply);
    CHECK_EQ(fb_job_version(b, "T1", "job1"), 2);

    reply = sync_ok(b, TS_DESCRIBE, "$next", NULL);
    CHECK(strstr(reply, "\"jobId\":\"job1\"") != NULL);
    free(reply);

    AwsIotJobsUpdateInfo_t done = ts_update(AWS_IOT_JOB_STATE_SUCCEEDED);
    done.expectedVersion = 2;
    done.includeJobExecutionState = true;
    reply = sync_ok(b, TS_UPDATE, "job1", &done);
    CHECK(strstr(reply, "\"executionState\":{\"status\":\"SUCCEEDED\"") != NULL);
    free(reply);
    CHECK_STR(fb_job_status(b, "T1", "job1"), "SUCCEEDED");

    reply = sync_ok(b, TS_DESCRIBE, "job1", NULL);
    CHECK(strstr(reply, "\"status\":\"SUCCEEDED\"") != NULL);
    free(reply);

    reply = sync_ok(b, TS_DESCRIBE, "$next", NULL);
    CHECK(strstr(reply, "\"jobId\":\"job2\"") != NULL);
    free(reply);

    reply = sync_ok(b, TS_GET_PENDING, NULL, NULL);
    CHECK(strstr(reply, "\"inProgressJobs\":[]") != NULL);
    CHECK(strstr(reply, "\"queuedJobs\":[{\"jobId\":\"job2\"") != NULL);
    free(reply);
}

int main(void)
{
    for (int s = 0; s < FB_SETUP_COUNT; s++) {
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[s].aws, FB_SETUPS[s].delivery);
        fb_add_job(b, "T1", "job1", "{\"url\":\"https://example.com/fw.bin\"}");
        fb_add_job(b, "T1", "job2", NULL);
        life_of_a_job(b);
        CHECK_EQ(fb_undelivered(b), 0);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
