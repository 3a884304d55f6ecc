/* Generated from src/ffi/jobs/{init,operations,wait,subscriptions,notify,strings}.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef AWS_IOT_JOBS_H_
#define AWS_IOT_JOBS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/aws_iot_jobs_types.h"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Starts the library. `mqttTimeoutMs` bounds each subscribe, unsubscribe and publish; 0 keeps
 * the default of 5000 ms. Calling it again while running succeeds and changes nothing.
 * Any thread, Jobs callbacks included. A panic inside returns `AWS_IOT_JOBS_INIT_FAILED`; in every
 * other `AwsIotJobs_*` function it returns `AWS_IOT_JOBS_INTERNAL_ERROR`.
 */
AwsIotJobsError_t AwsIotJobs_Init(uint32_t mqttTimeoutMs);

/**
 * Stops the library. Operations still in flight complete: their callbacks run with
 * `AWS_IOT_JOBS_NOT_INITIALIZED` before this returns, a thread blocked in Wait or a Sync call
 * returns `AWS_IOT_JOBS_NOT_INITIALIZED`, and waitable handles not yet waited for are released
 * (waiting on one later is an error, not a leak). Notify callbacks are forgotten.
 * Any thread. From a Jobs callback it does not wait for the callbacks queued after the current
 * one, which still run before the callback thread ends.
 */
void AwsIotJobs_Cleanup(void);

