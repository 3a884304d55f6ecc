/* A fake MQTT broker with a canned Jobs responder behind the C transport interface (see
 * fake_broker.h). Everything is guarded by one mutex; the library is called (through
 * AwsIotJobs_ReceiveMessage) only with that mutex released. */

#include "fake_broker.h"

#include <sys/types.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_support.h"

#define FB_MAX_SCRIPTS 64

typedef struct fb_msg {
    char *topic;
    char *payload;
    struct fb_msg *next;
} fb_msg_t;

typedef struct fb_list {
    fb_msg_t *head;
    fb_msg_t *tail;
    size_t length;
} fb_list_t;

struct fb_broker {
    pthread_mutex_t lock;
    pthread_cond_t changed;
    IotMqttConnection_t connection;
    bool aws;
    fb_delivery_t delivery;

    fb_record_t *records;
    size_t recordCount, recordCap;
    unsigned calls, subscribes, unsubscribes, publishes, undelivered, receiveErrors;
    uint32_t lastTimeoutMs;

    char **subs;
    size_t subCount, subCap;

    unsigned long clock;

    fb_script_t scripts[FB_MAX_SCRIPTS];
    size_t scriptCount;
    bool silent;
    IotMqttError_t failSubscribe, failPublish;

    fb_list_t queue; /* FB_THREADED: waiting for the receive thread */
    fb_list_t held;
    size_t delivering;
    bool stop;
    bool threadStarted;
    pthread_t thread;
};

/* ----- Small utilities ----- */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    CHECK(p != NULL);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static char *dup_s(const char *s)
{
    return dup_n(s, strlen(s));
}

/* A growing string. */
typedef struct sb {
    char *text;
    size_t length, cap;
} sb_t;

static void sb_printf(sb_t *sb, const char *format, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sb_t *sb, const char *format, ...)
{
    for (;;) {
        va_list args;
        va_start(args, format);
        size_t room = sb->cap - sb->length;
        int n = vsnprintf(sb->text ? sb->text + sb->length : NULL, room, format, args);
        va_end(args);
        CHECK(n >= 0);
        if ((size_t)n < room) {
            sb->length += (size_t)n;
            return;
        }
        sb->cap = (sb->cap + (size_t)n + 1) * 2;
        sb->text = realloc(sb->text, sb->cap);
        CHECK(sb->text != NULL);
    }
}

static void list_push(fb_list_t *l, char *topic, char *payload)
{
    fb_msg_t *m = calloc(1, sizeof(*m));
    CHECK(m != NULL);
    m->topic = topic;
    m->payload = payload;
    if (l->tail) l->tail->next = m;
    else l->head = m;
    l->tail = m;
    l->length++;
}

static fb_msg_t *list_pop(fb_list_t *l)
{
    fb_msg_t *m = l->head;
    if (m) {
        l->head = m->next;
        if (!l->head) l->tail = NULL;
        l->length--;
        m->next = NULL;
    }
    return m;
}

static void msg_free(fb_msg_t *m)
{
    free(m->topic);
    free(m->payload);
    free(m);
}

static void list_free(fb_list_t *l)
{
    fb_msg_t *m;
    while ((m = list_pop(l)) != NULL) msg_free(m);
}

/* ----- The client token: all the JSON this fake reads ----- */

/* The library writes `clientToken` as the last member of its compact requests, and the canned
 * replies as their last member too, so the last `"clientToken":"` not inside a string (an
 * escaped quote before it would be) starts the token; it ends at the next unescaped quote. */
char *fb_token_of(const char *payload)
{
    static const char KEY[] = "\"clientToken\":\"";
    const char *found = NULL;
    for (const char *p = payload ? strstr(payload, KEY) : NULL; p; p = strstr(p + 1, KEY)) {
        if (p == payload || p[-1] != '\\') found = p;
    }
    if (!found) return NULL;
    const char *start = found + strlen(KEY), *end = start;
    while (*end && *end != '"') end += (end[0] == '\\' && end[1]) ? 2 : 1;
    return *end == '"' ? dup_n(start, (size_t)(end - start)) : NULL;
}

/* ----- Records and subscriptions (lock held) ----- */

