/* v4 defect: client tokens of 63 and 64 characters passed validation but their replies never
 * matched. Now they are sent whole and their replies complete the operation, Sync and
 * Async. */

#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

int main(void)
{
    fb_fixture_t fx;
    fb_fixture_start(&fx, false, FB_THREADED);
    fb_broker_t *b = fx.b;
    AwsIotJobsCallbackInfo_t callback = fx.callback;
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    size_t expected = 0;

    for (size_t length = 62; length <= 64; length++) {
        char token[65];
        memset(token, 'k', length);
        token[0] = (char)('0' + (length % 10));
        token[length] = '\0';
        AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", token);
        for (int op = 0; op < TS_OP_COUNT; op++) {
            ts_context("%s, token of %zu", TS_OP_NAMES[op], length);
            AwsIotJobsResponse_t response;
            CHECK_EQ(ts_sync((ts_op_t)op, &request, &update, 0, TS_SOON_MS, &response),
                     AWS_IOT_JOBS_SUCCESS);
            char *echoed = fb_token_of(response.pJobsResponse);
            CHECK_STR(echoed, token);
            free(echoed);
            free((void *)response.pJobsResponse);

            AwsIotJobsOperation_t handle = NULL;
            CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, &callback, &handle),
                     AWS_IOT_JOBS_STATUS_PENDING);
            CHECK(ts_recorder_wait(&fx.rec, ++expected, TS_SOON_MS));
            CHECK_EQ(ts_recorder_find(&fx.rec, handle)->result, AWS_IOT_JOBS_SUCCESS);
        }
    }
    fb_fixture_stop(&fx);
    return 0;
}
