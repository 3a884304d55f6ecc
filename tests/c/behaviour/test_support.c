/* Shared helpers of the C behaviour tests (see test_support.h). */

#include "test_support.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static char context[512];

void ts_context(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(context, sizeof(context), format, args);
    va_end(args);
}

static void print_context(void)
{
    if (context[0]) fprintf(stderr, "  while: %s\n", context);
}

void ts_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: check failed: %s\n", file, line, what);
    print_context();
    fflush(stderr);
    exit(1);
}

void ts_fail_long(const char *file, int line, const char *what, long long got, long long want)
{
    fprintf(stderr, "%s:%d: check failed: %s (got %lld, want %lld)\n", file, line, what, got,
            want);
    print_context();
    fflush(stderr);
    exit(1);
}

void ts_fail_str(const char *file, int line, const char *what, const char *got,
                 const char *want)
{
    fprintf(stderr, "%s:%d: check failed: %s\n  got:  %s\n  want: %s\n", file, line, what,
            got ? got : "(null)", want ? want : "(null)");
    print_context();
    fflush(stderr);
    exit(1);
}

void ts_check_str(const char *file, int line, const char *what, const char *got,
                  const char *want)
{
    if (got == NULL || want == NULL || strcmp(got, want) != 0) {
        ts_fail_str(file, line, what, got, want);
    }
}

void ts_check_mem(const char *file, int line, const char *what, const void *got, size_t len,
                  const char *want)
{
    if (got == NULL || len != strlen(want) || memcmp(got, want, len) != 0) {
        char *copy = NULL;
        if (got != NULL) {
            copy = malloc(len + 1);
            memcpy(copy, got, len);
            copy[len] = '\0';
        }
        ts_fail_str(file, line, what, copy, want);
    }
}

uint64_t ts_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct timespec ts_deadline_after(uint32_t timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000u;
    deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec += 1;
        deadline.tv_nsec -= 1000000000L;
    }
    return deadline;
}

bool ts_wait_for(bool (*pred)(void *), void *arg, uint32_t timeout_ms)
{
    uint64_t end = ts_now_ms() + timeout_ms;
    for (;;) {
        if (pred(arg)) return true;
        if (ts_now_ms() >= end) return false;
        struct timespec one_ms = {0, 1000000};
        nanosleep(&one_ms, NULL);
    }
}

void ts_init(void)
{
    CHECK_EQ(AwsIotJobs_Init(0), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(AwsIotJobs_SetResponseTimeout(30000), AWS_IOT_JOBS_SUCCESS);
}

/* ----- Recorder ----- */

void ts_recorder_init(ts_recorder_t *r)
{
    memset(r, 0, sizeof(*r));
    pthread_mutex_init(&r->lock, NULL);
    pthread_cond_init(&r->changed, NULL);
}

void ts_recorder_destroy(ts_recorder_t *r)
{
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count && i < TS_MAX_EVENTS; i++) {
        free(r->events[i].response);
        r->events[i].response = NULL;
    }
    pthread_mutex_unlock(&r->lock);
    pthread_mutex_destroy(&r->lock);
    pthread_cond_destroy(&r->changed);
}

void ts_recorder_callback(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    ts_recorder_t *r = pContext;
    CHECK(r != NULL);
    CHECK(pParam != NULL);
    ts_event_t e;
    memset(&e, 0, sizeof(e));
    e.callbackType = pParam->callbackType;
    e.thread = pthread_self();
    e.connection = pParam->mqttConnection;
    CHECK(pParam->thingNameLength < sizeof(e.thing));
    CHECK(pParam->pThingName != NULL);
    memcpy(e.thing, pParam->pThingName, pParam->thingNameLength);
    e.thingLength = pParam->thingNameLength;
    const char *text;
    size_t length;
    if (pParam->callbackType <= AWS_IOT_JOBS_UPDATE_COMPLETE) {
        e.result = pParam->u.operation.result;
        e.reference = pParam->u.operation.reference;
        text = pParam->u.operation.pResponse;
        length = pParam->u.operation.responseLength;
    } else {
        text = pParam->u.callback.pDocument;
        length = pParam->u.callback.documentLength;
    }
    if (text != NULL) {
        e.response = malloc(length + 1);
        memcpy(e.response, text, length);
        e.response[length] = '\0';
    }
    e.responseLength = length;
    pthread_mutex_lock(&r->lock);
    CHECK(r->count < TS_MAX_EVENTS);
    r->events[r->count++] = e;
    pthread_cond_broadcast(&r->changed);
    pthread_mutex_unlock(&r->lock);
}

bool ts_recorder_wait(ts_recorder_t *r, size_t n, uint32_t timeout_ms)
{
    struct timespec deadline = ts_deadline_after(timeout_ms);
    pthread_mutex_lock(&r->lock);
    while (r->count < n) {
        if (pthread_cond_timedwait(&r->changed, &r->lock, &deadline) != 0) break;
    }
    bool ok = r->count >= n;
    pthread_mutex_unlock(&r->lock);
    return ok;
}

