/* jobs_agent: the classic AWS IoT Jobs device agent, written as v4 firmware writes it.
 *
 *   jobs_agent PORT [--thing NAME] [--idle-exit-ms N] [TLS options, see common.h]
 *
 * It connects with IotMqtt_Connect, registers a notify-next callback, and takes jobs one
 * after the other with start-next. Each job document names an action:
 *
 *   {"action":"print","message":"hello"}             prints the message
 *   {"action":"publish","topic":"t","message":"m"}   publishes the message (QoS 1)
 *   {"action":"sleep","ms":500,"stepTimeoutInMinutes":1}
 *        reports IN_PROGRESS with a step timeout (default: long enough), then sleeps
 *   {"action":"fail","message":"why"}                reports FAILED with the reason
 *   {"action":"exit"}                                reports SUCCEEDED and stops the agent
 *
 * and the agent reports SUCCEEDED or FAILED with status details. The notify-next callback
 * only wakes the main loop, so a duplicate or stale notification costs one start-next that
 * returns the job the service really has next (or none). It stops on an "exit" job, on
 * SIGINT/SIGTERM, or after --idle-exit-ms without a job, and cleans up in order. */

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

#define JOB_ID_SIZE 65
#define DETAILS_SIZE 1200

typedef struct agent {
    example_options_t options;
    IotMqttConnection_t connection;
    example_event_t wake;
    uint32_t idle_exit_ms;
    unsigned succeeded, failed, ended_by_service, notifications;
    /* The last job this agent finished, and the result it reported: if the report was lost
     * and start-next hands the job back, the report is sent again, the job not run again. */
    char last_job[JOB_ID_SIZE];
    long long last_execution;
    AwsIotJobState_t last_status;
    char last_details[DETAILS_SIZE];
} agent_t;

static volatile sig_atomic_t stop_requested;

static void on_signal(int signal_number) {
    (void)signal_number;
    stop_requested = 1;
}

static bool parse_option(void *context, const char *flag, const char *value) {
    agent_t *agent = context;
    if (strcmp(flag, "--idle-exit-ms") == 0) {
        agent->idle_exit_ms = (uint32_t)strtoul(value, NULL, 10);
        return true;
    }
    return false;
}

/* The notify-next callback, on a library thread: tell the main loop to look for work. */
static void on_notify_next(void *context, AwsIotJobsCallbackParam_t *param) {
    agent_t *agent = context;
    char job[JOB_ID_SIZE];
    if (example_json_string(param->u.callback.pDocument, param->u.callback.documentLength,
                            "execution.jobId", job, sizeof job)) {
        printf("notify-next: %s is next\n", job);
    } else {
        printf("notify-next: no job pending\n");
    }
    agent->notifications++;
    example_event_post(&agent->wake);
}

/* {"agent":"jobs_agent","<key>":"<text>"} */
static void status_details(char *out, size_t size, const char *key, const char *text) {
    char escaped[DETAILS_SIZE / 2];
    example_json_escape(text, escaped, sizeof escaped);
    snprintf(out, size, "{\"agent\":\"jobs_agent\",\"%s\":\"%s\"}", key, escaped);
}

/* UpdateSync of `job`; prints what the service said. */
static AwsIotJobsError_t report(agent_t *agent, const char *job, AwsIotJobState_t status,
                                const char *details, int32_t step_timeout_minutes) {
    AwsIotJobsRequestInfo_t request = example_request(&agent->options, agent->connection, NULL);
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsError_t result;
    char state[32];

    request.pJobId = job;
    request.jobIdLength = strlen(job);
    update.newStatus = status;
    update.stepTimeoutInMinutes = step_timeout_minutes;
    update.pStatusDetails = details;
    update.statusDetailsLength = strlen(details);
    result = AwsIotJobs_UpdateSync(&request, &update, 0, agent->options.timeout_ms, &response);
    if (result == AWS_IOT_JOBS_SUCCESS) {
        printf("job %s: reported %s %s\n", job, AwsIotJobs_StateName(status), details);
    } else if ((result == AWS_IOT_JOBS_INVALID_STATE || result == AWS_IOT_JOBS_TERMINAL_STATE) &&
               example_json_string(response.pJobsResponse, response.jobsResponseLength,
                                   "executionState.status", state, sizeof state)) {
        /* The service ended it first: a step or in-progress timeout, or a cancellation. */
        printf("job %s: the service already ended it: %s\n", job, state);
    } else {
        printf("job %s: reporting %s failed: %s\n", job, AwsIotJobs_StateName(status),
               AwsIotJobs_strerror(result));
    }
    free((void *)response.pJobsResponse);
    return result;
}

