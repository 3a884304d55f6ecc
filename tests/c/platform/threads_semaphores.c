/* platform/iot_threads.h from C: detached threads run their routine with its argument,
 * mutexes exclude (recursive ones admit their holder again), semaphores count, try-waits take
 * exactly the count, and timed waits time out after their timeout and succeed on a post. */

#include <string.h>

#include "platform/iot_clock.h"
#include "platform/iot_threads.h"
#include "test_support.h"

#define THREADS 8

typedef struct {
    IotSemaphore_t *done;
    IotMutex_t *lock;
    int *total;
    int value;
} worker_t;

/* Adds its value to the total under the mutex, then posts. */
static void worker(void *argument) {
    worker_t *w = (worker_t *)argument;
    IotMutex_Lock(w->lock);
    *w->total += w->value;
    IotMutex_Unlock(w->lock);
    IotSemaphore_Post(w->done);
}

static void detached_threads_run_with_their_arguments(void) {
    IotSemaphore_t done;
    IotMutex_t lock;
    worker_t workers[THREADS];
    int total = 0, expected = 0, i;

    ts_context("detached threads");
    CHECK(IotSemaphore_Create(&done, 0, THREADS));
    CHECK(IotMutex_Create(&lock, false));
    for (i = 0; i < THREADS; i++) {
        workers[i].done = &done;
        workers[i].lock = &lock;
        workers[i].total = &total;
        workers[i].value = 1 << i;
        expected += 1 << i;
        CHECK(Iot_CreateDetachedThread(worker, &workers[i], IOT_THREAD_DEFAULT_PRIORITY,
                                       IOT_THREAD_DEFAULT_STACK_SIZE));
    }
    for (i = 0; i < THREADS; i++) {
        CHECK(IotSemaphore_TimedWait(&done, TS_SOON_MS));
    }
    CHECK_EQ(total, expected);
    CHECK_EQ(IotSemaphore_GetCount(&done), 0);
    /* A given stack size and priority 0 are honoured; others are refused, as in v4. */
    workers[0].value = 0;
    CHECK(Iot_CreateDetachedThread(worker, &workers[0], 0, 256 * 1024));
    CHECK(IotSemaphore_TimedWait(&done, TS_SOON_MS));
    CHECK(!Iot_CreateDetachedThread(worker, &workers[0], 7, 0));
    CHECK(!Iot_CreateDetachedThread(worker, &workers[0], IOT_THREAD_IGNORE_PRIORITY, 100));
    CHECK(!Iot_CreateDetachedThread(NULL, NULL, IOT_THREAD_IGNORE_PRIORITY, 0));
    IotMutex_Destroy(&lock);
    IotSemaphore_Destroy(&done);
}

typedef struct {
    IotMutex_t *mutex;
    IotSemaphore_t *result;
    bool got;
} try_lock_t;

static void try_lock_elsewhere(void *argument) {
    try_lock_t *t = (try_lock_t *)argument;
    t->got = IotMutex_TryLock(t->mutex);
    if (t->got) {
        IotMutex_Unlock(t->mutex);
    }
    IotSemaphore_Post(t->result);
}

/* Whether another thread can take the mutex right now. */
static bool lockable_elsewhere(IotMutex_t *mutex) {
    IotSemaphore_t result;
    try_lock_t t = { mutex, &result, false };
    CHECK(IotSemaphore_Create(&result, 0, 1));
    CHECK(Iot_CreateDetachedThread(try_lock_elsewhere, &t, IOT_THREAD_DEFAULT_PRIORITY,
                                   IOT_THREAD_DEFAULT_STACK_SIZE));
    CHECK(IotSemaphore_TimedWait(&result, TS_SOON_MS));
    IotSemaphore_Destroy(&result);
    return t.got;
}

static void mutexes_exclude_and_recursive_ones_admit_their_holder(void) {
    IotMutex_t plain, recursive;

    ts_context("mutexes");
    CHECK(IotMutex_Create(&plain, false));
    CHECK(IotMutex_Create(&recursive, true));
    CHECK(lockable_elsewhere(&plain));
    IotMutex_Lock(&plain);
    CHECK(!lockable_elsewhere(&plain));
    CHECK(!IotMutex_TryLock(&plain)); /* not recursive: not even for its holder */
    IotMutex_Unlock(&plain);
    CHECK(lockable_elsewhere(&plain));

    IotMutex_Lock(&recursive);
    CHECK(IotMutex_TryLock(&recursive));
    IotMutex_Lock(&recursive);
    CHECK(!lockable_elsewhere(&recursive));
    IotMutex_Unlock(&recursive);
    IotMutex_Unlock(&recursive);
    CHECK(!lockable_elsewhere(&recursive)); /* still held once */
    IotMutex_Unlock(&recursive);
    CHECK(lockable_elsewhere(&recursive));

    IotMutex_Destroy(&plain);
    IotMutex_Destroy(&recursive);
    /* NULL is refused or ignored, never a crash. */
    CHECK(!IotMutex_Create(NULL, false));
    CHECK(!IotMutex_TryLock(NULL));
    IotMutex_Lock(NULL);
    IotMutex_Unlock(NULL);
    IotMutex_Destroy(NULL);
}

