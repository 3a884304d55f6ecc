/* Stand-in for the v4 SDK's types/iot_platform_types.h (see ../../../README.md). */
#ifndef IOT_PLATFORM_TYPES_H_
#define IOT_PLATFORM_TYPES_H_

#include "iot_config.h"
#include "iot_linear_containers.h"

#define IOT_THREAD_IGNORE_PRIORITY      ( -1 )
#define IOT_THREAD_IGNORE_STACK_SIZE    ( 0 )
#ifndef IOT_THREAD_DEFAULT_PRIORITY
    #define IOT_THREAD_DEFAULT_PRIORITY    IOT_THREAD_IGNORE_PRIORITY
#endif
#ifndef IOT_THREAD_DEFAULT_STACK_SIZE
    #define IOT_THREAD_DEFAULT_STACK_SIZE    IOT_THREAD_IGNORE_STACK_SIZE
#endif

typedef _IotSystemMutex_t IotMutex_t;
typedef _IotSystemSemaphore_t IotSemaphore_t;
typedef void ( * IotThreadRoutine_t )( void * pArgument );
typedef _IotSystemTimer_t IotTimer_t;
typedef _IotNetworkServerInfo_t IotNetworkServerInfo_t;
typedef _IotNetworkCredentials_t IotNetworkCredentials_t;
typedef _IotNetworkConnection_t IotNetworkConnection_t;

#define IOT_METRICS_IP_ADDRESS_LENGTH    54

typedef struct IotMetricsTcpConnection
{
    IotLink_t link;
    void * pNetworkContext;
    size_t addressLength;
    char pRemoteAddress[ IOT_METRICS_IP_ADDRESS_LENGTH ];
} IotMetricsTcpConnection_t;

#endif
