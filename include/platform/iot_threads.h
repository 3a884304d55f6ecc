/* Generated from src/ffi/platform/{threads,mutex,semaphore}.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_THREADS_H_
#define IOT_THREADS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Starts a detached thread running `threadRoutine(pArgument)`; the thread ends when the routine
 * returns. `priority` must be `IOT_THREAD_DEFAULT_PRIORITY` / `IOT_THREAD_IGNORE_PRIORITY` (-1)
 * or 0, and `stackSize` 0 (the system's default) or at least `PTHREAD_STACK_MIN` (16384):
 * otherwise, for a NULL routine, or if the system cannot start a thread, nothing is started
 * and this returns `false`.
 * `pArgument` stays the caller's: the routine, on the new thread, is its only user. Any thread.
 */
bool Iot_CreateDetachedThread(IotThreadRoutine_t threadRoutine,
                              void *pArgument,
                              int32_t priority,
                              size_t stackSize);

/**
 * Initialises the mutex at `pNewMutex`, unlocked. With `recursive` the thread holding it may
 * lock it again (and must unlock it as many times); without, locking it again deadlocks, as in
 * v4. Returns `false` for NULL or if the system refuses.
 * The mutex's storage is the caller's; free what this sets up with `IotMutex_Destroy`. Any thread.
 */
bool IotMutex_Create(IotMutex_t *pNewMutex, bool recursive);

/**
 * Frees the mutex, which must be unlocked. NULL is ignored; a locked mutex is left as it is,
 * with an error line.
 */
void IotMutex_Destroy(IotMutex_t *pMutex);

/**
 * Locks the mutex, waiting as long as it takes. NULL is ignored.
 */
void IotMutex_Lock(IotMutex_t *pMutex);

/**
 * Locks the mutex if it is free (or, if recursive, held by this thread) and returns `true`;
 * otherwise returns `false` at once. `false` for NULL.
 */
bool IotMutex_TryLock(IotMutex_t *pMutex);

/**
 * Unlocks the mutex, which this thread must hold. NULL is ignored.
 */
void IotMutex_Unlock(IotMutex_t *pMutex);

/**
 * Initialises the semaphore at `pNewSemaphore` with count `initialValue`. Returns `false` for
 * NULL, a `maxValue` or `initialValue` above `SEM_VALUE_MAX` (2147483647), or if the system
 * refuses.
 * The semaphore's storage is the caller's; free what this sets up with `IotSemaphore_Destroy`. Any
 * thread.
 */
bool IotSemaphore_Create(IotSemaphore_t *pNewSemaphore, uint32_t initialValue, uint32_t maxValue);

/**
 * Frees the semaphore, on which no thread may be waiting. NULL is ignored.
 */
void IotSemaphore_Destroy(IotSemaphore_t *pSemaphore);

/**
 * The current count (0 for NULL).
 */
uint32_t IotSemaphore_GetCount(IotSemaphore_t *pSemaphore);

/**
 * Waits until the count is positive and decrements it. NULL is ignored.
 */
void IotSemaphore_Wait(IotSemaphore_t *pSemaphore);

/**
 * Decrements the count and returns `true` if it is positive; returns `false` at once if it is
 * 0 (or for NULL).
 */
bool IotSemaphore_TryWait(IotSemaphore_t *pSemaphore);

/**
 * Waits up to `timeoutMs` milliseconds for the count to be positive, then decrements it and
 * returns `true`; returns `false` if the time runs out first (or for NULL). A timeout of 0
 * only tries.
 */
bool IotSemaphore_TimedWait(IotSemaphore_t *pSemaphore, uint32_t timeoutMs);

/**
 * Increments the count, waking one waiter. NULL is ignored; a count already at
 * `SEM_VALUE_MAX` stays there, with an error line.
 */
void IotSemaphore_Post(IotSemaphore_t *pSemaphore);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_THREADS_H_ */
