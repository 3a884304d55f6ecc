/* A v4 Jobs application, written the way the SDK's own Jobs demo (aws_iot_demo_jobs.c) is,
 * built against the installed awsiotjobs package alone: the platform clock, timers, threads,
 * mutexes and semaphores, logging through iot_logging_setup.h, iot_error.h, and the document
 * parser to read each job. It connects to the Jobs service (the emulator) with IotMqtt_Connect,
 * sets a notify-next callback that hands each job to a detached worker thread, and the worker
 * takes it (StartNext) and reports it SUCCEEDED (Update), waiting for each completion callback
 * on a semaphore. A deadline timer bounds the run and a periodic timer counts seconds.
 *
 *   v4_jobs_demo PORT THING JOBS    exit 0 once JOBS jobs were done, 1 otherwise */

/* The config header is always included first. */
#include "iot_config.h"

/* Standard includes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Set up logging for this demo, as iot_demo_logging.h does. */
#ifdef IOT_LOG_LEVEL_DEMO
    #define LIBRARY_LOG_LEVEL    IOT_LOG_LEVEL_DEMO
#else
    #define LIBRARY_LOG_LEVEL    IOT_LOG_INFO
#endif
#define LIBRARY_LOG_NAME    ( "DEMO" )
#include "iot_logging_setup.h"

/* Error handling, platform, MQTT, Jobs and JSON includes. */
#include "iot_error.h"
#include "iot_init.h"
#include "platform/iot_clock.h"
#include "platform/iot_threads.h"
#include "iot_mqtt.h"
#include "iot_network_openssl.h"
#include "aws_iot_jobs.h"
#include "aws_iot_doc_parser.h"

#define TIMEOUT_MS                 ( ( uint32_t ) 5000u )
#define KEEP_ALIVE_SECONDS         ( ( uint16_t ) 60u )
#define DEMO_DEADLINE_MS           ( ( uint32_t ) 60000u )
#define PROGRESS_PERIOD_MS         ( ( uint32_t ) 100u )
#define WORKER_POLL_MS             ( ( uint32_t ) 200u )
#define JOB_ID_KEY                 "jobId"
#define JOB_ID_KEY_LENGTH          ( sizeof( JOB_ID_KEY ) - 1 )
#define JOB_DOC_KEY                "jobDocument"
#define JOB_DOC_KEY_LENGTH         ( sizeof( JOB_DOC_KEY ) - 1 )
#define JOB_ACTION_KEY             "action"
#define JOB_ACTION_KEY_LENGTH      ( sizeof( JOB_ACTION_KEY ) - 1 )
#define JOB_MESSAGE_KEY            "message"
#define JOB_MESSAGE_KEY_LENGTH     ( sizeof( JOB_MESSAGE_KEY ) - 1 )
#define JSON_STRING_MIN_LENGTH     ( ( size_t ) 3 )
#define JOB_ID_MAX_LENGTH          ( ( size_t ) 64 )
#define JOB_DOCUMENT_MAX_LENGTH    ( ( size_t ) 2048 )

/* A job the notify-next callback hands to the worker thread. */
typedef struct _pendingJob
{
    bool present;
    char jobId[ JOB_ID_MAX_LENGTH + 1 ];
    size_t jobIdLength;
    char document[ JOB_DOCUMENT_MAX_LENGTH ];
    size_t documentLength;
} _pendingJob_t;

/* Everything the callbacks, the worker and the timers share. */
typedef struct _demoState
{
    IotMqttConnection_t mqttConnection;
    const char * pThingName;
    size_t thingNameLength;
    IotMutex_t lock;              /* Guards the fields below it. */
    IotSemaphore_t jobReady;      /* Posted by the notify-next callback. */
    IotSemaphore_t operationDone; /* Posted by the operation completion callback. */
    IotSemaphore_t demoDone;      /* Posted when all jobs are done, or at the deadline. */
    IotSemaphore_t workerExited;  /* Posted by the worker thread as it returns. */
    _pendingJob_t pending;
    AwsIotJobsError_t lastResult;
    uint32_t jobsDone;
    uint32_t jobsExpected;
    uint32_t secondsElapsed;
    bool stopping;
    bool timedOut;
} _demoState_t;

/* Used to print log messages that do not contain any metadata. */
static IotLogConfig_t _logHideAll = { true, true, true };

