/* Callbacks run on the library's own thread (neither the caller's nor the broker's receive
 * thread); a completion callback may call a Sync operation; a notify-next callback may run
 * the classic agent loop (start-next, then update) until the queue is empty. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static void thread_identity(fb_broker_t *b)
{
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, NULL),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK_EQ(AwsIotJobs_SetNotifyPendingCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_notify_pending(b, "T1"));
    CHECK(ts_recorder_wait(&rec, 2, TS_SOON_MS));
    for (size_t i = 0; i < 2; i++) {
        CHECK(!pthread_equal(rec.events[i].thread, pthread_self()));
        CHECK(!pthread_equal(rec.events[i].thread, fb_receive_thread(b)));
    }
    AwsIotJobsCallbackInfo_t removal = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    removal.oldFunction = ts_recorder_callback;
    CHECK_EQ(AwsIotJobs_SetNotifyPendingCallback(fb_connection(b), "T1", 2, 0, &removal),
             AWS_IOT_JOBS_SUCCESS);
    ts_recorder_destroy(&rec);
}

/* A completion callback that makes a Sync call and records what it returned. */
typedef struct reentrant {
    ts_recorder_t rec;
    AwsIotJobsError_t inner;
    char *reply;
} reentrant_t;

static void sync_from_callback(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    reentrant_t *r = pContext;
    AwsIotJobsRequestInfo_t request =
        ts_request(pParam->mqttConnection, "T1", "job1", "from-callback");
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    r->inner = AwsIotJobs_DescribeSync(&request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, 0,
                                       TS_SOON_MS, &response);
    r->reply = (char *)response.pJobsResponse;
    ts_recorder_callback(&r->rec, pParam); /* last: the test wakes up on it */
}

static void reentrancy(fb_broker_t *b)
{
    reentrant_t r = {.inner = AWS_IOT_JOBS_SUCCESS, .reply = NULL};
    ts_recorder_init(&r.rec);
    AwsIotJobsCallbackInfo_t callback = {&r, sync_from_callback, NULL};
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    for (int round = 0; round < 3; round++) {
        CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, NULL),
                 AWS_IOT_JOBS_STATUS_PENDING);
        CHECK(ts_recorder_wait(&r.rec, (size_t)round + 1, TS_SOON_MS));
        CHECK_EQ(r.inner, AWS_IOT_JOBS_SUCCESS);
        CHECK(r.reply != NULL && strstr(r.reply, "\"clientToken\":\"from-callback\"") != NULL);
        free(r.reply);
        r.reply = NULL;
    }
    ts_recorder_destroy(&r.rec);
}

/* The agent: on notify-next with an execution, start it and report it SUCCEEDED. */
typedef struct agent {
    pthread_mutex_t lock;
    pthread_cond_t done_cond;
    int processed;
    bool done;
    AwsIotJobsError_t failure;
} agent_t;

static void agent_notify_next(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    agent_t *a = pContext;
    CHECK_EQ(pParam->callbackType, AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK);
    char document[4096];
    CHECK(pParam->u.callback.documentLength < sizeof(document));
    memcpy(document, pParam->u.callback.pDocument, pParam->u.callback.documentLength);
    document[pParam->u.callback.documentLength] = '\0';
    AwsIotJobsError_t failure = AWS_IOT_JOBS_SUCCESS;
    bool done = strstr(document, "\"execution\"") == NULL;
    if (!done) {
        AwsIotJobsRequestInfo_t request = ts_request(pParam->mqttConnection, "T1", NULL, NULL);
        AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
        AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
        AwsIotJobsError_t rc =
            AwsIotJobs_StartNextSync(&request, &update, 0, TS_SOON_MS, &response);
        char jobId[80] = "";
        const char *at = response.pJobsResponse ? strstr(response.pJobsResponse, "\"jobId\":\"")
                                                 : NULL;
        if (rc == AWS_IOT_JOBS_SUCCESS && at != NULL) {
            sscanf(at + 9, "%79[^\"]", jobId);
            request = ts_request(pParam->mqttConnection, "T1", jobId, NULL);
            update = ts_update(AWS_IOT_JOB_STATE_SUCCEEDED);
            free((void *)response.pJobsResponse);
            rc = AwsIotJobs_UpdateSync(&request, &update, 0, TS_SOON_MS, &response);
        }
        free((void *)response.pJobsResponse);
        if (rc != AWS_IOT_JOBS_SUCCESS || jobId[0] == '\0') failure = rc ? rc : 99;
    }
    pthread_mutex_lock(&a->lock);
    if (failure != AWS_IOT_JOBS_SUCCESS) a->failure = failure;
    if (!done) a->processed++;
    a->done = done || failure != AWS_IOT_JOBS_SUCCESS;
    pthread_cond_broadcast(&a->done_cond);
    pthread_mutex_unlock(&a->lock);
}

static void agent_loop(fb_broker_t *b)
{
    agent_t a = {.processed = 0, .done = false, .failure = AWS_IOT_JOBS_SUCCESS};
    pthread_mutex_init(&a.lock, NULL);
    pthread_cond_init(&a.done_cond, NULL);
    fb_add_job(b, "T1", "job1", "{\"step\":1}");
    fb_add_job(b, "T1", "job2", "{\"step\":2}");
    fb_add_job(b, "T1", "job3", "{\"step\":3}");
    fb_set_auto_notify_next(b, true);
    AwsIotJobsCallbackInfo_t callback = {&a, agent_notify_next, NULL};
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_notify_next(b, "T1"));

    struct timespec deadline = ts_deadline_after(TS_SOON_MS);
    pthread_mutex_lock(&a.lock);
    while (!a.done) {
        if (pthread_cond_timedwait(&a.done_cond, &a.lock, &deadline) != 0) break;
    }
    bool done = a.done;
    pthread_mutex_unlock(&a.lock);
    CHECK(done);
    CHECK_EQ(a.failure, AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(a.processed, 3);
    CHECK_STR(fb_job_status(b, "T1", "job1"), "SUCCEEDED");
    CHECK_STR(fb_job_status(b, "T1", "job2"), "SUCCEEDED");
    CHECK_STR(fb_job_status(b, "T1", "job3"), "SUCCEEDED");
    fb_set_auto_notify_next(b, false);
    AwsIotJobsCallbackInfo_t removal = {NULL, NULL, agent_notify_next};
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &removal),
             AWS_IOT_JOBS_SUCCESS);
    pthread_mutex_destroy(&a.lock);
    pthread_cond_destroy(&a.done_cond);
}

int main(void)
{
    for (int aws = 0; aws < 2; aws++) {
        ts_context("awsIotMqttMode %d", aws);
        ts_init();
        fb_broker_t *b = fb_create(aws, FB_THREADED);
        thread_identity(b);
        agent_loop(b);
        reentrancy(b);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
