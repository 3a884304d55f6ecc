/* iot_logging.h and iot_logging_setup.h from C: the v4 line format
 * `[LEVEL][NAME][YYYY-MM-DD HH:MM:SS] message` on standard output, levels filtered by
 * LIBRARY_LOG_LEVEL, parts hidden by IotLogConfig_t, long messages whole, the hex dump of
 * IotLog_GenericPrintBuffer, and the iot_error.h macros. Standard output is captured in a
 * temporary file and read back. */

#include <ctype.h>
#include <string.h>
#include <unistd.h>

#define LIBRARY_LOG_LEVEL    IOT_LOG_INFO
#define LIBRARY_LOG_NAME     ( "TEST" )
#include "iot_logging_setup.h"

#include "iot_error.h"
#include "logging_levels.h"
#include "test_support.h"

#define MAX_LINES 64

static char captured[16384];
static char *lines[MAX_LINES];
static size_t lineCount;

static FILE *capture;
static int savedStdout = -1;

static void capture_start(void) {
    fflush(stdout);
    capture = tmpfile();
    CHECK(capture != NULL);
    savedStdout = dup(STDOUT_FILENO);
    CHECK(savedStdout >= 0);
    CHECK(dup2(fileno(capture), STDOUT_FILENO) >= 0);
}

/* Stops capturing and splits what was printed into `lines`. */
static void capture_stop(void) {
    size_t length;
    char *line;
    fflush(stdout);
    CHECK(dup2(savedStdout, STDOUT_FILENO) >= 0);
    close(savedStdout);
    rewind(capture);
    length = fread(captured, 1, sizeof(captured) - 1, capture);
    fclose(capture);
    captured[length] = '\0';
    lineCount = 0;
    for (line = strtok(captured, "\n"); line != NULL; line = strtok(NULL, "\n")) {
        CHECK(lineCount < MAX_LINES);
        lines[lineCount++] = line;
    }
    /* Show what was captured, for the test log. */
    for (length = 0; length < lineCount; length++) {
        printf("  | %.100s\n", lines[length]);
    }
}

/* Checks `line` is `prefix` + "[YYYY-MM-DD HH:MM:SS] " + `message`. */
static void check_timed_line(const char *line, const char *prefix, const char *message) {
    const char *shape = "[9999-99-99 99:99:99] ";
    size_t i, prefixLength = strlen(prefix), shapeLength = strlen(shape);
    ts_context("line %s", line);
    CHECK(strncmp(line, prefix, prefixLength) == 0);
    for (i = 0; i < shapeLength; i++) {
        char c = line[prefixLength + i];
        CHECK(shape[i] == '9' ? isdigit((unsigned char)c) : c == shape[i]);
    }
    CHECK_STR(line + prefixLength + shapeLength, message);
}

static void lines_have_the_v4_format_and_levels_filter(void) {
    capture_start();
    IotLogError("error %d", 1);
    IotLogWarn("warn %s", "two");
    IotLogInfo("info %c", '3');
    IotLogDebug("debug is above INFO: not printed");
    capture_stop();
    CHECK_EQ(lineCount, 3);
    check_timed_line(lines[0], "[ERROR][TEST]", "error 1");
    check_timed_line(lines[1], "[WARN ][TEST]", "warn two");
    check_timed_line(lines[2], "[INFO ][TEST]", "info 3");
}

static void parts_can_be_hidden(void) {
    IotLogConfig_t noLevel = { true, false, false };
    IotLogConfig_t noName = { false, true, false };
    IotLogConfig_t noTime = { false, false, true };
    IotLogConfig_t bare = { true, true, true };
    capture_start();
    IotLog(IOT_LOG_INFO, &noLevel, "a");
    IotLog(IOT_LOG_INFO, &noName, "b");
    IotLog(IOT_LOG_WARN, &noTime, "c");
    IotLog(IOT_LOG_INFO, &bare, "d %s", "e");
    IotLog(IOT_LOG_INFO, NULL, "f");
    capture_stop();
    CHECK_EQ(lineCount, 5);
    check_timed_line(lines[0], "[TEST]", "a");
    check_timed_line(lines[1], "[INFO ]", "b");
    CHECK_STR(lines[2], "[WARN ][TEST] c");
    CHECK_STR(lines[3], "d e");
    check_timed_line(lines[4], "[INFO ][TEST]", "f");
}

