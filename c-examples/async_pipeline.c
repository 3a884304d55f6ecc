/* async_pipeline: many updates in flight at once, on several things, with completion
 * callbacks.
 *
 *   async_pipeline PORT [--things N] [--thing-prefix P] [TLS options, see common.h]
 *
 * For the things P0 .. P(N-1) (default pipe-0 .. pipe-3) it lists the queued jobs with
 * GetPendingSync, then sends UpdateAsync IN_PROGRESS for every one of them without waiting.
 * Each completion callback (on a library thread) sends the job's next update, SUCCEEDED,
 * from inside the callback. The main thread waits until every update completed, prints a
 * summary and exits 0 only if every update was accepted.
 *
 * The v4 library could not do this: its describe and update subscriptions were counted per
 * thing and operation, not per job, so a second update in flight on the same thing hung. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define MAX_THINGS 64
#define MAX_JOBS_PER_THING 64
#define NAME_SIZE 129

typedef struct pipeline pipeline_t;

/* One job execution going through IN_PROGRESS, then SUCCEEDED. */
typedef struct item {
    pipeline_t *pipeline;
    const char *thing;
    char job[65];
    AwsIotJobState_t sent; /* the status of the update in flight */
} item_t;

struct pipeline {
    example_options_t options;
    IotMqttConnection_t connection;
    char things[MAX_THINGS][NAME_SIZE];
    long thing_count;
    const char *prefix;
    item_t *items;
    size_t item_count;
    /* Counted under `lock`: callbacks run on library threads. */
    pthread_mutex_t lock;
    unsigned accepted, failed, in_flight, max_in_flight;
    example_event_t all_done;
};

static bool parse_option(void *context, const char *flag, const char *value) {
    pipeline_t *pipeline = context;
    if (strcmp(flag, "--things") == 0) {
        pipeline->thing_count = strtol(value, NULL, 10);
        return true;
    }
    if (strcmp(flag, "--thing-prefix") == 0) {
        pipeline->prefix = value;
        return true;
    }
    return false;
}

static void on_update_complete(void *context, AwsIotJobsCallbackParam_t *param);

/* UpdateAsync of one item with `status`; the callback gets the item. */
static AwsIotJobsError_t send_update(item_t *item, AwsIotJobState_t status) {
    pipeline_t *pipeline = item->pipeline;
    AwsIotJobsRequestInfo_t request =
        example_request(&pipeline->options, pipeline->connection, item->thing);
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsOperation_t operation = AWS_IOT_JOBS_OPERATION_INITIALIZER;
    AwsIotJobsError_t result;

    request.pJobId = item->job;
    request.jobIdLength = strlen(item->job);
    update.newStatus = status;
    callback.pCallbackContext = item;
    callback.function = on_update_complete;
    item->sent = status;

    pthread_mutex_lock(&pipeline->lock);
    if (++pipeline->in_flight > pipeline->max_in_flight) {
        pipeline->max_in_flight = pipeline->in_flight;
    }
    pthread_mutex_unlock(&pipeline->lock);
    result = AwsIotJobs_UpdateAsync(&request, &update, 0, &callback, &operation);
    if (result != AWS_IOT_JOBS_STATUS_PENDING) {
        printf("%s/%s: UpdateAsync refused: %s\n", item->thing, item->job,
               AwsIotJobs_strerror(result));
    }
    return result;
}

/* Records the end of one update (under the lock); posts `all_done` after the last. */
static void finish_one(pipeline_t *pipeline, bool accepted) {
    pthread_mutex_lock(&pipeline->lock);
    pipeline->in_flight--;
    if (accepted) {
        pipeline->accepted++;
    } else {
        pipeline->failed++;
    }
    if (pipeline->in_flight == 0) {
        example_event_post(&pipeline->all_done);
    }
    pthread_mutex_unlock(&pipeline->lock);
}

/* The completion callback, on a library thread. The reply is valid only during the call. */
static void on_update_complete(void *context, AwsIotJobsCallbackParam_t *param) {
    item_t *item = context;
    pipeline_t *pipeline = item->pipeline;
    AwsIotJobsError_t result = param->u.operation.result;
    bool accepted = result == AWS_IOT_JOBS_SUCCESS;

    if (!accepted) {
        printf("%s/%s: %s update failed: %s\n", item->thing, item->job,
               AwsIotJobs_StateName(item->sent), AwsIotJobs_strerror(result));
    }
    /* The next step is sent before this one counts as finished, so in_flight reaches 0
     * only when the whole pipeline is done. */
    if (accepted && item->sent == AWS_IOT_JOB_STATE_IN_PROGRESS &&
        send_update(item, AWS_IOT_JOB_STATE_SUCCEEDED) != AWS_IOT_JOBS_STATUS_PENDING) {
        finish_one(pipeline, false);
    }
    finish_one(pipeline, accepted);
}

