/* Stand-in for the v4 SDK's iot_logging_setup.h: the macros a program uses, with the same
 * expansions (see ../../../../README.md). */
#ifndef IOT_LOGGING_SETUP_H_
#define IOT_LOGGING_SETUP_H_

#include "iot_config.h"
#include "iot_logging.h"

#if LIBRARY_LOG_LEVEL > IOT_LOG_NONE
    #define IotLog( messageLevel, pLogConfig, ... ) \
    IotLog_Generic( LIBRARY_LOG_LEVEL, LIBRARY_LOG_NAME, messageLevel, pLogConfig, __VA_ARGS__ )
    #define IotLogError( ... )    IotLog( IOT_LOG_ERROR, NULL, __VA_ARGS__ )
    #define IotLogWarn( ... )     IotLog( IOT_LOG_WARN, NULL, __VA_ARGS__ )
    #define IotLogInfo( ... )     IotLog( IOT_LOG_INFO, NULL, __VA_ARGS__ )
    #define IotLogDebug( ... )    IotLog( IOT_LOG_DEBUG, NULL, __VA_ARGS__ )
    #if LIBRARY_LOG_LEVEL >= IOT_LOG_DEBUG
        #define IotLog_PrintBuffer( pHeader, pBuffer, bufferSize ) \
    IotLog_GenericPrintBuffer( LIBRARY_LOG_NAME, pHeader, pBuffer, bufferSize )
    #else
        #define IotLog_PrintBuffer( pHeader, pBuffer, bufferSize )
    #endif
#else
    #define IotLog( messageLevel, pLogConfig, ... )
    #define IotLog_PrintBuffer( pHeader, pBuffer, bufferSize )
    #define IotLogError( ... )
    #define IotLogWarn( ... )
    #define IotLogInfo( ... )
    #define IotLogDebug( ... )
#endif

#endif
