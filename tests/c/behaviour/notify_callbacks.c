/* Notify-pending and notify-next callbacks: callbackType 4 and 5 with the raw document, the
 * thing and the connection; the topic is subscribed for the first callback (on AWS IoT too)
 * and unsubscribed after the last; several callbacks per thing up to the limit, replaced and
 * removed through oldFunction; another thing's notifications do not reach them. The documents
 * are the test's own: what the service sends when, to callbacks replaced and removed, is
 * checked against the jobs-emulator in tests/c_abi/notify_and_rejections.rs. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static ts_recorder_t recs[3];

/* What the service would send: job1 at the head of the queue, and the pending list. */
static const char NEXT_DOCUMENT[] =
    "{\"timestamp\":1,\"execution\":{\"jobId\":\"job1\",\"thingName\":\"T1\","
    "\"jobDocument\":{\"do\":\"it\"},\"status\":\"QUEUED\",\"queuedAt\":1,"
    "\"lastUpdatedAt\":1,\"versionNumber\":1,\"executionNumber\":1}}";
static const char PENDING_DOCUMENT[] =
    "{\"timestamp\":1,\"jobs\":{\"QUEUED\":[{\"jobId\":\"job1\",\"queuedAt\":1,"
    "\"lastUpdatedAt\":1,\"versionNumber\":1,\"executionNumber\":1}]}}";

/* Delivers the notify-next or notify document to `thing`; true if delivered. */
static bool notify_of(fb_broker_t *b, bool next, const char *thing)
{
    return next ? fb_notify_next(b, thing, NEXT_DOCUMENT)
                : fb_notify_pending(b, thing, PENDING_DOCUMENT);
}

static void cb0(void *c, AwsIotJobsCallbackParam_t *p) { ts_recorder_callback(c, p); }
static void cb1(void *c, AwsIotJobsCallbackParam_t *p) { ts_recorder_callback(c, p); }
static void cb2(void *c, AwsIotJobsCallbackParam_t *p) { ts_recorder_callback(c, p); }

typedef AwsIotJobsError_t (*setter_t)(IotMqttConnection_t, const char *, size_t, uint32_t,
                                      const AwsIotJobsCallbackInfo_t *);

