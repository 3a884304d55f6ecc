/* The handle before the callback: an Async call writes its operation handle to the caller's
 * `pOperation` before anything is sent, so a completion callback that compares
 * `u.operation.reference` with the handle its caller stored always sees the same value, even
 * when the reply arrives at once (inline delivery: inside the library's own publish call).
 *
 * For every broker kind and every operation, ROUNDS Async calls back to back, each with the
 * address of its own handle slot as callback context; the callback compares. Then the same with
 * waitable operations: the handle written is one AwsIotJobs_Wait accepts. */

#include <stdatomic.h>
#include <string.h>

#include "fake_broker.h"
#include "test_support.h"

#define ROUNDS 2000

static atomic_size_t calls;
static atomic_size_t mismatches;

static void compare(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    const AwsIotJobsOperation_t *held = pContext;
    if (pParam->u.operation.reference != *held) atomic_fetch_add(&mismatches, 1);
    atomic_fetch_add(&calls, 1);
}

static bool all_called(void *arg)
{
    return atomic_load(&calls) >= *(size_t *)arg;
}

int main(void)
{
    static AwsIotJobsOperation_t slots[ROUNDS];
    AwsIotJobsUpdateInfo_t update = ts_update(AWS_IOT_JOB_STATE_IN_PROGRESS);
    for (int s = 0; s < FB_SETUP_COUNT; s++) {
        ts_init();
        fb_broker_t *b = fb_create(FB_SETUPS[s].aws, FB_SETUPS[s].delivery);
        for (int op = 0; op < TS_OP_COUNT; op++) {
            ts_context("%s, %s", FB_SETUPS[s].name, TS_OP_NAMES[op]);
            atomic_store(&calls, 0);
            atomic_store(&mismatches, 0);
            AwsIotJobsRequestInfo_t request = ts_request(fb_connection(b), "T1", "job1", NULL);
            for (size_t i = 0; i < ROUNDS; i++) {
                slots[i] = AWS_IOT_JOBS_OPERATION_INITIALIZER;
                AwsIotJobsCallbackInfo_t callback = {&slots[i], compare, NULL};
                CHECK_EQ(ts_async((ts_op_t)op, &request, &update, 0, &callback, &slots[i]),
                         AWS_IOT_JOBS_STATUS_PENDING);
            }
            size_t want = ROUNDS;
            CHECK(ts_wait_for(all_called, &want, 60000));
            CHECK_EQ(atomic_load(&calls), ROUNDS);
            CHECK_EQ(atomic_load(&mismatches), 0);
            printf("%s, %s: %d callbacks, %zu saw another handle than their caller's\n",
                   FB_SETUPS[s].name, TS_OP_NAMES[op], ROUNDS, atomic_load(&mismatches));

            /* Waitable: the handle written is the one Wait takes, once. */
            for (size_t i = 0; i < 100; i++) {
                AwsIotJobsOperation_t handle = AWS_IOT_JOBS_OPERATION_INITIALIZER;
                CHECK_EQ(ts_async((ts_op_t)op, &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE,
                                  NULL, &handle),
                         AWS_IOT_JOBS_STATUS_PENDING);
                CHECK(handle != AWS_IOT_JOBS_OPERATION_INITIALIZER);
                AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
                AwsIotJobsError_t result = AwsIotJobs_Wait(handle, TS_SOON_MS, &response);
                CHECK(result != AWS_IOT_JOBS_BAD_PARAMETER && result != AWS_IOT_JOBS_TIMEOUT);
                free((void *)response.pJobsResponse);
                CHECK_EQ(AwsIotJobs_Wait(handle, 10, &response), AWS_IOT_JOBS_BAD_PARAMETER);
            }
        }
        AwsIotJobs_Cleanup();
        fb_destroy(b);
    }
    return 0;
}
