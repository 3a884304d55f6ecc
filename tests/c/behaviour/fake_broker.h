/* A fake MQTT broker and canned AWS IoT Jobs responder behind the C transport interface
 * (`AwsIotJobsTransport_t`), for the C behaviour tests.
 *
 * - Records every subscribe, unsubscribe and publish the library makes (topic, payload).
 * - Holds the subscription set. Like a generic broker it delivers only what is subscribed;
 *   in awsIotMqttMode Jobs replies are delivered without a subscription (as AWS IoT does),
 *   notifications still need one.
 * - Answers every Jobs request with a canned accepted reply echoing its clientToken (a
 *   minimal valid body per operation). It knows no jobs: the Jobs service of the integration
 *   tests is the jobs-emulator (tests/c_abi/, tests/client_api.rs).
 * - Delivers by calling AwsIotJobs_ReceiveMessage, either inside publish (FB_INLINE) or from
 *   its own receive thread (FB_THREADED, the realistic one).
 * - Scripting knobs (one-shot, consumed by the next Jobs requests in order): reject with a
 *   code, reply without clientToken, with a foreign token, drop, reply twice, hold for later;
 *   fail the next subscribe/publish; deliver notify / notify-next documents a test gives.
 */

#ifndef AWSIOTJOBS_FAKE_BROKER_H_
#define AWSIOTJOBS_FAKE_BROKER_H_

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awsiotjobs.h"
#include "test_support.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fb_delivery { FB_INLINE, FB_THREADED } fb_delivery_t;

/* FB_DELIVERED: a message the broker handed to AwsIotJobs_ReceiveMessage. */
typedef enum fb_kind { FB_SUBSCRIBE, FB_UNSUBSCRIBE, FB_PUBLISH, FB_DELIVERED } fb_kind_t;

/* One call the library made. A subscribe or unsubscribe of several filters is one record
 * per filter, all with the same `call` number. */
typedef struct fb_record {
    fb_kind_t kind;
    unsigned call;
    char *topic;
    char *payload; /* publishes only, NUL-terminated */
} fb_record_t;

/* How to treat the next Jobs request (all false/NULL: the canned accepted reply). */
typedef struct fb_script {
    const char *reject_code; /* reply rejected with this code; "" = a rejection without code */
    bool no_token;           /* omit clientToken from the reply */
    bool foreign_token;      /* put another client's token in the reply */
    bool drop;               /* no reply at all */
    bool twice;              /* deliver the reply two times */
    bool hold;               /* keep the reply until fb_release_held */
} fb_script_t;

typedef struct fb_broker fb_broker_t;

/* The four kinds of broker a test may loop over: generic or AWS IoT, inline or threaded. */
typedef struct fb_setup {
    bool aws;
    fb_delivery_t delivery;
    const char *name;
} fb_setup_t;
#define FB_SETUP_COUNT 4
extern const fb_setup_t FB_SETUPS[FB_SETUP_COUNT];

/* A broker with a connection made by AwsIotJobs_CreateTransportConnection. */
fb_broker_t *fb_create(bool awsIotMqttMode, fb_delivery_t delivery);
/* Destroys the connection, stops the receive thread and frees everything. */
void fb_destroy(fb_broker_t *b);
IotMqttConnection_t fb_connection(fb_broker_t *b);
/* The receive thread (FB_THREADED only). */
pthread_t fb_receive_thread(fb_broker_t *b);

/* The usual start of a test: Init, a broker, and a recorder with its callback info. */
typedef struct fb_fixture {
    fb_broker_t *b;
    ts_recorder_t rec;
    AwsIotJobsCallbackInfo_t callback;
} fb_fixture_t;
void fb_fixture_start(fb_fixture_t *f, bool awsIotMqttMode, fb_delivery_t delivery);
/* Cleanup, then the broker and the recorder go. */
void fb_fixture_stop(fb_fixture_t *f);

/* ----- Scripting ----- */

void fb_push_script(fb_broker_t *b, fb_script_t script);
void fb_next_reject(fb_broker_t *b, const char *code);
void fb_next_drop(fb_broker_t *b);
/* Every later request gets no reply until turned off. */
void fb_set_silent(fb_broker_t *b, bool silent);
/* The next subscribe / publish call fails with `error` (and is not performed). */
void fb_fail_next_subscribe(fb_broker_t *b, IotMqttError_t error);
void fb_fail_next_publish(fb_broker_t *b, IotMqttError_t error);
/* Delivers the held replies, oldest first (`count` of them; 0 = all); returns how many. */
size_t fb_release_held(fb_broker_t *b, size_t count);
size_t fb_held_count(fb_broker_t *b);
/* Delivers a message on `topic` as the broker would (only when subscribed, or in AWS IoT
 * mode for a Jobs reply topic). Returns true if it was delivered. */
bool fb_deliver(fb_broker_t *b, const char *topic, const char *payload);
/* Delivers `document` on `thing`'s notify (the pending list) / notify-next (the head) topic;
 * true if delivered (subscribed). */
bool fb_notify_pending(fb_broker_t *b, const char *thing, const char *document);
bool fb_notify_next(fb_broker_t *b, const char *thing, const char *document);
/* Waits (bounded) until every queued delivery was handed to the library. */
bool fb_drain(fb_broker_t *b, uint32_t timeout_ms);

/* ----- What happened ----- */

unsigned fb_subscribes(fb_broker_t *b);   /* subscribe calls */
unsigned fb_unsubscribes(fb_broker_t *b); /* unsubscribe calls */
unsigned fb_publishes(fb_broker_t *b);    /* publish calls (performed) */
unsigned fb_undelivered(fb_broker_t *b);  /* replies nobody subscribed to */
/* True if a message on `topic` would be delivered through a subscription (wildcards match). */
bool fb_is_subscribed(fb_broker_t *b, const char *topic);
size_t fb_subscription_count(fb_broker_t *b);
/* The timeoutMs of the last transport call (the library's MQTT timeout). */
uint32_t fb_last_timeout_ms(fb_broker_t *b);
/* AwsIotJobs_ReceiveMessage calls that did not return SUCCESS. */
unsigned fb_receive_errors(fb_broker_t *b);
size_t fb_record_count(fb_broker_t *b);
/* A copy of record `i` (strings owned by the broker until fb_destroy). */
fb_record_t fb_record(fb_broker_t *b, size_t i);
/* The payload of the last publish to `topic`, or NULL (owned by the broker). */
const char *fb_last_payload(fb_broker_t *b, const char *topic);
/* The payload of the last message delivered on `topic`, or NULL (owned by the broker). */
const char *fb_last_delivered(fb_broker_t *b, const char *topic);
/* The clientToken of a request or reply payload (a malloc'd copy, still JSON-escaped), or
 * NULL. */
char *fb_token_of(const char *payload);

#ifdef __cplusplus
}
#endif

#endif /* AWSIOTJOBS_FAKE_BROKER_H_ */