/* Extracts a JSON string (without its quotes) from a document, as the v4 demo does. */
static bool _getJsonString( const char * pJsonDoc,
                            size_t jsonDocLength,
                            const char * pKey,
                            size_t keyLength,
                            const char ** pValue,
                            size_t * valueLength )
{
    bool keyFound = AwsIotDocParser_FindValue( pJsonDoc, jsonDocLength, pKey, keyLength,
                                               pValue, valueLength );

    if( keyFound == true )
    {
        /* Exclude empty strings and anything that is not a string. */
        if( ( *valueLength < JSON_STRING_MIN_LENGTH ) || ( **pValue != '"' ) )
        {
            keyFound = false;
        }
        else
        {
            ( *pValue )++;
            ( *valueLength ) -= 2;
        }
    }

    return keyFound;
}

static void _operationCompleteCallback( void * pCallbackContext,
                                        AwsIotJobsCallbackParam_t * pCallbackParam )
{
    _demoState_t * pState = ( _demoState_t * ) pCallbackContext;

    IotLogInfo( "Job %s complete with result %s.",
                pCallbackParam->callbackType == AWS_IOT_JOBS_START_NEXT_COMPLETE ? "StartNext" : "Update",
                AwsIotJobs_strerror( pCallbackParam->u.operation.result ) );

    IotMutex_Lock( &pState->lock );
    pState->lastResult = pCallbackParam->u.operation.result;
    IotMutex_Unlock( &pState->lock );

    IotSemaphore_Post( &pState->operationDone );
}

/* Sends one Jobs request and waits for its completion callback; its result. */
static AwsIotJobsError_t _runOperation( _demoState_t * pState,
                                        const AwsIotJobsRequestInfo_t * pRequestInfo,
                                        const AwsIotJobsUpdateInfo_t * pUpdateInfo,
                                        bool startNext )
{
    AwsIotJobsCallbackInfo_t callbackInfo = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsError_t status;

    callbackInfo.function = _operationCompleteCallback;
    callbackInfo.pCallbackContext = pState;

    if( startNext == true )
    {
        status = AwsIotJobs_StartNextAsync( pRequestInfo, pUpdateInfo, 0, &callbackInfo, NULL );
    }
    else
    {
        status = AwsIotJobs_UpdateAsync( pRequestInfo, pUpdateInfo, 0, &callbackInfo, NULL );
    }

    if( status == AWS_IOT_JOBS_STATUS_PENDING )
    {
        /* The response timeout of the library is 30 s: wait a little longer. */
        if( IotSemaphore_TimedWait( &pState->operationDone, 40000 ) == false )
        {
            IotLogError( "No completion callback for a %s.", startNext ? "StartNext" : "Update" );
            status = AWS_IOT_JOBS_TIMEOUT;
        }
        else
        {
            IotMutex_Lock( &pState->lock );
            status = pState->lastResult;
            IotMutex_Unlock( &pState->lock );
        }
    }

    return status;
}

/* Takes the job and reports it: SUCCEEDED for a "print" job with a message. */
static void _processJob( _demoState_t * pState,
                         const _pendingJob_t * pJob )
{
    AwsIotJobsRequestInfo_t requestInfo = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsUpdateInfo_t updateInfo = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    const char * pAction = NULL, * pMessage = NULL;
    size_t actionLength = 0, messageLength = 0;
    AwsIotJobsError_t status;

    IotLogInfo( "Job document received: %.*s", ( int ) pJob->documentLength, pJob->document );

    requestInfo.mqttConnection = pState->mqttConnection;
    requestInfo.pThingName = pState->pThingName;
    requestInfo.thingNameLength = pState->thingNameLength;
    requestInfo.pJobId = pJob->jobId;
    requestInfo.jobIdLength = pJob->jobIdLength;

    /* Tell the Jobs service that the device has started working on the job. */
    status = _runOperation( pState, &requestInfo, &updateInfo, true );

    if( status != AWS_IOT_JOBS_SUCCESS )
    {
        IotLogError( "StartNext of %s failed: %s.", pJob->jobId, AwsIotJobs_strerror( status ) );
        return;
    }

    if( ( _getJsonString( pJob->document, pJob->documentLength, JOB_ACTION_KEY,
                          JOB_ACTION_KEY_LENGTH, &pAction, &actionLength ) == true ) &&
        ( actionLength == 5 ) && ( strncmp( pAction, "print", 5 ) == 0 ) &&
        ( _getJsonString( pJob->document, pJob->documentLength, JOB_MESSAGE_KEY,
                          JOB_MESSAGE_KEY_LENGTH, &pMessage, &messageLength ) == true ) )
    {
        IotLog( IOT_LOG_INFO, &_logHideAll,
                "\r\n/*-----------------------------------------------------------*/\r\n"
                "\r\nJob %s says: %.*s\r\n"
                "\r\n/*-----------------------------------------------------------*/\r\n",
                pJob->jobId, ( int ) messageLength, pMessage );
        /* Some work. */
        IotClock_SleepMs( 10 );
        updateInfo.newStatus = AWS_IOT_JOB_STATE_SUCCEEDED;
    }
    else
    {
        IotLogError( "Job %s has no \"print\" action with a message.", pJob->jobId );
        updateInfo.newStatus = AWS_IOT_JOB_STATE_FAILED;
    }

    IotLogInfo( "Setting state of %s to %s.", pJob->jobId, AwsIotJobs_StateName( updateInfo.newStatus ) );

    /* Tell the Jobs service that the device has finished the job. */
    status = _runOperation( pState, &requestInfo, &updateInfo, false );

    if( status != AWS_IOT_JOBS_SUCCESS )
    {
        IotLogError( "Update of %s failed: %s.", pJob->jobId, AwsIotJobs_strerror( status ) );
        return;
    }

    IotMutex_Lock( &pState->lock );
    pState->jobsDone++;

    if( pState->jobsDone == pState->jobsExpected )
    {
        IotSemaphore_Post( &pState->demoDone );
    }

    IotMutex_Unlock( &pState->lock );
}

