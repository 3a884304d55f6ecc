/* Generated from src/ffi/network_openssl.rs by build.rs with cbindgen: do not edit. */

#ifndef IOT_NETWORK_OPENSSL_H_
#define IOT_NETWORK_OPENSSL_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"
#include "platform/iot_network.h"

typedef struct _networkConnection IotNetworkConnectionOpenssl_t;

#define IOT_NETWORK_SERVER_INFO_OPENSSL_INITIALIZER { NULL, 0 }
#define IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER \
    { NULL, 0, false, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }
#define AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER \
    { "\x0e" "x-amzn-mqtt-ca", 0, false, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }
#define AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER_FOR_CLIENT_CERTIFICATE \
    AWS_IOT_NETWORK_CREDENTIALS_OPENSSL_INITIALIZER
#define AWS_IOT_PASSWORD_ALPN_FOR_OPENSSL "\x04" "mqtt"
#define IOT_NETWORK_INTERFACE_OPENSSL ( IotNetworkOpenssl_GetInterface() )

#endif  /* IOT_NETWORK_OPENSSL_H_ */
