/* The shared part of the examples: see common.h. */

#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* clock_gettime, nanosleep, pthread_condattr_setclock */
#endif

#include "common.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iot_init.h"
#include "iot_network_openssl.h"

/* ------------------------------------------------------------------ command line -------- */

static void usage(const char *program, const char *extra_usage) {
    fprintf(stderr,
            "usage: %s [PORT] [--host NAME] [--port N] [--thing NAME] [--client-id ID]\n"
            "          [--root-ca F --cert F --key F] [--alpn] [--aws-iot] [--timeout-ms N]%s%s\n",
            program, extra_usage != NULL ? "\n          " : "",
            extra_usage != NULL ? extra_usage : "");
    exit(2);
}

static uint16_t parse_port(const char *program, const char *extra_usage, const char *text) {
    char *end = NULL;
    long port = strtol(text, &end, 10);
    if (end == text || *end != '\0' || port <= 0 || port > 65535) {
        fprintf(stderr, "%s: not a port: %s\n", program, text);
        usage(program, extra_usage);
    }
    return (uint16_t)port;
}

void example_parse_args(int argc, char **argv, const char *default_thing,
                        const char *extra_usage, example_extra_option_t extra, void *context,
                        example_options_t *options) {
    const char *program = argv[0];
    int i;
    memset(options, 0, sizeof *options);
    options->host = "127.0.0.1";
    options->port = 1883;
    options->thing = default_thing;
    options->timeout_ms = 5000;
    for (i = 1; i < argc; i++) {
        const char *flag = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (flag[0] != '-') {
            options->port = parse_port(program, extra_usage, flag);
            continue;
        }
        if (strcmp(flag, "--alpn") == 0) {
            options->alpn = true;
            continue;
        }
        if (strcmp(flag, "--aws-iot") == 0) {
            options->aws_iot = true;
            continue;
        }
        if (strcmp(flag, "-h") == 0 || strcmp(flag, "--help") == 0 || value == NULL) {
            usage(program, extra_usage);
        }
        i++;
        if (strcmp(flag, "--host") == 0) {
            options->host = value;
        } else if (strcmp(flag, "--port") == 0) {
            options->port = parse_port(program, extra_usage, value);
        } else if (strcmp(flag, "--thing") == 0) {
            options->thing = value;
        } else if (strcmp(flag, "--client-id") == 0) {
            options->client_id = value;
        } else if (strcmp(flag, "--root-ca") == 0) {
            options->root_ca = value;
        } else if (strcmp(flag, "--cert") == 0) {
            options->client_cert = value;
            options->aws_iot = true;
        } else if (strcmp(flag, "--key") == 0) {
            options->private_key = value;
        } else if (strcmp(flag, "--timeout-ms") == 0) {
            options->timeout_ms = (uint32_t)strtoul(value, NULL, 10);
        } else if (extra == NULL || !extra(context, flag, value)) {
            fprintf(stderr, "%s: unknown option %s\n", program, flag);
            usage(program, extra_usage);
        }
    }
    if (options->client_id == NULL) {
        options->client_id = options->thing;
    }
    if ((options->client_cert == NULL) != (options->private_key == NULL)) {
        fprintf(stderr, "%s: --cert and --key go together\n", program);
        usage(program, extra_usage);
    }
}

/* ------------------------------------------------------------ start-up and connect ----- */

bool example_init(void) {
    if (!IotSdk_Init()) {
        fprintf(stderr, "IotSdk_Init failed\n");
        return false;
    }
    if (IotNetworkOpenssl_Init() != IOT_NETWORK_SUCCESS) {
        fprintf(stderr, "IotNetworkOpenssl_Init failed\n");
        IotSdk_Cleanup();
        return false;
    }
    if (IotMqtt_Init() != IOT_MQTT_SUCCESS) {
        fprintf(stderr, "IotMqtt_Init failed\n");
        IotNetworkOpenssl_Cleanup();
        IotSdk_Cleanup();
        return false;
    }
    /* 0: the default MQTT timeout (5 s) for the library's subscribes and publishes. */
    if (AwsIotJobs_Init(0) != AWS_IOT_JOBS_SUCCESS) {
        fprintf(stderr, "AwsIotJobs_Init failed\n");
        IotMqtt_Cleanup();
        IotNetworkOpenssl_Cleanup();
        IotSdk_Cleanup();
        return false;
    }
    return true;
}

void example_cleanup(void) {
    AwsIotJobs_Cleanup();
    IotMqtt_Cleanup();
    IotNetworkOpenssl_Cleanup();
    IotSdk_Cleanup();
}

