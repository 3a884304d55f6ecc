/* Concurrency: several threads, each working on several things and on several jobs of one
 * shared thing, Async and Sync mixed; every operation completes exactly once with its own
 * reply (its client token), on every kind of broker. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

#define THREADS 4
#define THINGS 3
#define JOBS 4
#define ROUNDS 5

typedef struct worker {
    fb_broker_t *b;
    int index;
    ts_recorder_t rec;
    size_t expected;
    AwsIotJobsOperation_t handles[THINGS * ROUNDS * 2 + JOBS];
    size_t handleCount;
    int failures;
} worker_t;

static void *work(void *arg)
{
    worker_t *w = arg;
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&w->rec);
    char thing[32], job[32], token[64];
    for (int round = 0; round < ROUNDS; round++) {
        for (int t = 0; t < THINGS; t++) {
            snprintf(thing, sizeof(thing), "W%d-T%d", w->index, t);
            AwsIotJobsRequestInfo_t request = ts_request(fb_connection(w->b), thing, "$next",
                                                         NULL);
            AwsIotJobsOperation_t h = NULL;
            CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, &h),
                     AWS_IOT_JOBS_STATUS_PENDING);
            w->handles[w->handleCount++] = h;
            CHECK_EQ(AwsIotJobs_DescribeAsync(&request, -1, true, 0, &callback, &h),
                     AWS_IOT_JOBS_STATUS_PENDING);
            w->handles[w->handleCount++] = h;
            w->expected += 2;
            snprintf(token, sizeof(token), "sync-%d-%d-%d", w->index, round, t);
            request.pClientToken = token;
            request.clientTokenLength = strlen(token);
            AwsIotJobsResponse_t response;
            CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
                     AWS_IOT_JOBS_SUCCESS);
            char *echoed = fb_token_of(response.pJobsResponse);
            if (echoed == NULL || strcmp(echoed, token) != 0) w->failures++;
            free(echoed);
            free((void *)response.pJobsResponse);
        }
    }
    /* Updates of this worker's jobs of the shared thing, all in flight at once. */
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    for (int j = 0; j < JOBS; j++) {
        snprintf(job, sizeof(job), "job-%d-%d", w->index, j);
        AwsIotJobsRequestInfo_t request = ts_request(fb_connection(w->b), "Shared", job, NULL);
        AwsIotJobsOperation_t h = NULL;
        CHECK_EQ(AwsIotJobs_UpdateAsync(&request, &update, 0, &callback, &h),
                 AWS_IOT_JOBS_STATUS_PENDING);
        w->handles[w->handleCount++] = h;
        w->expected++;
    }
    return NULL;
}

static void run(const fb_setup_t *setup)
{
    ts_context("%s", setup->name);
    ts_init();
    fb_broker_t *b = fb_create(setup->aws, setup->delivery);
    static worker_t workers[THREADS];
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof(workers[i]));
        workers[i].b = b;
        workers[i].index = i;
        ts_recorder_init(&workers[i].rec);
        CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) CHECK(pthread_join(threads[i], NULL) == 0);
    for (int i = 0; i < THREADS; i++) {
        worker_t *w = &workers[i];
        CHECK_EQ(w->failures, 0);
        CHECK(ts_recorder_wait(&w->rec, w->expected, TS_SOON_MS));
        CHECK(fb_drain(b, TS_SOON_MS));
        CHECK_EQ(ts_recorder_count(&w->rec), w->expected);
        for (size_t h = 0; h < w->handleCount; h++) {
            const ts_event_t *e = ts_recorder_find(&w->rec, w->handles[h]); /* once */
            CHECK(e != NULL);
            /* Describe $next of a thing without jobs: ResourceNotFound. */
            CHECK(e->result == AWS_IOT_JOBS_SUCCESS || (e->callbackType ==
                                                        AWS_IOT_JOBS_DESCRIBE_COMPLETE &&
                                                        e->result == AWS_IOT_JOBS_NOT_FOUND));
        }
    }
    CHECK_EQ(fb_undelivered(b), 0);
    AwsIotJobs_Cleanup();
    for (int i = 0; i < THREADS; i++) ts_recorder_destroy(&workers[i].rec);
    fb_destroy(b);
}

int main(void)
{
    for (int s = 0; s < FB_SETUP_COUNT; s++) run(&FB_SETUPS[s]);
    return 0;
}
