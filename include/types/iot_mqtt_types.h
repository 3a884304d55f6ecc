/* Generated from src/ffi/types/mqtt.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_MQTT_TYPES_H_
#define IOT_MQTT_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_platform_types.h"
#include "platform/iot_network.h"

/* Serializer overrides are not supported: the type stays incomplete, as in the v4 SDK built
 * with IOT_MQTT_ENABLE_SERIALIZER_OVERRIDES 0. */
typedef struct IotMqttSerializer IotMqttSerializer_t;

#define IOT_MQTT_NETWORK_INFO_INITIALIZER { true, { { NULL, NULL } }, NULL, { NULL, NULL } }
#define IOT_MQTT_CONNECT_INFO_INITIALIZER \
    { false, true, NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0 }
#define IOT_MQTT_PUBLISH_INFO_INITIALIZER { IOT_MQTT_QOS_0, false, NULL, 0, NULL, 0, 0, 0 }
#define IOT_MQTT_SUBSCRIPTION_INITIALIZER { IOT_MQTT_QOS_0, NULL, 0, { NULL, NULL } }
#define IOT_MQTT_CALLBACK_INFO_INITIALIZER { NULL, NULL }
#define IOT_MQTT_CONNECTION_INITIALIZER NULL
#define IOT_MQTT_OPERATION_INITIALIZER NULL

typedef struct IotMqttCallbackInfo IotMqttCallbackInfo_t;
typedef struct IotMqttCallbackParam IotMqttCallbackParam_t;
typedef struct IotMqttConnectInfo IotMqttConnectInfo_t;
typedef struct IotMqttNetworkInfo IotMqttNetworkInfo_t;
typedef struct IotMqttPublishInfo IotMqttPublishInfo_t;
typedef struct IotMqttSubscription IotMqttSubscription_t;

/**
 * `IotMqtt_SubscribeAsync` and friends: allow `IotMqtt_Wait` on the operation.
 */
#define IOT_MQTT_FLAG_WAITABLE 1

/**
 * `IotMqtt_Disconnect`: release the connection without sending DISCONNECT.
 */
#define IOT_MQTT_FLAG_CLEANUP_ONLY 1

/**
 * The enumerators of `IotMqttError_t`.
 */
typedef enum IotMqttError {
  IOT_MQTT_SUCCESS = 0,
  IOT_MQTT_STATUS_PENDING = 1,
  IOT_MQTT_INIT_FAILED = 2,
  IOT_MQTT_BAD_PARAMETER = 3,
  IOT_MQTT_NO_MEMORY = 4,
  IOT_MQTT_NETWORK_ERROR = 5,
  /**
   * The library could not carry the call or operation out: a panic inside it was contained
   * (logged with its location). A bug of the library, never a caller's mistake.
   */
  IOT_MQTT_SCHEDULING_ERROR = 6,
  IOT_MQTT_BAD_RESPONSE = 7,
  IOT_MQTT_TIMEOUT = 8,
  IOT_MQTT_SERVER_REFUSED = 9,
  IOT_MQTT_RETRY_NO_RESPONSE = 10,
  IOT_MQTT_NOT_INITIALIZED = 11,
} IotMqttError_t;

/**
 * The enumerators of `IotMqttOperationType_t`.
 */
typedef enum IotMqttOperationType {
  IOT_MQTT_CONNECT = 0,
  IOT_MQTT_PUBLISH_TO_SERVER = 1,
  IOT_MQTT_PUBACK = 2,
  IOT_MQTT_SUBSCRIBE = 3,
  IOT_MQTT_UNSUBSCRIBE = 4,
  IOT_MQTT_PINGREQ = 5,
  IOT_MQTT_DISCONNECT = 6,
} IotMqttOperationType_t;

/**
 * The enumerators of `IotMqttQos_t`.
 */
typedef enum IotMqttQos {
  IOT_MQTT_QOS_0 = 0,
  IOT_MQTT_QOS_1 = 1,
  IOT_MQTT_QOS_2 = 2,
} IotMqttQos_t;

/**
 * The enumerators of `IotMqttDisconnectReason_t`.
 */
