/* The v4 Jobs demo flow against mosquitto, written only against the v4 API: connect with
 * server info (and credentials under TLS), set notify-next and notify-pending callbacks,
 * start the next job, update it; plus every other AwsIotJobs_* function through the same
 * IotMqtt_Connect connection. A second connection plays the Jobs service: it subscribes to the
 * request topics with IotMqtt_SubscribeSync and answers from its subscription callback.
 *
 * With JOBS_DEMO_AWS_IOT_MODE set, the device connects with awsIotMqttMode = true, as v4
 * firmware (and v4's own Jobs system test, against mosquitto) does: mosquitto delivers only
 * what is subscribed, so every reply must still arrive through the library's subscriptions. */
#include "mqtt_test.h"

#include "aws_iot_jobs.h"

#define THING "DemoThing"
#define PREFIX "$aws/things/" THING "/jobs/"

/* ------------------------------------------------------------------ the service side */

static int contains( const char * text, size_t length, const char * what )
{
    char copy[ 4096 ] = { 0 };

    memcpy( copy, text, length < sizeof( copy ) - 1 ? length : sizeof( copy ) - 1 );
    return strstr( copy, what ) != NULL;
}

static IotMqttConnection_t service = IOT_MQTT_CONNECTION_INITIALIZER;
static const char * jobStatus = "QUEUED";
static int jobVersion = 1;

static void service_publish( const char * topic, const char * payload )
{
    IotMqttPublishInfo_t publish = IOT_MQTT_PUBLISH_INFO_INITIALIZER;

    publish.qos = IOT_MQTT_QOS_1;
    publish.pTopicName = topic;
    publish.topicNameLength = ( uint16_t ) strlen( topic );
    publish.pPayload = payload;
    publish.payloadLength = strlen( payload );
    /* The service answers from its subscription callback: a library thread, where blocking
     * calls are allowed. */
    CHECK_MQTT( IotMqtt_PublishSync( service, &publish, 0, 5000 ), IOT_MQTT_SUCCESS );
}

/* Copies the request's clientToken value into `token`. */
static void client_token( const char * request, size_t length, char * token, size_t size )
{
    const char * key = "\"clientToken\":\"";
    char copy[ 2048 ] = { 0 };
    const char * start;
    size_t n = 0;

    memcpy( copy, request, length < sizeof( copy ) - 1 ? length : sizeof( copy ) - 1 );
    start = strstr( copy, key );
    CHECK( start != NULL );
    start += strlen( key );

    while( start[ n ] != '"' && n + 1 < size )
    {
        token[ n ] = start[ n ];
        n++;
    }

    token[ n ] = '\0';
}

static void execution( char * out, size_t size )
{
    snprintf( out, size,
              "{\"jobId\":\"job1\",\"thingName\":\"" THING "\",\"status\":\"%s\","
              "\"queuedAt\":1,\"lastUpdatedAt\":2,\"versionNumber\":%d,\"executionNumber\":1,"
              "\"jobDocument\":{\"operation\":\"demo\"}}",
              jobStatus, jobVersion );
}

static void service_request( void * context, IotMqttCallbackParam_t * param )
{
    const IotMqttPublishInfo_t * info = &param->u.message.info;
    char topic[ 256 ] = { 0 }, token[ 80 ], exec[ 512 ], reply[ 1024 ], replyTopic[ 300 ];
    const char * request = ( const char * ) info->pPayload;
    const char * operation;

    ( void ) context;
    CHECK( param->mqttConnection == service );
    CHECK( info->topicNameLength < sizeof( topic ) );
    memcpy( topic, info->pTopicName, info->topicNameLength );
    operation = topic + strlen( PREFIX );
    client_token( request, info->payloadLength, token, sizeof( token ) );
    execution( exec, sizeof( exec ) );

    if( strcmp( operation, "get" ) == 0 )
    {
        snprintf( reply, sizeof( reply ),
                  "{\"inProgressJobs\":[],\"queuedJobs\":[{\"jobId\":\"job1\",\"queuedAt\":1,"
                  "\"versionNumber\":%d,\"executionNumber\":1}],\"timestamp\":3,"
                  "\"clientToken\":\"%s\"}", jobVersion, token );
    }
    else if( strcmp( operation, "start-next" ) == 0 )
    {
        jobStatus = "IN_PROGRESS";
        jobVersion++;
        execution( exec, sizeof( exec ) );
        snprintf( reply, sizeof( reply ), "{\"execution\":%s,\"timestamp\":4,\"clientToken\":\"%s\"}",
                  exec, token );
    }
    else if( strcmp( operation, "job1/get" ) == 0 )
    {
        snprintf( reply, sizeof( reply ), "{\"execution\":%s,\"timestamp\":5,\"clientToken\":\"%s\"}",
                  exec, token );
    }
    else if( strcmp( operation, "job1/update" ) == 0 )
    {
        jobStatus = contains( request, info->payloadLength, "\"SUCCEEDED\"" ) ? "SUCCEEDED" : "IN_PROGRESS";
        jobVersion++;
        snprintf( reply, sizeof( reply ),
                  "{\"executionState\":{\"status\":\"%s\",\"versionNumber\":%d},"
                  "\"timestamp\":6,\"clientToken\":\"%s\"}", jobStatus, jobVersion, token );
    }
    else
    {
        snprintf( reply, sizeof( reply ),
                  "{\"code\":\"InvalidTopic\",\"message\":\"?\",\"clientToken\":\"%s\"}", token );
        snprintf( replyTopic, sizeof( replyTopic ), "%s/rejected", topic );
        service_publish( replyTopic, reply );
        return;
    }

    snprintf( replyTopic, sizeof( replyTopic ), "%s/accepted", topic );
    service_publish( replyTopic, reply );

    if( strcmp( jobStatus, "SUCCEEDED" ) == 0 && strcmp( operation, "job1/update" ) == 0 )
    {
        /* The queue is empty now: notify-next without an execution. */
        service_publish( PREFIX "notify-next", "{\"timestamp\":7}" );
        service_publish( PREFIX "notify", "{\"timestamp\":7,\"jobs\":{}}" );
    }
}

