/* Stand-in for the v4 POSIX port's system types (see ../../../README.md). */
#ifndef IOT_PLATFORM_TYPES_POSIX_H_
#define IOT_PLATFORM_TYPES_POSIX_H_

#include <pthread.h>
#include <semaphore.h>
#include <sys/types.h>

typedef pthread_mutex_t _IotSystemMutex_t;
typedef sem_t _IotSystemSemaphore_t;

typedef struct _IotSystemTimer
{
    timer_t timer;
    void * pArgument;
    void ( * threadRoutine )( void * );
} _IotSystemTimer_t;

struct IotNetworkServerInfo;
struct IotNetworkCredentials;
struct _networkConnection;

typedef struct IotNetworkServerInfo * _IotNetworkServerInfo_t;
typedef struct IotNetworkCredentials * _IotNetworkCredentials_t;
typedef struct _networkConnection * _IotNetworkConnection_t;

#endif
