/* The IotMqtt_* functions against mosquitto: NULL and malformed arguments to every function,
 * connection failures classified within the timeout (refused port, unknown host, and under TLS
 * a wrong CA and a missing client certificate), a publish reaching the connection's own
 * subscription with the v4 callback parameter on a library thread, asynchronous operations
 * with callbacks and IotMqtt_Wait, IsSubscribed, and Disconnect. */
#include "mqtt_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

static pthread_t mainThread;
static atomic_int messages, operations, disconnects;
static atomic_int lastDisconnectReason = -1;
static IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
static IotMqttOperation_t callbackReference = IOT_MQTT_OPERATION_INITIALIZER;

static void on_message( void * context, IotMqttCallbackParam_t * param )
{
    const IotMqttPublishInfo_t * info = &param->u.message.info;

    CHECK( context == &messages );
    CHECK( !pthread_equal( pthread_self(), mainThread ) );
    CHECK( param->mqttConnection == connection );
    CHECK( param->u.message.topicFilterLength == strlen( "test/+/data" ) );
    CHECK( memcmp( param->u.message.pTopicFilter, "test/+/data", param->u.message.topicFilterLength ) == 0 );
    CHECK( info->topicNameLength == strlen( "test/x/data" ) );
    CHECK( memcmp( info->pTopicName, "test/x/data", info->topicNameLength ) == 0 );
    CHECK( info->payloadLength == 5 && memcmp( info->pPayload, "hello", 5 ) == 0 );
    /* The first is a QoS 1 publish; a QoS 0 one follows later. */
    CHECK( info->qos == IOT_MQTT_QOS_1 || ( atomic_load( &messages ) > 0 && info->qos == IOT_MQTT_QOS_0 ) );
    CHECK( !info->retain );
    atomic_fetch_add( &messages, 1 );
}

static void on_operation( void * context, IotMqttCallbackParam_t * param )
{
    CHECK( !pthread_equal( pthread_self(), mainThread ) );
    CHECK( param->mqttConnection == connection );
    CHECK( param->u.operation.type == ( IotMqttOperationType_t ) ( intptr_t ) context );
    CHECK( param->u.operation.result == IOT_MQTT_SUCCESS );
    CHECK( callbackReference == NULL || param->u.operation.reference == callbackReference );
    atomic_fetch_add( &operations, 1 );
}

static void on_disconnect( void * context, IotMqttCallbackParam_t * param )
{
    ( void ) context;
    atomic_store( &lastDisconnectReason, ( int ) param->u.disconnectReason );
    atomic_fetch_add( &disconnects, 1 );
}

static IotMqttPublishInfo_t publish_info( const char * topic, const char * payload, IotMqttQos_t qos )
{
    return test_publish( topic, payload, strlen( payload ), qos );
}

static IotMqttSubscription_t subscription( const char * filter )
{
    IotMqttSubscription_t s = IOT_MQTT_SUBSCRIPTION_INITIALIZER;

    s.qos = IOT_MQTT_QOS_1;
    s.pTopicFilter = filter;
    s.topicFilterLength = ( uint16_t ) strlen( filter );
    s.callback.pCallbackContext = &messages;
    s.callback.function = on_message;
    return s;
}

/* Connect with one thing changed from a valid request; returns what Connect says. */
typedef void ( * Spoil )( IotMqttNetworkInfo_t *, IotMqttConnectInfo_t *, struct IotNetworkCredentials * );

static IotMqttError_t connect_spoiled( TestEndpoint_t * endpoint, Spoil spoil, uint32_t timeoutMs )
{
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t info = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    struct IotNetworkServerInfo server = endpoint->serverInfo;
    struct IotNetworkCredentials credentials = endpoint->credentials;
    IotMqttConnection_t c = IOT_MQTT_CONNECTION_INITIALIZER;
    IotMqttError_t status;

    network.u.setup.pNetworkServerInfo = &server;
    network.u.setup.pNetworkCredentialInfo = endpoint->tls ? &credentials : NULL;
    network.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;
    info.pClientIdentifier = "spoiled";
    info.clientIdentifierLength = 7;
    spoil( &network, &info, &credentials );
    status = IotMqtt_Connect( &network, &info, timeoutMs, &c );

    if( status == IOT_MQTT_SUCCESS )
    {
        IotMqtt_Disconnect( c, 0 );
    }
    else
    {
        CHECK( c == NULL );
    }

    return status;
}