static void start_service( TestEndpoint_t * endpoint )
{
    static const char * filters[] = { PREFIX "get", PREFIX "start-next", PREFIX "+/get", PREFIX "+/update" };
    IotMqttSubscription_t subscriptions[ 4 ];
    size_t i;

    CHECK_MQTT( test_connect( endpoint, "jobs-service", NULL, &service ), IOT_MQTT_SUCCESS );

    for( i = 0; i < 4; i++ )
    {
        IotMqttSubscription_t s = IOT_MQTT_SUBSCRIPTION_INITIALIZER;

        s.qos = IOT_MQTT_QOS_1;
        s.pTopicFilter = filters[ i ];
        s.topicFilterLength = ( uint16_t ) strlen( filters[ i ] );
        s.callback.function = service_request;
        subscriptions[ i ] = s;
    }

    CHECK_MQTT( IotMqtt_SubscribeSync( service, subscriptions, 4, 0, 5000 ), IOT_MQTT_SUCCESS );
}

/* ------------------------------------------------------------------ the device side */

static atomic_int notifyNext, notifyNextEmpty, notifyPending, completions;
static atomic_int lastResult = -1;


static void on_notify_next( void * context, AwsIotJobsCallbackParam_t * param )
{
    ( void ) context;
    CHECK( param->callbackType == AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK );
    CHECK( param->thingNameLength == strlen( THING ) );
    CHECK( memcmp( param->pThingName, THING, param->thingNameLength ) == 0 );

    if( contains( param->u.callback.pDocument, param->u.callback.documentLength, "\"job1\"" ) )
    {
        atomic_fetch_add( &notifyNext, 1 );
    }
    else
    {
        atomic_fetch_add( &notifyNextEmpty, 1 );
    }
}

static void on_notify_pending( void * context, AwsIotJobsCallbackParam_t * param )
{
    ( void ) context;
    CHECK( param->callbackType == AWS_IOT_JOBS_NOTIFY_PENDING_CALLBACK );
    atomic_fetch_add( &notifyPending, 1 );
}

static void on_complete( void * context, AwsIotJobsCallbackParam_t * param )
{
    CHECK( param->u.operation.result == AWS_IOT_JOBS_SUCCESS );
    CHECK( param->u.operation.pResponse != NULL );
    CHECK( contains( param->u.operation.pResponse, param->u.operation.responseLength, ( const char * ) context ) );
    atomic_store( &lastResult, ( int ) param->u.operation.result );
    atomic_fetch_add( &completions, 1 );
}

static void expect_reply( AwsIotJobsResponse_t * response, const char * what )
{
    CHECK( response->pJobsResponse != NULL );
    CHECK( contains( response->pJobsResponse, response->jobsResponseLength, what ) );
    free( ( void * ) response->pJobsResponse );
    response->pJobsResponse = NULL;
}

