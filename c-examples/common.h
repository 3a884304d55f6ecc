/* What every example shares: command-line options, the v4 start-up and connection sequence,
 * a small event for waiting on callbacks, and a tiny JSON reader for job documents.
 *
 * The connection code is what v4 firmware does (see common.c): IotSdk_Init, the OpenSSL
 * network stack, IotMqtt_Init, AwsIotJobs_Init, then IotMqtt_Connect with the server info and,
 * for TLS, the credentials; cleanup in the reverse order. */

#ifndef AWSIOTJOBS_EXAMPLE_COMMON_H_
#define AWSIOTJOBS_EXAMPLE_COMMON_H_

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "aws_iot_jobs.h"
#include "iot_mqtt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The options every example takes:
 *   PORT | --port N       the broker's port (the emulator prints it); default 1883
 *   --host NAME           default 127.0.0.1
 *   --thing NAME          the thing (and MQTT client identifier unless --client-id)
 *   --client-id ID
 *   --root-ca F --cert F --key F   PEM files: connect with mutual TLS (AWS IoT)
 *   --alpn                offer ALPN x-amzn-mqtt-ca (AWS IoT on port 443)
 *   --aws-iot             the broker is AWS IoT (no reply subscriptions; implied by --cert)
 *   --timeout-ms N        timeout of each blocking call (default 5000) */
typedef struct example_options {
    const char *host;
    uint16_t port;
    const char *thing;
    const char *client_id;
    const char *root_ca;
    const char *client_cert;
    const char *private_key;
    bool alpn;
    bool aws_iot;
    uint32_t timeout_ms;
} example_options_t;

/* Handles an option an example adds: returns true if it knew `flag` (and took `value`). */
typedef bool (*example_extra_option_t)(void *context, const char *flag, const char *value);

/* Parses argv into `options`. Prints the usage (with `extra_usage`) and exits on an error. */
void example_parse_args(int argc, char **argv, const char *default_thing,
                        const char *extra_usage, example_extra_option_t extra, void *context,
                        example_options_t *options);

/* IotSdk_Init, IotNetworkOpenssl_Init, IotMqtt_Init, AwsIotJobs_Init(0); false on a failure
 * (whatever started is stopped again). */
bool example_init(void);
/* AwsIotJobs_Cleanup, IotMqtt_Cleanup, IotNetworkOpenssl_Cleanup, IotSdk_Cleanup. */
void example_cleanup(void);

/* IotMqtt_Connect to the broker of `options`, plain or with TLS. */
IotMqttError_t example_connect(const example_options_t *options, IotMqttConnection_t *connection);

/* A request info for `thing` (NULL: the options' thing) on `connection`: QoS 1, replies
 * allocated with malloc. The thing name must outlive the request info. */
AwsIotJobsRequestInfo_t example_request(const example_options_t *options,
                                        IotMqttConnection_t connection, const char *thing);

/* Milliseconds of a monotonic clock, and a sleep. */
uint64_t example_now_ms(void);
void example_sleep_ms(uint32_t ms);

/* An event callbacks post and a thread waits for. */
typedef struct example_event {
    pthread_mutex_t mutex;
    pthread_cond_t cond;
    unsigned posted;
} example_event_t;
void example_event_init(example_event_t *event);
void example_event_destroy(example_event_t *event);
void example_event_post(example_event_t *event);
/* Waits up to `timeout_ms` for a post; takes every post made so far. True if there was one. */
bool example_event_wait(example_event_t *event, uint32_t timeout_ms);

/* JSON: finds the value at a dotted `path` ("execution.jobDocument.action") in `json`.
 * `*value` points at the value's text (a string's without its quotes, still escaped). */
bool example_json_find(const char *json, size_t length, const char *path, const char **value,
                       size_t *value_length);
/* Element `index` (from 0) of the array at `path`, as example_json_find gives values. */
bool example_json_element(const char *json, size_t length, const char *path, size_t index,
                          const char **value, size_t *value_length);
/* The string at `path`, unescaped, NUL-terminated and cut to `size`; false if absent. */
bool example_json_string(const char *json, size_t length, const char *path, char *out,
                         size_t size);
/* The integer at `path`; false if absent or not an integer. */
bool example_json_integer(const char *json, size_t length, const char *path, long long *out);
/* `text` as the body of a JSON string (quotes and backslashes escaped, control characters
 * dropped), NUL-terminated and cut to `size`. */
void example_json_escape(const char *text, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* AWSIOTJOBS_EXAMPLE_COMMON_H_ */
