/* Stand-in for the v4 SDK's iot_error.h: three of its macros, enough for the guard to matter
 * (see ../../../../README.md). */
#ifndef IOT_ERROR_H_
#define IOT_ERROR_H_

#include "iot_config.h"

#define IOT_FUNCTION_ENTRY( statusType, initialValue )    statusType status = initialValue
#define IOT_FUNCTION_CLEANUP_BEGIN()                      iotCleanup:
#define IOT_FUNCTION_CLEANUP_END()                        return status
#define IOT_GOTO_CLEANUP()                                goto iotCleanup

#endif
