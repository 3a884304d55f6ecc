/* Stand-in for the v4 SDK's platform/iot_threads.h (see ../../README.md). */
#ifndef IOT_THREADS_H_
#define IOT_THREADS_H_

#include "iot_config.h"
#include <stdbool.h>
#include <stdint.h>
#include "types/iot_platform_types.h"

bool Iot_CreateDetachedThread( IotThreadRoutine_t threadRoutine, void * pArgument, int32_t priority, size_t stackSize );
bool IotMutex_Create( IotMutex_t * pNewMutex, bool recursive );
void IotMutex_Destroy( IotMutex_t * pMutex );
void IotMutex_Lock( IotMutex_t * pMutex );
bool IotMutex_TryLock( IotMutex_t * pMutex );
void IotMutex_Unlock( IotMutex_t * pMutex );
bool IotSemaphore_Create( IotSemaphore_t * pNewSemaphore, uint32_t initialValue, uint32_t maxValue );
void IotSemaphore_Destroy( IotSemaphore_t * pSemaphore );
uint32_t IotSemaphore_GetCount( IotSemaphore_t * pSemaphore );
void IotSemaphore_Wait( IotSemaphore_t * pSemaphore );
bool IotSemaphore_TryWait( IotSemaphore_t * pSemaphore );
bool IotSemaphore_TimedWait( IotSemaphore_t * pSemaphore, uint32_t timeoutMs );
void IotSemaphore_Post( IotSemaphore_t * pSemaphore );

#endif