typedef enum IotMqttDisconnectReason {
  IOT_MQTT_DISCONNECT_CALLED = 0,
  IOT_MQTT_BAD_PACKET_RECEIVED = 1,
  IOT_MQTT_KEEP_ALIVE_TIMEOUT = 2,
} IotMqttDisconnectReason_t;

/**
 * The incomplete type behind [`IotMqttConnection_t`].
 */
struct _mqttConnection;

/**
 * The incomplete type behind [`IotMqttOperation_t`].
 */
struct _mqttOperation;

/**
 * An MQTT connection handle. Only its value means anything: it is a key, never dereferenced.
 */
typedef struct _mqttConnection *IotMqttConnection_t;

/**
 * A handle of an MQTT operation in progress.
 */
typedef struct _mqttOperation *IotMqttOperation_t;

/**
 * An outgoing or incoming PUBLISH. Lengths exclude any NUL terminator.
 */
struct IotMqttPublishInfo {
  IotMqttQos_t qos;
  bool retain;
  const char *pTopicName;
  uint16_t topicNameLength;
  const void *pPayload;
  size_t payloadLength;
  uint32_t retryMs;
  uint32_t retryLimit;
};

/**
 * `IotMqttCallbackParam_t.u.operation`: a completed operation.
 */
struct IotMqttCallbackParamOperation {
  IotMqttOperationType_t type;
  IotMqttOperation_t reference;
  IotMqttError_t result;
};

/**
 * `IotMqttCallbackParam_t.u.message`: an incoming PUBLISH and the filter it matched.
 */
struct IotMqttCallbackParamMessage {
  const char *pTopicFilter;
  uint16_t topicFilterLength;
  struct IotMqttPublishInfo info;
};

/**
 * `IotMqttCallbackParam_t.u`: which member is valid depends on why the callback runs.
 */
union IotMqttCallbackParamU {
  struct IotMqttCallbackParamOperation operation;
  struct IotMqttCallbackParamMessage message;
  IotMqttDisconnectReason_t disconnectReason;
};

/**
 * The second argument of an MQTT callback.
 */
struct IotMqttCallbackParam {
  IotMqttConnection_t mqttConnection;
  union IotMqttCallbackParamU u;
};

/**
 * A callback function and its first argument.
 */
struct IotMqttCallbackInfo {
  void *pCallbackContext;
  void (*function)(void *pCallbackContext, struct IotMqttCallbackParam *pCallbackParam);
};

/**
 * One topic filter to subscribe to or unsubscribe from.
 */
struct IotMqttSubscription {
  IotMqttQos_t qos;
  const char *pTopicFilter;
  uint16_t topicFilterLength;
  struct IotMqttCallbackInfo callback;
};

/**
 * The contents of a CONNECT packet and the session to restore.
 */
struct IotMqttConnectInfo {
  bool awsIotMqttMode;
  bool cleanSession;
  const struct IotMqttSubscription *pPreviousSubscriptions;
  size_t previousSubscriptionCount;
  const struct IotMqttPublishInfo *pWillInfo;
  uint16_t keepAliveSeconds;
  const char *pClientIdentifier;
  uint16_t clientIdentifierLength;
  const char *pUserName;
  uint16_t userNameLength;
  const char *pPassword;
  uint16_t passwordLength;
};

/**
 * `IotMqttNetworkInfo_t.u.setup`: what a new network connection is created from.
 */
struct IotMqttNetworkInfoSetup {
  IotNetworkServerInfo_t pNetworkServerInfo;
  IotNetworkCredentials_t pNetworkCredentialInfo;
};

/**
 * `IotMqttNetworkInfo_t.u`: `setup` if `createNetworkConnection`, else `pNetworkConnection`.
 */
union IotMqttNetworkInfoU {
  struct IotMqttNetworkInfoSetup setup;
  IotNetworkConnection_t pNetworkConnection;
};

/**
 * How an MQTT connection reaches the network.
 */
struct IotMqttNetworkInfo {
  bool createNetworkConnection;
  union IotMqttNetworkInfoU u;
  const IotNetworkInterface_t *pNetworkInterface;
  struct IotMqttCallbackInfo disconnectCallback;
};

#endif  /* IOT_MQTT_TYPES_H_ */