static void add_record(fb_broker_t *b, fb_kind_t kind, const char *topic, size_t topicLength,
                       const char *payload, size_t payloadLength)
{
    if (b->recordCount == b->recordCap) {
        b->recordCap = b->recordCap ? b->recordCap * 2 : 64;
        b->records = realloc(b->records, b->recordCap * sizeof(*b->records));
        CHECK(b->records != NULL);
    }
    fb_record_t *r = &b->records[b->recordCount++];
    r->kind = kind;
    r->call = b->calls;
    r->topic = dup_n(topic, topicLength);
    r->payload = payload ? dup_n(payload, payloadLength) : NULL;
}

static ssize_t find_sub(fb_broker_t *b, const char *topic)
{
    for (size_t i = 0; i < b->subCount; i++) {
        if (strcmp(b->subs[i], topic) == 0) return (ssize_t)i;
    }
    return -1;
}

/* MQTT filter matching: `+` one level, `#` the rest; a filter starting with a wildcard does
 * not match a topic starting with `$`. */
static bool filter_matches(const char *filter, const char *topic)
{
    if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#')) return false;
    for (;;) {
        if (filter[0] == '#') return true;
        const char *f_end = strchr(filter, '/'), *t_end = strchr(topic, '/');
        size_t f_len = f_end ? (size_t)(f_end - filter) : strlen(filter);
        size_t t_len = t_end ? (size_t)(t_end - topic) : strlen(topic);
        bool level_ok = (f_len == 1 && filter[0] == '+') ||
                        (f_len == t_len && strncmp(filter, topic, f_len) == 0);
        if (!level_ok) return false;
        if (!f_end && !t_end) return true;
        if (!t_end) return f_end[1] == '#' && f_end[2] == '\0';
        if (!f_end) return false;
        filter = f_end + 1;
        topic = t_end + 1;
    }
}

/* A well-formed MQTT topic filter: `+` and `#` only as whole levels, `#` only last. */
static bool valid_filter(const char *filter, size_t length)
{
    if (length == 0) return false;
    for (size_t i = 0; i < length; i++) {
        if (filter[i] != '+' && filter[i] != '#') continue;
        bool starts = i == 0 || filter[i - 1] == '/';
        bool ends = i + 1 == length || filter[i + 1] == '/';
        if (!starts || !ends || (filter[i] == '#' && i + 1 != length)) return false;
    }
    return true;
}

/* True if some subscription delivers `topic`. */
static bool matches_sub(fb_broker_t *b, const char *topic)
{
    for (size_t i = 0; i < b->subCount; i++) {
        if (filter_matches(b->subs[i], topic)) return true;
    }
    return false;
}

static bool is_jobs_reply_topic(const char *topic)
{
    size_t n = strlen(topic);
    return strncmp(topic, "$aws/things/", 12) == 0 &&
           ((n > 9 && strcmp(topic + n - 9, "/accepted") == 0) ||
            (n > 9 && strcmp(topic + n - 9, "/rejected") == 0));
}

static bool deliverable(fb_broker_t *b, const char *topic)
{
    return (b->aws && is_jobs_reply_topic(topic)) || matches_sub(b, topic);
}

/* ----- Delivery ----- */

static void receive(fb_broker_t *b, fb_msg_t *m)
{
    pthread_mutex_lock(&b->lock);
    add_record(b, FB_DELIVERED, m->topic, strlen(m->topic), m->payload, strlen(m->payload));
    pthread_mutex_unlock(&b->lock);
    AwsIotJobsError_t rc = AwsIotJobs_ReceiveMessage(b->connection, m->topic, strlen(m->topic),
                                                     m->payload, strlen(m->payload));
    if (rc != AWS_IOT_JOBS_SUCCESS) {
        pthread_mutex_lock(&b->lock);
        b->receiveErrors++;
        pthread_mutex_unlock(&b->lock);
    }
}

/* Routes the messages of `out` (lock held): undeliverable ones are counted and freed; in
 * FB_THREADED mode the rest go to the receive queue, in FB_INLINE mode they stay in `out`
 * for the caller to deliver after unlocking. */
static void route(fb_broker_t *b, fb_list_t *out)
{
    fb_list_t keep = {0};
    fb_msg_t *m;
    while ((m = list_pop(out)) != NULL) {
        if (!deliverable(b, m->topic)) {
            b->undelivered++;
            msg_free(m);
        } else if (b->delivery == FB_THREADED) {
            list_push(&b->queue, m->topic, m->payload);
            free(m);
        } else {
            list_push(&keep, m->topic, m->payload);
            free(m);
        }
    }
    *out = keep;
    pthread_cond_broadcast(&b->changed);
}

