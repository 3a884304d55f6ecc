/* Generated from src/ffi/types/network.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_NETWORK_H_
#define IOT_NETWORK_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"

typedef struct IotNetworkInterface IotNetworkInterface_t;

/**
 * The enumerators of `IotNetworkError_t`.
 */
typedef enum IotNetworkError {
  IOT_NETWORK_SUCCESS = 0,
  IOT_NETWORK_FAILURE = 1,
  IOT_NETWORK_BAD_PARAMETER = 2,
  IOT_NETWORK_NO_MEMORY = 3,
  IOT_NETWORK_SYSTEM_ERROR = 4,
} IotNetworkError_t;

/**
 * The enumerators of `IotNetworkCloseReason_t`.
 */
typedef enum IotNetworkCloseReason {
  IOT_NETWORK_NOT_CLOSED = 0,
  IOT_NETWORK_SERVER_CLOSED = 1,
  IOT_NETWORK_TRANSPORT_FAILURE = 2,
  IOT_NETWORK_CLIENT_CLOSED = 3,
  IOT_NETWORK_UNKNOWN_CLOSED = 4,
} IotNetworkCloseReason_t;

/**
 * Called by a network stack when data can be read from `pConnection`.
 */
typedef void (*IotNetworkReceiveCallback_t)(IotNetworkConnection_t pConnection, void *pContext);

/**
 * Called by a network stack when `pConnection` closed.
 */
typedef void (*IotNetworkCloseCallback_t)(IotNetworkConnection_t pConnection,
                                          IotNetworkCloseReason_t reason,
                                          void *pContext);

/**
 * Opens a connection to `pServerInfo` and stores its handle in `*pConnection`.
 */
typedef IotNetworkError_t (*IotNetworkCreate_t)(IotNetworkServerInfo_t pServerInfo,
                                                IotNetworkCredentials_t pCredentialInfo,
                                                IotNetworkConnection_t *pConnection);

/**
 * Installs the function called when data arrives on `pConnection`.
 */
typedef IotNetworkError_t (*IotNetworkSetReceiveCallback_t)(IotNetworkConnection_t pConnection,
                                                            IotNetworkReceiveCallback_t receiveCallback,
                                                            void *pContext);

/**
 * Installs the function called when `pConnection` closes.
 */
typedef IotNetworkError_t (*IotNetworkSetCloseCallback_t)(IotNetworkConnection_t pConnection,
                                                          IotNetworkCloseCallback_t closeCallback,
                                                          void *pContext);

/**
 * Sends `messageLength` bytes; returns how many were sent.
 */
typedef size_t (*IotNetworkSend_t)(IotNetworkConnection_t pConnection,
                                   const uint8_t *pMessage,
                                   size_t messageLength);

/**
 * Blocks until `bytesRequested` bytes arrived in `pBuffer`; returns how many did.
 */
typedef size_t (*IotNetworkReceive_t)(IotNetworkConnection_t pConnection,
                                      uint8_t *pBuffer,
                                      size_t bytesRequested);

/**
 * Closes `pConnection` without releasing it.
 */
typedef IotNetworkError_t (*IotNetworkClose_t)(IotNetworkConnection_t pConnection);

/**
 * Releases a closed `pConnection`.
 */
typedef IotNetworkError_t (*IotNetworkDestroy_t)(IotNetworkConnection_t pConnection);

/**
 * The functions of one network stack.
 */
struct IotNetworkInterface {
  IotNetworkCreate_t create;
  IotNetworkSetReceiveCallback_t setReceiveCallback;
  IotNetworkSetCloseCallback_t setCloseCallback;
  IotNetworkSend_t send;
  IotNetworkReceive_t receive;
  IotNetworkClose_t close;
  IotNetworkDestroy_t destroy;
};

/**
 * The server a connection goes to.
 */
struct IotNetworkServerInfo {
  /**
   * NUL-terminated host name.
   */
  const char *pHostName;
  /**
   * Port, host byte order.
   */
  uint16_t port;
};

/**
 * TLS settings and credentials of a connection. The `*Size` members count bytes of PEM text.
 */
struct IotNetworkCredentials {
  /**
   * ALPN protocol list in wire format, NUL-terminated; NULL for no ALPN.
   */
  const char *pAlpnProtos;
  /**
   * Largest TLS record to send, 512 to 16384 bytes (the read buffer is sized to match); 0
   * for OpenSSL's default.
   */
  size_t maxFragmentLength;
  /**
   * Leave the server name indication (SNI) out of the TLS handshake.
   */
  bool disableSni;
  const char *pRootCa;
  size_t rootCaSize;
  const char *pClientCert;
  size_t clientCertSize;
  const char *pPrivateKey;
  size_t privateKeySize;
  const char *pUserName;
  size_t userNameSize;
  const char *pPassword;
  size_t passwordSize;
};

#endif  /* IOT_NETWORK_H_ */
