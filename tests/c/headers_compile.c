/* Compiled as strict C99 (this file) and as strict C++11 (headers_compile.cpp includes it),
 * both with -Wall -Wextra -pedantic -Werror: every header, every initializer and every
 * constant must be usable as the v4 SDK's were. Fails to build if not; the program itself
 * checks a few values at run time. */

/* Firmware may set configuration defaults before the headers (iot_config.h in the v4 SDK). */
#define AWS_IOT_JOBS_NOTIFY_CALLBACKS    4

#define LIBRARY_LOG_LEVEL    IOT_LOG_WARN
#define LIBRARY_LOG_NAME     ( "HEADERS" )

#include "aws_iot_doc_parser.h"
#include "aws_iot_jobs.h"
#include "awsiotjobs.h"
#include "iot_error.h"
#include "iot_init.h"
#include "iot_logging.h"
#include "iot_logging_setup.h"
#include "iot_mqtt.h"
#include "iot_network_openssl.h"
#include "platform/iot_clock.h"
#include "platform/iot_network.h"
#include "platform/iot_threads.h"
#include "types/aws_iot_jobs_types.h"
#include "types/iot_mqtt_types.h"
#include "types/iot_platform_types.h"

#include <string.h>

#ifdef __cplusplus
    #include <type_traits>
    #define STATIC_CHECK( condition, name )    static_assert( condition, #name )
    /* In C++ a typedef of an integer type would not be an enum. */
    STATIC_CHECK( std::is_enum< AwsIotJobsError_t >::value, AwsIotJobsError_t_is_an_enum );
    STATIC_CHECK( std::is_enum< AwsIotJobState_t >::value, AwsIotJobState_t_is_an_enum );
    STATIC_CHECK( std::is_enum< AwsIotJobsCallbackType_t >::value, AwsIotJobsCallbackType_t_is_an_enum );
    STATIC_CHECK( std::is_enum< IotMqttError_t >::value, IotMqttError_t_is_an_enum );
    STATIC_CHECK( std::is_enum< IotMqttQos_t >::value, IotMqttQos_t_is_an_enum );
    STATIC_CHECK( std::is_enum< IotMqttOperationType_t >::value, IotMqttOperationType_t_is_an_enum );
    STATIC_CHECK( std::is_enum< IotMqttDisconnectReason_t >::value, IotMqttDisconnectReason_t_is_an_enum );
    STATIC_CHECK( std::is_enum< IotNetworkError_t >::value, IotNetworkError_t_is_an_enum );
#else
    #define STATIC_CHECK( condition, name )    typedef char name[ ( condition ) ? 1 : -1 ]
#endif

STATIC_CHECK( AWS_IOT_JOBS_NOTIFY_CALLBACKS == 4, notify_callbacks_can_be_overridden );
STATIC_CHECK( AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS == 5000, default_mqtt_timeout );
STATIC_CHECK( 10 - AWS_IOT_JOBS_NO_EXECUTION_NUMBER == 11, negative_constants_are_parenthesized );
STATIC_CHECK( sizeof( AwsIotJobsCallbackParam_t ) == 64, callback_param_size );
STATIC_CHECK( sizeof( IotMqttNetworkInfo_t ) == 48, network_info_size );

/* The platform types are the v4 POSIX port's (x86_64 glibc sizes), the log levels v4's. */
STATIC_CHECK( sizeof( IotMutex_t ) == 40 && sizeof( IotSemaphore_t ) == 32, mutex_semaphore_size );
STATIC_CHECK( sizeof( IotTimer_t ) == 24 && sizeof( IotLogConfig_t ) == 3, timer_log_config_size );
STATIC_CHECK( IOT_THREAD_DEFAULT_PRIORITY == -1 && IOT_THREAD_DEFAULT_STACK_SIZE == 0, thread_defaults );
STATIC_CHECK( IOT_LOG_NONE == 0 && IOT_LOG_ERROR == 1 && IOT_LOG_WARN == 2, log_levels_low );
STATIC_CHECK( IOT_LOG_INFO == 3 && IOT_LOG_DEBUG == 4, log_levels_high );

/* The platform, logging and parser functions have the v4 prototypes. */
static bool ( * pGetTimestring )( char *, size_t, size_t * ) = IotClock_GetTimestring;
static uint64_t ( * pGetTimeMs )( void ) = IotClock_GetTimeMs;
static void ( * pSleepMs )( uint32_t ) = IotClock_SleepMs;
static bool ( * pTimerCreate )( IotTimer_t *, IotThreadRoutine_t, void * ) = IotClock_TimerCreate;
static void ( * pTimerDestroy )( IotTimer_t * ) = IotClock_TimerDestroy;
static bool ( * pTimerArm )( IotTimer_t *, uint32_t, uint32_t ) = IotClock_TimerArm;
static bool ( * pCreateThread )( IotThreadRoutine_t, void *, int32_t, size_t ) = Iot_CreateDetachedThread;
static bool ( * pMutexCreate )( IotMutex_t *, bool ) = IotMutex_Create;
static void ( * pMutexDestroy )( IotMutex_t * ) = IotMutex_Destroy;
static void ( * pMutexLock )( IotMutex_t * ) = IotMutex_Lock;
static bool ( * pMutexTryLock )( IotMutex_t * ) = IotMutex_TryLock;
static void ( * pMutexUnlock )( IotMutex_t * ) = IotMutex_Unlock;
static bool ( * pSemaphoreCreate )( IotSemaphore_t *, uint32_t, uint32_t ) = IotSemaphore_Create;
static void ( * pSemaphoreDestroy )( IotSemaphore_t * ) = IotSemaphore_Destroy;
static uint32_t ( * pSemaphoreGetCount )( IotSemaphore_t * ) = IotSemaphore_GetCount;
static void ( * pSemaphoreWait )( IotSemaphore_t * ) = IotSemaphore_Wait;
static bool ( * pSemaphoreTryWait )( IotSemaphore_t * ) = IotSemaphore_TryWait;
static bool ( * pSemaphoreTimedWait )( IotSemaphore_t *, uint32_t ) = IotSemaphore_TimedWait;
static void ( * pSemaphorePost )( IotSemaphore_t * ) = IotSemaphore_Post;
static void ( * pLogGeneric )( int32_t, const char *, int32_t, const IotLogConfig_t *, const char *, ... ) = IotLog_Generic;
static void ( * pLogPrintBuffer )( const char *, const char *, const uint8_t *, size_t ) = IotLog_GenericPrintBuffer;
static bool ( * pFindValue )( const char *, size_t, const char *, size_t, const char **, size_t * ) = AwsIotDocParser_FindValue;

