/* An application's own platform layer, as a firmware has that keeps the v4 SDK's platform
 * library (or a port of its own) next to awsiotjobs: strong definitions of every platform,
 * logging, parser and SDK set-up function that the library also defines (weakly, in its
 * static library). Each counts its calls, so own_platform_check() can tell that the program
 * uses these definitions and not the library's. run.sh builds it into consumer.c's program
 * (-DCONSUMER_OWN_PLATFORM), statically and against the shared library. */

#include <pthread.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "aws_iot_doc_parser.h"
#include "iot_init.h"
#include "iot_logging.h"
#include "platform/iot_clock.h"
#include "platform/iot_threads.h"

/* What this platform's clock says: nothing like a real monotonic clock's milliseconds. */
#define OWN_CLOCK_MS    4242u

static unsigned ownCalls;

bool IotSdk_Init( void ) { ownCalls++; return true; }
void IotSdk_Cleanup( void ) { ownCalls++; }

bool IotClock_GetTimestring( char * pBuffer, size_t bufferSize, size_t * pTimestringLength )
{
    ownCalls++;
    *pTimestringLength = ( size_t ) snprintf( pBuffer, bufferSize, "own-clock" );
    return *pTimestringLength < bufferSize;
}

uint64_t IotClock_GetTimeMs( void ) { ownCalls++; return OWN_CLOCK_MS; }
void IotClock_SleepMs( uint32_t sleepTimeMs ) { ownCalls++; ( void ) sleepTimeMs; }

bool IotClock_TimerCreate( IotTimer_t * pNewTimer, IotThreadRoutine_t expirationRoutine, void * pArgument )
{
    ownCalls++;
    ( void ) pNewTimer, ( void ) expirationRoutine, ( void ) pArgument;
    return false;
}

void IotClock_TimerDestroy( IotTimer_t * pTimer ) { ownCalls++; ( void ) pTimer; }

bool IotClock_TimerArm( IotTimer_t * pTimer, uint32_t relativeTimeoutMs, uint32_t periodMs )
{
    ownCalls++;
    ( void ) pTimer, ( void ) relativeTimeoutMs, ( void ) periodMs;
    return false;
}

bool Iot_CreateDetachedThread( IotThreadRoutine_t threadRoutine, void * pArgument, int32_t priority, size_t stackSize )
{
    ownCalls++;
    ( void ) threadRoutine, ( void ) pArgument, ( void ) priority, ( void ) stackSize;
    return false;
}

bool IotMutex_Create( IotMutex_t * pNewMutex, bool recursive )
{
    ownCalls++;
    ( void ) recursive;
    return pthread_mutex_init( pNewMutex, NULL ) == 0;
}

void IotMutex_Destroy( IotMutex_t * pMutex ) { ownCalls++; pthread_mutex_destroy( pMutex ); }
void IotMutex_Lock( IotMutex_t * pMutex ) { ownCalls++; pthread_mutex_lock( pMutex ); }
bool IotMutex_TryLock( IotMutex_t * pMutex ) { ownCalls++; return pthread_mutex_trylock( pMutex ) == 0; }
void IotMutex_Unlock( IotMutex_t * pMutex ) { ownCalls++; pthread_mutex_unlock( pMutex ); }

bool IotSemaphore_Create( IotSemaphore_t * pNewSemaphore, uint32_t initialValue, uint32_t maxValue )
{
    ownCalls++;
    ( void ) maxValue;
    return sem_init( pNewSemaphore, 0, initialValue ) == 0;
}

void IotSemaphore_Destroy( IotSemaphore_t * pSemaphore ) { ownCalls++; sem_destroy( pSemaphore ); }

uint32_t IotSemaphore_GetCount( IotSemaphore_t * pSemaphore )
{
    int count = 0;
    ownCalls++;
    sem_getvalue( pSemaphore, &count );
    return ( uint32_t ) count;
}

void IotSemaphore_Wait( IotSemaphore_t * pSemaphore ) { ownCalls++; sem_wait( pSemaphore ); }
bool IotSemaphore_TryWait( IotSemaphore_t * pSemaphore ) { ownCalls++; return sem_trywait( pSemaphore ) == 0; }

bool IotSemaphore_TimedWait( IotSemaphore_t * pSemaphore, uint32_t timeoutMs )
{
    ownCalls++;
    ( void ) timeoutMs;
    return sem_trywait( pSemaphore ) == 0;
}

void IotSemaphore_Post( IotSemaphore_t * pSemaphore ) { ownCalls++; sem_post( pSemaphore ); }

void IotLog_Generic( int32_t libraryLogSetting, const char * const pLibraryName, int32_t messageLevel,
                     const IotLogConfig_t * const pLogConfig, const char * const pFormat, ... )
{
    va_list arguments;
    ownCalls++;
    ( void ) libraryLogSetting, ( void ) messageLevel, ( void ) pLogConfig;
    printf( "own logger [%s] ", pLibraryName );
    va_start( arguments, pFormat );
    vprintf( pFormat, arguments );
    va_end( arguments );
    putchar( '\n' );
}

void IotLog_GenericPrintBuffer( const char * const pLibraryName, const char * const pHeader,
                                const uint8_t * const pBuffer, size_t bufferSize )
{
    ownCalls++;
    ( void ) pLibraryName, ( void ) pHeader, ( void ) pBuffer, ( void ) bufferSize;
}

bool AwsIotDocParser_FindValue( const char * pAwsIotJsonDocument, size_t awsIotJsonDocumentLength,
                                const char * pAwsIotJsonKey, size_t awsIotJsonKeyLength,
                                const char ** pAwsIotJsonValue, size_t * pAwsIotJsonValueLength )
{
    ownCalls++;
    ( void ) pAwsIotJsonDocument, ( void ) awsIotJsonDocumentLength, ( void ) pAwsIotJsonKey;
    ( void ) awsIotJsonKeyLength, ( void ) pAwsIotJsonValue, ( void ) pAwsIotJsonValueLength;
    return false;
}

int own_platform_check( void );

/* 0 if every call below reached this file's definitions. */
int own_platform_check( void )
{
    IotMutex_t mutex;
    IotSemaphore_t semaphore;
    char time[ 32 ];
    size_t length = 0;
    const char * value = NULL;
    unsigned before = ownCalls;
    int wrong = 0;

    wrong += IotClock_GetTimeMs() != OWN_CLOCK_MS;
    wrong += !IotClock_GetTimestring( time, sizeof( time ), &length ) || strcmp( time, "own-clock" ) != 0;
    wrong += !IotMutex_Create( &mutex, false );
    IotMutex_Lock( &mutex );
    IotMutex_Unlock( &mutex );
    IotMutex_Destroy( &mutex );
    wrong += !IotSemaphore_Create( &semaphore, 1, 1 );
    wrong += !IotSemaphore_TryWait( &semaphore );
    IotSemaphore_Destroy( &semaphore );
    wrong += AwsIotDocParser_FindValue( "{\"a\":1}", 7, "a", 1, &value, &length ); /* ours finds it */
    wrong += !IotSdk_Init();
    IotLog_Generic( IOT_LOG_INFO, "CONSUMER", IOT_LOG_INFO, NULL, "%d calls so far", ( int ) ( ownCalls - before ) );
    wrong += ownCalls - before != 12;
    printf( "own platform layer: %u calls reached it, %d wrong\n", ownCalls - before, wrong );
    return wrong;
}
