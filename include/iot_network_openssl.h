/* Generated from src/ffi/mqtt/network_openssl.rs by cargo xtask gen-headers with cbindgen: do not edit. */

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

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Prepares the network stack. Nothing to do here (Paho initialises OpenSSL on first use);
 * always `IOT_NETWORK_SUCCESS`. Any thread.
 */
IotNetworkError_t IotNetworkOpenssl_Init(void);

/**
 * Releases the network stack. Nothing to do; connections stay usable until
 * `IotMqtt_Disconnect`. Any thread.
 */
void IotNetworkOpenssl_Cleanup(void);

/**
 * The OpenSSL network interface to put in `IotMqttNetworkInfo_t.pNetworkInterface`. The
 * pointer is to a static object that lives for the whole process; the caller must not modify
 * or free it. Any thread.
 */
const IotNetworkInterface_t *IotNetworkOpenssl_GetInterface(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_NETWORK_OPENSSL_H_ */
