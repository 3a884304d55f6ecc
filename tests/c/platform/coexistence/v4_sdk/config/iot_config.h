/* The application's configuration, as a v4 demo's iot_config.h: log levels, then the port's
 * system types. */
#ifndef IOT_CONFIG_H_
#define IOT_CONFIG_H_

#define IOT_LOG_LEVEL_GLOBAL    IOT_LOG_INFO
#define IOT_LOG_LEVEL_DEMO      IOT_LOG_INFO

#include "iot_platform_types_posix.h"

#endif
