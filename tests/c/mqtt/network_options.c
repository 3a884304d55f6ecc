/* What the v4 API lets a program ask of the network that Paho C has no option for, and the
 * library does inside it: disableSni, maxFragmentLength and IOT_MQTT_FLAG_CLEANUP_ONLY.
 *
 * Under TLS: a listener of this test reads the ClientHello of a connect and finds the host
 * name in it, or no server name at all with disableSni; connections with disableSni and with
 * a 512-byte maximum fragment work against mosquitto; fragment lengths out of range are
 * refused. In both modes: IotMqtt_Disconnect with IOT_MQTT_FLAG_CLEANUP_ONLY closes the
 * socket without DISCONNECT, so the broker publishes the connection's will, and a plain
 * IotMqtt_Disconnect does not. */
#include "mqtt_test.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

/* ---- A listener that keeps the first TLS record a client sends ------------------------- */

typedef struct HelloCatcher
{
    int listener;
    uint16_t port;
    unsigned char bytes[16384];
    size_t length;
    pthread_t thread;
} HelloCatcher_t;

static void * catch_hello( void * argument )
{
    HelloCatcher_t * catcher = argument;
    struct timeval limit = { 5, 0 };
    int client = accept( catcher->listener, NULL, NULL );

    if( client < 0 )
    {
        return NULL;
    }

    setsockopt( client, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof( limit ) );

    while( catcher->length < sizeof( catcher->bytes ) )
    {
        ssize_t n = recv( client, catcher->bytes + catcher->length,
                          sizeof( catcher->bytes ) - catcher->length, 0 );

        if( n <= 0 )
        {
            break;
        }

        catcher->length += ( size_t ) n;

        if( ( catcher->length >= 5 ) &&
            ( catcher->length >= 5 + ( ( ( size_t ) catcher->bytes[ 3 ] << 8 ) | catcher->bytes[ 4 ] ) ) )
        {
            break;
        }
    }

    close( client );
    return NULL;
}

static void catcher_start( HelloCatcher_t * catcher )
{
    struct sockaddr_in address;
    socklen_t size = sizeof( address );

    memset( catcher, 0, sizeof( *catcher ) );
    memset( &address, 0, sizeof( address ) );
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl( INADDR_LOOPBACK );
    catcher->listener = socket( AF_INET, SOCK_STREAM, 0 );
    CHECK( catcher->listener >= 0 );
    CHECK( bind( catcher->listener, ( struct sockaddr * ) &address, sizeof( address ) ) == 0 );
    CHECK( listen( catcher->listener, 1 ) == 0 );
    CHECK( getsockname( catcher->listener, ( struct sockaddr * ) &address, &size ) == 0 );
    catcher->port = ntohs( address.sin_port );
    CHECK( pthread_create( &catcher->thread, NULL, catch_hello, catcher ) == 0 );
}

static void catcher_stop( HelloCatcher_t * catcher )
{
    /* Wakes an accept() that is still waiting. */
    shutdown( catcher->listener, SHUT_RDWR );
    pthread_join( catcher->thread, NULL );
    close( catcher->listener );
}

/* The server name of the ClientHello in `b`: 1 (copied to `name`), 0 when it has none, -1 when
 * `b` does not start with a whole ClientHello. */
static int hello_server_name( const unsigned char * b, size_t n, char * name, size_t capacity )
{
    size_t p, end, extensionsEnd;

    if( ( n < 9 ) || ( b[ 0 ] != 22 ) || ( b[ 5 ] != 1 ) )
    {
        return -1;
    }

    end = 5 + ( ( ( size_t ) b[ 3 ] << 8 ) | b[ 4 ] );
    p = 5 + 4 + 2 + 32; /* handshake header, version, random */

    if( ( end > n ) || ( p + 1 > end ) )
    {
        return -1;
    }

    p += 1 + b[ p ]; /* session ID */

    if( p + 2 > end )
    {
        return -1;
    }

    p += 2 + ( ( ( size_t ) b[ p ] << 8 ) | b[ p + 1 ] ); /* cipher suites */

    if( p + 1 > end )
    {
        return -1;
    }

    p += 1 + b[ p ]; /* compression methods */

    if( p + 2 > end )
    {
        return -1;
    }

    extensionsEnd = p + 2 + ( ( ( size_t ) b[ p ] << 8 ) | b[ p + 1 ] );
    p += 2;

    if( extensionsEnd > end )
    {
        return -1;
    }

    while( p + 4 <= extensionsEnd )
    {
        unsigned type = ( ( unsigned ) b[ p ] << 8 ) | b[ p + 1 ];
        size_t length = ( ( size_t ) b[ p + 2 ] << 8 ) | b[ p + 3 ];

        p += 4;

        if( p + length > extensionsEnd )
        {
            return -1;
        }

        if( type == 0 )
        {
            /* server_name: list length, name type, name length, name */
            size_t nameLength;

            if( length < 5 )
            {
                return -1;
            }

            nameLength = ( ( size_t ) b[ p + 3 ] << 8 ) | b[ p + 4 ];

            if( ( 5 + nameLength > length ) || ( nameLength + 1 > capacity ) )
            {
                return -1;
            }

            memcpy( name, b + p + 5, nameLength );
            name[ nameLength ] = '\0';
            return 1;
        }

        p += length;
    }

    return 0;
}

