/* The fake broker's Jobs responder: the one-shot scripts a test pushes (reject, drop, no or
 * foreign token, twice, hold; failing the next subscribe/publish), the canned accepted
 * replies, and the client-token reading they echo. */

#include "fake_broker_internal.h"

#include <stdlib.h>
#include <string.h>

#include "test_support.h"

/* ----- The client token: all the JSON this fake reads ----- */

/* The library writes `clientToken` as the last member of its compact requests, and the canned
 * replies as their last member too, so the last `"clientToken":"` not inside a string (an
 * escaped quote before it would be) starts the token; it ends at the next unescaped quote. */
char *fb_token_of(const char *payload)
{
    static const char KEY[] = "\"clientToken\":\"";
    const char *found = NULL;
    for (const char *p = payload ? strstr(payload, KEY) : NULL; p; p = strstr(p + 1, KEY)) {
        if (p == payload || p[-1] != '\\') found = p;
    }
    if (!found) return NULL;
    const char *start = found + strlen(KEY), *end = start;
    while (*end && *end != '"') end += (end[0] == '\\' && end[1]) ? 2 : 1;
    return *end == '"' ? fb_dup_n(start, (size_t)(end - start)) : NULL;
}

/* ----- The canned replies (lock held) ----- */

char *fb_topic_of(const char *thing, const char *suffix)
{
    sb_t sb = {0};
    fb_sb_printf(&sb, "$aws/things/%s/jobs/%s", thing, suffix);
    return sb.text;
}

/* The parts of a request topic. */
typedef struct fb_request {
    char thing[160];
    char jobId[80];
    enum { OP_GET, OP_START_NEXT, OP_DESCRIBE, OP_UPDATE, OP_NONE } op;
} fb_request_t;

static fb_request_t parse_request_topic(const char *topic)
{
    fb_request_t r;
    memset(&r, 0, sizeof(r));
    r.op = OP_NONE;
    if (strncmp(topic, "$aws/things/", 12) != 0) return r;
    const char *thing = topic + 12;
    const char *jobs = strstr(thing, "/jobs/");
    if (!jobs || (size_t)(jobs - thing) >= sizeof(r.thing)) return r;
    memcpy(r.thing, thing, (size_t)(jobs - thing));
    const char *rest = jobs + 6;
    if (strcmp(rest, "get") == 0) {
        r.op = OP_GET;
    } else if (strcmp(rest, "start-next") == 0) {
        r.op = OP_START_NEXT;
    } else {
        const char *slash = strchr(rest, '/');
        if (!slash || (size_t)(slash - rest) >= sizeof(r.jobId)) return r;
        memcpy(r.jobId, rest, (size_t)(slash - rest));
        if (strcmp(slash, "/get") == 0) r.op = OP_DESCRIBE;
        else if (strcmp(slash, "/update") == 0) r.op = OP_UPDATE;
    }
    return r;
}

/* The minimal accepted body of an operation (the fields before timestamp and token): empty
 * lists, nothing to start, the named execution as just queued (`$next`: none), an update
 * without the execution state. The fake knows no jobs. */
static void canned(sb_t *body, const fb_request_t *r)
{
    if (r->op == OP_GET) {
        fb_sb_printf(body, "\"inProgressJobs\":[],\"queuedJobs\":[],");
    } else if (r->op == OP_DESCRIBE && strcmp(r->jobId, "$next") != 0) {
        fb_sb_printf(body,
                  "\"execution\":{\"jobId\":\"%s\",\"thingName\":\"%s\",\"status\":\"QUEUED\","
                  "\"queuedAt\":1,\"lastUpdatedAt\":1,\"versionNumber\":1,\"executionNumber\":1},",
                  r->jobId, r->thing);
    }
}

/* Handles a publish to a Jobs request topic (lock held): the reply goes to `out`, or to the
 * held list. */
void fb_respond(fb_broker_t *b, const char *topic, const char *payload, fb_list_t *out)
{
    fb_request_t r = parse_request_topic(topic);
    if (r.op == OP_NONE) return;
    fb_script_t script;
    memset(&script, 0, sizeof(script));
    if (b->scriptCount > 0) {
        script = b->scripts[0];
        memmove(&b->scripts[0], &b->scripts[1], (b->scriptCount - 1) * sizeof(b->scripts[0]));
        b->scriptCount--;
    }
    if (b->silent || script.drop) return;

    sb_t body = {0};
    if (script.reject_code) {
        if (script.reject_code[0]) fb_sb_printf(&body, "\"code\":\"%s\",", script.reject_code);
        fb_sb_printf(&body, "\"message\":\"scripted\",");
    } else {
        canned(&body, &r);
    }

    char *token = fb_token_of(payload);
    sb_t reply = {0};
    fb_sb_printf(&reply, "{%s\"timestamp\":%lu", body.text ? body.text : "", ++b->clock);
    if (script.foreign_token) fb_sb_printf(&reply, ",\"clientToken\":\"foreign-token-1\"");
    else if (token && !script.no_token) fb_sb_printf(&reply, ",\"clientToken\":\"%s\"", token);
    fb_sb_printf(&reply, "}");
    free(token);
    free(body.text);

    sb_t replyTopic = {0};
    fb_sb_printf(&replyTopic, "%s/%s", topic, script.reject_code ? "rejected" : "accepted");
    fb_list_t *into = script.hold ? &b->held : out;
    if (script.twice) fb_list_push(into, fb_dup_s(replyTopic.text), fb_dup_s(reply.text));
    fb_list_push(into, replyTopic.text, reply.text);
}

/* ----- The scripting knobs ----- */

void fb_push_script(fb_broker_t *b, fb_script_t script)
{
    pthread_mutex_lock(&b->lock);
    CHECK(b->scriptCount < FB_MAX_SCRIPTS);
    b->scripts[b->scriptCount++] = script;
    pthread_mutex_unlock(&b->lock);
}

void fb_next_reject(fb_broker_t *b, const char *code)
{
    fb_script_t s = {0};
    s.reject_code = code;
    fb_push_script(b, s);
}

void fb_next_drop(fb_broker_t *b)
{
    fb_script_t s = {0};
    s.drop = true;
    fb_push_script(b, s);
}

void fb_set_silent(fb_broker_t *b, bool silent)
{
    pthread_mutex_lock(&b->lock);
    b->silent = silent;
    pthread_mutex_unlock(&b->lock);
}

void fb_fail_next_subscribe(fb_broker_t *b, IotMqttError_t error)
{
    pthread_mutex_lock(&b->lock);
    b->failSubscribe = error;
    pthread_mutex_unlock(&b->lock);
}

void fb_fail_next_publish(fb_broker_t *b, IotMqttError_t error)
{
    pthread_mutex_lock(&b->lock);
    b->failPublish = error;
    pthread_mutex_unlock(&b->lock);
}
