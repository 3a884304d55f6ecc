/* Generated from src/ffi/sdk_init.rs by build.rs with cbindgen: do not edit. */

#ifndef IOT_INIT_H_
#define IOT_INIT_H_

#include <stdbool.h>

#endif  /* IOT_INIT_H_ */
