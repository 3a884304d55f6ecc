/* IotLog_Generic of iot_logging.h.
 *
 * This one function is C because it is variadic, and stable Rust cannot define a C variadic
 * function. It only turns the format and its arguments into text (vsnprintf); the prefix,
 * the timestring and the output are Rust, in awsiotjobs_log_line (src/ffi/platform/logging.rs).
 * Compiled by build.rs with the cc crate, against the generated include/ tree. */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "iot_logging.h"

/* Defined in src/ffi/platform/logging.rs; internal to the library (not exported). */
void awsiotjobs_log_line( const char * pLibraryName,
                          int32_t messageLevel,
                          const IotLogConfig_t * pLogConfig,
                          const char * pMessage,
                          size_t messageLength );

/* Messages up to this length are formatted without allocating. */
#define STACK_MESSAGE_SIZE    ( 256 )

void IotLog_Generic( int32_t libraryLogSetting,
                     const char * const pLibraryName,
                     int32_t messageLevel,
                     const IotLogConfig_t * const pLogConfig,
                     const char * const pFormat,
                     ... )
{
    char stackMessage[ STACK_MESSAGE_SIZE ];
    char * pMessage = stackMessage;
    int length = 0;
    va_list arguments;

    /* As v4: a message above the library's level, or of level NONE, is not printed. */
    if( ( messageLevel == IOT_LOG_NONE ) || ( messageLevel > libraryLogSetting ) || ( pFormat == NULL ) )
    {
        return;
    }

    va_start( arguments, pFormat );
    length = vsnprintf( stackMessage, sizeof( stackMessage ), pFormat, arguments );
    va_end( arguments );

    if( ( length > 0 ) && ( ( size_t ) length >= sizeof( stackMessage ) ) )
    {
        /* Too long for the stack buffer: format again into one of the right size. */
        pMessage = malloc( ( size_t ) length + 1 );

        if( pMessage == NULL )
        {
            return;
        }

        va_start( arguments, pFormat );
        length = vsnprintf( pMessage, ( size_t ) length + 1, pFormat, arguments );
        va_end( arguments );
    }

    /* As v4: an empty message, or one that cannot be formatted, prints nothing. */
    if( length > 0 )
    {
        awsiotjobs_log_line( pLibraryName, messageLevel, pLogConfig, pMessage, ( size_t ) length );
    }

    if( pMessage != stackMessage )
    {
        free( pMessage );
    }
}