static AwsIotJobState_t publish(agent_t *agent, const char *topic, const char *message,
                                char *details) {
    IotMqttPublishInfo_t publish = IOT_MQTT_PUBLISH_INFO_INITIALIZER;
    IotMqttError_t status;
    publish.qos = IOT_MQTT_QOS_1;
    publish.pTopicName = topic;
    publish.topicNameLength = (uint16_t)strlen(topic);
    publish.pPayload = message;
    publish.payloadLength = strlen(message);
    status = IotMqtt_PublishSync(agent->connection, &publish, 0, agent->options.timeout_ms);
    if (status != IOT_MQTT_SUCCESS) {
        status_details(details, DETAILS_SIZE, "reason", IotMqtt_strerror(status));
        return AWS_IOT_JOB_STATE_FAILED;
    }
    printf("published %zu bytes to %s\n", strlen(message), topic);
    status_details(details, DETAILS_SIZE, "result", "published");
    return AWS_IOT_JOB_STATE_SUCCEEDED;
}

/* Runs the action of one job document. Fills the status details and returns the status to
 * report; sets *stop for "exit". */
static AwsIotJobState_t run_action(agent_t *agent, const char *job, const char *document,
                                   size_t length, char *details, bool *stop) {
    char action[32], message[512], topic[256];
    long long ms, step_minutes;

    if (!example_json_string(document, length, "action", action, sizeof action)) {
        status_details(details, DETAILS_SIZE, "reason", "the job document has no action");
        return AWS_IOT_JOB_STATE_FAILED;
    }
    if (!example_json_string(document, length, "message", message, sizeof message)) {
        message[0] = '\0';
    }
    printf("job %s: %s\n", job, action);

    if (strcmp(action, "print") == 0) {
        printf("job %s says: %s\n", job, message);
        status_details(details, DETAILS_SIZE, "result", "printed");
        return AWS_IOT_JOB_STATE_SUCCEEDED;
    }
    if (strcmp(action, "publish") == 0) {
        if (!example_json_string(document, length, "topic", topic, sizeof topic)) {
            status_details(details, DETAILS_SIZE, "reason", "publish needs a topic");
            return AWS_IOT_JOB_STATE_FAILED;
        }
        return publish(agent, topic, message, details);
    }
    if (strcmp(action, "sleep") == 0) {
        char progress[64];
        if (!example_json_integer(document, length, "ms", &ms) || ms < 0 || ms > 3600000) {
            ms = 1000;
        }
        if (!example_json_integer(document, length, "stepTimeoutInMinutes", &step_minutes) ||
            step_minutes < 1 || step_minutes > 10080) {
            step_minutes = ms / 60000 + 1;
        }
        snprintf(progress, sizeof progress, "sleeping %lld ms", ms);
        status_details(details, DETAILS_SIZE, "progress", progress);
        report(agent, job, AWS_IOT_JOB_STATE_IN_PROGRESS, details, (int32_t)step_minutes);
        example_sleep_ms((uint32_t)ms);
        status_details(details, DETAILS_SIZE, "result", "slept");
        return AWS_IOT_JOB_STATE_SUCCEEDED;
    }
    if (strcmp(action, "fail") == 0) {
        status_details(details, DETAILS_SIZE, "reason", message[0] != '\0' ? message : "asked to");
        return AWS_IOT_JOB_STATE_FAILED;
    }
    if (strcmp(action, "exit") == 0) {
        *stop = true;
        status_details(details, DETAILS_SIZE, "result", "agent stopping");
        return AWS_IOT_JOB_STATE_SUCCEEDED;
    }
    snprintf(topic, sizeof topic, "unknown action %s", action);
    status_details(details, DETAILS_SIZE, "reason", topic);
    return AWS_IOT_JOB_STATE_FAILED;
}

