//! The logging functions of `iot_logging.h`, printing lines in v4's format:
//! `[LEVEL][LIBRARY][YYYY-MM-DD HH:MM:SS] message`, level names padded to five characters
//! (`ERROR`, `WARN `, `INFO `, `DEBUG`), each part left out on request, one `puts` per line on
//! the C library's standard output (so lines stay in order with the application's own
//! `printf`). `IotLog_Generic` itself is C (`iot_log_generic.c`, since a C variadic function
//! cannot be defined in stable Rust): it formats the message and hands it to
//! `awsiotjobs_log_line` here. `IotLog_GenericPrintBuffer` prints a hex dump, 16 bytes a line.
//!
//! Differences from v4, on purpose: a NULL library name or format prints no name or nothing
//! (v4 crashed); `IotLog_GenericPrintBuffer` prints its header as text, not as a format, and
//! prints no byte line for an empty or NULL buffer (v4 printed an uninitialised one).
//! [`report_error`] is how the platform functions report a failure where v4 aborted: one line
//! in the same format on standard error.

use std::ffi::{c_char, CStr, CString};
use std::io::Write;

use super::clock::timestring;
use crate::ffi::boundary::{guard, try_bytes};
use crate::ffi::types::{IotLogConfig_t, IOT_LOG_DEBUG, IOT_LOG_ERROR};

/// How many bytes `IotLog_GenericPrintBuffer` prints on a line.
const BYTES_PER_LINE: usize = 16;

/// The name of each level in the prefix, by value (`IOT_LOG_NONE` has none).
const LEVEL_NAMES: [&str; 5] = ["", "ERROR", "WARN ", "INFO ", "DEBUG"];

/// One log line, without its newline: the prefix parts that `config` does not hide, a space if
/// there is a prefix, and the message.
pub fn format_line(
    library: Option<&[u8]>,
    level: i32,
    config: IotLogConfig_t,
    time: Option<&str>,
    message: &[u8],
) -> Vec<u8> {
    let mut line = Vec::with_capacity(message.len() + 48);
    if !config.hideLogLevel {
        if let Some(name) = usize::try_from(level).ok().and_then(|l| LEVEL_NAMES.get(l)) {
            line.extend_from_slice(format!("[{name}]").as_bytes());
        }
    }
    if let (false, Some(library)) = (config.hideLibraryName, library) {
        line.push(b'[');
        line.extend_from_slice(library);
        line.push(b']');
    }
    if let (false, Some(time)) = (config.hideTimestring, time) {
        line.extend_from_slice(format!("[{time}]").as_bytes());
    }
    if !line.is_empty() {
        line.push(b' ');
    }
    line.extend_from_slice(message);
    line
}

/// Prints `line` and a newline with the C library's `puts` (a NUL inside ends the line there).
fn put_line(line: Vec<u8>) {
    let line = CString::new(line).unwrap_or_else(|error| {
        let end = error.nul_position();
        let mut bytes = error.into_vec();
        bytes.truncate(end);
        CString::new(bytes).expect("truncated at the first NUL")
    });
    // SAFETY: a NUL-terminated string owned here.
    unsafe { libc::puts(line.as_ptr()) };
}

/// The library name at `pLibraryName`, if any.
///
/// # Safety
/// `pLibraryName` is NULL or a NUL-terminated string.
unsafe fn library_name<'a>(pLibraryName: *const c_char) -> Option<&'a [u8]> {
    // SAFETY: the caller's contract.
    (!pLibraryName.is_null()).then(|| unsafe { CStr::from_ptr(pLibraryName) }.to_bytes())
}

// The link name C calls, `awsiotjobs_log_line`, hidden: `#[no_mangle]` would export it from the
// shared library, and it is not part of the API.
std::arch::global_asm!(
    ".pushsection .text.awsiotjobs_log_line,\"ax\",@progbits",
    ".globl awsiotjobs_log_line",
    ".hidden awsiotjobs_log_line",
    ".type awsiotjobs_log_line,@function",
    "awsiotjobs_log_line:",
    "jmp {log_line}",
    ".popsection",
    log_line = sym log_line,
    options(att_syntax)
);

/// `awsiotjobs_log_line`: prints one message that `IotLog_Generic` (C) has formatted and found
/// worth printing.
///
/// # Safety
/// Called by iot_log_generic.c with the caller's name and config and its own message buffer.
unsafe extern "C" fn log_line(
    pLibraryName: *const c_char,
    messageLevel: i32,
    pLogConfig: *const IotLogConfig_t,
    pMessage: *const c_char,
    messageLength: usize,
) {
    guard((), || {
        // SAFETY: iot_log_generic.c passes the caller's name, config and its own buffer.
        let (library, config, message) = unsafe {
            (
                library_name(pLibraryName),
                pLogConfig.as_ref().copied().unwrap_or_default(),
                try_bytes(pMessage.cast(), messageLength),
            )
        };
        let Ok(Some(message)) = message else {
            return;
        };
        let time = (!config.hideTimestring).then(timestring).flatten();
        put_line(format_line(
            library,
            messageLevel,
            config,
            time.as_deref(),
            message,
        ));
    })
}

