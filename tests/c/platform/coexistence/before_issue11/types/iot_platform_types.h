/* types/iot_platform_types.h as awsiotjobs shipped it before issue 11 (generated, commit 5be3ee5): no thread,
 * mutex, semaphore or timer types. coexistence/CMakeLists.txt checks that the v4-style program
 * fails to compile with it, which shows the stand-in SDK reproduces the problem. */

#ifndef IOT_PLATFORM_TYPES_H_
#define IOT_PLATFORM_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The structs these handles point to are defined in platform/iot_network.h. */
struct IotNetworkServerInfo;
struct IotNetworkCredentials;

/**
 * The incomplete type behind [`IotNetworkConnection_t`]. Never instantiated: a connection
 * handle is only ever an address chosen by the network stack.
 */
struct _networkConnection;

/**
 * Where to connect, as handed to `IotNetworkInterface_t.create`.
 */
typedef struct IotNetworkServerInfo *IotNetworkServerInfo_t;

/**
 * The TLS credentials handed to `IotNetworkInterface_t.create`.
 */
typedef struct IotNetworkCredentials *IotNetworkCredentials_t;

/**
 * A network connection created by a network stack.
 */
typedef struct _networkConnection *IotNetworkConnection_t;

#endif  /* IOT_PLATFORM_TYPES_H_ */