/* ---- Connections --------------------------------------------------------------------------- */

static IotMqttError_t connect_to( const TestEndpoint_t * endpoint,
                                  uint16_t port,
                                  struct IotNetworkCredentials * credentials,
                                  const char * clientId,
                                  const IotMqttPublishInfo_t * will,
                                  IotMqttConnection_t * connection )
{
    IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t info = IOT_MQTT_CONNECT_INFO_INITIALIZER;
    struct IotNetworkServerInfo server = endpoint->serverInfo;

    server.port = port;
    network.createNetworkConnection = true;
    network.u.setup.pNetworkServerInfo = &server;
    network.u.setup.pNetworkCredentialInfo = credentials;
    network.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;
    info.cleanSession = true;
    info.keepAliveSeconds = 60;
    info.pClientIdentifier = clientId;
    info.clientIdentifierLength = ( uint16_t ) strlen( clientId );
    info.pWillInfo = will;
    return IotMqtt_Connect( &network, &info, 5000, connection );
}

static IotMqttPublishInfo_t publish_info( const char * topic, const char * payload, size_t length )
{
    return test_publish( topic, payload, length, IOT_MQTT_QOS_1 );
}

/* ---- TLS: server name indication and maximum fragment length ------------------------------ */

/* Connects to a listener that only reads the ClientHello; returns the server name result. */
static int server_name_sent( const TestEndpoint_t * endpoint, bool disableSni, char * name, size_t capacity )
{
    HelloCatcher_t * catcher = calloc( 1, sizeof( *catcher ) );
    struct IotNetworkCredentials credentials = endpoint->credentials;
    IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
    IotMqttError_t status;
    int found;

    CHECK( catcher != NULL );
    catcher_start( catcher );
    credentials.disableSni = disableSni;
    status = connect_to( endpoint, catcher->port, &credentials, "sni-probe", NULL, &connection );
    catcher_stop( catcher );
    /* The listener hangs up after the ClientHello: no connection. */
    CHECK( status == IOT_MQTT_NETWORK_ERROR || status == IOT_MQTT_TIMEOUT );
    found = hello_server_name( catcher->bytes, catcher->length, name, capacity );
    free( catcher );
    return found;
}

static void check_tls_options( const TestEndpoint_t * endpoint )
{
    struct IotNetworkCredentials credentials = endpoint->credentials;
    IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
    uint16_t port = endpoint->serverInfo.port;
    char name[ 256 ];
    static char big[ 4000 ];
    IotMqttPublishInfo_t publish = publish_info( "options/data", big, sizeof( big ) );
    const size_t badLengths[] = { 1, 511, 16385, ( size_t ) -1 };
    size_t i;

    CHECK( server_name_sent( endpoint, false, name, sizeof( name ) ) == 1 );
    CHECK( strcmp( name, endpoint->serverInfo.pHostName ) == 0 );
    CHECK( server_name_sent( endpoint, true, name, sizeof( name ) ) == 0 );

    /* mosquitto needs no SNI. */
    credentials.disableSni = true;
    CHECK_MQTT( connect_to( endpoint, port, &credentials, "no-sni", NULL, &connection ), IOT_MQTT_SUCCESS );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &publish, 0, 5000 ), IOT_MQTT_SUCCESS );
    IotMqtt_Disconnect( connection, 0 );

    credentials = endpoint->credentials;
    credentials.maxFragmentLength = 512;
    CHECK_MQTT( connect_to( endpoint, port, &credentials, "mfl-512", NULL, &connection ), IOT_MQTT_SUCCESS );
    CHECK_MQTT( IotMqtt_PublishSync( connection, &publish, 0, 5000 ), IOT_MQTT_SUCCESS );
    IotMqtt_Disconnect( connection, 0 );

    for( i = 0; i < sizeof( badLengths ) / sizeof( badLengths[ 0 ] ); i++ )
    {
        credentials.maxFragmentLength = badLengths[ i ];
        connection = IOT_MQTT_CONNECTION_INITIALIZER;
        CHECK_MQTT( connect_to( endpoint, port, &credentials, "mfl-bad", NULL, &connection ), IOT_MQTT_BAD_PARAMETER );
        CHECK( connection == IOT_MQTT_CONNECTION_INITIALIZER );
    }
}