/// The lines of a hex dump of `bytes`, one at a time: two lowercase hex digits and a space per
/// byte, 16 bytes a line.
pub fn hex_lines(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .chunks(BYTES_PER_LINE)
        .map(|chunk| chunk.iter().map(|byte| format!("{byte:02x} ")).collect())
}

/// Prints `pHeader` (if not NULL) as a debug message of library `pLibraryName`, then the
/// `bufferSize` bytes at `pBuffer` in hex, 16 a line, without prefix. Prints no byte line for
/// an empty or NULL buffer.
/// Borrows its arguments for the call only. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotLog_GenericPrintBuffer(
    pLibraryName: *const c_char,
    pHeader: *const c_char,
    pBuffer: *const u8,
    bufferSize: usize,
) {
    guard((), || {
        if !pHeader.is_null() {
            // SAFETY: a non-NULL header is a NUL-terminated string (v4 contract).
            let header = unsafe { CStr::from_ptr(pHeader) }.to_bytes();
            // SAFETY: as above, for the name.
            let library = unsafe { library_name(pLibraryName) };
            let time = timestring();
            put_line(format_line(
                library,
                IOT_LOG_DEBUG,
                IotLogConfig_t::default(),
                time.as_deref(),
                header,
            ));
        }
        // SAFETY: the caller gives `bufferSize` readable bytes at `pBuffer` (or NULL).
        if let Ok(Some(bytes)) = unsafe { try_bytes(pBuffer, bufferSize) } {
            for line in hex_lines(bytes) {
                put_line(line.into_bytes());
            }
        }
    })
}

/// Reports a failure of the platform layer (`library` `THREAD` or `CLOCK`, as v4 named them)
/// with one error line on standard error.
pub fn report_error(library: &str, message: std::fmt::Arguments<'_>) {
    let time = timestring();
    let mut line = format_line(
        Some(library.as_bytes()),
        IOT_LOG_ERROR,
        IotLogConfig_t::default(),
        time.as_deref(),
        message.to_string().as_bytes(),
    );
    line.push(b'\n');
    let _ = std::io::stderr().write_all(&line);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(level: i32, config: IotLogConfig_t, message: &str) -> String {
        String::from_utf8(format_line(
            Some(b"DEMO"),
            level,
            config,
            Some("2024-01-31 13:05:09"),
            message.as_bytes(),
        ))
        .unwrap()
    }

    #[test]
    fn lines_have_the_v4_prefix() {
        let all = IotLogConfig_t::default();
        assert_eq!(
            line(1, all, "boom"),
            "[ERROR][DEMO][2024-01-31 13:05:09] boom"
        );
        assert_eq!(line(2, all, "w"), "[WARN ][DEMO][2024-01-31 13:05:09] w");
        assert_eq!(line(3, all, "i"), "[INFO ][DEMO][2024-01-31 13:05:09] i");
        assert_eq!(line(4, all, "d"), "[DEBUG][DEMO][2024-01-31 13:05:09] d");
    }

    #[test]
    fn each_part_can_be_hidden_and_unknown_levels_have_no_name() {
        let hide = |level, library, time| IotLogConfig_t {
            hideLogLevel: level,
            hideLibraryName: library,
            hideTimestring: time,
        };
        assert_eq!(
            line(3, hide(true, false, false), "m"),
            "[DEMO][2024-01-31 13:05:09] m"
        );
        assert_eq!(
            line(3, hide(false, true, false), "m"),
            "[INFO ][2024-01-31 13:05:09] m"
        );
        assert_eq!(line(3, hide(false, false, true), "m"), "[INFO ][DEMO] m");
        assert_eq!(line(3, hide(true, true, true), "m"), "m");
        assert_eq!(line(9, hide(false, true, true), "m"), "m");
        assert_eq!(line(-1, hide(false, true, true), "m"), "m");
        let unnamed = format_line(None, 3, IotLogConfig_t::default(), None, b"m");
        assert_eq!(unnamed, b"[INFO ] m");
    }

    #[test]
    fn hex_dumps_have_sixteen_bytes_a_line() {
        let bytes: Vec<u8> = (0..=20).collect();
        assert_eq!(
            hex_lines(&bytes).collect::<Vec<_>>(),
            [
                "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ",
                "10 11 12 13 14 ",
            ]
        );
        assert_eq!(hex_lines(&[]).count(), 0);
        assert_eq!(hex_lines(&[0xff]).collect::<Vec<_>>(), ["ff "]);
    }
}