IotMqttError_t example_connect(const example_options_t *options, IotMqttConnection_t *connection) {
    struct IotNetworkServerInfo server = IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER;
    struct IotNetworkCredentials credentials = AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER;
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t connect = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    IotMqttError_t status;

    server.pHostName = options->host;
    server.port = options->port;
    network.createNetworkConnection = true;
    network.u.setup.pNetworkServerInfo = &server;
    network.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;
    if (options->client_cert != NULL) {
        /* The v4 OpenSSL port takes PEM file paths; ALPN only for port 443. */
        credentials.pRootCa = options->root_ca;
        credentials.rootCaSize = options->root_ca != NULL ? strlen(options->root_ca) : 0;
        credentials.pClientCert = options->client_cert;
        credentials.clientCertSize = strlen(options->client_cert);
        credentials.pPrivateKey = options->private_key;
        credentials.privateKeySize = strlen(options->private_key);
        if (!options->alpn) {
            credentials.pAlpnProtos = NULL;
        }
        network.u.setup.pNetworkCredentialInfo = &credentials;
    }

    connect.awsIotMqttMode = options->aws_iot;
    connect.cleanSession = true;
    connect.keepAliveSeconds = 60;
    connect.pClientIdentifier = options->client_id;
    connect.clientIdentifierLength = (uint16_t)strlen(options->client_id);

    status = IotMqtt_Connect(&network, &connect, options->timeout_ms, connection);
    if (status == IOT_MQTT_SUCCESS) {
        printf("connected to %s:%u as %s%s\n", options->host, (unsigned)options->port,
               options->client_id, options->client_cert != NULL ? " (mutual TLS)" : "");
    } else {
        fprintf(stderr, "IotMqtt_Connect to %s:%u failed: %s\n", options->host,
                (unsigned)options->port, IotMqtt_strerror(status));
    }
    return status;
}

AwsIotJobsRequestInfo_t example_request(const example_options_t *options,
                                        IotMqttConnection_t connection, const char *thing) {
    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    if (thing == NULL) {
        thing = options->thing;
    }
    request.mqttConnection = connection;
    request.qos = IOT_MQTT_QOS_1;
    request.pThingName = thing;
    request.thingNameLength = strlen(thing);
    request.mallocResponse = malloc;
    return request;
}

/* -------------------------------------------------------------------- time, events ----- */

uint64_t example_now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000u + (uint64_t)now.tv_nsec / 1000000u;
}

void example_sleep_ms(uint32_t ms) {
    struct timespec left;
    left.tv_sec = ms / 1000u;
    left.tv_nsec = (long)(ms % 1000u) * 1000000L;
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
}

void example_event_init(example_event_t *event) {
    pthread_condattr_t attributes;
    pthread_mutex_init(&event->mutex, NULL);
    pthread_condattr_init(&attributes);
    pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC);
    pthread_cond_init(&event->cond, &attributes);
    pthread_condattr_destroy(&attributes);
    event->posted = 0;
}

void example_event_destroy(example_event_t *event) {
    pthread_cond_destroy(&event->cond);
    pthread_mutex_destroy(&event->mutex);
}

void example_event_post(example_event_t *event) {
    pthread_mutex_lock(&event->mutex);
    event->posted++;
    pthread_cond_broadcast(&event->cond);
    pthread_mutex_unlock(&event->mutex);
}

bool example_event_wait(example_event_t *event, uint32_t timeout_ms) {
    struct timespec deadline;
    bool posted;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000u;
    deadline.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&event->mutex);
    while (event->posted == 0 &&
           pthread_cond_timedwait(&event->cond, &event->mutex, &deadline) == 0) {
    }
    posted = event->posted != 0;
    event->posted = 0;
    pthread_mutex_unlock(&event->mutex);
    return posted;
}

/* -------------------------------------------------------------------------- JSON -------- */

typedef struct cursor {
    const char *at;
    const char *end;
} cursor_t;

static void skip_space(cursor_t *c) {
    while (c->at < c->end && (*c->at == ' ' || *c->at == '\t' || *c->at == '\n' || *c->at == '\r')) {
        c->at++;
    }
}

/* Moves past a string whose opening quote is at `c->at`. */
static bool skip_string(cursor_t *c) {
    for (c->at++; c->at < c->end; c->at++) {
        if (*c->at == '\\') {
            c->at++;
        } else if (*c->at == '"') {
            c->at++;
            return true;
        }
    }
    return false;
}

