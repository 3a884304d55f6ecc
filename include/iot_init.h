/* Generated from src/ffi/mqtt/sdk_init.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_INIT_H_
#define IOT_INIT_H_

#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Initialises the SDK: always succeeds and may be called again. Any thread.
 */
bool IotSdk_Init(void);

/**
 * Cleans up the SDK; call it after every other library's cleanup. Nothing is released that
 * another call still needs. Any thread.
 */
void IotSdk_Cleanup(void);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_INIT_H_ */
