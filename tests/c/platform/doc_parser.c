/* aws_iot_doc_parser.h from C, as v4's Jobs demo uses it: the job ID and document of a
 * notify-next message (inside its "execution" object), the fields of the job document, every
 * kind of value, and bad input (NULL, empty, cut short, malformed) answered with false and the
 * outputs left alone. The document needs no NUL terminator. */

#include <string.h>

#include "aws_iot_doc_parser.h"
#include "test_support.h"

/* Finds `key` in `document` (its strlen); checks the value text, or absence with `want` NULL. */
static void check_value(const char *document, const char *key, const char *want) {
    const char *value = (const char *)"untouched";
    size_t length = 12345;
    bool found = AwsIotDocParser_FindValue(document, strlen(document), key, strlen(key), &value,
                                           &length);
    ts_context("key %s in %s", key, document);
    if (want == NULL) {
        CHECK(!found);
        CHECK_STR(value, "untouched");
        CHECK_EQ(length, 12345);
        return;
    }
    CHECK(found);
    CHECK(value >= document && value + length <= document + strlen(document));
    CHECK_MEM(value, length, want);
}

static void the_v4_demo_reads_a_notify_next_document(void) {
    const char *notify =
        "{\"timestamp\":1700000000,\"execution\":{\"jobId\":\"job-42\",\"status\":\"QUEUED\","
        "\"queuedAt\":1700000000,\"lastUpdatedAt\":1700000000,\"versionNumber\":1,"
        "\"executionNumber\":1,\"jobDocument\":{\"action\":\"print\",\"message\":\"Hello "
        "[world]!\"}}}";
    const char *document = NULL, *action = NULL;
    size_t documentLength = 0, actionLength = 0;

    check_value(notify, "jobId", "\"job-42\"");
    check_value(notify, "jobDocument", "{\"action\":\"print\",\"message\":\"Hello [world]!\"}");
    check_value(notify, "executionNumber", "1");
    check_value(notify, "timestamp", "1700000000");
    /* The demo then searches the job document it found, a part of the message. */
    CHECK(AwsIotDocParser_FindValue(notify, strlen(notify), "jobDocument", 11, &document,
                                    &documentLength));
    CHECK(AwsIotDocParser_FindValue(document, documentLength, "action", 6, &action,
                                    &actionLength));
    CHECK_MEM(action, actionLength, "\"print\"");
    /* An empty notify-next (no job left) has neither. */
    check_value("{\"timestamp\":1700000000}", "jobId", NULL);
    check_value("{\"timestamp\":1700000000}", "jobDocument", NULL);
}

static void every_kind_of_value_is_found_whole(void) {
    const char *document =
        "{ \"s\" : \"a \\\"quoted\\\" b\", \"o\": {\"k\": [1, {\"z\": \"}\"}]}, "
        "\"a\": [ \"]\", [] ], \"t\": true, \"f\": false, \"n\": null, \"x\": -1.5e3 }";
    check_value(document, "s", "\"a \\\"quoted\\\" b\"");
    check_value(document, "o", "{\"k\": [1, {\"z\": \"}\"}]}");
    check_value(document, "z", "\"}\"");
    check_value(document, "a", "[ \"]\", [] ]");
    check_value(document, "t", "true");
    check_value(document, "f", "false");
    check_value(document, "n", "null");
    check_value(document, "x", "-1.5e3");
    check_value(document, "k", "[1, {\"z\": \"}\"}]");
    check_value(document, "missing", NULL);
    /* A string value equal to the key is not the key. */
    check_value("{\"first\":\"jobId\",\"jobId\":\"real\"}", "jobId", "\"real\"");
}

static void bad_input_is_false_and_outputs_stay(void) {
    const char *value = (const char *)"untouched";
    size_t length = 7;
    const char cut[] = { '{', '"', 'a', '"', ':', '"', 'x' }; /* no NUL, cut short */

    check_value("{\"a\":\"unterminated}", "a", NULL);
    check_value("{\"a\":{\"b\":[1,2}}", "a", NULL);
    check_value("{\"a\":}", "a", NULL);
    check_value("{\"a\":", "a", NULL);
    check_value("{\"a\":12", "a", NULL);
    check_value("", "a", NULL);
    check_value("not json at all", "a", NULL);

    CHECK(!AwsIotDocParser_FindValue(cut, sizeof(cut), "a", 1, &value, &length));
    CHECK(!AwsIotDocParser_FindValue(NULL, 10, "a", 1, &value, &length));
    CHECK(!AwsIotDocParser_FindValue("{\"a\":1}", 7, NULL, 1, &value, &length));
    CHECK(!AwsIotDocParser_FindValue("{\"a\":1}", 7, "a", 0, &value, &length));
    CHECK_STR(value, "untouched");
    CHECK_EQ(length, 7);
    /* Either output may be NULL. */
    CHECK(AwsIotDocParser_FindValue("{\"a\":1}", 7, "a", 1, NULL, &length));
    CHECK_EQ(length, 1);
    CHECK(AwsIotDocParser_FindValue("{\"a\":1}", 7, "a", 1, &value, NULL));
    CHECK(*value == '1');
}

int main(void) {
    the_v4_demo_reads_a_notify_next_document();
    every_kind_of_value_is_found_whole();
    bad_input_is_false_and_outputs_stay();
    puts("document parser: all checks passed");
    return 0;
}
