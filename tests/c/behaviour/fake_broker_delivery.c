/* The fake broker's delivery: routing messages (undeliverable ones counted), handing them to
 * AwsIotJobs_ReceiveMessage inline (FB_INLINE) or from the receive thread (FB_THREADED),
 * and the public functions that deliver, release held replies, notify and drain. */

#include "fake_broker_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "test_support.h"

/* ----- Delivery ----- */

static void receive(fb_broker_t *b, fb_msg_t *m)
{
    pthread_mutex_lock(&b->lock);
    fb_add_record(b, FB_DELIVERED, m->topic, strlen(m->topic), m->payload, strlen(m->payload));
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
void fb_route(fb_broker_t *b, fb_list_t *out)
{
    fb_list_t keep = {0};
    fb_msg_t *m;
    while ((m = fb_list_pop(out)) != NULL) {
        if (!fb_deliverable(b, m->topic)) {
            b->undelivered++;
            fb_msg_free(m);
        } else if (b->delivery == FB_THREADED) {
            fb_list_push(&b->queue, m->topic, m->payload);
            free(m);
        } else {
            fb_list_push(&keep, m->topic, m->payload);
            free(m);
        }
    }
    *out = keep;
    pthread_cond_broadcast(&b->changed);
}

/* Delivers the messages routed for inline delivery (lock not held). */
void fb_deliver_inline(fb_broker_t *b, fb_list_t *out)
{
    fb_msg_t *m;
    while ((m = fb_list_pop(out)) != NULL) {
        receive(b, m);
        fb_msg_free(m);
    }
}

void *fb_receive_main(void *arg)
{
    fb_broker_t *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->queue.head && !b->stop) pthread_cond_wait(&b->changed, &b->lock);
        if (!b->queue.head) break;
        fb_msg_t *m = fb_list_pop(&b->queue);
        b->delivering++;
        pthread_mutex_unlock(&b->lock);
        receive(b, m);
        fb_msg_free(m);
        pthread_mutex_lock(&b->lock);
        b->delivering--;
        pthread_cond_broadcast(&b->changed);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/* ----- Delivery on a test's request ----- */

size_t fb_release_held(fb_broker_t *b, size_t count)
{
    pthread_mutex_lock(&b->lock);
    fb_list_t out = {0};
    size_t released = 0;
    while (b->held.head && (count == 0 || released < count)) {
        fb_msg_t *m = fb_list_pop(&b->held);
        fb_list_push(&out, m->topic, m->payload);
        free(m);
        released++;
    }
    fb_route(b, &out);
    pthread_mutex_unlock(&b->lock);
    fb_deliver_inline(b, &out);
    return released;
}

bool fb_deliver(fb_broker_t *b, const char *topic, const char *payload)
{
    pthread_mutex_lock(&b->lock);
    fb_list_t out = {0};
    unsigned before = b->undelivered;
    fb_list_push(&out, fb_dup_s(topic), fb_dup_s(payload));
    fb_route(b, &out);
    bool delivered = b->undelivered == before;
    pthread_mutex_unlock(&b->lock);
    fb_deliver_inline(b, &out);
    return delivered;
}

/* Delivers `document` on `thing`'s notify topic `suffix`. */
static bool notify(fb_broker_t *b, const char *thing, const char *suffix, const char *document)
{
    char *topic = fb_topic_of(thing, suffix);
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