static void try_waits_take_exactly_the_count(void) {
    IotSemaphore_t semaphore;
    int taken = 0;

    ts_context("try-wait counts");
    CHECK(IotSemaphore_Create(&semaphore, 5, 10));
    CHECK_EQ(IotSemaphore_GetCount(&semaphore), 5);
    while (IotSemaphore_TryWait(&semaphore)) {
        taken++;
        CHECK(taken <= 5);
    }
    CHECK_EQ(taken, 5);
    CHECK_EQ(IotSemaphore_GetCount(&semaphore), 0);
    IotSemaphore_Post(&semaphore);
    IotSemaphore_Post(&semaphore);
    CHECK_EQ(IotSemaphore_GetCount(&semaphore), 2);
    IotSemaphore_Wait(&semaphore);
    CHECK(IotSemaphore_TryWait(&semaphore));
    CHECK(!IotSemaphore_TryWait(&semaphore));
    IotSemaphore_Destroy(&semaphore);

    CHECK(!IotSemaphore_Create(&semaphore, 0, 0x80000000u)); /* above SEM_VALUE_MAX */
    CHECK(!IotSemaphore_Create(NULL, 0, 1));
    CHECK(!IotSemaphore_TryWait(NULL));
    CHECK(!IotSemaphore_TimedWait(NULL, 1));
    CHECK_EQ(IotSemaphore_GetCount(NULL), 0);
    IotSemaphore_Post(NULL);
    IotSemaphore_Wait(NULL);
    IotSemaphore_Destroy(NULL);
}

typedef struct {
    IotSemaphore_t *semaphore;
    uint32_t delayMs;
} poster_t;

static void post_later(void *argument) {
    poster_t *p = (poster_t *)argument;
    IotClock_SleepMs(p->delayMs);
    IotSemaphore_Post(p->semaphore);
}

static void timed_waits_time_out_and_succeed_on_a_post(void) {
    IotSemaphore_t semaphore;
    poster_t poster;
    uint64_t start, waited;

    ts_context("timed waits");
    CHECK(IotSemaphore_Create(&semaphore, 0, 1));
    start = IotClock_GetTimeMs();
    CHECK(!IotSemaphore_TimedWait(&semaphore, 250));
    waited = IotClock_GetTimeMs() - start;
    printf("a 250 ms timed wait on an empty semaphore returned false after %llu ms\n",
           (unsigned long long)waited);
    CHECK(waited >= 250);
    CHECK(!IotSemaphore_TimedWait(&semaphore, 0));

    poster.semaphore = &semaphore;
    poster.delayMs = 50;
    CHECK(Iot_CreateDetachedThread(post_later, &poster, IOT_THREAD_DEFAULT_PRIORITY,
                                   IOT_THREAD_DEFAULT_STACK_SIZE));
    CHECK(IotSemaphore_TimedWait(&semaphore, TS_SOON_MS));
    CHECK_EQ(IotSemaphore_GetCount(&semaphore), 0);

    /* A count present before the wait is taken at once, even with a zero timeout. */
    IotSemaphore_Post(&semaphore);
    CHECK(IotSemaphore_TimedWait(&semaphore, 0));
    IotSemaphore_Destroy(&semaphore);
}

static void the_clock_moves_forward(void) {
    uint64_t before, after;

    ts_context("clock");
    before = IotClock_GetTimeMs();
    CHECK(before > 0);
    IotClock_SleepMs(20);
    after = IotClock_GetTimeMs();
    CHECK(after >= before + 20);
}

int main(void) {
    detached_threads_run_with_their_arguments();
    mutexes_exclude_and_recursive_ones_admit_their_holder();
    try_waits_take_exactly_the_count();
    timed_waits_time_out_and_succeed_on_a_post();
    the_clock_moves_forward();
    puts("platform threads, mutexes and semaphores: all checks passed");
    return 0;
}