/* Handles the execution in a start-next reply. Returns true to stop the agent. */
static bool handle_execution(agent_t *agent, const char *reply, size_t length) {
    char job[JOB_ID_SIZE], details[DETAILS_SIZE];
    const char *document;
    size_t document_length;
    long long execution = 0;
    bool stop = false;
    AwsIotJobState_t status;
    AwsIotJobsError_t result;

    if (!example_json_string(reply, length, "execution.jobId", job, sizeof job)) {
        return false;
    }
    example_json_integer(reply, length, "execution.executionNumber", &execution);
    if (strcmp(job, agent->last_job) == 0 && execution == agent->last_execution) {
        printf("job %s: already done here, reporting its result again\n", job);
        report(agent, job, agent->last_status, agent->last_details, AWS_IOT_JOBS_NO_TIMEOUT);
        return false;
    }
    if (!example_json_find(reply, length, "execution.jobDocument", &document, &document_length)) {
        document = "{}";
        document_length = 2;
    }
    status = run_action(agent, job, document, document_length, details, &stop);

    snprintf(agent->last_job, sizeof agent->last_job, "%s", job);
    agent->last_execution = execution;
    agent->last_status = status;
    snprintf(agent->last_details, sizeof agent->last_details, "%s", details);
    result = report(agent, job, status, details, AWS_IOT_JOBS_NO_TIMEOUT);
    if (result == AWS_IOT_JOBS_SUCCESS) {
        if (status == AWS_IOT_JOB_STATE_SUCCEEDED) {
            agent->succeeded++;
        } else {
            agent->failed++;
        }
    } else if (result == AWS_IOT_JOBS_INVALID_STATE || result == AWS_IOT_JOBS_TERMINAL_STATE) {
        agent->ended_by_service++;
    }
    return stop;
}

/* Takes jobs until told to stop. Returns the exit code. */
static int run(agent_t *agent) {
    AwsIotJobsUpdateInfo_t start = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    uint64_t idle_since = example_now_ms();
    unsigned errors = 0;
    bool waiting = false;

    start.pStatusDetails = "{\"agent\":\"jobs_agent\"}";
    start.statusDetailsLength = strlen(start.pStatusDetails);
    while (!stop_requested) {
        AwsIotJobsRequestInfo_t request =
            example_request(&agent->options, agent->connection, NULL);
        AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
        AwsIotJobsError_t result = AwsIotJobs_StartNextSync(&request, &start, 0,
                                                            agent->options.timeout_ms, &response);
        const char *execution;
        size_t execution_length;
        bool has_job, stop = false;

        if (result != AWS_IOT_JOBS_SUCCESS) {
            printf("start-next failed: %s\n", AwsIotJobs_strerror(result));
            free((void *)response.pJobsResponse);
            if (++errors == 5) {
                return 1;
            }
            example_sleep_ms(1000);
            continue;
        }
        errors = 0;
        has_job = example_json_find(response.pJobsResponse, response.jobsResponseLength,
                                    "execution", &execution, &execution_length);
        if (has_job) {
            waiting = false;
            stop = handle_execution(agent, response.pJobsResponse, response.jobsResponseLength);
            idle_since = example_now_ms();
        }
        free((void *)response.pJobsResponse);
        if (stop) {
            break;
        }
        if (has_job) {
            continue;
        }
        if (!waiting) {
            printf("no job pending: waiting for notify-next\n");
            waiting = true;
        }
        /* Wake on a notification, look again now and then, and check for signals. */
        example_event_wait(&agent->wake, 500);
        if (agent->idle_exit_ms != 0 && example_now_ms() - idle_since >= agent->idle_exit_ms) {
            printf("no job for %u ms: stopping\n", (unsigned)agent->idle_exit_ms);
            break;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    static agent_t agent;
    AwsIotJobsCallbackInfo_t notify = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsError_t status;
    int exit_code = 1;

    setvbuf(stdout, NULL, _IOLBF, 0);
    example_parse_args(argc, argv, "jobs-agent-thing", "[--idle-exit-ms N]", parse_option,
                       &agent, &agent.options);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    example_event_init(&agent.wake);

    if (!example_init()) {
        return 1;
    }
    if (example_connect(&agent.options, &agent.connection) != IOT_MQTT_SUCCESS) {
        example_cleanup();
        return 1;
    }

    notify.pCallbackContext = &agent;
    notify.function = on_notify_next;
    status = AwsIotJobs_SetNotifyNextCallback(agent.connection, agent.options.thing,
                                              strlen(agent.options.thing), 0, &notify);
    if (status == AWS_IOT_JOBS_SUCCESS) {
        printf("agent for thing %s: taking jobs\n", agent.options.thing);
        exit_code = run(&agent);
        /* Remove the callback: oldFunction names it, function NULL removes it. */
        notify.oldFunction = on_notify_next;
        notify.function = NULL;
        AwsIotJobs_SetNotifyNextCallback(agent.connection, agent.options.thing,
                                         strlen(agent.options.thing), 0, &notify);
    } else {
        printf("setting the notify-next callback failed: %s\n", AwsIotJobs_strerror(status));
    }

    IotMqtt_Disconnect(agent.connection, 0);
    example_cleanup();
    example_event_destroy(&agent.wake);
    printf("jobs_agent: %u succeeded, %u failed, %u ended by the service, %u notifications\n",
           agent.succeeded, agent.failed, agent.ended_by_service, agent.notifications);
    return exit_code;
}