int main( void )
{
    TestEndpoint_t endpoint;
    IotMqttConnection_t device = IOT_MQTT_CONNECTION_INITIALIZER;
    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsOperation_t operation = AWS_IOT_JOBS_OPERATION_INITIALIZER;
    char acceptedTopic[] = PREFIX "start-next/accepted";
    bool awsIotMqttMode = getenv( "JOBS_DEMO_AWS_IOT_MODE" ) != NULL;

    CHECK( IotSdk_Init() );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    CHECK( IotNetworkOpenssl_Init() == IOT_NETWORK_SUCCESS );
    CHECK( AwsIotJobs_Init( 0 ) == AWS_IOT_JOBS_SUCCESS );

    test_endpoint( &endpoint );
    start_service( &endpoint );
    CHECK_MQTT( test_connect_mode( &endpoint, "jobs-device", NULL, awsIotMqttMode, &device ),
                IOT_MQTT_SUCCESS );

    /* Notify callbacks, then the service queues a job. */
    callback.function = on_notify_next;
    CHECK( AwsIotJobs_SetNotifyNextCallback( device, THING, strlen( THING ), 0, &callback ) == AWS_IOT_JOBS_SUCCESS );
    callback.function = on_notify_pending;
    CHECK( AwsIotJobs_SetNotifyPendingCallback( device, THING, strlen( THING ), 0, &callback ) == AWS_IOT_JOBS_SUCCESS );
    {
        char exec[ 512 ], note[ 700 ];

        execution( exec, sizeof( exec ) );
        snprintf( note, sizeof( note ), "{\"timestamp\":2,\"execution\":%s}", exec );
        service_publish( PREFIX "notify-next", note );
        service_publish( PREFIX "notify",
                         "{\"timestamp\":2,\"jobs\":{\"QUEUED\":[{\"jobId\":\"job1\",\"queuedAt\":1,"
                         "\"versionNumber\":1,\"executionNumber\":1}]}}" );
    }
    CHECK( wait_count( &notifyNext, 1 ) );
    CHECK( wait_count( &notifyPending, 1 ) );

    request.mqttConnection = device;
    request.pThingName = THING;
    request.thingNameLength = strlen( THING );
    request.mallocResponse = malloc;

    /* Get pending: blocking, then with a callback. */
    CHECK( AwsIotJobs_GetPendingSync( &request, 0, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"queuedJobs\":[{\"jobId\":\"job1\"" );
    callback.function = on_complete;
    callback.pCallbackContext = "queuedJobs";
    CHECK( AwsIotJobs_GetPendingAsync( &request, 0, &callback, &operation ) == AWS_IOT_JOBS_STATUS_PENDING );
    CHECK( wait_count( &completions, 1 ) );

    /* Describe: blocking, then waitable. */
    request.pJobId = "job1";
    request.jobIdLength = 4;
    CHECK( AwsIotJobs_DescribeSync( &request, 0, true, 0, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"status\":\"QUEUED\"" );
    CHECK( AwsIotJobs_DescribeAsync( &request, 0, true, AWS_IOT_JOBS_FLAG_WAITABLE, NULL, &operation ) == AWS_IOT_JOBS_STATUS_PENDING );
    CHECK( AwsIotJobs_Wait( operation, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"jobDocument\":{\"operation\":\"demo\"}" );

    /* Start the next job, keeping the reply subscriptions. */
    request.pJobId = NULL;
    request.jobIdLength = 0;
    CHECK( AwsIotJobs_StartNextAsync( &request, &update, AWS_IOT_JOBS_FLAG_WAITABLE | AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS,
                                      NULL, &operation ) == AWS_IOT_JOBS_STATUS_PENDING );
    CHECK( AwsIotJobs_Wait( operation, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"status\":\"IN_PROGRESS\"" );
    CHECK( IotMqtt_IsSubscribed( device, acceptedTopic, ( uint16_t ) strlen( acceptedTopic ), NULL ) );
    CHECK( AwsIotJobs_RemovePersistentSubscriptions( &request, AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS ) == AWS_IOT_JOBS_SUCCESS );
    CHECK( !IotMqtt_IsSubscribed( device, acceptedTopic, ( uint16_t ) strlen( acceptedTopic ), NULL ) );
    CHECK( AwsIotJobs_StartNextSync( &request, &update, 0, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"jobId\":\"job1\"" );

    /* Update: progress with a callback, then success; the queue empties (notify-next again). */
    request.pJobId = "job1";
    request.jobIdLength = 4;
    update.newStatus = AWS_IOT_JOB_STATE_IN_PROGRESS;
    update.pStatusDetails = "{\"step\":\"1\"}";
    update.statusDetailsLength = strlen( update.pStatusDetails );
    callback.pCallbackContext = "\"IN_PROGRESS\"";
    CHECK( AwsIotJobs_UpdateAsync( &request, &update, 0, &callback, &operation ) == AWS_IOT_JOBS_STATUS_PENDING );
    CHECK( wait_count( &completions, 2 ) );
    update.newStatus = AWS_IOT_JOB_STATE_SUCCEEDED;
    update.pStatusDetails = AWS_IOT_JOBS_NO_STATUS_DETAILS;
    update.statusDetailsLength = 0;
    CHECK( AwsIotJobs_UpdateSync( &request, &update, 0, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    expect_reply( &response, "\"SUCCEEDED\"" );
    CHECK( wait_count( &notifyNextEmpty, 1 ) );
    CHECK( wait_count( &notifyPending, 2 ) );
    CHECK( strcmp( AwsIotJobs_strerror( AWS_IOT_JOBS_SUCCESS ), "SUCCESS" ) == 0 );
    CHECK( strcmp( AwsIotJobs_StateName( AWS_IOT_JOB_STATE_SUCCEEDED ), "SUCCEEDED" ) == 0 );

    IotMqtt_Disconnect( device, 0 );
    IotMqtt_Disconnect( service, 0 );
    AwsIotJobs_Cleanup();
    IotNetworkOpenssl_Cleanup();
    IotMqtt_Cleanup();
    IotSdk_Cleanup();
    printf( "jobs demo: every AwsIotJobs_* function over IotMqtt_Connect%s%s passed\n",
            endpoint.tls ? " (mutual TLS)" : "", awsIotMqttMode ? " in awsIotMqttMode" : "" );
    return 0;
}
