/* The broker killed and restarted under a running v4 application (with_broker.sh restarts it
 * on SIGUSR1): the disconnect callback is told, a Jobs operation in flight completes exactly
 * once, and afterwards the application's own subscription, the Jobs notify-next callback and
 * Jobs requests all work again without the application doing anything. */
#include "mqtt_test.h"

#include <signal.h>
#include <unistd.h>

#include "aws_iot_jobs.h"
#include "awsiotjobs.h"

#define THING "RestartThing"
#define PREFIX "$aws/things/" THING "/jobs/"

static IotMqttConnection_t device = IOT_MQTT_CONNECTION_INITIALIZER;
static IotMqttConnection_t service = IOT_MQTT_CONNECTION_INITIALIZER;
static atomic_int lost, appMessages, notifications, completions, serviceOn;
static atomic_int lastCompletion = -1;

static void on_lost( void * context, IotMqttCallbackParam_t * param )
{
    ( void ) context;
    CHECK( param->mqttConnection == device );
    /* A dropped link; IotMqtt_Disconnect at the end reports DISCONNECT_CALLED. */
    if( param->u.disconnectReason == IOT_MQTT_BAD_PACKET_RECEIVED )
    {
        atomic_fetch_add( &lost, 1 );
    }
    else
    {
        CHECK( param->u.disconnectReason == IOT_MQTT_DISCONNECT_CALLED );
    }
}

static void on_app_message( void * context, IotMqttCallbackParam_t * param )
{
    ( void ) context;
    ( void ) param;
    atomic_fetch_add( &appMessages, 1 );
}

static void on_notify_next( void * context, AwsIotJobsCallbackParam_t * param )
{
    ( void ) context;
    ( void ) param;
    atomic_fetch_add( &notifications, 1 );
}

static void on_complete( void * context, AwsIotJobsCallbackParam_t * param )
{
    ( void ) context;
    atomic_store( &lastCompletion, ( int ) param->u.operation.result );
    atomic_fetch_add( &completions, 1 );
}

static IotMqttPublishInfo_t publish_info( const char * topic, const char * payload )
{
    IotMqttPublishInfo_t publish = IOT_MQTT_PUBLISH_INFO_INITIALIZER;

    publish.qos = IOT_MQTT_QOS_1;
    publish.pTopicName = topic;
    publish.topicNameLength = ( uint16_t ) strlen( topic );
    publish.pPayload = payload;
    publish.payloadLength = strlen( payload );
    return publish;
}

/* The service answers get requests, but only once told to (before that it stays silent, so
 * an operation is still in flight when the broker dies). */
static void on_get( void * context, IotMqttCallbackParam_t * param )
{
    const IotMqttPublishInfo_t * info = &param->u.message.info;
    char copy[ 512 ] = { 0 }, token[ 80 ] = { 0 }, reply[ 300 ];
    const char * start;
    IotMqttPublishInfo_t publish;
    size_t n = 0;

    ( void ) context;

    if( !atomic_load( &serviceOn ) )
    {
        return;
    }

    memcpy( copy, info->pPayload, info->payloadLength < sizeof( copy ) - 1 ? info->payloadLength : sizeof( copy ) - 1 );
    start = strstr( copy, "\"clientToken\":\"" );
    CHECK( start != NULL );
    start += strlen( "\"clientToken\":\"" );

    while( start[ n ] != '"' && n + 1 < sizeof( token ) )
    {
        token[ n ] = start[ n ];
        n++;
    }

    snprintf( reply, sizeof( reply ), "{\"inProgressJobs\":[],\"queuedJobs\":[],\"timestamp\":1,\"clientToken\":\"%s\"}", token );
    publish = publish_info( PREFIX "get/accepted", reply );
    CHECK_MQTT( IotMqtt_PublishSync( service, &publish, 0, 5000 ), IOT_MQTT_SUCCESS );
}

/* Publishes until it succeeds (the link may still be coming back), at most 15 s. */
static void publish_until_done( IotMqttConnection_t connection, const char * topic, const char * payload )
{
    IotMqttPublishInfo_t publish = publish_info( topic, payload );
    int64_t end = now_ms() + 15000;

    while( IotMqtt_PublishSync( connection, &publish, 0, 1000 ) != IOT_MQTT_SUCCESS )
    {
        CHECK( now_ms() < end );
    }
}

