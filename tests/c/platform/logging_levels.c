/* Helpers of logging.c, each in a translation unit of its own: the logging macros take their
 * level from LIBRARY_LOG_LEVEL as the translation unit defines it before iot_logging_setup.h. */

#include "logging_levels.h"

#if defined( LEVEL_DEBUG )
    #define LIBRARY_LOG_LEVEL    IOT_LOG_DEBUG
    #define LIBRARY_LOG_NAME     ( "DBG" )
    #include "iot_logging_setup.h"

void log_at_debug_level( const uint8_t * pBytes, size_t count )
{
    IotLogDebug( "debug %s", "shown" );
    IotLog_PrintBuffer( "bytes:", pBytes, count );
}
#elif defined( LEVEL_NONE )
    #define LIBRARY_LOG_LEVEL    IOT_LOG_NONE
    #define LIBRARY_LOG_NAME     ( "OFF" )
    #include "iot_logging_setup.h"

void log_at_level_none( void )
{
    /* At IOT_LOG_NONE every macro expands to nothing: these name no variable that exists, so
     * this only compiles if the references are removed. */
    IotLogError( "%d", no_such_variable );
    IotLogWarn( "%d", no_such_variable );
    IotLogInfo( "%d", no_such_variable );
    IotLogDebug( "%d", no_such_variable );
    IotLog( IOT_LOG_ERROR, no_such_config, "%d", no_such_variable );
    IotLog_PrintBuffer( no_such_header, no_such_buffer, 1 );
}
#else
    #error "Build with LEVEL_DEBUG or LEVEL_NONE."
#endif