/* Moves past one value of any kind. */
static bool skip_value(cursor_t *c) {
    int depth = 0;
    skip_space(c);
    do {
        if (c->at >= c->end) {
            return false;
        }
        if (*c->at == '"') {
            if (!skip_string(c)) {
                return false;
            }
            continue;
        }
        if (*c->at == '{' || *c->at == '[') {
            depth++;
        } else if (*c->at == '}' || *c->at == ']') {
            depth--;
        } else if (depth == 0) {
            /* A number, true, false or null runs to the next delimiter. */
            while (c->at < c->end && strchr(",}] \t\r\n", *c->at) == NULL) {
                c->at++;
            }
            return true;
        }
        c->at++;
    } while (depth > 0);
    return depth == 0;
}

/* With `c` at an object, moves to the value of `key` (of `key_length` bytes). */
static bool find_member(cursor_t *c, const char *key, size_t key_length) {
    skip_space(c);
    if (c->at >= c->end || *c->at != '{') {
        return false;
    }
    c->at++;
    for (;;) {
        const char *name;
        size_t name_length;
        skip_space(c);
        if (c->at >= c->end || *c->at != '"') {
            return false;
        }
        name = c->at + 1;
        if (!skip_string(c)) {
            return false;
        }
        name_length = (size_t)(c->at - 1 - name);
        skip_space(c);
        if (c->at >= c->end || *c->at != ':') {
            return false;
        }
        c->at++;
        skip_space(c);
        if (name_length == key_length && memcmp(name, key, key_length) == 0) {
            return true;
        }
        if (!skip_value(c)) {
            return false;
        }
        skip_space(c);
        if (c->at >= c->end || *c->at != ',') {
            return false;
        }
        c->at++;
    }
}

bool example_json_find(const char *json, size_t length, const char *path, const char **value,
                       size_t *value_length) {
    cursor_t c;
    const char *start;
    c.at = json;
    c.end = json + length;
    while (*path != '\0') {
        const char *dot = strchr(path, '.');
        size_t key_length = dot != NULL ? (size_t)(dot - path) : strlen(path);
        if (!find_member(&c, path, key_length)) {
            return false;
        }
        path += key_length + (dot != NULL ? 1 : 0);
    }
    start = c.at;
    if (!skip_value(&c)) {
        return false;
    }
    if (*start == '"') {
        *value = start + 1;
        *value_length = (size_t)(c.at - start - 2);
    } else {
        *value = start;
        *value_length = (size_t)(c.at - start);
    }
    return true;
}

bool example_json_element(const char *json, size_t length, const char *path, size_t index,
                          const char **value, size_t *value_length) {
    const char *array;
    size_t array_length;
    cursor_t c;
    if (!example_json_find(json, length, path, &array, &array_length) || *array != '[') {
        return false;
    }
    c.at = array + 1;
    c.end = array + array_length;
    for (;; index--) {
        const char *start;
        skip_space(&c);
        start = c.at;
        if (c.at >= c.end || *c.at == ']' || !skip_value(&c)) {
            return false;
        }
        if (index == 0) {
            *value = start;
            *value_length = (size_t)(c.at - start);
            return true;
        }
        skip_space(&c);
        if (c.at >= c.end || *c.at != ',') {
            return false;
        }
        c.at++;
    }
}

bool example_json_string(const char *json, size_t length, const char *path, char *out,
                         size_t size) {
    const char *value;
    size_t value_length, i, n = 0;
    if (size == 0 || !example_json_find(json, length, path, &value, &value_length) ||
        value == json || value[-1] != '"') {
        return false;
    }
    for (i = 0; i < value_length && n + 1 < size; i++) {
        char ch = value[i];
        if (ch == '\\' && i + 1 < value_length) {
            ch = value[++i];
            switch (ch) {
            case 'n': ch = '\n'; break;
            case 't': ch = '\t'; break;
            case 'r': ch = '\r'; break;
            case 'b': ch = '\b'; break;
            case 'f': ch = '\f'; break;
            case 'u': ch = '?'; i += 4; break; /* enough for these examples */
            default: break;                     /* \" \\ \/ */
            }
        }
        out[n++] = ch;
    }
    out[n] = '\0';
    return true;
}

bool example_json_integer(const char *json, size_t length, const char *path, long long *out) {
    const char *value;
    size_t value_length;
    char text[32], *end = NULL;
    if (!example_json_find(json, length, path, &value, &value_length) || value_length == 0 ||
        value_length >= sizeof text) {
        return false;
    }
    memcpy(text, value, value_length);
    text[value_length] = '\0';
    *out = strtoll(text, &end, 10);
    return end != text && *end == '\0';
}

void example_json_escape(const char *text, char *out, size_t size) {
    size_t n = 0;
    if (size == 0) {
        return;
    }
    for (; *text != '\0' && n + 2 < size; text++) {
        if ((unsigned char)*text < 0x20) {
            continue;
        }
        if (*text == '"' || *text == '\\') {
            out[n++] = '\\';
        }
        out[n++] = *text;
    }
    out[n] = '\0';
}