static void the_generic_function_filters_as_v4(void) {
    IotLogConfig_t bare = { true, true, true };
    static char longMessage[3001];
    memset(longMessage, 'x', sizeof(longMessage) - 1);
    longMessage[1500] = '|';
    capture_start();
    IotLog_Generic(IOT_LOG_DEBUG, "LIB", IOT_LOG_NONE, NULL, "level NONE: not printed");
    IotLog_Generic(IOT_LOG_WARN, "LIB", IOT_LOG_INFO, NULL, "above the setting: not printed");
    IotLog_Generic(IOT_LOG_NONE, "LIB", IOT_LOG_ERROR, NULL, "setting NONE: not printed");
    IotLog_Generic(IOT_LOG_INFO, "LIB", IOT_LOG_INFO, &bare, "%s", "");
    IotLog_Generic(IOT_LOG_INFO, "LIB", IOT_LOG_INFO, &bare, NULL);
    IotLog_Generic(IOT_LOG_INFO, "LIB", IOT_LOG_ERROR, &bare, "%s", longMessage);
    IotLog_Generic(IOT_LOG_INFO, NULL, IOT_LOG_ERROR, NULL, "no name");
    IotLog_Generic(IOT_LOG_INFO, "LIB", IOT_LOG_ERROR, NULL, "100%% %s", "literal");
    capture_stop();
    CHECK_EQ(lineCount, 3);
    CHECK_EQ(strlen(lines[0]), 3000);
    CHECK(lines[0][1500] == '|' && lines[0][2999] == 'x');
    check_timed_line(lines[1], "[ERROR]", "no name");
    check_timed_line(lines[2], "[ERROR][LIB]", "100% literal");
}

static void buffers_print_as_hex_sixteen_bytes_a_line(void) {
    uint8_t bytes[34];
    size_t i;
    for (i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (uint8_t)(i * 7 + 0xf0);
    }
    capture_start();
    IotLog_GenericPrintBuffer("HEX", "Header: 50%", bytes, sizeof(bytes));
    IotLog_GenericPrintBuffer("HEX", NULL, bytes, 3);
    IotLog_GenericPrintBuffer("HEX", NULL, bytes, 0);
    IotLog_GenericPrintBuffer("HEX", NULL, NULL, 5);
    log_at_debug_level(bytes, 2);
    log_at_level_none();
    capture_stop();
    CHECK_EQ(lineCount, 8);
    check_timed_line(lines[0], "[DEBUG][HEX]", "Header: 50%");
    CHECK_STR(lines[1], "f0 f7 fe 05 0c 13 1a 21 28 2f 36 3d 44 4b 52 59 ");
    CHECK_STR(lines[2], "60 67 6e 75 7c 83 8a 91 98 9f a6 ad b4 bb c2 c9 ");
    CHECK_STR(lines[3], "d0 d7 ");
    CHECK_STR(lines[4], "f0 f7 fe ");
    check_timed_line(lines[5], "[DEBUG][DBG]", "debug shown");
    check_timed_line(lines[6], "[DEBUG][DBG]", "bytes:");
    CHECK_STR(lines[7], "f0 f7 ");
}

/* What iot_error.h's macros are for: one status and one cleanup section per function. */
#define TEST_SUCCESS          0
#define TEST_BAD_PARAMETER    1
#define TEST_FAILED           2

static int cleanups;

static int with_cleanup(const char *parameter, bool step_succeeds) {
    IOT_FUNCTION_ENTRY(int, TEST_SUCCESS);
    IOT_VALIDATE_PARAMETER(TEST, parameter != NULL);
    IOT_SET_AND_GOTO_CLEANUP_IF_FALSE(TEST_FAILED, step_succeeds);
    IOT_GOTO_CLEANUP_IF_FALSE(strlen(parameter) < 4);
    IOT_SET_AND_GOTO_CLEANUP(TEST_SUCCESS + 10);
    IOT_FUNCTION_CLEANUP_BEGIN();
    cleanups++;
    IOT_FUNCTION_CLEANUP_END();
}

static bool without_cleanup(bool ok) {
    IOT_FUNCTION_ENTRY(bool, true);
    if (!ok) {
        IOT_SET_AND_GOTO_CLEANUP(false);
    }
    IOT_FUNCTION_EXIT_NO_CLEANUP();
}

static void the_error_macros_reach_the_cleanup_section(void) {
    ts_context("iot_error.h");
    CHECK_EQ(with_cleanup(NULL, true), TEST_BAD_PARAMETER);
    CHECK_EQ(with_cleanup("ab", false), TEST_FAILED);
    CHECK_EQ(with_cleanup("abcdef", true), TEST_SUCCESS);
    CHECK_EQ(with_cleanup("ab", true), TEST_SUCCESS + 10);
    CHECK_EQ(cleanups, 4);
    CHECK(without_cleanup(true));
    CHECK(!without_cleanup(false));
}

int main(void) {
    lines_have_the_v4_format_and_levels_filter();
    parts_can_be_hidden();
    the_generic_function_filters_as_v4();
    buffers_print_as_hex_sixteen_bytes_a_line();
    the_error_macros_reach_the_cleanup_section();
    puts("logging: all checks passed");
    return 0;
}