/* iot_error.h's cleanup section. */
static int cleanupSection( bool fail )
{
    IOT_FUNCTION_ENTRY( int, 0 );
    IOT_SET_AND_GOTO_CLEANUP_IF_FALSE( 7, !fail );
    IOT_FUNCTION_CLEANUP_BEGIN();
    IOT_FUNCTION_CLEANUP_END();
}

/* Initializers also work for objects of static storage duration. */
static AwsIotJobsRequestInfo_t staticRequest = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
static IotMqttNetworkInfo_t staticNetwork = IOT_MQTT_NETWORK_INFO_INITIALIZER;

int main( void )
{
    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsOperation_t operation = AWS_IOT_JOBS_OPERATION_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t connect = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    IotMqttPublishInfo_t publish = IOT_MQTT_PUBLISH_INFO_INITIALIZER;
    IotMqttSubscription_t subscription = IOT_MQTT_SUBSCRIPTION_INITIALIZER;
    IotMqttCallbackInfo_t mqttCallback = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
    IotMqttOperation_t mqttOperation = IOT_MQTT_OPERATION_INITIALIZER;
    struct IotNetworkServerInfo server = IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER;
    struct IotNetworkCredentials credentials = IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER;
    struct IotNetworkCredentials awsCredentials = AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER;
    AwsIotJobsTransport_t transport;
    int wrong = 0;

    memset( &transport, 0, sizeof( transport ) );
    request.pJobId = AWS_IOT_JOBS_NEXT_JOB;
    request.jobIdLength = AWS_IOT_JOBS_NEXT_JOB_LENGTH;

    wrong += request.pClientToken != AWS_IOT_JOBS_CLIENT_TOKEN_AUTOGENERATE;
    wrong += strlen( request.pJobId ) != request.jobIdLength;
    wrong += staticRequest.qos != IOT_MQTT_QOS_0;
    wrong += update.newStatus != AWS_IOT_JOB_STATE_IN_PROGRESS;
    wrong += update.executionNumber != AWS_IOT_JOBS_NO_EXECUTION_NUMBER;
    wrong += update.pStatusDetails != AWS_IOT_JOBS_NO_STATUS_DETAILS;
    wrong += callback.function != NULL || callback.oldFunction != NULL;
    wrong += operation != NULL || response.pJobsResponse != NULL;
    wrong += !network.createNetworkConnection || !staticNetwork.createNetworkConnection;
    wrong += connect.awsIotMqttMode || !connect.cleanSession;
    wrong += publish.qos != IOT_MQTT_QOS_0 || subscription.callback.function != NULL;
    wrong += mqttCallback.function != NULL || connection != NULL || mqttOperation != NULL;
    wrong += server.pHostName != NULL || credentials.pAlpnProtos != NULL;
    wrong += strcmp( awsCredentials.pAlpnProtos, "\016x-amzn-mqtt-ca" ) != 0;
    wrong += strlen( AWS_IOT_PASSWORD_ALPN_FOR_OPENSSL ) != 5;
    wrong += ( AWS_IOT_JOBS_FLAG_WAITABLE | AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS ) != 3;
    wrong += transport.awsIotMqttMode;
    wrong += cleanupSection( false ) != 0 || cleanupSection( true ) != 7;
    wrong += pGetTimestring == NULL || pGetTimeMs == NULL || pSleepMs == NULL || pTimerCreate == NULL;
    wrong += pTimerDestroy == NULL || pTimerArm == NULL || pCreateThread == NULL || pMutexCreate == NULL;
    wrong += pMutexDestroy == NULL || pMutexLock == NULL || pMutexTryLock == NULL || pMutexUnlock == NULL;
    wrong += pSemaphoreCreate == NULL || pSemaphoreDestroy == NULL || pSemaphoreGetCount == NULL;
    wrong += pSemaphoreWait == NULL || pSemaphoreTryWait == NULL || pSemaphoreTimedWait == NULL;
    wrong += pSemaphorePost == NULL || pLogGeneric == NULL || pLogPrintBuffer == NULL || pFindValue == NULL;
    IotLogInfo( "below LIBRARY_LOG_LEVEL: %s", "not printed" );

    return wrong == 0 ? 0 : 1;
}