static void no_interface( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) i; ( void ) c; n->pNetworkInterface = NULL; }
static void existing_network( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) i; ( void ) c; n->createNetworkConnection = false; }
static void no_server( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) i; ( void ) c; n->u.setup.pNetworkServerInfo = NULL; }
static void no_host( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) i; ( void ) c; n->u.setup.pNetworkServerInfo->pHostName = NULL; }
static void port_zero( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) i; ( void ) c; n->u.setup.pNetworkServerInfo->port = 0; }
static void no_client_id( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) n; ( void ) c; i->pClientIdentifier = NULL; }
static void empty_client_id( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c ) { ( void ) n; ( void ) c; i->clientIdentifierLength = 0; }
static void long_aws_client_id( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    static char id[ 130 ];

    ( void ) n; ( void ) c;
    memset( id, 'x', 129 );
    i->awsIotMqttMode = true;
    i->pClientIdentifier = id;
    i->clientIdentifierLength = 129;
}
static void bad_will( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    static IotMqttPublishInfo_t will = IOT_MQTT_PUBLISH_INFO_INITIALIZER;

    ( void ) n; ( void ) c;
    i->pWillInfo = &will; /* no topic */
}
static void bad_previous( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    static IotMqttSubscription_t previous = IOT_MQTT_SUBSCRIPTION_INITIALIZER;

    ( void ) n; ( void ) c;
    previous.pTopicFilter = "a/b";
    previous.topicFilterLength = 3; /* no callback */
    i->cleanSession = false;
    i->pPreviousSubscriptions = &previous;
    i->previousSubscriptionCount = 1;
}
static void cert_without_key( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) i;
    n->u.setup.pNetworkCredentialInfo = c;
    c->pClientCert = "client.crt";
    c->clientCertSize = 10;
    c->pPrivateKey = NULL;
    c->privateKeySize = 0;
}
static void bad_alpn( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) i;
    n->u.setup.pNetworkCredentialInfo = c;
    c->pAlpnProtos = "\x09" "short";
}
static void closed_port( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) i; ( void ) c;
    n->u.setup.pNetworkServerInfo->port = ( uint16_t ) atoi( test_env( "MQTT_TEST_CLOSED_PORT" ) );
}
static void unknown_host( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) i; ( void ) c;
    n->u.setup.pNetworkServerInfo->pHostName = "no-such-host.invalid";
}
static uint16_t silentPort;
static void silent_server( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) i; ( void ) c;
    n->u.setup.pNetworkServerInfo->port = silentPort;
}

/* A listening socket that never accepts: the kernel completes the TCP handshake, nothing
 * answers after that. */
static int listen_silently( uint16_t * port )
{
    struct sockaddr_in address;
    socklen_t size = sizeof( address );
    int s = socket( AF_INET, SOCK_STREAM, 0 );

    memset( &address, 0, sizeof( address ) );
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    CHECK( s >= 0 );
    CHECK( bind( s, ( struct sockaddr * ) &address, sizeof( address ) ) == 0 );
    CHECK( listen( s, 4 ) == 0 );
    CHECK( getsockname( s, ( struct sockaddr * ) &address, &size ) == 0 );
    *port = ntohs( address.sin_port );
    return s;
}

static void wrong_ca( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) n; ( void ) i;
    c->pRootCa = test_env( "MQTT_TEST_OTHER_CA" );
    c->rootCaSize = strlen( c->pRootCa );
}
static void no_client_cert( IotMqttNetworkInfo_t * n, IotMqttConnectInfo_t * i, struct IotNetworkCredentials * c )
{
    ( void ) n; ( void ) i;
    c->pClientCert = NULL;
    c->clientCertSize = 0;
    c->pPrivateKey = NULL;
    c->privateKeySize = 0;
}

