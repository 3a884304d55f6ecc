/* Generated from src/ffi/{mqtt_api,strings}.rs by build.rs with cbindgen: do not edit. */

#ifndef IOT_MQTT_H_
#define IOT_MQTT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_mqtt_types.h"

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Describes an MQTT result code.
 */
const char *IotMqtt_strerror(IotMqttError_t status);

/**
 * Names an MQTT operation type.
 */
const char *IotMqtt_OperationType(IotMqttOperationType_t operation);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_MQTT_H_ */
