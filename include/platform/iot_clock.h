/* Generated from src/ffi/platform/{clock,timers}.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_CLOCK_H_
#define IOT_CLOCK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Writes the current local time as `YYYY-MM-DD HH:MM:SS` (19 characters) and a NUL into
 * `pBuffer` and its length, without the NUL, to `*pTimestringLength`. Returns `false`, and
 * writes nothing, if the buffer cannot hold it (it needs 20 bytes), an argument is NULL, or the
 * time cannot be read.
 * The buffer is the caller's. Any thread.
 */
bool IotClock_GetTimestring(char *pBuffer, size_t bufferSize, size_t *pTimestringLength);

/**
 * The monotonic system time in milliseconds: never zero and never decreasing.
 * Any thread.
 */
uint64_t IotClock_GetTimeMs(void);

/**
 * Suspends the calling thread for at least `sleepTimeMs` milliseconds (a signal does not cut
 * the sleep short).
 * Any thread.
 */
void IotClock_SleepMs(uint32_t sleepTimeMs);

/**
 * Creates an unarmed timer in `*pNewTimer` that runs `expirationRoutine(pArgument)` on a
 * detached thread of its own at each expiry. One run at a time: an expiry that comes while
 * the routine still runs waits for it. Returns `false` for a NULL timer or routine, or if the
 * timer thread cannot be started. Destroy the timer with `IotClock_TimerDestroy`.
 * The timer's storage and `pArgument` are the caller's until `IotClock_TimerDestroy` returns. Any
 * thread.
 */
bool IotClock_TimerCreate(IotTimer_t *pNewTimer,
                          IotThreadRoutine_t expirationRoutine,
                          void *pArgument);

/**
 * Stops the timer, waits for a run of its routine in progress (unless called from that
 * routine), and frees it: after this returns the routine is never called again. Accepts NULL
 * and a timer already destroyed (nothing happens).
 */
void IotClock_TimerDestroy(IotTimer_t *pTimer);

/**
 * Arms the timer to expire `relativeTimeoutMs` from now (0: at once), then every `periodMs`
 * (0: once). Arming an armed timer replaces its schedule. Returns `false` for NULL or a timer
 * that was not created or was destroyed.
 * Any thread.
 */
bool IotClock_TimerArm(IotTimer_t *pTimer, uint32_t relativeTimeoutMs, uint32_t periodMs);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_CLOCK_H_ */