/* ---- IOT_MQTT_FLAG_CLEANUP_ONLY and the will ------------------------------------------------ */

static atomic_int droppedWills, cleanWills, fences;

static void on_message( void * context, IotMqttCallbackParam_t * param )
{
    ( void ) param;
    atomic_fetch_add( ( atomic_int * ) context, 1 );
}

static void check_cleanup_only( const TestEndpoint_t * endpoint )
{
    struct IotNetworkCredentials tls = endpoint->credentials;
    struct IotNetworkCredentials * credentials = endpoint->tls ? &tls : NULL;
    uint16_t port = endpoint->serverInfo.port;
    IotMqttConnection_t watcher = IOT_MQTT_CONNECTION_INITIALIZER, connection = IOT_MQTT_CONNECTION_INITIALIZER;
    char dropped[ 64 ], clean[ 64 ], fence[ 64 ], id[ 64 ];
    IotMqttSubscription_t subscriptions[ 3 ];
    atomic_int * counters[ 3 ] = { &droppedWills, &cleanWills, &fences };
    const char * topics[ 3 ] = { dropped, clean, fence };
    IotMqttPublishInfo_t will;
    int64_t start;
    int i;

    snprintf( dropped, sizeof( dropped ), "wills/%d/dropped", ( int ) getpid() );
    snprintf( clean, sizeof( clean ), "wills/%d/clean", ( int ) getpid() );
    snprintf( fence, sizeof( fence ), "wills/%d/fence", ( int ) getpid() );

    snprintf( id, sizeof( id ), "watcher-%d", ( int ) getpid() );
    CHECK_MQTT( connect_to( endpoint, port, credentials, id, NULL, &watcher ), IOT_MQTT_SUCCESS );

    for( i = 0; i < 3; i++ )
    {
        IotMqttSubscription_t s = IOT_MQTT_SUBSCRIPTION_INITIALIZER;

        s.qos = IOT_MQTT_QOS_1;
        s.pTopicFilter = topics[ i ];
        s.topicFilterLength = ( uint16_t ) strlen( topics[ i ] );
        s.callback.pCallbackContext = counters[ i ];
        s.callback.function = on_message;
        subscriptions[ i ] = s;
    }

    CHECK_MQTT( IotMqtt_SubscribeSync( watcher, subscriptions, 3, 0, 5000 ), IOT_MQTT_SUCCESS );

    /* Cleanup only: the socket closes without DISCONNECT and the broker publishes the will. */
    will = publish_info( dropped, "gone", 4 );
    snprintf( id, sizeof( id ), "dropped-%d", ( int ) getpid() );
    CHECK_MQTT( connect_to( endpoint, port, credentials, id, &will, &connection ), IOT_MQTT_SUCCESS );
    /* A connection only just made is destroyed half a second later (the grace Paho gets to let
     * go of the CONNECT, see src/transport/paho/reaper.rs); one that lived longer, at once. */
    sleep_ms( 600 );
    start = now_ms();
    IotMqtt_Disconnect( connection, IOT_MQTT_FLAG_CLEANUP_ONLY );
    CHECK( wait_count( &droppedWills, 1 ) );
    printf( "the will arrived %lld ms after IotMqtt_Disconnect\n", ( long long ) ( now_ms() - start ) );

    /* A plain Disconnect says goodbye: no will. The fence, published after it, arrives after
     * anything the broker would have published for it. */
    will = publish_info( clean, "gone", 4 );
    snprintf( id, sizeof( id ), "clean-%d", ( int ) getpid() );
    CHECK_MQTT( connect_to( endpoint, port, credentials, id, &will, &connection ), IOT_MQTT_SUCCESS );
    IotMqtt_Disconnect( connection, 0 );
    sleep_ms( 300 );
    will = publish_info( fence, "after", 5 );
    CHECK_MQTT( IotMqtt_PublishSync( watcher, &will, 0, 5000 ), IOT_MQTT_SUCCESS );
    CHECK( wait_count( &fences, 1 ) );
    CHECK( atomic_load( &cleanWills ) == 0 );
    CHECK( atomic_load( &droppedWills ) == 1 );

    IotMqtt_Disconnect( watcher, 0 );
}

int main( void )
{
    TestEndpoint_t endpoint;

    test_endpoint( &endpoint );
    CHECK( IotSdk_Init() );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    CHECK( IotNetworkOpenssl_Init() == IOT_NETWORK_SUCCESS );

    if( endpoint.tls )
    {
        check_tls_options( &endpoint );
    }

    check_cleanup_only( &endpoint );

    IotNetworkOpenssl_Cleanup();
    IotMqtt_Cleanup();
    IotSdk_Cleanup();
    puts( endpoint.tls ? "network options over TLS: ok" : "network options over TCP: ok" );
    return 0;
}
