/* Helpers shared by the MQTT C tests: the broker's address from the environment that
 * with_broker.sh sets, a v4-style connect, checks that stop the test, and bounded waits. */
#ifndef MQTT_TEST_H_
#define MQTT_TEST_H_

#define _POSIX_C_SOURCE 200809L

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "iot_init.h"
#include "iot_mqtt.h"
#include "iot_network_openssl.h"

#define CHECK( cond )                                                        \
    do {                                                                     \
        if( !( cond ) ) {                                                    \
            fprintf( stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond ); \
            exit( 1 );                                                       \
        }                                                                    \
    } while( 0 )

#define CHECK_MQTT( call, expected )                                         \
    do {                                                                     \
        IotMqttError_t got_ = ( call );                                      \
        if( got_ != ( expected ) ) {                                         \
            fprintf( stderr, "%s:%d: %s returned %s, expected %s\n", __FILE__, __LINE__, \
                     #call, IotMqtt_strerror( got_ ), IotMqtt_strerror( expected ) ); \
            exit( 1 );                                                       \
        }                                                                    \
    } while( 0 )

static inline const char * test_env( const char * name )
{
    const char * value = getenv( name );

    if( value == NULL )
    {
        fprintf( stderr, "%s is not set: run this test through with_broker.sh\n", name );
        exit( 1 );
    }

    return value;
}

static inline int64_t now_ms( void )
{
    struct timespec t;

    clock_gettime( CLOCK_MONOTONIC, &t );
    return ( int64_t ) t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static inline void sleep_ms( long ms )
{
    struct timespec t = { ms / 1000, ( ms % 1000 ) * 1000000L };

    nanosleep( &t, NULL );
}

/* Waits up to 15 s for *counter to reach at least `target`. */
static inline int wait_count( atomic_int * counter, int target )
{
    int64_t end = now_ms() + 15000;

    while( atomic_load( counter ) < target && now_ms() < end )
    {
        sleep_ms( 2 );
    }

    return atomic_load( counter ) >= target;
}

/* A publish of `length` bytes of `payload` to `topic`. */
static inline IotMqttPublishInfo_t test_publish( const char * topic,
                                                 const void * payload,
                                                 size_t length,
                                                 IotMqttQos_t qos )
{
    IotMqttPublishInfo_t publish = IOT_MQTT_PUBLISH_INFO_INITIALIZER;

    publish.qos = qos;
    publish.pTopicName = topic;
    publish.topicNameLength = ( uint16_t ) strlen( topic );
    publish.pPayload = payload;
    publish.payloadLength = length;
    return publish;
}

/* What a connection is made from, v4 style: server info, optional credentials. */
typedef struct TestEndpoint
{
    struct IotNetworkServerInfo serverInfo;
    struct IotNetworkCredentials credentials;
    bool tls;
} TestEndpoint_t;

static inline void test_endpoint( TestEndpoint_t * endpoint )
{
    struct IotNetworkServerInfo serverInfo = IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER;
    struct IotNetworkCredentials credentials = IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER;

    serverInfo.pHostName = test_env( "MQTT_TEST_HOST" );
    serverInfo.port = ( uint16_t ) atoi( test_env( "MQTT_TEST_PORT" ) );
    endpoint->tls = getenv( "MQTT_TEST_ROOT_CA" ) != NULL;

    if( endpoint->tls )
    {
        credentials.pRootCa = getenv( "MQTT_TEST_ROOT_CA" );
        credentials.rootCaSize = strlen( credentials.pRootCa );
        credentials.pClientCert = test_env( "MQTT_TEST_CLIENT_CERT" );
        credentials.clientCertSize = strlen( credentials.pClientCert );
        credentials.pPrivateKey = test_env( "MQTT_TEST_CLIENT_KEY" );
        credentials.privateKeySize = strlen( credentials.pPrivateKey );
    }

    endpoint->serverInfo = serverInfo;
    endpoint->credentials = credentials;
}

/* Connects as the v4 demos do; TLS when the environment names certificates; with
 * `awsIotMqttMode` set as v4 firmware sets it for AWS IoT (and v4's own Jobs system test set it
 * against mosquitto). */
static inline IotMqttError_t test_connect_mode( TestEndpoint_t * endpoint,
                                                const char * clientId,
                                                const IotMqttCallbackInfo_t * disconnectCallback,
                                                bool awsIotMqttMode,
                                                IotMqttConnection_t * pConnection )
{
    IotMqttNetworkInfo_t networkInfo = IOT_MQTT_NETWORK_INFO_INITIALIZER;
    IotMqttConnectInfo_t connectInfo = IOT_MQTT_CONNECT_INFO_INITIALIZER;

    networkInfo.createNetworkConnection = true;
    networkInfo.u.setup.pNetworkServerInfo = &endpoint->serverInfo;
    networkInfo.u.setup.pNetworkCredentialInfo = endpoint->tls ? &endpoint->credentials : NULL;
    networkInfo.pNetworkInterface = IOT_NETWORK_INTERFACE_OPENSSL;

    if( disconnectCallback != NULL )
    {
        networkInfo.disconnectCallback = *disconnectCallback;
    }

    connectInfo.awsIotMqttMode = awsIotMqttMode;
    connectInfo.cleanSession = true;
    connectInfo.keepAliveSeconds = 60;
    connectInfo.pClientIdentifier = clientId;
    connectInfo.clientIdentifierLength = ( uint16_t ) strlen( clientId );

    return IotMqtt_Connect( &networkInfo, &connectInfo, 5000, pConnection );
}

/* test_connect_mode with awsIotMqttMode off. */
static inline IotMqttError_t test_connect( TestEndpoint_t * endpoint,
                                           const char * clientId,
                                           const IotMqttCallbackInfo_t * disconnectCallback,
                                           IotMqttConnection_t * pConnection )
{
    return test_connect_mode( endpoint, clientId, disconnectCallback, false, pConnection );
}

#endif /* MQTT_TEST_H_ */