/* The worker thread: processes each job the notify-next callback hands over. */
static void _workerThread( void * pArgument )
{
    _demoState_t * pState = ( _demoState_t * ) pArgument;
    _pendingJob_t job;
    bool stopping = false;

    while( stopping == false )
    {
        if( IotSemaphore_TimedWait( &pState->jobReady, WORKER_POLL_MS ) == true )
        {
            IotMutex_Lock( &pState->lock );
            job = pState->pending;
            pState->pending.present = false;
            IotMutex_Unlock( &pState->lock );

            if( job.present == true )
            {
                _processJob( pState, &job );
            }
        }

        IotMutex_Lock( &pState->lock );
        stopping = pState->stopping;
        IotMutex_Unlock( &pState->lock );
    }

    IotSemaphore_Post( &pState->workerExited );
}

/* Jobs notify-next callback: the job ID and document go to the worker. */
static void _jobsCallback( void * pCallbackContext,
                           AwsIotJobsCallbackParam_t * pCallbackInfo )
{
    _demoState_t * pState = ( _demoState_t * ) pCallbackContext;
    const char * pJobId = NULL, * pJobDoc = NULL;
    size_t jobIdLength = 0, jobDocLength = 0;
    bool idKeyFound, docKeyFound;

    idKeyFound = _getJsonString( pCallbackInfo->u.callback.pDocument,
                                 pCallbackInfo->u.callback.documentLength,
                                 JOB_ID_KEY, JOB_ID_KEY_LENGTH, &pJobId, &jobIdLength );
    docKeyFound = AwsIotDocParser_FindValue( pCallbackInfo->u.callback.pDocument,
                                             pCallbackInfo->u.callback.documentLength,
                                             JOB_DOC_KEY, JOB_DOC_KEY_LENGTH, &pJobDoc, &jobDocLength );

    if( ( idKeyFound == true ) && ( docKeyFound == true ) &&
        ( jobIdLength <= JOB_ID_MAX_LENGTH ) && ( jobDocLength < JOB_DOCUMENT_MAX_LENGTH ) )
    {
        IotLogInfo( "Job %.*s received.", ( int ) jobIdLength, pJobId );

        IotMutex_Lock( &pState->lock );
        pState->pending.present = true;
        memcpy( pState->pending.jobId, pJobId, jobIdLength );
        pState->pending.jobId[ jobIdLength ] = '\0';
        pState->pending.jobIdLength = jobIdLength;
        memcpy( pState->pending.document, pJobDoc, jobDocLength );
        pState->pending.documentLength = jobDocLength;
        IotMutex_Unlock( &pState->lock );

        IotSemaphore_Post( &pState->jobReady );
    }
    else if( ( idKeyFound == false ) && ( docKeyFound == false ) )
    {
        /* The Jobs service sends an empty document when all jobs are complete. */
        IotLog( IOT_LOG_INFO, &_logHideAll, "All available Jobs complete." );
    }
    else
    {
        IotLogWarn( "Received an invalid Job document: %.*s",
                    ( int ) pCallbackInfo->u.callback.documentLength,
                    pCallbackInfo->u.callback.pDocument );
    }
}

