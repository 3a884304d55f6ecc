/* Subscriptions through the C transport. On a generic broker the first operation of a kind
 * subscribes its accepted and rejected topics (one call) and later ones of the same kind cost
 * one publish and no subscribe; on AWS IoT (awsIotMqttMode) no reply topic is ever
 * subscribed; KEEP_SUBSCRIPTIONS keeps them until RemovePersistentSubscriptions, which
 * unsubscribes them; a failed subscribe or publish is MQTT_ERROR and leaves nothing behind. */

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

static void generic_broker(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);
    fb_add_job(b, "T1", "job1", NULL);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        ts_context("generic, %s", TS_OP_NAMES[op]);
        unsigned subs = fb_subscribes(b), pubs = fb_publishes(b);
        sync_ok(b, (ts_op_t)op, 0);
        CHECK_EQ(fb_subscribes(b), subs + 1);
        CHECK_EQ(fb_publishes(b), pubs + 1);
        char *accepted = ts_topic((ts_op_t)op, "T1", "job1", "/accepted");
        char *rejected = ts_topic((ts_op_t)op, "T1", "job1", "/rejected");
        CHECK(fb_is_subscribed(b, accepted));
        CHECK(fb_is_subscribed(b, rejected));
        free(accepted);
        free(rejected);
        for (int again = 0; again < 5; again++) {
            sync_ok(b, (ts_op_t)op, 0);
        }
        CHECK_EQ(fb_subscribes(b), subs + 1);
        CHECK_EQ(fb_publishes(b), pubs + 6);
    }
    CHECK_EQ(fb_undelivered(b), 0);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void aws_iot(void)
{
    ts_context("AWS IoT");
    ts_init();
    fb_broker_t *b = fb_create(true, FB_INLINE);
    fb_add_job(b, "T1", "job1", NULL);
    for (int op = 0; op < TS_OP_COUNT; op++) {
        sync_ok(b, (ts_op_t)op, 0);
        sync_ok(b, (ts_op_t)op, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS);
    }
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_subscribes(b), 0);
    CHECK_EQ(fb_unsubscribes(b), 0);
    CHECK_EQ(fb_publishes(b), 2 * TS_OP_COUNT);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
}

static void keep_then_remove(void)
{
    ts_context("keep then remove");
    ts_init();
    fb_broker_t *b = fb_create(false, FB_INLINE);
    fb_add_job(b, "T1", "job1", NULL);
    sync_ok(b, TS_GET_PENDING, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS);
    sync_ok(b, TS_DESCRIBE, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS);
    CHECK(fb_is_subscribed(b, "$aws/things/T1/jobs/get/accepted"));
    CHECK(fb_is_subscribed(b, "$aws/things/T1/jobs/job1/get/accepted"));
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", NULL, NULL);

    /* Only the kinds named by the flags go. */
    unsigned unsubs = fb_unsubscribes(b);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(
                 &request, AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS),
             AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_unsubscribes(b), unsubs + 1);
    CHECK(!fb_is_subscribed(b, "$aws/things/T1/jobs/get/accepted"));
    CHECK(!fb_is_subscribed(b, "$aws/things/T1/jobs/get/rejected"));
    CHECK(fb_is_subscribed(b, "$aws/things/T1/jobs/job1/get/accepted"));
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(
                 &request, AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(!fb_is_subscribed(b, "$aws/things/T1/jobs/job1/get/accepted"));
    CHECK_EQ(fb_subscription_count(b), 0);
    /* Nothing left to remove. */
    unsubs = fb_unsubscribes(b);
    CHECK_EQ(AwsIotJobs_RemovePersistentSubscriptions(&request, 15), AWS_IOT_JOBS_SUCCESS);
    CHECK_EQ(fb_unsubscribes(b), unsubs);
    /* And the next operation subscribes again, and works. */
    unsigned subs = fb_subscribes(b);
    sync_ok(b, TS_GET_PENDING, 0);
    CHECK_EQ(fb_subscribes(b), subs + 1);
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
    generic_broker();
    aws_iot();
    keep_then_remove();
    transport_failures();
    return 0;
}
