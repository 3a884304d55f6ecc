/* Generated from src/ffi/types/platform.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_PLATFORM_TYPES_H_
#define IOT_PLATFORM_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <semaphore.h>

/* The system types of the POSIX port. The guard is the one of the v4 SDK's
 * ports/posix/include/iot_platform_types_posix.h, which defines the same types. */
#ifndef IOT_PLATFORM_TYPES_POSIX_H_
#define IOT_PLATFORM_TYPES_POSIX_H_

typedef pthread_mutex_t _IotSystemMutex_t;

typedef sem_t _IotSystemSemaphore_t;

typedef struct _IotSystemTimer
{
    timer_t timer;                           /* This library's key for the timer. */
    void * pArgument;                        /* The argument of threadRoutine. */
    void ( * threadRoutine )( void * pArg ); /* Runs, on a thread of its own, at expiry. */
} _IotSystemTimer_t;

/* The structs the network handles point to are defined in platform/iot_network.h. */
struct IotNetworkServerInfo;
struct IotNetworkCredentials;
struct _networkConnection;

typedef struct IotNetworkServerInfo * _IotNetworkServerInfo_t;

typedef struct IotNetworkCredentials * _IotNetworkCredentials_t;

typedef struct _networkConnection * _IotNetworkConnection_t;

#endif /* IOT_PLATFORM_TYPES_POSIX_H_ */

/* The priority and stack size Iot_CreateDetachedThread treats as the system's defaults; an
 * application may define its own values before including this header. */
#ifndef IOT_THREAD_DEFAULT_PRIORITY
    #define IOT_THREAD_DEFAULT_PRIORITY    IOT_THREAD_IGNORE_PRIORITY
#endif
#ifndef IOT_THREAD_DEFAULT_STACK_SIZE
    #define IOT_THREAD_DEFAULT_STACK_SIZE    IOT_THREAD_IGNORE_STACK_SIZE
#endif

/**
 * A priority that makes `Iot_CreateDetachedThread` leave the priority alone.
 */
#define IOT_THREAD_IGNORE_PRIORITY ( -1 )

/**
 * A stack size that makes `Iot_CreateDetachedThread` use the system's default.
 */
#define IOT_THREAD_IGNORE_STACK_SIZE 0

/**
 * A mutex of `platform/iot_threads.h`, created with `IotMutex_Create`.
 */
typedef _IotSystemMutex_t IotMutex_t;

/**
 * A counting semaphore of `platform/iot_threads.h`, created with `IotSemaphore_Create`.
 */
typedef _IotSystemSemaphore_t IotSemaphore_t;

/**
 * The function a detached thread or a timer runs, with the argument given when it was set up.
 */
typedef void (*IotThreadRoutine_t)(void *pArgument);

/**
 * A timer of `platform/iot_clock.h`, created with `IotClock_TimerCreate`.
 */
typedef _IotSystemTimer_t IotTimer_t;

/**
 * Where to connect, as handed to `IotNetworkInterface_t.create`.
 */
typedef _IotNetworkServerInfo_t IotNetworkServerInfo_t;

/**
 * The TLS credentials handed to `IotNetworkInterface_t.create`.
 */
typedef _IotNetworkCredentials_t IotNetworkCredentials_t;

/**
 * A network connection created by a network stack.
 */
typedef _IotNetworkConnection_t IotNetworkConnection_t;

#endif  /* IOT_PLATFORM_TYPES_H_ */
