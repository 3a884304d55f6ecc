/* sync_tour: each blocking (Sync) Jobs operation once, with what it sends and what it gets.
 *
 *   sync_tour PORT [--thing NAME] [TLS options, see common.h]
 *
 * Expects at least one queued job for the thing. It lists the pending jobs, starts the next,
 * describes it (by ID and as $next), reports it SUCCEEDED with its version, shows how a
 * rejection reads (an update of a job that does not exist), and lists again. Every Sync call
 * blocks the calling thread for at most the timeout and hands back the service's reply in a
 * buffer from request.mallocResponse (here malloc) that the caller frees. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

static int failures;

static void step(int number, const char *title) {
    printf("\n%d. %s\n", number, title);
}

/* Prints the result and the reply, checks the result, frees the reply. */
static void show(const char *call, AwsIotJobsError_t result, AwsIotJobsError_t expected,
                 AwsIotJobsResponse_t *response) {
    printf("   %s -> %s\n", call, AwsIotJobs_strerror(result));
    if (response->pJobsResponse != NULL) {
        printf("   reply: %.*s%s\n", (int)(response->jobsResponseLength > 400 ? 400 : response->jobsResponseLength),
               response->pJobsResponse, response->jobsResponseLength > 400 ? "..." : "");
    }
    if (result != expected) {
        printf("   expected %s\n", AwsIotJobs_strerror(expected));
        failures++;
    }
}

static void forget(AwsIotJobsResponse_t *response) {
    free((void *)response->pJobsResponse);
    response->pJobsResponse = NULL;
    response->jobsResponseLength = 0;
}

int main(int argc, char **argv) {
    example_options_t options;
    IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
    AwsIotJobsRequestInfo_t request;
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsError_t result;
    char job[65] = "", text[160];
    long long version = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    example_parse_args(argc, argv, "tour-thing", NULL, NULL, NULL, &options);
    if (!example_init()) {
        return 1;
    }
    if (example_connect(&options, &connection) != IOT_MQTT_SUCCESS) {
        example_cleanup();
        return 1;
    }
    request = example_request(&options, connection, NULL);

    step(1, "GetPendingSync: which jobs wait for this thing? (keeping the reply subscriptions)");
    result = AwsIotJobs_GetPendingSync(&request, AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS,
                                       options.timeout_ms, &response);
    show("AwsIotJobs_GetPendingSync", result, AWS_IOT_JOBS_SUCCESS, &response);
    forget(&response);

    step(2, "StartNextSync: take the next job, IN_PROGRESS, with status details");
    update.pStatusDetails = "{\"step\":\"tour\"}";
    update.statusDetailsLength = strlen(update.pStatusDetails);
    result = AwsIotJobs_StartNextSync(&request, &update, 0, options.timeout_ms, &response);
    show("AwsIotJobs_StartNextSync", result, AWS_IOT_JOBS_SUCCESS, &response);
    if (result == AWS_IOT_JOBS_SUCCESS &&
        example_json_string(response.pJobsResponse, response.jobsResponseLength,
                            "execution.jobId", job, sizeof job)) {
        if (example_json_string(response.pJobsResponse, response.jobsResponseLength,
                                "execution.jobDocument.message", text, sizeof text)) {
            printf("   started %s, its document says \"%s\"\n", job, text);
        }
    } else {
        printf("   no job to start: create one first\n");
        failures++;
    }
    forget(&response);

    if (job[0] != '\0') {
        step(3, "DescribeSync: that job by its ID, with its document");
        request.pJobId = job;
        request.jobIdLength = strlen(job);
        result = AwsIotJobs_DescribeSync(&request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, true, 0,
                                         options.timeout_ms, &response);
        show("AwsIotJobs_DescribeSync", result, AWS_IOT_JOBS_SUCCESS, &response);
        example_json_integer(response.pJobsResponse, response.jobsResponseLength,
                             "execution.versionNumber", &version);
        printf("   its versionNumber is %lld\n", version);
        forget(&response);

        step(4, "DescribeSync: $next, the job the service would hand out next");
        request.pJobId = AWS_IOT_JOBS_NEXT_JOB;
        request.jobIdLength = AWS_IOT_JOBS_NEXT_JOB_LENGTH;
        result = AwsIotJobs_DescribeSync(&request, AWS_IOT_JOBS_NO_EXECUTION_NUMBER, false, 0,
                                         options.timeout_ms, &response);
        show("AwsIotJobs_DescribeSync", result, AWS_IOT_JOBS_SUCCESS, &response);
        forget(&response);

        step(5, "UpdateSync: report it SUCCEEDED, expecting its current version");
        request.pJobId = job;
        request.jobIdLength = strlen(job);
        update.newStatus = AWS_IOT_JOB_STATE_SUCCEEDED;
        update.expectedVersion = (uint32_t)version;
        update.includeJobExecutionState = true;
        result = AwsIotJobs_UpdateSync(&request, &update, 0, options.timeout_ms, &response);
        show("AwsIotJobs_UpdateSync", result, AWS_IOT_JOBS_SUCCESS, &response);
        forget(&response);
    }

    step(6, "UpdateSync of a job that does not exist: a rejection, with the service's reply");
    request.pJobId = "no-such-job";
    request.jobIdLength = strlen(request.pJobId);
    update.expectedVersion = AWS_IOT_JOBS_NO_VERSION;
    result = AwsIotJobs_UpdateSync(&request, &update, 0, options.timeout_ms, &response);
    show("AwsIotJobs_UpdateSync", result, AWS_IOT_JOBS_NOT_FOUND, &response);
    if (example_json_string(response.pJobsResponse, response.jobsResponseLength, "code", text,
                            sizeof text)) {
        printf("   the rejection's code is %s\n", text);
    }
    forget(&response);

    step(7, "GetPendingSync again, then drop the subscriptions kept in step 1");
    request.pJobId = NULL;
    request.jobIdLength = 0;
    result = AwsIotJobs_GetPendingSync(&request, 0, options.timeout_ms, &response);
    show("AwsIotJobs_GetPendingSync", result, AWS_IOT_JOBS_SUCCESS, &response);
    forget(&response);
    result = AwsIotJobs_RemovePersistentSubscriptions(
        &request, AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS);
    printf("   AwsIotJobs_RemovePersistentSubscriptions -> %s\n", AwsIotJobs_strerror(result));
    failures += result != AWS_IOT_JOBS_SUCCESS;

    IotMqtt_Disconnect(connection, 0);
    example_cleanup();
    printf("\nsync_tour: %s\n", failures == 0 ? "every call answered as expected" : "FAILED");
    return failures == 0 ? 0 : 1;
}
