/* Subscriptions through the C transport. In both modes the first operation of a thing
 * subscribes (one call, three filters) to every reply topic of that thing, and later operations
 * of any kind and job cost one publish and no subscribe; KEEP_SUBSCRIPTIONS keeps the
 * subscription until RemovePersistentSubscriptions has cleared the mark of every operation that
 * set one; a failed subscribe or publish is MQTT_ERROR and leaves nothing behind, except in
 * awsIotMqttMode, where a refused subscription is gone around (AWS IoT delivers replies to
 * their requester anyway). */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

static void sync_ok(fb_broker_t *b, ts_op_t op, uint32_t flags)
{
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    AwsIotJobsResponse_t response;
    CHECK_EQ(ts_sync(op, &request, &update, flags, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
}

static void every_reply_topic_is_covered(fb_broker_t *b)
{
    for (int op = 0; op < TS_OP_COUNT; op++) {
        char *accepted = ts_topic((ts_op_t)op, "T1", "job1", "/accepted");
        char *rejected = ts_topic((ts_op_t)op, "T1", "job1", "/rejected");
        char *request = ts_topic((ts_op_t)op, "T1", "job1", "");
        CHECK(fb_is_subscribed(b, accepted));
        CHECK(fb_is_subscribed(b, rejected));
        CHECK(!fb_is_subscribed(b, request)); /* no echo of our own requests */
        free(accepted);
        free(rejected);
        free(request);
    }
    CHECK(!fb_is_subscribed(b, "$aws/things/T2/jobs/get/accepted"));
}

static void one_subscription_per_thing(bool aws)
{
    ts_init();
    fb_broker_t *b = fb_create(aws, FB_THREADED);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("%s, %s", aws ? "awsIotMqttMode" : "generic", TS_OP_NAMES[op]);
        unsigned pubs = fb_publishes(b);
        for (int again = 0; again < 6; again++) {
            sync_ok(b, (ts_op_t)op, 0);
        }
        CHECK_EQ(fb_subscribes(b), 1);
        CHECK_EQ(fb_subscription_count(b), 3);
        CHECK_EQ(fb_publishes(b), pubs + 6);
    }
    every_reply_topic_is_covered(b);
    CHECK_EQ(fb_undelivered(b), 0);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void keep_then_remove(bool aws)
{
    ts_context("keep then remove, %s", aws ? "awsIotMqttMode" : "generic");
    ts_init();
    fb_broker_t *b = fb_create(aws, FB_INLINE);
    sync_ok(b, TS_GET_PENDING, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS);
    sync_ok(b, TS_DESCRIBE, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS);
    every_reply_topic_is_covered(b);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);

    /* The describe mark still keeps the thing's subscription. */
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(
                 &request, AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS),
             AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_unsubscribes(b), 0);
    every_reply_topic_is_covered(b);
    /* The last mark goes: so does the subscription, at once. */
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(
                 &request, AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS),
             AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_unsubscribes(b), 1);
    CHECK(!fb_is_subscribed(b, "$aws/things/T1/jobs/job1/get/accepted"));
    CHECK_EQ(fb_subscription_count(b), 0);
    /* Nothing left to remove. */
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_unsubscribes(b), 1);
    /* And the next operation subscribes again, and works. */
    sync_ok(b, TS_GET_PENDING, 0);
    CHECK_EQ(fb_subscribes(b), 2);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void aws_iot_mode_goes_around_a_refused_subscription(void)
{
    ts_context("awsIotMqttMode, refused subscription");
    ts_init();
    fb_broker_t *b = fb_create(true, FB_THREADED);
    fb_fail_next_subscribe(b, IOT_MQTT_SERVER_REFUSED);
    sync_ok(b, TS_GET_PENDING, 0);
    CHECK_EQ(fb_subscription_count(b), 0);
    unsigned asked = fb_subscribes(b);
    /* The refusal is remembered (for the engine's linger_idle, a minute): the next operation
     * goes on without a subscription instead of asking the broker again. */
    sync_ok(b, TS_GET_PENDING, 0);
    CHECK_EQ(fb_subscription_count(b), 0);
    CHECK_EQ(fb_subscribes(b), asked);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void transport_failures(void)
{
    ts_context("transport failures");
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    AwsIotJobsResponse_t response;
    ts_recorder_t rec;
    ts_recorder_init(&rec);
    AwsIotJobsCallbackInfo_t callback = ts_recorder_info(&rec);

    fb_fail_next_subscribe(b, IOT_MQTT_TIMEOUT);
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_MQTT_ERROR);
    CHECK_EQ(fb_publishes(b), 0);
    fb_fail_next_publish(b, IOT_MQTT_NETWORK_ERROR);
    CHECK_EQ(AwsIotJobs_GetPendingAsync(&request, 0, &callback, NULL), AWS_IOT_JOBS_MQTT_ERROR);
    fb_fail_next_subscribe(b, IOT_MQTT_SERVER_REFUSED);
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_MQTT_ERROR);
    /* Then everything works again. */
    CHECK_EQ(AwsIotJobs_GetPendingSync(&request, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    CHECK_EQ(AwsIotJobs_SetNotifyNextCallback(fb_connection(b), "T1", 2, 0, &callback),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(fb_drain(b, TS_SOON_MS));
    CHECK_EQ(ts_recorder_count(&rec), 0); /* a call that failed never calls back */
    AwsIotJobs_Cleanup();
    fb_destroy(b);
    ts_recorder_destroy(&rec);
}

int main(void)
{
    one_subscription_per_thing(false);
    one_subscription_per_thing(true);
    keep_then_remove(false);
    keep_then_remove(true);
    aws_iot_mode_goes_around_a_refused_subscription();
    transport_failures();
    return 0;
}
