/* Cleanup racing a submitter: a thread keeps calling UpdateAsync while the main thread calls
 * AwsIotJobs_Cleanup after a varying delay. Every call either returns an error and is never
 * called back, or returns STATUS_PENDING and is called back exactly once, before Cleanup
 * returns: CYCLES rounds, on a broker that answers (some operations complete with their
 * reply, the rest with NOT_INITIALIZED), with the reply delivered inline and from a receive
 * thread.
 *
 * Then Cleanup from inside a callback: the calling callback finishes, the operations still in
 * flight are called back once with NOT_INITIALIZED right after it, and Init works again. */

#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "fake_broker.h"
#include "test_support.h"

#define CYCLES 2000
#define PER_CYCLE 48

typedef struct call {
    atomic_int callbacks;
    AwsIotJobsError_t returned;
} call_t;

typedef struct submitter {
    fb_broker_t *b;
    call_t calls[PER_CYCLE];
    int made;
} submitter_t;

static void count(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    (void)pParam;
    atomic_fetch_add(&((call_t *)pContext)->callbacks, 1);
}

static void *submit(void *arg)
{
    submitter_t *s = arg;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(s->b), "T1", "job1", NULL);
    for (s->made = 0; s->made < PER_CYCLE; s->made++) {
        call_t *c = &s->calls[s->made];
        AwsIotJobsCallbackInfo_t callback = {c, count, NULL};
        AwsIotJobsOperation_t handle = AWS_IOT_JOBS_OPERATION_INITIALIZER;
        c->returned = AwsIotJobs_UpdateAsync(&request, &update, 0, &callback, &handle);
        if (c->returned == AWS_IOT_JOBS_NOT_INITIALIZED) {
            s->made++;
            break;
        }
    }
    return NULL;
}

typedef struct totals {
    long accepted, refused, lost, duplicated, late, refused_but_called;
} totals_t;

static void race(fb_broker_t *b, unsigned cycle, totals_t *t)
{
    static submitter_t s;
    memset(&s, 0, sizeof(s));
    s.b = b;
    ts_init();
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, submit, &s) == 0);
    /* 0 to ~300 µs: sometimes before the first call, sometimes after the last. */
    struct timespec pause = {0, (long)(cycle * 7919u % 300u) * 1000L};
    nanosleep(&pause, NULL);
    AwsIotJobs_Cleanup();
    int at_return[PER_CYCLE];
    for (int i = 0; i < PER_CYCLE; i++) at_return[i] = atomic_load(&s.calls[i].callbacks);
    CHECK(pthread_join(thread, NULL) == 0);
    for (int i = 0; i < s.made; i++) {
        int now = atomic_load(&s.calls[i].callbacks);
        if (s.calls[i].returned == AWS_IOT_JOBS_STATUS_PENDING) {
            t->accepted++;
            if (now == 0) t->lost++;
            if (now > 1) t->duplicated++;
            if (at_return[i] != now) t->late++;
        } else {
            t->refused++;
            if (now != 0) t->refused_but_called++;
        }
    }
}

/* ----- Cleanup from a callback ----- */

typedef struct from_callback {
    atomic_int cleanups;
    atomic_int after; /* callbacks that ran after the one that called Cleanup */
    atomic_int calling_done;
} from_callback_t;

static from_callback_t fc;

static void cleanup_here(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    (void)pContext;
    (void)pParam;
    AwsIotJobs_Cleanup();
    atomic_fetch_add(&fc.cleanups, 1);
    atomic_store(&fc.calling_done, 1);
}

static void after_cleanup(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    (void)pContext;
    /* Runs after the calling callback returned, with NOT_INITIALIZED. */
    if (atomic_load(&fc.calling_done) == 1 &&
        pParam->u.operation.result == AWS_IOT_JOBS_NOT_INITIALIZED)
        atomic_fetch_add(&fc.after, 1);
    else
        atomic_fetch_add(&fc.after, 1000);
}

static bool after_all(void *arg)
{
    return atomic_load(&fc.after) >= *(int *)arg;
}

static void cleanup_from_a_callback(void)
{
    ts_context("Cleanup called from a callback");
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    /* Three operations that will never be answered, then one that is. */
    fb_set_silent(b, true);
    AwsIotJobsCallbackInfo_t later = {NULL, after_cleanup, NULL};
    AwsIotJobsOperation_t handle;
    for (int i = 0; i < 3; i++)
        CHECK_EQ(AwsIotJobs_UpdateAsync(&request, &update, 0, &later, &handle),
                 AWS_IOT_JOBS_STATUS_PENDING);
    fb_set_silent(b, false);
    AwsIotJobsCallbackInfo_t calling = {NULL, cleanup_here, NULL};
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &calling, &handle),
             AWS_IOT_JOBS_STATUS_PENDING);
    int three = 3;
    CHECK(ts_wait_for(after_all, &three, TS_SOON_MS));
    CHECK_EQ(atomic_load(&fc.cleanups), 1);
    CHECK_EQ(atomic_load(&fc.after), 3);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &calling, &handle),
             AWS_IOT_JOBS_NOT_INITIALIZED);
    /* The library starts again. */
    ts_init();
    AwsIotJobsResponse_t response;
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

int main(void)
{
    const fb_delivery_t deliveries[2] = {FB_THREADED, FB_INLINE};
    const char *names[2] = {"receive thread", "inline delivery"};
    for (int d = 0; d < 2; d++) {
        ts_context("Cleanup racing UpdateAsync, %s", names[d]);
        ts_init();
        fb_broker_t *b = fb_create(false, deliveries[d]);
        AwsIotJobs_Cleanup();
        totals_t t = {0, 0, 0, 0, 0, 0};
        for (unsigned cycle = 0; cycle < CYCLES; cycle++) race(b, cycle, &t);
        printf("%s: %u cycles, %ld calls accepted, %ld refused; lost %ld, duplicated %ld, "
               "late %ld, refused but called back %ld\n",
               names[d], CYCLES, t.accepted, t.refused, t.lost, t.duplicated, t.late,
               t.refused_but_called);
        CHECK(t.accepted > 0);
        CHECK(t.refused > 0);
        CHECK_EQ(t.lost, 0);
        CHECK_EQ(t.duplicated, 0);
        CHECK_EQ(t.late, 0);
        CHECK_EQ(t.refused_but_called, 0);
        fb_destroy(b);
    }
    cleanup_from_a_callback();
    return 0;
}