static void check_connect_arguments( TestEndpoint_t * endpoint )
{
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t info = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    IotMqttConnection_t c = IOT_MQTT_CONNECTION_INITIALIZER;
    int64_t started;
    int silent;

    CHECK_MQTT( IotMqtt_Connect( NULL, &info, 1000, &c ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_Connect( &network, NULL, 1000, &c ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_Connect( &network, &info, 1000, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, no_interface, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, existing_network, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, no_server, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, no_host, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, port_zero, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, no_client_id, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, empty_client_id, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, long_aws_client_id, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, bad_will, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, bad_previous, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, cert_without_key, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( connect_spoiled( endpoint, bad_alpn, 1000 ), IOT_MQTT_BAD_PARAMETER );

    /* Failures of the network, classified within the timeout. */
    started = now_ms();
    CHECK_MQTT( connect_spoiled( endpoint, closed_port, 3000 ), IOT_MQTT_NETWORK_ERROR );
    CHECK( now_ms() - started < 3000 );
    /* An unknown host: the name is under the reserved ".invalid" (RFC 6761), so it never
     * exists, but how fast the system resolver says so is the machine's business (a local cache
     * answers at once, an unreachable DNS server not for a while). NETWORK_ERROR if the resolver
     * answered within the 3 s, TIMEOUT if not: both are right. The bound only catches a connect
     * that hangs: the 3 s timeout plus glibc's worst case for a name that does not resolve
     * (5 s timeout, 2 attempts, up to 3 name servers: 30 s), as in the Rust twin in
     * tests/mqtt/transport.rs. */
    started = now_ms();
    {
        IotMqttError_t unknown = connect_spoiled( endpoint, unknown_host, 3000 );

        if( ( unknown != IOT_MQTT_NETWORK_ERROR ) && ( unknown != IOT_MQTT_TIMEOUT ) )
        {
            fprintf( stderr, "%s:%d: an unknown host returned %s, expected %s or %s\n", __FILE__,
                     __LINE__, IotMqtt_strerror( unknown ), IotMqtt_strerror( IOT_MQTT_NETWORK_ERROR ),
                     IotMqtt_strerror( IOT_MQTT_TIMEOUT ) );
            exit( 1 );
        }
    }
    CHECK( now_ms() - started < 3000 + 30000 );

    /* A server that never answers: IOT_MQTT_TIMEOUT. Paho goes on trying a little longer; when
     * it gives up, the client it leaves behind must not take Paho down with it (it once did:
     * nothing of the process connected again, and the connect below hung). */
    silent = listen_silently( &silentPort );
    started = now_ms();
    CHECK_MQTT( connect_spoiled( endpoint, silent_server, 500 ), IOT_MQTT_TIMEOUT );
    CHECK( now_ms() - started < 1500 );
    sleep_ms( 2500 );
    close( silent );

    if( endpoint->tls )
    {
        started = now_ms();
        CHECK_MQTT( connect_spoiled( endpoint, wrong_ca, 3000 ), IOT_MQTT_NETWORK_ERROR );
        CHECK_MQTT( connect_spoiled( endpoint, no_client_cert, 3000 ), IOT_MQTT_NETWORK_ERROR );
        CHECK( now_ms() - started < 6000 );
    }
}

static void check_publish_arguments( void )
{
    IotMqttPublishInfo_t good = publish_info( "test/args", "x", IOT_MQTT_QOS_1 ), bad;
    IotMqttCallbackInfo_t callback = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttCallbackInfo_t noFunction = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttOperation_t op = IOT_MQTT_OPERATION_INITIALIZER;
    IotMqttPublishInfo_t qos0 = publish_info( "test/args", "x", IOT_MQTT_QOS_0 );

    callback.function = on_operation;
    CHECK_MQTT( IotMqtt_PublishSync( NULL, &good, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishSync( ( IotMqttConnection_t ) ( intptr_t ) 0x1230, &good, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishSync( connection, NULL, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.pTopicName = NULL;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.topicNameLength = 0;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = publish_info( "test/+", "x", IOT_MQTT_QOS_1 );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.pPayload = NULL;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.qos = IOT_MQTT_QOS_2;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.qos = ( IotMqttQos_t ) 77;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.retryLimit = 3;
    CHECK_MQTT( IotMqtt_PublishSync( connection, &bad, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( NULL, &good, 0, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, NULL, 0, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &qos0, 0, &callback, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &qos0, IOT_MQTT_FLAG_WAITABLE, NULL, &op ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &good, IOT_MQTT_FLAG_WAITABLE, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &good, IOT_MQTT_FLAG_WAITABLE, &callback, &op ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &good, 0, &noFunction, &op ), IOT_MQTT_BAD_PARAMETER );
    CHECK( op == NULL );
}

static void check_subscription_arguments( void )
{
    IotMqttSubscription_t good = subscription( "test/args" ), bad;
    IotMqttCallbackInfo_t noFunction = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttOperation_t op = IOT_MQTT_OPERATION_INITIALIZER;
    static const char * badFilters[] = { "a/#/b", "a+", "a/b#", "#a" };
    size_t i;

    CHECK_MQTT( IotMqtt_SubscribeSync( NULL, &good, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, NULL, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, &good, 0, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.callback.function = NULL;
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, &bad, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.qos = IOT_MQTT_QOS_2;
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, &bad, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.pTopicFilter = NULL;
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, &bad, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    bad = good; bad.topicFilterLength = 0;
    CHECK_MQTT( IotMqtt_UnsubscribeSync( connection, &bad, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );

    for( i = 0; i < sizeof( badFilters ) / sizeof( badFilters[ 0 ] ); i++ )
    {
        bad = subscription( badFilters[ i ] );
        CHECK_MQTT( IotMqtt_SubscribeSync( connection, &bad, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
        CHECK_MQTT( IotMqtt_UnsubscribeAsync( connection, &bad, 1, 0, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    }

    CHECK_MQTT( IotMqtt_UnsubscribeSync( NULL, &good, 1, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_SubscribeAsync( connection, &good, 1, IOT_MQTT_FLAG_WAITABLE, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_SubscribeAsync( connection, &good, 1, 0, &noFunction, &op ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_SubscribeAsync( NULL, &good, 1, 0, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_UnsubscribeAsync( connection, NULL, 1, 0, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_UnsubscribeAsync( connection, &good, 1, IOT_MQTT_FLAG_WAITABLE, NULL, NULL ), IOT_MQTT_BAD_PARAMETER );
    CHECK( op == NULL );
    CHECK( !IotMqtt_IsSubscribed( NULL, "test/args", 9, NULL ) );
    CHECK( !IotMqtt_IsSubscribed( connection, NULL, 9, NULL ) );
    CHECK( !IotMqtt_IsSubscribed( connection, "test/args", 0, NULL ) );
    CHECK_MQTT( IotMqtt_Wait( NULL, 100 ), IOT_MQTT_BAD_PARAMETER );
    CHECK_MQTT( IotMqtt_Wait( ( IotMqttOperation_t ) ( intptr_t ) 0x5670, 100 ), IOT_MQTT_BAD_PARAMETER );
}

int main( void )
{
    TestEndpoint_t endpoint;
    IotMqttCallbackInfo_t disconnect = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttCallbackInfo_t callback = IOT_MQTT_CALLBACK_INFO_INITIALIZER;
    IotMqttSubscription_t data = subscription( "test/+/data" ), current;
    IotMqttPublishInfo_t hello = publish_info( "test/x/data", "hello", IOT_MQTT_QOS_1 );
    IotMqttPublishInfo_t qos0 = publish_info( "test/x/data", "hello", IOT_MQTT_QOS_0 );
    IotMqttOperation_t op = IOT_MQTT_OPERATION_INITIALIZER;

    mainThread = pthread_self();
    test_endpoint( &endpoint );

    /* Before IotMqtt_Init. */
    CHECK_MQTT( test_connect( &endpoint, "early", NULL, &connection ), IOT_MQTT_NOT_INITIALIZED );
    CHECK_MQTT( IotMqtt_Wait( NULL, 0 ), IOT_MQTT_NOT_INITIALIZED );
    CHECK( IotSdk_Init() );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    CHECK( IotNetworkOpenssl_Init() == IOT_NETWORK_SUCCESS );
    CHECK( IOT_NETWORK_INTERFACE_OPENSSL != NULL );
    CHECK( IOT_NETWORK_INTERFACE_OPENSSL->create != NULL );

    check_connect_arguments( &endpoint );

    disconnect.function = on_disconnect;
    CHECK_MQTT( test_connect( &endpoint, "api-test", &disconnect, &connection ), IOT_MQTT_SUCCESS );
    CHECK( connection != NULL );
    check_publish_arguments();
    check_subscription_arguments();

    /* A publish reaches the connection's own subscription. */
    CHECK_MQTT( IotMqtt_SubscribeSync( connection, &data, 1, 0, 5000 ), IOT_MQTT_SUCCESS );
    CHECK( IotMqtt_IsSubscribed( connection, "test/+/data", 11, &current ) );
    CHECK( current.callback.function == on_message && current.callback.pCallbackContext == &messages );
    CHECK( current.qos == IOT_MQTT_QOS_1 && current.topicFilterLength == 11 );
    CHECK( !IotMqtt_IsSubscribed( connection, "test/+/other", 12, NULL ) );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &hello, 0, 5000 ), IOT_MQTT_SUCCESS );
    CHECK( wait_count( &messages, 1 ) );

    /* Asynchronous publishes: QoS 0 fire and forget, QoS 1 waitable, QoS 1 with a callback. */
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &qos0, 0, NULL, NULL ), IOT_MQTT_SUCCESS );
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &hello, IOT_MQTT_FLAG_WAITABLE, NULL, &op ), IOT_MQTT_STATUS_PENDING );
    CHECK( op != NULL );
    CHECK_MQTT( IotMqtt_Wait( op, 5000 ), IOT_MQTT_SUCCESS );
    CHECK_MQTT( IotMqtt_Wait( op, 100 ), IOT_MQTT_BAD_PARAMETER );
    CHECK( wait_count( &messages, 3 ) );
    callback.function = on_operation;
    callback.pCallbackContext = ( void * ) ( intptr_t ) IOT_MQTT_PUBLISH_TO_SERVER;
    CHECK_MQTT( IotMqtt_PublishAsync( connection, &hello, 0, &callback, &callbackReference ), IOT_MQTT_STATUS_PENDING );
    CHECK( wait_count( &operations, 1 ) );
    CHECK( wait_count( &messages, 4 ) );
    callbackReference = NULL;

    /* Asynchronous subscribe and unsubscribe. */
    {
        IotMqttSubscription_t more = subscription( "test/more" );

        CHECK_MQTT( IotMqtt_SubscribeAsync( connection, &more, 1, IOT_MQTT_FLAG_WAITABLE, NULL, &op ), IOT_MQTT_STATUS_PENDING );
        CHECK_MQTT( IotMqtt_Wait( op, 5000 ), IOT_MQTT_SUCCESS );
        CHECK( IotMqtt_IsSubscribed( connection, "test/more", 9, NULL ) );
        callback.pCallbackContext = ( void * ) ( intptr_t ) IOT_MQTT_UNSUBSCRIBE;
        CHECK_MQTT( IotMqtt_UnsubscribeAsync( connection, &more, 1, 0, &callback, NULL ), IOT_MQTT_STATUS_PENDING );
        CHECK( wait_count( &operations, 2 ) );
        CHECK( !IotMqtt_IsSubscribed( connection, "test/more", 9, NULL ) );
    }

    CHECK_MQTT( IotMqtt_UnsubscribeSync( connection, &data, 1, 0, 5000 ), IOT_MQTT_SUCCESS );
    CHECK( !IotMqtt_IsSubscribed( connection, "test/+/data", 11, NULL ) );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &hello, 0, 5000 ), IOT_MQTT_SUCCESS );
    sleep_ms( 200 );
    CHECK( atomic_load( &messages ) == 4 );

    /* Disconnect: the callback says so, and the handle is dead. */
    IotMqtt_Disconnect( connection, 0 );
    CHECK( atomic_load( &disconnects ) == 1 );
    CHECK( atomic_load( &lastDisconnectReason ) == IOT_MQTT_DISCONNECT_CALLED );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &hello, 0, 1000 ), IOT_MQTT_BAD_PARAMETER );
    CHECK( !IotMqtt_IsSubscribed( connection, "test/+/data", 11, NULL ) );
    IotMqtt_Disconnect( connection, 0 );
    IotMqtt_Disconnect( NULL, 0 );

    CHECK( strcmp( IotMqtt_strerror( IOT_MQTT_SERVER_REFUSED ), "SERVER REFUSED" ) == 0 );
    CHECK( strcmp( IotMqtt_OperationType( IOT_MQTT_SUBSCRIBE ), "SUBSCRIBE" ) == 0 );
    IotNetworkOpenssl_Cleanup();
    IotMqtt_Cleanup();
    CHECK_MQTT( IotMqtt_Wait( NULL, 0 ), IOT_MQTT_NOT_INITIALIZED );
    IotSdk_Cleanup();
    printf( "IotMqtt API%s passed\n", endpoint.tls ? " (mutual TLS)" : "" );
    return 0;
}