static void _deadlineExpired( void * pArgument )
{
    _demoState_t * pState = ( _demoState_t * ) pArgument;

    IotMutex_Lock( &pState->lock );
    pState->timedOut = true;
    IotMutex_Unlock( &pState->lock );
    IotSemaphore_Post( &pState->demoDone );
}

static void _progressTick( void * pArgument )
{
    _demoState_t * pState = ( _demoState_t * ) pArgument;

    IotMutex_Lock( &pState->lock );
    pState->secondsElapsed++;
    IotMutex_Unlock( &pState->lock );
}

static bool _establishMqttConnection( _demoState_t * pState,
                                      uint16_t port )
{
    IOT_FUNCTION_ENTRY( bool, true );
    struct IotNetworkServerInfo serverInfo = IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER;
    IotMqttNetworkInfo_t networkInfo = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t connectInfo = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    IotMqttError_t connectStatus;

    IOT_SET_AND_GOTO_CLEANUP_IF_FALSE( false, port != 0 );

    serverInfo.pHostName = "127.0.0.1";
    serverInfo.port = port;
    networkInfo.createNetworkConnection = true;
    networkInfo.u.setup.pNetworkServerInfo = &serverInfo;
    networkInfo.u.setup.pNetworkCredentialInfo = NULL;
    networkInfo.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;

    connectInfo.awsIotMqttMode = true;
    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = KEEP_ALIVE_SECONDS;
    connectInfo.pClientIdentifier = pState->pThingName;
    connectInfo.clientIdentifierLength = ( uint16_t ) pState->thingNameLength;

    IotLogInfo( "Thing Name is %s (length %u).", pState->pThingName, ( unsigned ) pState->thingNameLength );

    connectStatus = IotMqtt_Connect( &networkInfo, &connectInfo, TIMEOUT_MS, &pState->mqttConnection );

    if( connectStatus != IOT_MQTT_SUCCESS )
    {
        IotLogError( "MQTT CONNECT returned error %s.", IotMqtt_strerror( connectStatus ) );
        IOT_SET_AND_GOTO_CLEANUP( false );
    }

    IOT_FUNCTION_CLEANUP_BEGIN();
    IOT_FUNCTION_CLEANUP_END();
}

/* Creates the mutex, semaphores and timers; false if any fails. */
static bool _createPlatformObjects( _demoState_t * pState,
                                    IotTimer_t * pDeadline,
                                    IotTimer_t * pProgress )
{
    return IotMutex_Create( &pState->lock, false ) &&
           IotSemaphore_Create( &pState->jobReady, 0, 16 ) &&
           IotSemaphore_Create( &pState->operationDone, 0, 1 ) &&
           IotSemaphore_Create( &pState->demoDone, 0, 2 ) &&
           IotSemaphore_Create( &pState->workerExited, 0, 1 ) &&
           IotClock_TimerCreate( pDeadline, _deadlineExpired, pState ) &&
           IotClock_TimerCreate( pProgress, _progressTick, pState ) &&
           IotClock_TimerArm( pDeadline, DEMO_DEADLINE_MS, 0 ) &&
           IotClock_TimerArm( pProgress, PROGRESS_PERIOD_MS, PROGRESS_PERIOD_MS );
}

static void _destroyPlatformObjects( _demoState_t * pState,
                                     IotTimer_t * pDeadline,
                                     IotTimer_t * pProgress )
{
    IotClock_TimerDestroy( pDeadline );
    IotClock_TimerDestroy( pProgress );
    IotSemaphore_Destroy( &pState->workerExited );
    IotSemaphore_Destroy( &pState->demoDone );
    IotSemaphore_Destroy( &pState->operationDone );
    IotSemaphore_Destroy( &pState->jobReady );
    IotMutex_Destroy( &pState->lock );
}