static void exercise(fb_broker_t *b, bool next)
{
    setter_t set = next ? AwsIotJobs_SetNotifyNextCallback : AwsIotJobs_SetNotifyPendingCallback;
    const char *topic = next ? "$aws/things/T1/jobs/notify-next" : "$aws/things/T1/jobs/notify";
    AwsIotJobsCallbackType_t type =
        next ? AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK : AWS_IOT_JOBS_NOTIFY_PENDING_CALLBACK;
    IotMqttConnection_t c = fb_connection(b);
    for (int i = 0; i < 3; i++) ts_recorder_init(&recs[i]);
    AwsIotJobsCallbackInfo_t info0 = {&recs[0], cb0, NULL}, info1 = {&recs[1], cb1, NULL};

    /* Nothing subscribed: the broker does not deliver. */
    CHECK(!notify_of(b, next, "T1"));
    unsigned subscribes = fb_subscribes(b);
    CHECK_EQ(set(c, "T1", 2, 0, &info0), AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_is_subscribed(b, topic));
    CHECK_EQ(fb_subscribes(b), subscribes + 1);
    CHECK_EQ(set(c, "T1", 2, 0, &info1), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_subscribes(b), subscribes + 1);

    CHECK(notify_of(b, next, "T1"));
    CHECK(ts_recorder_wait(&recs[0], 1, TS_SOON_MS));
    CHECK(ts_recorder_wait(&recs[1], 1, TS_SOON_MS));
    const ts_event_t *e = &recs[0].events[0];
    CHECK_EQ(e->callbackType, type);
    CHECK_STR(e->thing, "T1");
    CHECK(e->connection == c);
    CHECK(e->response != NULL);
    CHECK_STR(e->response, fb_last_delivered(b, topic));
    CHECK_EQ(e->responseLength, strlen(fb_last_delivered(b, topic)));
    CHECK(strstr(e->response, next ? "\"execution\":{\"jobId\":\"job1\"" : "\"QUEUED\":[") !=
          NULL);
    CHECK_STR(recs[1].events[0].response, e->response);

    /* Another thing's notification reaches no one of T1. */
    AwsIotJobsCallbackInfo_t other = {&recs[2], cb2, NULL};
    CHECK_EQ(set(c, "T2", 2, 0, &other), AWS_IOT_JOBS_SUCCESS);
    CHECK(notify_of(b, next, "T2"));
    CHECK(ts_recorder_wait(&recs[2], 1, TS_SOON_MS));
    CHECK_STR(recs[2].events[0].thing, "T2");
    AwsIotJobsCallbackInfo_t drop_other = {NULL, NULL, cb2};
    CHECK_EQ(set(c, "T2", 2, 0, &drop_other), AWS_IOT_JOBS_SUCCESS);

    /* The limit: 2 per thing, then NO_MEMORY. */
    CHECK_EQ(AwsIotJobs_SetNotifyCallbackLimit(2), AWS_IOT_JOBS_SUCCESS);
    AwsIotJobsCallbackInfo_t info2 = {&recs[2], cb2, NULL};
    CHECK_EQ(set(c, "T1", 2, 0, &info2), AWS_IOT_JOBS_NO_MEMORY);
    CHECK_EQ(AwsIotJobs_SetNotifyCallbackLimit(4), AWS_IOT_JOBS_SUCCESS);

    /* Replace cb1 with cb2: cb2 is called, cb1 no more. */
    AwsIotJobsCallbackInfo_t replace = {&recs[2], cb2, cb1};
    CHECK_EQ(set(c, "T1", 2, 0, &replace), AWS_IOT_JOBS_SUCCESS);
    CHECK(notify_of(b, next, "T1"));
    CHECK(ts_recorder_wait(&recs[0], 2, TS_SOON_MS));
    CHECK(ts_recorder_wait(&recs[2], 2, TS_SOON_MS));
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(ts_recorder_count(&recs[1]), 1);

    /* Removing an unknown one fails; removing the last one unsubscribes. */
    AwsIotJobsCallbackInfo_t remove1 = {NULL, NULL, cb1};
    CHECK(set(c, "T1", 2, 0, &remove1) != AWS_IOT_JOBS_SUCCESS);
    AwsIotJobsCallbackInfo_t remove0 = {NULL, NULL, cb0}, remove2 = {NULL, NULL, cb2};
    CHECK_EQ(set(c, "T1", 2, 0, &remove0), AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_is_subscribed(b, topic));
    unsigned unsubscribes = fb_unsubscribes(b);
    CHECK_EQ(set(c, "T1", 2, 0, &remove2), AWS_IOT_JOBS_SUCCESS);
    CHECK(!fb_is_subscribed(b, topic));
    CHECK_EQ(fb_unsubscribes(b), unsubscribes + 1);
    CHECK(!notify_of(b, next, "T1"));
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(ts_recorder_count(&recs[0]), 2);
    for (int i = 0; i < 3; i++) ts_recorder_destroy(&recs[i]);
}

/* Cleanup forgets notify callbacks: after Init again nothing is called. */
static void forgotten_by_cleanup(fb_broker_t *b)
{
    ts_recorder_init(&recs[0]);
    AwsIotJobsCallbackInfo_t info = {&recs[0], cb0, NULL};
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &info),
             AWS_IOT_JOBS_SUCCESS);
    AwsIotJobs_Cleanup();
    ts_init();
    notify_of(b, true, "T1");
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK(!ts_recorder_wait(&recs[0], 1, 100));
    ts_recorder_destroy(&recs[0]);
}

int main(void)
{
    for (int s = 0; s < FB_SETUP_COUNT; s++) {
        ts_context("%s", FB_SETUPS[s].name);
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[s].aws, FB_SETUPS[s].delivery);
        exercise(b, false);
        exercise(b, true);
        forgotten_by_cleanup(b);
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
