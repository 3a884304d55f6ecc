/* Written by hand (macros only, which cbindgen cannot render from Rust); `cargo xtask
 * gen-headers` copies it to include/iot_logging_setup.h: edit this file,
 * cbindgen/handwritten/iot_logging_setup.h. */

/*
 * The logging macros of the v4 SDK, for one library or program per translation unit. Define
 * LIBRARY_LOG_LEVEL (IOT_LOG_NONE, IOT_LOG_ERROR, IOT_LOG_WARN, IOT_LOG_INFO or IOT_LOG_DEBUG)
 * and LIBRARY_LOG_NAME (a string, printed as [NAME]) first, then include this header:
 *
 *     #define LIBRARY_LOG_LEVEL    IOT_LOG_INFO
 *     #define LIBRARY_LOG_NAME     ( "DEMO" )
 *     #include "iot_logging_setup.h"
 *
 *     IotLogInfo( "Job %.*s received.", ( int ) idLength, pId );
 *
 * IotLogError/IotLogWarn/IotLogInfo/IotLogDebug( format, ... ) print a message of that level;
 * IotLog( level, pLogConfig, format, ... ) takes an IotLogConfig_t * (or NULL) that hides
 * parts of the prefix; IotLog_PrintBuffer( pHeader, pBuffer, size ) prints a hex dump and
 * exists only at IOT_LOG_DEBUG. Messages above LIBRARY_LOG_LEVEL are not printed, and with
 * IOT_LOG_NONE every macro expands to nothing. Output: see IotLog_Generic in iot_logging.h.
 *
 * As in v4, the include guard makes the first inclusion in a translation unit the one that
 * counts.
 */

#ifndef IOT_LOGGING_SETUP_H_
#define IOT_LOGGING_SETUP_H_

#include "iot_logging.h"

#if !defined( LIBRARY_LOG_LEVEL ) ||            \
    ( ( LIBRARY_LOG_LEVEL != IOT_LOG_NONE ) &&  \
      ( LIBRARY_LOG_LEVEL != IOT_LOG_ERROR ) && \
      ( LIBRARY_LOG_LEVEL != IOT_LOG_WARN ) &&  \
      ( LIBRARY_LOG_LEVEL != IOT_LOG_INFO ) &&  \
      ( LIBRARY_LOG_LEVEL != IOT_LOG_DEBUG ) )
    #error "Define LIBRARY_LOG_LEVEL as IOT_LOG_NONE, IOT_LOG_ERROR, IOT_LOG_WARN, IOT_LOG_INFO or IOT_LOG_DEBUG before including iot_logging_setup.h."
#elif !defined( LIBRARY_LOG_NAME )
    #error "Define LIBRARY_LOG_NAME before including iot_logging_setup.h."
#elif LIBRARY_LOG_LEVEL > IOT_LOG_NONE
    #define IotLog( messageLevel, pLogConfig, ... ) \
    IotLog_Generic( LIBRARY_LOG_LEVEL,              \
                    LIBRARY_LOG_NAME,               \
                    messageLevel,                   \
                    pLogConfig,                     \
                    __VA_ARGS__ )

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

#endif /* IOT_LOGGING_SETUP_H_ */
