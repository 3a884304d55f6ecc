/* Stand-in for the v4 SDK's iot_logging.h (see ../../../../README.md). */
#ifndef IOT_LOGGING_H_
#define IOT_LOGGING_H_

#include "iot_config.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOT_LOG_NONE     0
#define IOT_LOG_ERROR    1
#define IOT_LOG_WARN     2
#define IOT_LOG_INFO     3
#define IOT_LOG_DEBUG    4

typedef struct IotLogConfig
{
    bool hideLogLevel;
    bool hideLibraryName;
    bool hideTimestring;
} IotLogConfig_t;

void IotLog_Generic( int32_t libraryLogSetting, const char * const pLibraryName, int32_t messageLevel,
                     const IotLogConfig_t * const pLogConfig, const char * const pFormat, ... );
void IotLog_GenericPrintBuffer( const char * const pLibraryName, const char * const pHeader,
                                const uint8_t * const pBuffer, size_t bufferSize );

#endif