/**
 * Sends a get-pending request. Returns `AWS_IOT_JOBS_STATUS_PENDING` once sent; the result
 * arrives at the callback or through `AwsIotJobs_Wait`.
 * Ownership: the infos are read during the call only. Threads: the callback runs once, on the
 * library's callback thread, with a parameter valid during the call; it may call any
 * `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_GetPendingAsync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                             uint32_t flags,
                                             const AwsIotJobsCallbackInfo_t *pCallbackInfo,
                                             AwsIotJobsOperation_t *pGetPendingOperation);

/**
 * Get-pending, blocking up to `timeoutMs`. The reply goes to `pJobsResponse`.
 * Ownership: the infos are read during the call only; a response buffer comes from
 * `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
 * callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_GetPendingSync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                            uint32_t flags,
                                            uint32_t timeoutMs,
                                            AwsIotJobsResponse_t *pJobsResponse);

/**
 * Sends a start-next request with the status details and step timeout of `pUpdateInfo`.
 * Ownership: the infos are read during the call only. Threads: the callback runs once, on the
 * library's callback thread, with a parameter valid during the call; it may call any
 * `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_StartNextAsync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                            const AwsIotJobsUpdateInfo_t *pUpdateInfo,
                                            uint32_t flags,
                                            const AwsIotJobsCallbackInfo_t *pCallbackInfo,
                                            AwsIotJobsOperation_t *pStartNextOperation);

/**
 * Start-next, blocking up to `timeoutMs`.
 * Ownership: the infos are read during the call only; a response buffer comes from
 * `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
 * callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_StartNextSync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                           const AwsIotJobsUpdateInfo_t *pUpdateInfo,
                                           uint32_t flags,
                                           uint32_t timeoutMs,
                                           AwsIotJobsResponse_t *pJobsResponse);

/**
 * Sends a describe request for `pJobId` (`$next` allowed) of the request info.
 * Ownership: the infos are read during the call only. Threads: the callback runs once, on the
 * library's callback thread, with a parameter valid during the call; it may call any
 * `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_DescribeAsync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                           int32_t executionNumber,
                                           bool includeJobDocument,
                                           uint32_t flags,
                                           const AwsIotJobsCallbackInfo_t *pCallbackInfo,
                                           AwsIotJobsOperation_t *pDescribeOperation);

/**
 * Describe, blocking up to `timeoutMs`.
 * Ownership: the infos are read during the call only; a response buffer comes from
 * `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
 * callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_DescribeSync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                          int32_t executionNumber,
                                          bool includeJobDocument,
                                          uint32_t flags,
                                          uint32_t timeoutMs,
                                          AwsIotJobsResponse_t *pJobsResponse);

/**
 * Sends an update of the execution of `pJobId` (not `$next`) with `pUpdateInfo`.
 * Ownership: the infos are read during the call only. Threads: the callback runs once, on the
 * library's callback thread, with a parameter valid during the call; it may call any
 * `AwsIotJobs_*` function. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_UpdateAsync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                         const AwsIotJobsUpdateInfo_t *pUpdateInfo,
                                         uint32_t flags,
                                         const AwsIotJobsCallbackInfo_t *pCallbackInfo,
                                         AwsIotJobsOperation_t *pUpdateOperation);

/**
 * Update, blocking up to `timeoutMs`.
 * Ownership: the infos are read during the call only; a response buffer comes from
 * `mallocResponse` and the caller frees it. Blocks the calling thread only. Any thread, Jobs
 * callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_UpdateSync(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                        const AwsIotJobsUpdateInfo_t *pUpdateInfo,
                                        uint32_t flags,
                                        uint32_t timeoutMs,
                                        AwsIotJobsResponse_t *pJobsResponse);

/**
 * Waits up to `timeoutMs` for a waitable operation and consumes its handle, whatever the
 * result: a handle can be waited for once. On a reply (success or a service rejection code),
 * `pJobsResponse` receives a buffer from `mallocResponse` that the caller frees; otherwise it
 * is set to NULL and 0. A handle that is not a pending waitable operation (a callback
 * operation's, a stale, foreign or already-waited one) is `AWS_IOT_JOBS_BAD_PARAMETER`. The
 * one call that does not consume the handle is one with a NULL `pJobsResponse`: it returns
 * `AWS_IOT_JOBS_BAD_PARAMETER` and the operation can still be waited for.
 * Blocks the calling thread only. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_Wait(AwsIotJobsOperation_t operation,
                                  uint32_t timeoutMs,
                                  AwsIotJobsResponse_t *pJobsResponse);

/**
 * Clears the marks `AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS` left on the thing's reply
 * subscription for the operations named by the `AWS_IOT_JOBS_FLAG_REMOVE_*` bits of `flags`, on
 * the request info's connection. Once no mark is left and no operation uses the subscription,
 * it is unsubscribed before this returns (blocking until the broker acknowledged); one still
 * in use goes after its last operation, within the usual lingering bounds.
 * The request info is read during the call only. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_RemovePersistentSubscriptions(const AwsIotJobsRequestInfo_t *pRequestInfo,
                                                           uint32_t flags);

/**
 * Adds, replaces or removes a notify-pending callback of a thing. `oldFunction` NULL adds
 * `function` (at most `AwsIotJobs_SetNotifyCallbackLimit` per thing, default 4, else
 * `AWS_IOT_JOBS_NO_MEMORY`); `oldFunction` set replaces it with `function`, or removes it when
 * `function` is NULL; an `oldFunction` that is not registered for this thing is
 * `AWS_IOT_JOBS_BAD_PARAMETER`. `flags` is reserved. Subscribes to the notify topic for the first
 * callback and unsubscribes after the last.
 *
 * Callbacks run on the library's callback thread with the raw message, valid during the call.
 * Notifications of one thing and kind coalesce to the newest: one that arrives while an older
 * one still waits for the callback thread replaces it (only the latest list, or the latest
 * head of the queue, matters to a device), so a slow callback never makes the library hold
 * more than one message per thing and kind.
 * Ownership: the callback info is copied; its `pCallbackContext` must stay valid until the
 * callback is removed, its connection closes or `AwsIotJobs_Cleanup`. Any thread, Jobs callbacks
 * included.
 */
AwsIotJobsError_t AwsIotJobs_SetNotifyPendingCallback(IotMqttConnection_t mqttConnection,
                                                      const char *pThingName,
                                                      size_t thingNameLength,
                                                      uint32_t flags,
                                                      const AwsIotJobsCallbackInfo_t *pNotifyPendingCallback);

/**
 * As `AwsIotJobs_SetNotifyPendingCallback`, for notify-next messages (coalesced to the newest
 * in the same way).
 * Same ownership and threads. Any thread, Jobs callbacks included.
 */
AwsIotJobsError_t AwsIotJobs_SetNotifyNextCallback(IotMqttConnection_t mqttConnection,
                                                   const char *pThingName,
                                                   size_t thingNameLength,
                                                   uint32_t flags,
                                                   const AwsIotJobsCallbackInfo_t *pNotifyNextCallback);

/**
 * Describes a Jobs result code.
 * Returns a static string: never free it. Any thread.
 */
const char *AwsIotJobs_strerror(AwsIotJobsError_t status);

/**
 * Names a job execution state.
 * Returns a static string: never free it. Any thread.
 */
const char *AwsIotJobs_StateName(AwsIotJobState_t state);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* AWS_IOT_JOBS_H_ */
