/* The fake broker of fake_broker.h: its lifecycle (create, destroy, the test fixture) and
 * the three transport functions the library calls. The rest of it: see
 * fake_broker_internal.h. */

#include "fake_broker_internal.h"

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

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
        CHECK(fb_valid_filter(filter, length));
        fb_add_record(b, FB_SUBSCRIBE, filter, length, NULL, 0);
        char *topic = fb_dup_n(filter, length);
        if (fb_find_sub(b, topic) >= 0) {
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
        fb_add_record(b, FB_UNSUBSCRIBE, pTopicFilters[i], pTopicFilterLengths[i], NULL, 0);
        char *topic = fb_dup_n(pTopicFilters[i], pTopicFilterLengths[i]);
        ssize_t at = fb_find_sub(b, topic);
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
    fb_add_record(b, FB_PUBLISH, pTopic, topicLength, pPayload, payloadLength);
    const fb_record_t *rec = &b->records[b->recordCount - 1];
    fb_list_t out = {0};
    fb_respond(b, rec->topic, rec->payload, &out);
    fb_route(b, &out);
    pthread_mutex_unlock(&b->lock);
    fb_deliver_inline(b, &out);
    return IOT_MQTT_SUCCESS;
}

/* ----- Public functions: lifecycle ----- */

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
        CHECK(pthread_create(&b->thread, NULL, fb_receive_main, b) == 0);
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
    fb_list_free(&b->queue);
    fb_list_free(&b->held);
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
