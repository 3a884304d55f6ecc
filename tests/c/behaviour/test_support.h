/* Shared helpers of the C behaviour tests: assertions, bounded waits, a callback recorder and
 * request builders. Every test is a plain C program that exits 0 on success; a failed check
 * prints file:line and exits 1. */

#ifndef AWSIOTJOBS_TEST_SUPPORT_H_
#define AWSIOTJOBS_TEST_SUPPORT_H_

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "awsiotjobs.h"

#ifdef __cplusplus
extern "C" {
#endif

void ts_fail(const char *file, int line, const char *what) __attribute__((noreturn));
void ts_fail_long(const char *file, int line, const char *what, long long got, long long want)
    __attribute__((noreturn));
void ts_fail_str(const char *file, int line, const char *what, const char *got,
                 const char *want) __attribute__((noreturn));

/* Says what the test is doing now; a failed check prints it. */
void ts_context(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* Fails the test unless `cond` holds. */
#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) ts_fail(__FILE__, __LINE__, #cond);                                \
    } while (0)

/* Fails the test unless two integers are equal, printing both. */
#define CHECK_EQ(got, want)                                                             \
    do {                                                                                \
        long long ts_got_ = (long long)(got), ts_want_ = (long long)(want);             \
        if (ts_got_ != ts_want_)                                                        \
            ts_fail_long(__FILE__, __LINE__, #got " == " #want, ts_got_, ts_want_);     \
    } while (0)

/* Fails the test unless two NUL-terminated strings are equal, printing both. */
#define CHECK_STR(got, want) ts_check_str(__FILE__, __LINE__, #got, (got), (want))

/* Fails the test unless the (pointer, length) text equals the NUL-terminated `want`. */
#define CHECK_MEM(ptr, len, want) ts_check_mem(__FILE__, __LINE__, #ptr, (ptr), (len), (want))

void ts_check_str(const char *file, int line, const char *what, const char *got,
                  const char *want);
void ts_check_mem(const char *file, int line, const char *what, const void *got, size_t len,
                  const char *want);

/* Milliseconds of a monotonic clock. */
uint64_t ts_now_ms(void);

/* The CLOCK_REALTIME time `timeout_ms` from now, for pthread_cond_timedwait. */
struct timespec ts_deadline_after(uint32_t timeout_ms);

/* Polls `pred(arg)` every millisecond until it holds or `timeout_ms` passed; true if it held. */
bool ts_wait_for(bool (*pred)(void *), void *arg, uint32_t timeout_ms);

/* A bound long enough for anything that should happen "soon" on a loaded machine. */
#define TS_SOON_MS 10000u

/* AwsIotJobs_Init(0) that must succeed; the response timeout is reset to the default. */
void ts_init(void);

/* ----- Callback recorder: what a Jobs callback received, copied, with a condition to wait
 * on. Use `ts_recorder_callback` as the function and the recorder as the context. ----- */

#define TS_MAX_EVENTS 256

typedef struct ts_event {
    AwsIotJobsCallbackType_t callbackType;
    AwsIotJobsError_t result;
    AwsIotJobsOperation_t reference;
    char *response; /* NUL-terminated copy; NULL when the library passed NULL */
    size_t responseLength;
    char thing[130];
    size_t thingLength;
    IotMqttConnection_t connection;
    pthread_t thread;
} ts_event_t;

typedef struct ts_recorder {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    size_t count;
    ts_event_t events[TS_MAX_EVENTS];
} ts_recorder_t;

void ts_recorder_init(ts_recorder_t *r);
void ts_recorder_destroy(ts_recorder_t *r);
void ts_recorder_callback(void *pContext, AwsIotJobsCallbackParam_t *pParam);
/* Waits until the recorder saw at least `n` callbacks; false after `timeout_ms`. */
bool ts_recorder_wait(ts_recorder_t *r, size_t n, uint32_t timeout_ms);
size_t ts_recorder_count(ts_recorder_t *r);
/* The event of the operation `reference`, or NULL. */
const ts_event_t *ts_recorder_find(ts_recorder_t *r, AwsIotJobsOperation_t reference);
/* A callback info for the recorder. */
AwsIotJobsCallbackInfo_t ts_recorder_info(ts_recorder_t *r);

/* ----- Request builders ----- */

/* A request info on `connection` for `thing` (and `jobId`, may be NULL) with the given client
 * token (NULL: autogenerate), using malloc for waitable replies. */
AwsIotJobsRequestInfo_t ts_request(IotMqttConnection_t connection, const char *thing,
                                   const char *jobId, const char *token);
/* An update info with the given status and everything else at the initializer's values. */
AwsIotJobsUpdateInfo_t ts_update(AwsIotJobState_t status);

/* ----- The four operations behind one signature, for tests that loop over them ----- */

typedef enum ts_op { TS_GET_PENDING, TS_START_NEXT, TS_DESCRIBE, TS_UPDATE, TS_OP_COUNT } ts_op_t;

extern const char *const TS_OP_NAMES[TS_OP_COUNT];

/* The Async form of `op` (describe: executionNumber -1, includeJobDocument true). */
AwsIotJobsError_t ts_async(ts_op_t op, const AwsIotJobsRequestInfo_t *request,
                           const AwsIotJobsUpdateInfo_t *update, uint32_t flags,
                           const AwsIotJobsCallbackInfo_t *callback,
                           AwsIotJobsOperation_t *operation);
/* The Sync form of `op`. */
AwsIotJobsError_t ts_sync(ts_op_t op, const AwsIotJobsRequestInfo_t *request,
                          const AwsIotJobsUpdateInfo_t *update, uint32_t flags,
                          uint32_t timeoutMs, AwsIotJobsResponse_t *response);
/* The request topic of `op` (malloc'd). */
char *ts_topic(ts_op_t op, const char *thing, const char *jobId, const char *suffix);

/* A malloc that counts its calls (for checking that buffers come from mallocResponse). */
void *ts_counting_malloc(size_t size);
size_t ts_counting_malloc_calls(void);
/* A mallocResponse that always fails. */
void *ts_null_malloc(size_t size);

#ifdef __cplusplus
}
#endif

#endif /* AWSIOTJOBS_TEST_SUPPORT_H_ */
