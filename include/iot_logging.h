/* Generated from src/ffi/types/logging.rs and src/ffi/platform/logging.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef IOT_LOGGING_H_
#define IOT_LOGGING_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct IotLogConfig;

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Prints one message of library `pLibraryName` if `messageLevel` is not `IOT_LOG_NONE` and at
 * most `libraryLogSetting`: `[LEVEL][LIBRARY][YYYY-MM-DD HH:MM:SS] ` (each part unless
 * `pLogConfig` hides it; NULL shows all), then `pFormat` formatted as by printf, as one line on
 * standard output. An empty message prints nothing. Usually called through the macros of
 * iot_logging_setup.h (IotLogError, IotLogWarn, IotLogInfo, IotLogDebug, IotLog).
 */
void IotLog_Generic( int32_t libraryLogSetting,
                     const char * const pLibraryName,
                     int32_t messageLevel,
                     const struct IotLogConfig * const pLogConfig,
                     const char * const pFormat,
                     ... );

#ifdef __cplusplus
}
#endif

typedef struct IotLogConfig IotLogConfig_t;

/**
 * No message is printed (a library set to this level logs nothing).
 */
#define IOT_LOG_NONE 0

/**
 * Errors only.
 */
#define IOT_LOG_ERROR 1

/**
 * Warnings and errors.
 */
#define IOT_LOG_WARN 2

/**
 * Information, warnings and errors.
 */
#define IOT_LOG_INFO 3

/**
 * Everything.
 */
#define IOT_LOG_DEBUG 4

/**
 * What to leave out of one message's prefix (`[LEVEL][LIBRARY][time] `). A NULL
 * `IotLogConfig_t *` prints all three parts.
 */
struct IotLogConfig {
  /**
   * Leave out `[LEVEL]`.
   */
  bool hideLogLevel;
  /**
   * Leave out `[LIBRARY]`.
   */
  bool hideLibraryName;
  /**
   * Leave out `[time]`.
   */
  bool hideTimestring;
};

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

/**
 * Prints `pHeader` (if not NULL) as a debug message of library `pLibraryName`, then the
 * `bufferSize` bytes at `pBuffer` in hex, 16 a line, without prefix. Prints no byte line for
 * an empty or NULL buffer.
 * Borrows its arguments for the call only. Any thread.
 */
void IotLog_GenericPrintBuffer(const char *pLibraryName,
                               const char *pHeader,
                               const uint8_t *pBuffer,
                               size_t bufferSize);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* IOT_LOGGING_H_ */
