/* Internal to the fake broker of fake_broker.h: its state (`struct fb_broker`), the message
 * lists and growing strings its parts share, and the functions one part calls in another.
 * The parts: fake_broker.c (lifecycle and the transport functions), fake_broker_util.c
 * (strings and message lists), fake_broker_records.c (the call records and the subscription
 * set), fake_broker_script.c (the scripting knobs and the canned Jobs replies),
 * fake_broker_delivery.c (routing and delivery, inline or threaded). Everything is guarded
 * by the broker's one mutex; the library is called (through AwsIotJobs_ReceiveMessage) only
 * with that mutex released. */

#ifndef AWSIOTJOBS_FAKE_BROKER_INTERNAL_H_
#define AWSIOTJOBS_FAKE_BROKER_INTERNAL_H_

#include "fake_broker.h"

#include <sys/types.h>

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

/* A growing string. */
typedef struct sb {
    char *text;
    size_t length, cap;
} sb_t;

/* fake_broker_util.c */
char *fb_dup_n(const char *s, size_t n);
char *fb_dup_s(const char *s);
void fb_sb_printf(sb_t *sb, const char *format, ...) __attribute__((format(printf, 2, 3)));
void fb_list_push(fb_list_t *l, char *topic, char *payload);
fb_msg_t *fb_list_pop(fb_list_t *l);
void fb_msg_free(fb_msg_t *m);
void fb_list_free(fb_list_t *l);

/* fake_broker_records.c (lock held) */
void fb_add_record(fb_broker_t *b, fb_kind_t kind, const char *topic, size_t topicLength,
                   const char *payload, size_t payloadLength);
ssize_t fb_find_sub(fb_broker_t *b, const char *topic);
bool fb_valid_filter(const char *filter, size_t length);
bool fb_matches_sub(fb_broker_t *b, const char *topic);
bool fb_deliverable(fb_broker_t *b, const char *topic);

/* fake_broker_script.c (fb_respond: lock held) */
char *fb_topic_of(const char *thing, const char *suffix);
void fb_respond(fb_broker_t *b, const char *topic, const char *payload, fb_list_t *out);

/* fake_broker_delivery.c */
void fb_route(fb_broker_t *b, fb_list_t *out);
void fb_deliver_inline(fb_broker_t *b, fb_list_t *out);
void *fb_receive_main(void *arg);

#endif