int main( void )
{
    TestEndpoint_t endpoint;
    IotMqttCallbackInfo_t lostCallback = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttSubscription_t app = IOT_MQTT_SUBSCRIPTION_INITIALIZER, get = IOT_MQTT_SUBSCRIPTION_INITIALIZER;
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    int64_t started;
    int notificationsBefore;

    CHECK( IotSdk_Init() );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    CHECK( AwsIotJobs_Init( 0 ) == AWS_IOT_JOBS_SUCCESS );
    CHECK( AwsIotJobs_SetResponseTimeout( 3000 ) == AWS_IOT_JOBS_SUCCESS );
    test_endpoint( &endpoint );

    lostCallback.function = on_lost;
    CHECK_MQTT( test_connect( &endpoint, "restart-device", &lostCallback, &device ), IOT_MQTT_SUCCESS );
    CHECK_MQTT( test_connect( &endpoint, "restart-service", NULL, &service ), IOT_MQTT_SUCCESS );

    app.qos = IOT_MQTT_QOS_1;
    app.pTopicFilter = "app/data";
    app.topicFilterLength = 8;
    app.callback.function = on_app_message;
    CHECK_MQTT( IotMqtt_SubscribeSync( device, &app, 1, 0, 5000 ), IOT_MQTT_SUCCESS );
    get.qos = IOT_MQTT_QOS_1;
    get.pTopicFilter = PREFIX "get";
    get.topicFilterLength = ( uint16_t ) strlen( PREFIX "get" );
    get.callback.function = on_get;
    CHECK_MQTT( IotMqtt_SubscribeSync( service, &get, 1, 0, 5000 ), IOT_MQTT_SUCCESS );
    callback.function = on_notify_next;
    CHECK( AwsIotJobs_SetNotifyNextCallback( device, THING, strlen( THING ), 0, &callback ) == AWS_IOT_JOBS_SUCCESS );
    publish_until_done( service, PREFIX "notify-next", "{\"timestamp\":1}" );
    CHECK( wait_count( &notifications, 1 ) );

    /* An operation in flight (the service is silent), then the broker goes down. */
    request.mqttConnection = device;
    request.pThingName = THING;
    request.thingNameLength = strlen( THING );
    request.mallocResponse = malloc;
    callback.function = on_complete;
    started = now_ms();
    CHECK( AwsIotJobs_GetPendingAsync( &request, 0, &callback, NULL ) == AWS_IOT_JOBS_STATUS_PENDING );
    CHECK( kill( getppid(), SIGUSR1 ) == 0 );
    CHECK( wait_count( &lost, 1 ) );

    /* It completes once, at its 3 s deadline, and never again. */
    CHECK( wait_count( &completions, 1 ) );
    CHECK( atomic_load( &lastCompletion ) == AWS_IOT_JOBS_TIMEOUT );
    CHECK( now_ms() - started < 3000 + 2000 );
    sleep_ms( 300 );
    CHECK( atomic_load( &completions ) == 1 );

    /* Everything comes back by itself: the application's subscription... */
    publish_until_done( service, "app/data", "after" );
    CHECK( wait_count( &appMessages, 1 ) );
    /* ...the Jobs notify-next callback (both sides resubscribed)... */
    notificationsBefore = atomic_load( &notifications );
    publish_until_done( service, PREFIX "notify-next", "{\"timestamp\":2}" );
    CHECK( wait_count( &notifications, notificationsBefore + 1 ) );
    /* ...and Jobs requests. */
    atomic_store( &serviceOn, 1 );
    CHECK( AwsIotJobs_GetPendingSync( &request, 0, 5000, &response ) == AWS_IOT_JOBS_SUCCESS );
    free( ( void * ) response.pJobsResponse );
    CHECK( atomic_load( &lost ) == 1 );

    IotMqtt_Disconnect( device, 0 );
    IotMqtt_Disconnect( service, 0 );
    AwsIotJobs_Cleanup();
    IotMqtt_Cleanup();
    IotSdk_Cleanup();
    printf( "reconnect%s passed\n", endpoint.tls ? " (mutual TLS)" : "" );
    return 0;
}
