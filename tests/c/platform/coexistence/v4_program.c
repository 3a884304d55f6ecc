/* A v4 application's translation unit that includes the platform, logging and Jobs headers in
 * one of three orders (ORDER_DEMO: as v4's Jobs demo; ORDER_JOBS_FIRST: the Jobs headers
 * first, which broke before issue 11; ORDER_TYPES_FIRST: the platform types first), built by
 * CMakeLists.txt with our headers before and after the stand-in SDK's, as C99 and as C++11.
 * Its function uses what the headers declare and returns the number of failed checks. */

#if defined( ORDER_DEMO )
    #include "iot_config.h"
    #include <string.h>
    #define LIBRARY_LOG_LEVEL    IOT_LOG_LEVEL_DEMO
    #define LIBRARY_LOG_NAME     ( "DEMO" )
    #include "iot_logging_setup.h"
    #include "platform/iot_clock.h"
    #include "iot_mqtt.h"
    #include "aws_iot_jobs.h"
    #include "aws_iot_doc_parser.h"
    #include "platform/iot_threads.h"
    #include "iot_error.h"
    #define CHECK_FUNCTION    demo_order_checks
#elif defined( ORDER_JOBS_FIRST )
    #include "iot_config.h"
    #include "aws_iot_jobs.h"
    #include "awsiotjobs.h"
    #include "platform/iot_threads.h"
    #include "platform/iot_clock.h"
    #include "types/iot_platform_types.h"
    #define LIBRARY_LOG_LEVEL    IOT_LOG_INFO
    #define LIBRARY_LOG_NAME     ( "JOBS-FIRST" )
    #include "iot_logging_setup.h"
    #include "iot_error.h"
    #include "aws_iot_doc_parser.h"
    #include <string.h>
    #define CHECK_FUNCTION    jobs_first_checks
#elif defined( ORDER_TYPES_FIRST )
    #include "types/iot_platform_types.h"
    #include "iot_logging.h"
    #include "iot_error.h"
    #include "aws_iot_doc_parser.h"
    #include "platform/iot_clock.h"
    #include "platform/iot_threads.h"
    #include "iot_config.h"
    #define LIBRARY_LOG_LEVEL    IOT_LOG_INFO
    #define LIBRARY_LOG_NAME     ( "TYPES-FIRST" )
    #include "iot_logging_setup.h"
    #include "iot_mqtt.h"
    #include "aws_iot_jobs.h"
    #include <string.h>
    #define CHECK_FUNCTION    types_first_checks
#else
    #error "Build with ORDER_DEMO, ORDER_JOBS_FIRST or ORDER_TYPES_FIRST."
#endif

#include <pthread.h>
#include <semaphore.h>

#ifdef __cplusplus
    #define SAME_SIZE( a, b, name )    static_assert( sizeof( a ) == sizeof( b ), #name )
extern "C" int CHECK_FUNCTION( void );
#else
    #define SAME_SIZE( a, b, name )    typedef char name[ sizeof( a ) == sizeof( b ) ? 1 : -1 ]
#endif

/* The types are the POSIX port's, whoever defined them. */
SAME_SIZE( IotMutex_t, pthread_mutex_t, mutex_is_a_pthread_mutex );
SAME_SIZE( IotSemaphore_t, sem_t, semaphore_is_a_sem_t );
SAME_SIZE( IotTimer_t, void * [ 3 ], timer_is_three_pointers );
SAME_SIZE( IotLogConfig_t, bool[ 3 ], log_config_is_three_bools );

static void on_timer( void * pArgument )
{
    IotSemaphore_Post( ( IotSemaphore_t * ) pArgument );
}

static bool with_cleanup( bool ok )
{
    IOT_FUNCTION_ENTRY( bool, ok );

    if( !ok )
    {
        IOT_GOTO_CLEANUP();
    }

    IOT_FUNCTION_CLEANUP_BEGIN();
    IOT_FUNCTION_CLEANUP_END();
}

int CHECK_FUNCTION( void )
{
    static const char document[] = "{\"execution\":{\"jobId\":\"j-1\"}}";
    IotLogConfig_t bare = { true, true, true };
    IotMutex_t mutex;
    IotSemaphore_t fired;
    IotTimer_t timer;
    const char * pValue = NULL;
    size_t valueLength = 0;
    int failures = 0;

    failures += !IotMutex_Create( &mutex, true );
    IotMutex_Lock( &mutex );
    failures += !IotMutex_TryLock( &mutex );
    IotMutex_Unlock( &mutex );
    IotMutex_Unlock( &mutex );
    IotMutex_Destroy( &mutex );

    failures += !IotSemaphore_Create( &fired, 0, 1 );
    failures += !IotClock_TimerCreate( &timer, on_timer, &fired );
    failures += !IotClock_TimerArm( &timer, 1, 0 );
    failures += !IotSemaphore_TimedWait( &fired, 10000 );
    IotClock_TimerDestroy( &timer );
    IotSemaphore_Destroy( &fired );

    failures += !AwsIotDocParser_FindValue( document, sizeof( document ) - 1, "jobId", 5,
                                            &pValue, &valueLength );
    failures += ( valueLength != 5 ) || ( strncmp( pValue, "\"j-1\"", 5 ) != 0 );
    failures += !with_cleanup( true );
    failures += strcmp( AwsIotJobs_strerror( AWS_IOT_JOBS_TIMEOUT ), "TIMEOUT" ) != 0;
    failures += IotClock_GetTimeMs() == 0;

    IotLog( IOT_LOG_INFO, &bare, "%s: %d failed checks", LIBRARY_LOG_NAME, failures );
    return failures;
}
