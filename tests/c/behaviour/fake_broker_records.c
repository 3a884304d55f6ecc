/* The fake broker's records of the calls the library made (subscribe, unsubscribe, publish,
 * and the messages delivered to it), its subscription set with MQTT filter matching, and the
 * public functions reading both. */

#include "fake_broker_internal.h"

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* ----- Records and subscriptions (lock held) ----- */

void fb_add_record(fb_broker_t *b, fb_kind_t kind, const char *topic, size_t topicLength,
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
    r->topic = fb_dup_n(topic, topicLength);
    r->payload = payload ? fb_dup_n(payload, payloadLength) : NULL;
}

ssize_t fb_find_sub(fb_broker_t *b, const char *topic)
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
bool fb_valid_filter(const char *filter, size_t length)
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
bool fb_matches_sub(fb_broker_t *b, const char *topic)
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

bool fb_deliverable(fb_broker_t *b, const char *topic)
{
    return (b->aws && is_jobs_reply_topic(topic)) || fb_matches_sub(b, topic);
}

/* ----- Reading the records (lock taken) ----- */

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
    bool found = fb_matches_sub(b, topic);
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