/* Delivers the messages routed for inline delivery (lock not held). */
static void deliver_inline(fb_broker_t *b, fb_list_t *out)
{
    fb_msg_t *m;
    while ((m = list_pop(out)) != NULL) {
        receive(b, m);
        msg_free(m);
    }
}

static void *receive_thread(void *arg)
{
    fb_broker_t *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->queue.head && !b->stop) pthread_cond_wait(&b->changed, &b->lock);
        if (!b->queue.head) break;
        fb_msg_t *m = list_pop(&b->queue);
        b->delivering++;
        pthread_mutex_unlock(&b->lock);
        receive(b, m);
        msg_free(m);
        pthread_mutex_lock(&b->lock);
        b->delivering--;
        pthread_cond_broadcast(&b->changed);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ----- The canned replies (lock held) ----- */

static char *topic_of(const char *thing, const char *suffix)
{
    sb_t sb = {0};
    sb_printf(&sb, "$aws/things/%s/jobs/%s", thing, suffix);
    return sb.text;
}

/* The parts of a request topic. */
typedef struct fb_request {
    char thing[160];
    char jobId[80];
    enum { OP_GET, OP_START_NEXT, OP_DESCRIBE, OP_UPDATE, OP_NONE } op;
} fb_request_t;

static fb_request_t parse_request_topic(const char *topic)
{
    fb_request_t r;
    memset(&r, 0, sizeof(r));
    r.op = OP_NONE;
    if (strncmp(topic, "$aws/things/", 12) != 0) return r;
    const char *thing = topic + 12;
    const char *jobs = strstr(thing, "/jobs/");
    if (!jobs || (size_t)(jobs - thing) >= sizeof(r.thing)) return r;
    memcpy(r.thing, thing, (size_t)(jobs - thing));
    const char *rest = jobs + 6;
    if (strcmp(rest, "get") == 0) {
        r.op = OP_GET;
    } else if (strcmp(rest, "start-next") == 0) {
        r.op = OP_START_NEXT;
    } else {
        const char *slash = strchr(rest, '/');
        if (!slash || (size_t)(slash - rest) >= sizeof(r.jobId)) return r;
        memcpy(r.jobId, rest, (size_t)(slash - rest));
        if (strcmp(slash, "/get") == 0) r.op = OP_DESCRIBE;
        else if (strcmp(slash, "/update") == 0) r.op = OP_UPDATE;
    }
    return r;
}

/* The minimal accepted body of an operation (the fields before timestamp and token): empty
 * lists, nothing to start, the named execution as just queued (`$next`: none), an update
 * without the execution state. The fake knows no jobs. */
static void canned(sb_t *body, const fb_request_t *r)
{
    if (r->op == OP_GET) {
        sb_printf(body, "\"inProgressJobs\":[],\"queuedJobs\":[],");
    } else if (r->op == OP_DESCRIBE && strcmp(r->jobId, "$next") != 0) {
        sb_printf(body,
                  "\"execution\":{\"jobId\":\"%s\",\"thingName\":\"%s\",\"status\":\"QUEUED\","
                  "\"queuedAt\":1,\"lastUpdatedAt\":1,\"versionNumber\":1,\"executionNumber\":1},",
                  r->jobId, r->thing);
    }
}

/* Handles a publish to a Jobs request topic (lock held): the reply goes to `out`, or to the
 * held list. */
static void respond(fb_broker_t *b, const char *topic, const char *payload, fb_list_t *out)
{
    fb_request_t r = parse_request_topic(topic);
    if (r.op == OP_NONE) return;
    fb_script_t script;
    memset(&script, 0, sizeof(script));
    if (b->scriptCount > 0) {
        script = b->scripts[0];
        memmove(&b->scripts[0], &b->scripts[1], (b->scriptCount - 1) * sizeof(b->scripts[0]));
        b->scriptCount--;
    }
    if (b->silent || script.drop) return;

    sb_t body = {0};
    if (script.reject_code) {
        if (script.reject_code[0]) sb_printf(&body, "\"code\":\"%s\",", script.reject_code);
        sb_printf(&body, "\"message\":\"scripted\",");
    } else {
        canned(&body, &r);
    }

    char *token = fb_token_of(payload);
    sb_t reply = {0};
    sb_printf(&reply, "{%s\"timestamp\":%lu", body.text ? body.text : "", ++b->clock);
    if (script.foreign_token) sb_printf(&reply, ",\"clientToken\":\"foreign-token-1\"");
    else if (token && !script.no_token) sb_printf(&reply, ",\"clientToken\":\"%s\"", token);
    sb_printf(&reply, "}");
    free(token);
    free(body.text);

    sb_t replyTopic = {0};
    sb_printf(&replyTopic, "%s/%s", topic, script.reject_code ? "rejected" : "accepted");
    fb_list_t *into = script.hold ? &b->held : out;
    if (script.twice) list_push(into, dup_s(replyTopic.text), dup_s(reply.text));
    list_push(into, replyTopic.text, reply.text);
}

