/* IotMqtt_* under concurrency, against a real mosquitto (with_broker.sh):
 *
 * 1. The handle before the callback: ROUNDS QoS 1 PublishAsync calls back to back, each with
 *    the address of its own handle slot as callback context; every completion callback's
 *    `u.operation.reference` equals the handle its caller holds. The same for SubscribeAsync
 *    and UnsubscribeAsync.
 * 2. IotMqtt_Disconnect racing a submitter: a thread keeps calling PublishAsync with a
 *    callback while the main thread disconnects after a varying delay, CYCLES times. Every call
 *    either returns an error and is never called back, or returns STATUS_PENDING and is called
 *    back exactly once, before IotMqtt_Disconnect returns. */

#include "mqtt_test.h"

#include <pthread.h>

#define ROUNDS 2000
#define CYCLES 300
#define PER_CYCLE 48

static atomic_int calls, mismatches;

static void compare( void * pContext, IotMqttCallbackParam_t * pParam )
{
    const IotMqttOperation_t * held = pContext;

    if( pParam->u.operation.reference != *held )
    {
        atomic_fetch_add( &mismatches, 1 );
    }

    atomic_fetch_add( &calls, 1 );
}

static void ignore( void * pContext, IotMqttCallbackParam_t * pParam )
{
    ( void ) pContext;
    ( void ) pParam;
}

static void handles_before_callbacks( TestEndpoint_t * endpoint )
{
    static IotMqttOperation_t slots[ ROUNDS ];
    IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
    IotMqttPublishInfo_t publish = test_publish( "concurrency/handles", "x", 1, IOT_MQTT_QOS_1 );
    IotMqttSubscription_t subscription = IOT_MQTT_SUBSCRIPTION_INITIALIZER;
    int i;

    CHECK_MQTT( test_connect( endpoint, "concurrency-handles", NULL, &connection ), IOT_MQTT_SUCCESS );

    for( i = 0; i < ROUNDS; i++ )
    {
        IotMqttCallbackInfo_t callback = { &slots[ i ], compare };

        slots[ i ] = IOT_MQTT_OPERATION_INITIALIZER;
        CHECK_MQTT( IotMqtt_PublishAsync( connection, &publish, 0, &callback, &slots[ i ] ),
                    IOT_MQTT_STATUS_PENDING );
    }

    CHECK( wait_count( &calls, ROUNDS ) );

    /* Subscribe and unsubscribe, alternating, 200 of each. */
    subscription.qos = IOT_MQTT_QOS_1;
    subscription.pTopicFilter = "concurrency/filter";
    subscription.topicFilterLength = ( uint16_t ) strlen( subscription.pTopicFilter );
    subscription.callback.function = ignore;

    for( i = 0; i < 400; i++ )
    {
        IotMqttCallbackInfo_t callback = { &slots[ i ], compare };

        slots[ i ] = IOT_MQTT_OPERATION_INITIALIZER;

        if( i % 2 == 0 )
        {
            CHECK_MQTT( IotMqtt_SubscribeAsync( connection, &subscription, 1, 0, &callback, &slots[ i ] ),
                        IOT_MQTT_STATUS_PENDING );
        }
        else
        {
            CHECK_MQTT( IotMqtt_UnsubscribeAsync( connection, &subscription, 1, 0, &callback, &slots[ i ] ),
                        IOT_MQTT_STATUS_PENDING );
        }
    }

    CHECK( wait_count( &calls, ROUNDS + 400 ) );
    IotMqtt_Disconnect( connection, 0 );
    printf( "%d PublishAsync and 400 Subscribe/UnsubscribeAsync callbacks, %d saw another "
            "handle than their caller's\n", ROUNDS, atomic_load( &mismatches ) );
    CHECK( atomic_load( &calls ) == ROUNDS + 400 );
    CHECK( atomic_load( &mismatches ) == 0 );
}

typedef struct Call
{
    atomic_int callbacks;
    IotMqttError_t returned;
} Call_t;

typedef struct Submitter
{
    IotMqttConnection_t connection;
    Call_t calls[ PER_CYCLE ];
    int made;
} Submitter_t;

static void count( void * pContext, IotMqttCallbackParam_t * pParam )
{
    ( void ) pParam;
    atomic_fetch_add( &( ( Call_t * ) pContext )->callbacks, 1 );
}

static void * submit( void * argument )
{
    Submitter_t * s = argument;
    IotMqttPublishInfo_t publish = test_publish( "concurrency/race", "y", 1, IOT_MQTT_QOS_1 );

    for( s->made = 0; s->made < PER_CYCLE; s->made++ )
    {
        Call_t * c = &s->calls[ s->made ];
        IotMqttCallbackInfo_t callback = { c, count };
        IotMqttOperation_t operation = IOT_MQTT_OPERATION_INITIALIZER;

        c->returned = IotMqtt_PublishAsync( s->connection, &publish, 0, &callback, &operation );

        if( c->returned != IOT_MQTT_STATUS_PENDING )
        {
            s->made++;
            break;
        }
    }

    return NULL;
}

static void disconnect_races_publishes( TestEndpoint_t * endpoint )
{
    static Submitter_t s;
    long accepted = 0, refused = 0, lost = 0, duplicated = 0, late = 0, refusedButCalled = 0;
    int cycle, i;

    for( cycle = 0; cycle < CYCLES; cycle++ )
    {
        int atReturn[ PER_CYCLE ];
        pthread_t thread;
        struct timespec pause = { 0, ( long ) ( ( unsigned ) cycle * 7919u % 2000u ) * 1000L };

        memset( &s, 0, sizeof( s ) );
        CHECK_MQTT( test_connect( endpoint, "concurrency-race", NULL, &s.connection ), IOT_MQTT_SUCCESS );
        CHECK( pthread_create( &thread, NULL, submit, &s ) == 0 );
        nanosleep( &pause, NULL );
        IotMqtt_Disconnect( s.connection, 0 );

        for( i = 0; i < PER_CYCLE; i++ )
        {
            atReturn[ i ] = atomic_load( &s.calls[ i ].callbacks );
        }

        CHECK( pthread_join( thread, NULL ) == 0 );

        for( i = 0; i < s.made; i++ )
        {
            int now = atomic_load( &s.calls[ i ].callbacks );

            if( s.calls[ i ].returned == IOT_MQTT_STATUS_PENDING )
            {
                accepted++;
                lost += now == 0;
                duplicated += now > 1;
                late += atReturn[ i ] != now;
            }
            else
            {
                refused++;
                refusedButCalled += now != 0;
            }
        }
    }

    printf( "Disconnect racing PublishAsync: %d cycles, %ld calls accepted, %ld refused; lost %ld, "
            "duplicated %ld, late %ld, refused but called back %ld\n", CYCLES, accepted, refused,
            lost, duplicated, late, refusedButCalled );
    CHECK( accepted > 0 && refused > 0 );
    CHECK( lost == 0 && duplicated == 0 && late == 0 && refusedButCalled == 0 );
}

int main( void )
{
    TestEndpoint_t endpoint;

    CHECK( IotSdk_Init() );
    CHECK( IotNetworkOpenssl_Init() == IOT_NETWORK_SUCCESS );
    CHECK_MQTT( IotMqtt_Init(), IOT_MQTT_SUCCESS );
    test_endpoint( &endpoint );

    handles_before_callbacks( &endpoint );
    disconnect_races_publishes( &endpoint );

    IotMqtt_Cleanup();
    IotNetworkOpenssl_Cleanup();
    IotSdk_Cleanup();
    return 0;
}