/* Adds an item for every queued job of `thing`. */
static bool list_jobs(pipeline_t *pipeline, const char *thing) {
    AwsIotJobsRequestInfo_t request =
        example_request(&pipeline->options, pipeline->connection, thing);
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsError_t result =
        AwsIotJobs_GetPendingSync(&request, 0, pipeline->options.timeout_ms, &response);
    const char *summary;
    size_t summary_length, i;

    if (result != AWS_IOT_JOBS_SUCCESS) {
        printf("%s: GetPendingSync failed: %s\n", thing, AwsIotJobs_strerror(result));
        free((void *)response.pJobsResponse);
        return false;
    }
    for (i = 0; i < MAX_JOBS_PER_THING &&
                example_json_element(response.pJobsResponse, response.jobsResponseLength,
                                     "queuedJobs", i, &summary, &summary_length);
         i++) {
        item_t *item = &pipeline->items[pipeline->item_count];
        if (example_json_string(summary, summary_length, "jobId", item->job, sizeof item->job)) {
            item->pipeline = pipeline;
            item->thing = thing;
            pipeline->item_count++;
        }
    }
    printf("%s: %zu queued jobs\n", thing, i);
    free((void *)response.pJobsResponse);
    return true;
}

int main(int argc, char **argv) {
    static pipeline_t pipeline;
    uint64_t started, elapsed;
    size_t i;
    bool ok = true;

    setvbuf(stdout, NULL, _IOLBF, 0);
    pipeline.thing_count = 4;
    pipeline.prefix = "pipe-";
    example_parse_args(argc, argv, "pipeline", "[--things N] [--thing-prefix P]", parse_option,
                       &pipeline, &pipeline.options);
    if (pipeline.thing_count < 1 || pipeline.thing_count > MAX_THINGS) {
        fprintf(stderr, "--things: 1 to %d\n", MAX_THINGS);
        return 2;
    }
    pipeline.items = calloc((size_t)pipeline.thing_count * MAX_JOBS_PER_THING, sizeof(item_t));
    pthread_mutex_init(&pipeline.lock, NULL);
    example_event_init(&pipeline.all_done);

    if (pipeline.items == NULL || !example_init()) {
        return 1;
    }
    if (example_connect(&pipeline.options, &pipeline.connection) != IOT_MQTT_SUCCESS) {
        example_cleanup();
        return 1;
    }
    for (i = 0; ok && i < (size_t)pipeline.thing_count; i++) {
        snprintf(pipeline.things[i], NAME_SIZE, "%s%zu", pipeline.prefix, i);
        ok = list_jobs(&pipeline, pipeline.things[i]);
    }

    started = example_now_ms();
    printf("sending %zu IN_PROGRESS updates without waiting\n", pipeline.item_count);
    for (i = 0; ok && i < pipeline.item_count; i++) {
        if (send_update(&pipeline.items[i], AWS_IOT_JOB_STATE_IN_PROGRESS) !=
            AWS_IOT_JOBS_STATUS_PENDING) {
            finish_one(&pipeline, false);
        }
    }
    /* Each completion posts when nothing is left in flight: wait for the last one. */
    while (ok && pipeline.item_count > 0) {
        bool done;
        example_event_wait(&pipeline.all_done, 1000);
        pthread_mutex_lock(&pipeline.lock);
        done = pipeline.in_flight == 0;
        pthread_mutex_unlock(&pipeline.lock);
        if (done) {
            break;
        }
        if (example_now_ms() - started > 60000) {
            printf("the pipeline did not finish in 60 s\n");
            ok = false;
        }
    }
    elapsed = example_now_ms() - started;

    IotMqtt_Disconnect(pipeline.connection, 0);
    example_cleanup();

    printf("async_pipeline: %ld things, %zu executions, %u updates accepted, %u failed, "
           "at most %u in flight, %llu ms\n",
           pipeline.thing_count, pipeline.item_count, pipeline.accepted, pipeline.failed,
           pipeline.max_in_flight, (unsigned long long)elapsed);
    ok = ok && pipeline.item_count > 0 && pipeline.failed == 0 &&
         pipeline.accepted == 2 * pipeline.item_count;
    example_event_destroy(&pipeline.all_done);
    pthread_mutex_destroy(&pipeline.lock);
    free(pipeline.items);
    return ok ? 0 : 1;
}