/* ----- The transport functions ----- */

static IotMqttError_t fb_subscribe(void *pContext, const char *const *pTopicFilters,
                                   const size_t *pTopicFilterLengths, size_t count,
                                   IotMqttQos_t qos, uint32_t timeoutMs)
{
    fb_broker_t *b = pContext;
    CHECK(count > 0 && pTopicFilters != NULL && pTopicFilterLengths != NULL);
    CHECK(qos <= IOT_MQTT_QOS_1);
    pthread_mutex_lock(&b->lock);
    b->lastTimeoutMs = timeoutMs;
    if (b->failSubscribe != IOT_MQTT_SUCCESS) {
        IotMqttError_t error = b->failSubscribe;
        b->failSubscribe = IOT_MQTT_SUCCESS;
        pthread_mutex_unlock(&b->lock);
        return error;
    }
    b->calls++;
    b->subscribes++;
    for (size_t i = 0; i < count; i++) {
        const char *filter = pTopicFilters[i];
        size_t length = pTopicFilterLengths[i];
        CHECK(valid_filter(filter, length));
        add_record(b, FB_SUBSCRIBE, filter, length, NULL, 0);
        char *topic = dup_n(filter, length);
        if (find_sub(b, topic) >= 0) {
            free(topic);
            continue;
        }
        if (b->subCount == b->subCap) {
            b->subCap = b->subCap ? b->subCap * 2 : 16;
            b->subs = realloc(b->subs, b->subCap * sizeof(*b->subs));
            CHECK(b->subs != NULL);
        }
        b->subs[b->subCount++] = topic;
    }
    pthread_mutex_unlock(&b->lock);
    return IOT_MQTT_SUCCESS;
}

static IotMqttError_t fb_unsubscribe(void *pContext, const char *const *pTopicFilters,
                                     const size_t *pTopicFilterLengths, size_t count,
                                     uint32_t timeoutMs)
{
    fb_broker_t *b = pContext;
    CHECK(count > 0 && pTopicFilters != NULL && pTopicFilterLengths != NULL);
    pthread_mutex_lock(&b->lock);
    b->lastTimeoutMs = timeoutMs;
    b->calls++;
    b->unsubscribes++;
    for (size_t i = 0; i < count; i++) {
        add_record(b, FB_UNSUBSCRIBE, pTopicFilters[i], pTopicFilterLengths[i], NULL, 0);
        char *topic = dup_n(pTopicFilters[i], pTopicFilterLengths[i]);
        ssize_t at = find_sub(b, topic);
        if (at >= 0) {
            free(b->subs[at]);
            b->subs[at] = b->subs[--b->subCount];
        }
        free(topic);
    }
    pthread_mutex_unlock(&b->lock);
    return IOT_MQTT_SUCCESS;
}

static IotMqttError_t fb_publish(void *pContext, const char *pTopic, size_t topicLength,
                                 const void *pPayload, size_t payloadLength, IotMqttQos_t qos,
                                 uint32_t timeoutMs)
{
    fb_broker_t *b = pContext;
    CHECK(pTopic != NULL && topicLength > 0);
    CHECK(pPayload != NULL || payloadLength == 0);
    CHECK(qos <= IOT_MQTT_QOS_1);
    pthread_mutex_lock(&b->lock);
    b->lastTimeoutMs = timeoutMs;
    if (b->failPublish != IOT_MQTT_SUCCESS) {
        IotMqttError_t error = b->failPublish;
        b->failPublish = IOT_MQTT_SUCCESS;
        pthread_mutex_unlock(&b->lock);
        return error;
    }
    b->calls++;
    b->publishes++;
    add_record(b, FB_PUBLISH, pTopic, topicLength, pPayload, payloadLength);
    const fb_record_t *rec = &b->records[b->recordCount - 1];
    fb_list_t out = {0};
    respond(b, rec->topic, rec->payload, &out);
    route(b, &out);
    pthread_mutex_unlock(&b->lock);
    deliver_inline(b, &out);
    return IOT_MQTT_SUCCESS;
}

