/* v4 defect: status details were inserted into the request JSON unchecked, so invalid JSON
 * reached the service. Now anything but a JSON object of string values is BAD_PARAMETER and
 * nothing is published; a valid object is sent as given. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_INLINE);
    AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
    static const char *const bad[] = {
        "{\"a\":\"b\"},\"status\":\"SUCCEEDED\"", /* an injection */
        "{\"a\":\"b\"}}", "{\"a\":", "{\"x\":1}", "{\"x\":true}", "{\"x\":null}",
        "{\"x\":[\"1\"]}", "null", "\"text\"", "{'a':'b'}", "{\"a\":\"b\"}\n{\"c\":\"d\"}",
    };
    for (int op = TS_START_NEXT; op <= TS_UPDATE; op += TS_UPDATE - TS_START_NEXT) {
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            ts_context("%s, %s", TS_OP_NAMES[op], bad[i]);
            AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
            update.pStatusDetails = bad[i];
            update.statusDetailsLength = strlen(bad[i]);
            AwsIotJobsResponse_t response;
            CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, 100, &response),
                     AWS_IOT_JOBS_BAD_PARAMETER);
            CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, NULL, NULL),
                     AWS_IOT_JOBS_BAD_PARAMETER);
            CHECK_EQ(fb_publishes(b), 0);
        }
    }
    ts_context("valid");
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    update.pStatusDetails = "{\"progress\":\"50%\",\"note\":\"a \\\"quoted\\\" word\"}";
    update.statusDetailsLength = strlen(update.pStatusDetails);
    AwsIotJobsResponse_t response;
    CHECK_EQ(AwsIotJobs_UpdateSync(&request, &update, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    free((void *)response.pJobsResponse);
    const char *sent = fb_last_payload(b, "$aws/things/T1/jobs/job1/update");
    CHECK(sent != NULL);
    CHECK(strstr(sent, "{\"status\":\"IN_PROGRESS\",\"statusDetails\":{\"progress\":\"50%\","
                       "\"note\":\"a \\\"quoted\\\" word\"},\"clientToken\":\"") == sent);
    CHECK_EQ(fb_publishes(b), 1);
    AwsIotJobs_Cleanup();
    fb_destroy(b);
    return 0;
}
