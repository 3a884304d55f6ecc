/* Written by hand (macros only, which cbindgen cannot render from Rust); `cargo xtask
 * gen-headers` copies it to include/iot_error.h: edit this file,
 * cbindgen/handwritten/iot_error.h. */

/*
 * The error-handling macros of the v4 SDK: a status variable and one cleanup section per
 * function, reached with goto.
 *
 *     bool example( void )
 *     {
 *         IOT_FUNCTION_ENTRY( bool, true );         // bool status = true;
 *         IOT_SET_AND_GOTO_CLEANUP_IF_FALSE( false, step() );
 *         IOT_FUNCTION_CLEANUP_BEGIN();             // iotCleanup:
 *         release();
 *         IOT_FUNCTION_CLEANUP_END();               // return status;
 *     }
 *
 * IOT_VALIDATE_PARAMETER( PREFIX, condition ) sets status to PREFIX_BAD_PARAMETER and jumps to
 * the cleanup section when condition is false.
 */

#ifndef IOT_ERROR_H_
#define IOT_ERROR_H_

#define IOT_FUNCTION_ENTRY( statusType, initialValue )    statusType status = initialValue

#define IOT_FUNCTION_CLEANUP_BEGIN()                      iotCleanup:

#define IOT_FUNCTION_CLEANUP_END()                        return status

#define IOT_FUNCTION_EXIT_NO_CLEANUP()                    IOT_FUNCTION_CLEANUP_BEGIN(); IOT_FUNCTION_CLEANUP_END()

#define IOT_GOTO_CLEANUP()                                goto iotCleanup

#define IOT_SET_AND_GOTO_CLEANUP( statusValue )           { status = ( statusValue ); IOT_GOTO_CLEANUP(); }

#define IOT_GOTO_CLEANUP_IF_FALSE( condition )            { if( ( condition ) == false ) { IOT_GOTO_CLEANUP(); } }

#define IOT_SET_AND_GOTO_CLEANUP_IF_FALSE( statusValue, condition ) \
    if( ( condition ) == false )                                    \
    IOT_SET_AND_GOTO_CLEANUP( statusValue )

#define IOT_VALIDATE_PARAMETER( libraryPrefix, condition ) \
    IOT_SET_AND_GOTO_CLEANUP_IF_FALSE( libraryPrefix ## _BAD_PARAMETER, condition )

#endif /* IOT_ERROR_H_ */
