//! Types of `iot_logging.h`: the log levels and the per-message settings of `IotLog_Generic`.

/// No message is printed (a library set to this level logs nothing).
pub const IOT_LOG_NONE: i32 = 0;
/// Errors only.
pub const IOT_LOG_ERROR: i32 = 1;
/// Warnings and errors.
pub const IOT_LOG_WARN: i32 = 2;
/// Information, warnings and errors.
pub const IOT_LOG_INFO: i32 = 3;
/// Everything.
pub const IOT_LOG_DEBUG: i32 = 4;

/// What to leave out of one message's prefix (`[LEVEL][LIBRARY][time] `). A NULL
/// `IotLogConfig_t *` prints all three parts.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IotLogConfig_t {
    /// Leave out `[LEVEL]`.
    pub hideLogLevel: bool,
    /// Leave out `[LIBRARY]`.
    pub hideLibraryName: bool,
    /// Leave out `[time]`.
    pub hideTimestring: bool,
}