static int _runJobsDemo( _demoState_t * pState )
{
    AwsIotJobsCallbackInfo_t callbackInfo = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsError_t callbackStatus;
    bool timedOut, workerStarted;
    uint32_t jobsDone, seconds;
    uint64_t startMs = IotClock_GetTimeMs();

    callbackInfo.function = _jobsCallback;
    callbackInfo.pCallbackContext = pState;
    callbackStatus = AwsIotJobs_SetNotifyNextCallback( pState->mqttConnection, pState->pThingName,
                                                       pState->thingNameLength, 0, &callbackInfo );
    IotLogInfo( "Jobs NotifyNext callback for %s set with result %s.", pState->pThingName,
                AwsIotJobs_strerror( callbackStatus ) );

    if( callbackStatus != AWS_IOT_JOBS_SUCCESS )
    {
        return EXIT_FAILURE;
    }

    workerStarted = Iot_CreateDetachedThread( _workerThread, pState, IOT_THREAD_DEFAULT_PRIORITY,
                                              IOT_THREAD_DEFAULT_STACK_SIZE );

    if( workerStarted == true )
    {
        IotLog( IOT_LOG_INFO, &_logHideAll,
                "\r\n/*-----------------------------------------------------------*/\r\n"
                "\r\nThe Jobs demo is now ready to accept Jobs.\r\n"
                "\r\n/*-----------------------------------------------------------*/\r\n" );

        /* Until all jobs are done, or the deadline timer fires. */
        IotSemaphore_Wait( &pState->demoDone );

        IotMutex_Lock( &pState->lock );
        pState->stopping = true;
        IotMutex_Unlock( &pState->lock );

        if( IotSemaphore_TimedWait( &pState->workerExited, TIMEOUT_MS ) == false )
        {
            IotLogError( "The worker thread did not stop." );
        }
    }

    /* Remove the notify-next callback. */
    callbackInfo.function = NULL;
    callbackInfo.oldFunction = _jobsCallback;
    callbackStatus = AwsIotJobs_SetNotifyNextCallback( pState->mqttConnection, pState->pThingName,
                                                       pState->thingNameLength, 0, &callbackInfo );
    IotLogInfo( "Jobs NotifyNext callback removed with result %s.", AwsIotJobs_strerror( callbackStatus ) );

    IotMutex_Lock( &pState->lock );
    timedOut = pState->timedOut;
    jobsDone = pState->jobsDone;
    seconds = pState->secondsElapsed;
    IotMutex_Unlock( &pState->lock );

    IotLogInfo( "%u of %u jobs done in %llu ms (%u progress ticks)%s.", ( unsigned ) jobsDone,
                ( unsigned ) pState->jobsExpected,
                ( unsigned long long ) ( IotClock_GetTimeMs() - startMs ), ( unsigned ) seconds,
                timedOut ? ", deadline reached" : "" );

    return ( workerStarted && !timedOut && ( jobsDone == pState->jobsExpected ) ) ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main( int argc,
          char ** argv )
{
    static _demoState_t state;
    static IotTimer_t deadline, progress;
    char timestring[ 32 ];
    size_t timestringLength = 0;
    int status = EXIT_FAILURE;

    if( argc != 4 )
    {
        fprintf( stderr, "usage: %s PORT THING JOBS\n", argv[ 0 ] );
        return 2;
    }

    /* Log lines reach a pipe as they are printed (IotLog_Generic prints with puts, as in v4). */
    setvbuf( stdout, NULL, _IOLBF, 0 );

    state.pThingName = argv[ 2 ];
    state.thingNameLength = strlen( argv[ 2 ] );
    state.jobsExpected = ( uint32_t ) strtoul( argv[ 3 ], NULL, 10 );

    if( IotClock_GetTimestring( timestring, sizeof( timestring ), &timestringLength ) == true )
    {
        IotLogInfo( "Demo started at %.*s.", ( int ) timestringLength, timestring );
    }

    if( ( IotSdk_Init() == true ) &&
        ( IotNetworkOpenssl_Init() == IOT_NETWORK_SUCCESS ) &&
        ( IotMqtt_Init() == IOT_MQTT_SUCCESS ) &&
        ( AwsIotJobs_Init( 0 ) == AWS_IOT_JOBS_SUCCESS ) )
    {
        if( _createPlatformObjects( &state, &deadline, &progress ) == true )
        {
            if( _establishMqttConnection( &state, ( uint16_t ) atoi( argv[ 1 ] ) ) == true )
            {
                status = _runJobsDemo( &state );
                IotMqtt_Disconnect( state.mqttConnection, 0 );
            }
        }
        else
        {
            IotLogError( "Creating the mutex, semaphores or timers failed." );
        }

        _destroyPlatformObjects( &state, &deadline, &progress );
        AwsIotJobs_Cleanup();
        IotMqtt_Cleanup();
        IotNetworkOpenssl_Cleanup();
        IotSdk_Cleanup();
    }
    else
    {
        IotLogError( "Initializing the SDK failed." );
    }

    return status;
}
