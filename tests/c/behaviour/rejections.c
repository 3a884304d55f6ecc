/* Every rejection code of the service maps to its AwsIotJobsError_t, in Async (the callback
 * gets the code and the rejection document) and Sync (the code, and the document in a buffer
 * from mallocResponse that the caller frees); an unknown or missing code is BAD_RESPONSE and
 * Sync hands back no buffer. The service's own rejections (unknown job, version mismatch,
 * update of a terminal execution) are provoked against the jobs-emulator in
 * tests/c_abi/notify_and_rejections.rs. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static const struct {
    const char *code;
    AwsIotJobsError_t error;
} CODES[] = {
    {"InvalidTopic", AWS_IOT_JOBS_INVALID_TOPIC},
    {"InvalidJson", AWS_IOT_JOBS_INVALID_JSON},
    {"InvalidRequest", AWS_IOT_JOBS_INVALID_REQUEST},
    {"InvalidStateTransition", AWS_IOT_JOBS_INVALID_STATE},
    {"ResourceNotFound", AWS_IOT_JOBS_NOT_FOUND},
    {"VersionMismatch", AWS_IOT_JOBS_VERSION_MISMATCH},
    {"InternalError", AWS_IOT_JOBS_INTERNAL_ERROR},
    {"RequestThrottled", AWS_IOT_JOBS_THROTTLED},
    {"TerminalStateReached", AWS_IOT_JOBS_TERMINAL_STATE},
    {"SomethingNew", AWS_IOT_JOBS_BAD_RESPONSE},
    {"", AWS_IOT_JOBS_BAD_RESPONSE}, /* no code at all */
};

static bool carries_document(AwsIotJobsError_t e)
{
    return e != AWS_IOT_JOBS_BAD_RESPONSE;
}

static void async_rejected(fb_broker_t *b, ts_op_t op, size_t i)
{
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsOperation_t handle = NULL;

    fb_next_reject(b, CODES[i].code);
    CHECK_EQ(ts_async(op, &request, &update, 0, &callback, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(ts_recorder_wait(&rec, 1, TS_SOON_MS));
    const ts_event_t *e = ts_recorder_find(&rec, handle);
    CHECK(e != NULL);
    CHECK_EQ(e->callbackType, (AwsIotJobsCallbackType_t)op);
    CHECK_EQ(e->result, CODES[i].error);
    if (carries_document(CODES[i].error)) {
        char *rejected = ts_topic(op, "T1", "job1", "/rejected");
        CHECK(e->response != NULL);
        CHECK_STR(e->response, fb_last_delivered(b, rejected));
        free(rejected);
    }
    ts_recorder_destroy(&rec);
}

static void sync_rejected(fb_broker_t *b, ts_op_t op, size_t i)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsResponse_t response = {(const char *)"junk", 4};

    fb_next_reject(b, CODES[i].code);
    CHECK_EQ(ts_sync(op, &request, &update, 0, TS_SOON_MS, &response), CODES[i].error);
    if (carries_document(CODES[i].error)) {
        char *rejected = ts_topic(op, "T1", "job1", "/rejected");
        CHECK_MEM(response.pJobsResponse, response.jobsResponseLength,
                  fb_last_delivered(b, rejected));
        CHECK(strstr(response.pJobsResponse, CODES[i].code) != NULL);
        free(rejected);
        free((void *)response.pJobsResponse);
    } else {
        CHECK(response.pJobsResponse == NULL);
        CHECK_EQ(response.jobsResponseLength, 0);
    }
}

int main(void)
{
    static const int setups[] = {0, 3};
    for (size_t s = 0; s < 2; s++) {
        const fb_setup_t *setup = &FB_SETUPS[setups[s]];
        ts_init();
        fb_broker_t *b = fb_create(setup->aws, setup->delivery);
        for (int op = 0; op < TS_OP_COUNT; op++) {
            for (size_t i = 0; i < sizeof(CODES) / sizeof(CODES[0]); i++) {
                async_rejected(b, (ts_op_t)op, i);
                sync_rejected(b, (ts_op_t)op, i);
            }
        }
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