/* ----- Public functions ----- */

const fb_setup_t FB_SETUPS[FB_SETUP_COUNT] = {
    {false, FB_THREADED, "generic broker, receive thread"},
    {true, FB_THREADED, "AWS IoT, receive thread"},
    {false, FB_INLINE, "generic broker, inline delivery"},
    {true, FB_INLINE, "AWS IoT, inline delivery"},
};

fb_broker_t *fb_create(bool awsIotMqttMode, fb_delivery_t delivery)
{
    fb_broker_t *b = calloc(1, sizeof(*b));
    CHECK(b != NULL);
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->changed, NULL);
    b->aws = awsIotMqttMode;
    b->delivery = delivery;
    if (delivery == FB_THREADED) {
        CHECK(pthread_create(&b->thread, NULL, receive_thread, b) == 0);
        b->threadStarted = true;
    }
    AwsIotJobsTransport_t transport = {b, fb_subscribe, fb_unsubscribe, fb_publish,
                                       awsIotMqttMode};
    CHECK_EQ(AwsIotJobs_CreateTransportConnection(&transport, &b->connection),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(b->connection != NULL);
    return b;
}

void fb_destroy(fb_broker_t *b)
{
    AwsIotJobs_DestroyTransportConnection(b->connection);
    pthread_mutex_lock(&b->lock);
    b->stop = true;
    pthread_cond_broadcast(&b->changed);
    pthread_mutex_unlock(&b->lock);
    if (b->threadStarted) pthread_join(b->thread, NULL);
    list_free(&b->queue);
    list_free(&b->held);
    for (size_t i = 0; i < b->recordCount; i++) {
        free(b->records[i].topic);
        free(b->records[i].payload);
    }
    free(b->records);
    for (size_t i = 0; i < b->subCount; i++) free(b->subs[i]);
    free(b->subs);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->changed);
    free(b);
}

void fb_fixture_start(fb_fixture_t *f, bool awsIotMqttMode, fb_delivery_t delivery)
{
    ts_init();
    f->b = fb_create(awsIotMqttMode, delivery);
    ts_recorder_init(&f->rec);
    f->callback = ts_recorder_info(&f->rec);
}

void fb_fixture_stop(fb_fixture_t *f)
{
    AwsIotJobs_Cleanup();
    fb_destroy(f->b);
    ts_recorder_destroy(&f->rec);
}

IotMqttConnection_t fb_connection(fb_broker_t *b)
{
    return b->connection;
}

pthread_t fb_receive_thread(fb_broker_t *b)
{
    CHECK(b->threadStarted);
    return b->thread;
}

void fb_push_script(fb_broker_t *b, fb_script_t script)
{
    pthread_mutex_lock(&b->lock);
    CHECK(b->scriptCount < FB_MAX_SCRIPTS);
    b->scripts[b->scriptCount++] = script;
    pthread_mutex_unlock(&b->lock);
}

void fb_next_reject(fb_broker_t *b, const char *code)
{
    fb_script_t s = {0};
    s.reject_code = code;
    fb_push_script(b, s);
}

void fb_next_drop(fb_broker_t *b)
{
    fb_script_t s = {0};
    s.drop = true;
    fb_push_script(b, s);
}

void fb_set_silent(fb_broker_t *b, bool silent)
{
    pthread_mutex_lock(&b->lock);
    b->silent = silent;
    pthread_mutex_unlock(&b->lock);
}

void fb_fail_next_subscribe(fb_broker_t *b, IotMqttError_t error)
{
    pthread_mutex_lock(&b->lock);
    b->failSubscribe = error;
    pthread_mutex_unlock(&b->lock);
}

void fb_fail_next_publish(fb_broker_t *b, IotMqttError_t error)
{
    pthread_mutex_lock(&b->lock);
    b->failPublish = error;
    pthread_mutex_unlock(&b->lock);
}

