/* Stand-in for the v4 SDK's platform/iot_clock.h (see ../../README.md). */
#ifndef IOT_CLOCK_H_
#define IOT_CLOCK_H_

#include "iot_config.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"

bool IotClock_GetTimestring( char * pBuffer, size_t bufferSize, size_t * pTimestringLength );
uint64_t IotClock_GetTimeMs( void );
void IotClock_SleepMs( uint32_t sleepTimeMs );
bool IotClock_TimerCreate( IotTimer_t * pNewTimer, IotThreadRoutine_t expirationRoutine, void * pArgument );
void IotClock_TimerDestroy( IotTimer_t * pTimer );
bool IotClock_TimerArm( IotTimer_t * pTimer, uint32_t relativeTimeoutMs, uint32_t periodMs );

#endif