size_t ts_recorder_count(ts_recorder_t *r)
{
    pthread_mutex_lock(&r->lock);
    size_t n = r->count;
    pthread_mutex_unlock(&r->lock);
    return n;
}

const ts_event_t *ts_recorder_find(ts_recorder_t *r, AwsIotJobsOperation_t reference)
{
    const ts_event_t *found = NULL;
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->count; i++) {
        if (r->events[i].reference == reference) {
            CHECK(found == NULL); /* an operation completes once */
            found = &r->events[i];
        }
    }
    pthread_mutex_unlock(&r->lock);
    return found;
}

AwsIotJobsCallbackInfo_t ts_recorder_info(ts_recorder_t *r)
{
    AwsIotJobsCallbackInfo_t info = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    info.pCallbackContext = r;
    info.function = ts_recorder_callback;
    return info;
}

/* ----- Builders ----- */

AwsIotJobsRequestInfo_t ts_request(IotMqttConnection_t connection, const char *thing,
                                   const char *jobId, const char *token)
{
    AwsIotJobsRequestInfo_t info = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    info.mqttConnection = connection;
    info.qos = IOT_MQTT_QOS_1;
    info.mallocResponse = malloc;
    info.pThingName = thing;
    info.thingNameLength = thing ? strlen(thing) : 0;
    info.pJobId = jobId;
    info.jobIdLength = jobId ? strlen(jobId) : 0;
    info.pClientToken = token;
    info.clientTokenLength = token ? strlen(token) : 0;
    return info;
}

AwsIotJobsUpdateInfo_t ts_update(AwsIotJobState_t status)
{
    AwsIotJobsUpdateInfo_t info = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    info.newStatus = status;
    return info;
}

const char *const TS_OP_NAMES[TS_OP_COUNT] = {"get-pending", "start-next", "describe",
                                               "update"};

AwsIotJobsError_t ts_async(ts_op_t op, const AwsIotJobsRequestInfo_t *request,
                           const AwsIotJobsUpdateInfo_t *update, uint32_t flags,
                           const AwsIotJobsCallbackInfo_t *callback,
                           AwsIotJobsOperation_t *operation)
{
    switch (op) {
    case TS_GET_PENDING:
        return AwsIotJobs_GetPendingAsync(request, flags, callback, operation);
    case TS_START_NEXT:
        return AwsIotJobs_StartNextAsync(request, update, flags, callback, operation);
    case TS_DESCRIBE:
        return AwsIotJobs_DescribeAsync(request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, flags,
                                        callback, operation);
    default:
        CHECK(op == TS_UPDATE);
        return AwsIotJobs_UpdateAsync(request, update, flags, callback, operation);
    }
}

AwsIotJobsError_t ts_sync(ts_op_t op, const AwsIotJobsRequestInfo_t *request,
                          const AwsIotJobsUpdateInfo_t *update, uint32_t flags,
                          uint32_t timeoutMs, AwsIotJobsResponse_t *response)
{
    switch (op) {
    case TS_GET_PENDING:
        return AwsIotJobs_GetPendingSync(request, flags, timeoutMs, response);
    case TS_START_NEXT:
        return AwsIotJobs_StartNextSync(request, update, flags, timeoutMs, response);
    case TS_DESCRIBE:
        return AwsIotJobs_DescribeSync(request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, flags,
                                       timeoutMs, response);
    default:
        CHECK(op == TS_UPDATE);
        return AwsIotJobs_UpdateSync(request, update, flags, timeoutMs, response);
    }
}

char *ts_topic(ts_op_t op, const char *thing, const char *jobId, const char *suffix)
{
    static const char *const parts[TS_OP_COUNT] = {"get", "start-next", "get", "update"};
    char buffer[512];
    if (op == TS_DESCRIBE || op == TS_UPDATE) {
        snprintf(buffer, sizeof(buffer), "$aws/things/%s/jobs/%s/%s%s", thing, jobId, parts[op],
                 suffix ? suffix : "");
    } else {
        snprintf(buffer, sizeof(buffer), "$aws/things/%s/jobs/%s%s", thing, parts[op],
                 suffix ? suffix : "");
    }
    char *topic = malloc(strlen(buffer) + 1);
    CHECK(topic != NULL);
    strcpy(topic, buffer);
    return topic;
}

static atomic_size_t malloc_calls;

void *ts_counting_malloc(size_t size)
{
    atomic_fetch_add(&malloc_calls, 1);
    return malloc(size);
}

size_t ts_counting_malloc_calls(void)
{
    return atomic_load(&malloc_calls);
}

void *ts_null_malloc(size_t size)
{
    (void)size;
    return NULL;
}