size_t fb_release_held(fb_broker_t *b, size_t count)
{
    pthread_mutex_lock(&b->lock);
    fb_list_t out = {0};
    size_t released = 0;
    while (b->held.head && (count == 0 || released < count)) {
        fb_msg_t *m = list_pop(&b->held);
        list_push(&out, m->topic, m->payload);
        free(m);
        released++;
    }
    route(b, &out);
    pthread_mutex_unlock(&b->lock);
    deliver_inline(b, &out);
    return released;
}

bool fb_deliver(fb_broker_t *b, const char *topic, const char *payload)
{
    pthread_mutex_lock(&b->lock);
    fb_list_t out = {0};
    unsigned before = b->undelivered;
    list_push(&out, dup_s(topic), dup_s(payload));
    route(b, &out);
    bool delivered = b->undelivered == before;
    pthread_mutex_unlock(&b->lock);
    deliver_inline(b, &out);
    return delivered;
}

/* Delivers `document` on `thing`'s notify topic `suffix`. */
static bool notify(fb_broker_t *b, const char *thing, const char *suffix, const char *document)
{
    char *topic = topic_of(thing, suffix);
    bool delivered = fb_deliver(b, topic, document);
    free(topic);
    return delivered;
}

bool fb_notify_pending(fb_broker_t *b, const char *thing, const char *document)
{
    return notify(b, thing, "notify", document);
}

bool fb_notify_next(fb_broker_t *b, const char *thing, const char *document)
{
    return notify(b, thing, "notify-next", document);
}

bool fb_drain(fb_broker_t *b, uint32_t timeout_ms)
{
    uint64_t end = ts_now_ms() + timeout_ms;
    pthread_mutex_lock(&b->lock);
    while (b->queue.head || b->delivering > 0) {
        if (ts_now_ms() >= end) break;
        struct timespec deadline = ts_deadline_after(5);
        pthread_cond_timedwait(&b->changed, &b->lock, &deadline);
    }
    bool drained = !b->queue.head && b->delivering == 0;
    pthread_mutex_unlock(&b->lock);
    return drained;
}

/* A function reading one value of the broker under its lock. */
#define FB_GETTER(type, name, expression)                                               \
    type name(fb_broker_t *b)                                                           \
    {                                                                                   \
        pthread_mutex_lock(&b->lock);                                                   \
        type value = (expression);                                                      \
        pthread_mutex_unlock(&b->lock);                                                 \
        return value;                                                                   \
    }

FB_GETTER(unsigned, fb_subscribes, b->subscribes)
FB_GETTER(unsigned, fb_unsubscribes, b->unsubscribes)
FB_GETTER(unsigned, fb_publishes, b->publishes)
FB_GETTER(unsigned, fb_undelivered, b->undelivered)
FB_GETTER(unsigned, fb_receive_errors, b->receiveErrors)
FB_GETTER(uint32_t, fb_last_timeout_ms, b->lastTimeoutMs)
FB_GETTER(size_t, fb_subscription_count, b->subCount)
FB_GETTER(size_t, fb_record_count, b->recordCount)
FB_GETTER(size_t, fb_held_count, b->held.length)

bool fb_is_subscribed(fb_broker_t *b, const char *topic)
{
    pthread_mutex_lock(&b->lock);
    bool found = matches_sub(b, topic);
    pthread_mutex_unlock(&b->lock);
    return found;
}

fb_record_t fb_record(fb_broker_t *b, size_t i)
{
    pthread_mutex_lock(&b->lock);
    CHECK(i < b->recordCount);
    fb_record_t r = b->records[i];
    pthread_mutex_unlock(&b->lock);
    return r;
}

static const char *last_of(fb_broker_t *b, fb_kind_t kind, const char *topic)
{
    const char *found = NULL;
    pthread_mutex_lock(&b->lock);
    for (size_t i = b->recordCount; i > 0; i--) {
        const fb_record_t *r = &b->records[i - 1];
        if (r->kind == kind && strcmp(r->topic, topic) == 0) {
            found = r->payload;
            break;
        }
    }
    pthread_mutex_unlock(&b->lock);
    return found;
}

const char *fb_last_payload(fb_broker_t *b, const char *topic)
{
    return last_of(b, FB_PUBLISH, topic);
}

const char *fb_last_delivered(fb_broker_t *b, const char *topic)
{
    return last_of(b, FB_DELIVERED, topic);
}
