/* The helpers of logging.c built at other log levels (logging_levels.c). */
#ifndef LOGGING_LEVELS_H_
#define LOGGING_LEVELS_H_

#include <stddef.h>
#include <stdint.h>

/* IotLogDebug("debug %s", "shown") and IotLog_PrintBuffer("bytes:", ...) at IOT_LOG_DEBUG,
 * library name "DBG". */
void log_at_debug_level( const uint8_t * pBytes, size_t count );

/* Every macro at IOT_LOG_NONE: prints nothing. */
void log_at_level_none( void );

#endif /* LOGGING_LEVELS_H_ */
