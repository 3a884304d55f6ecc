//! The clock of `platform/iot_clock.h`: `IotClock_GetTimestring`, `IotClock_GetTimeMs` and
//! `IotClock_SleepMs`, as the v4 POSIX port defines them (local time as `%F %R:%S`, the
//! monotonic clock in milliseconds, a sleep of at least the given time). The timers of the same
//! header are in `timers.rs`.

use std::ffi::c_char;
use std::time::Duration;

use crate::ffi::boundary::guard;

/// How v4's POSIX port formats a timestring (`2024-01-31 13:05:09`, local time).
const TIMESTRING_FORMAT: &std::ffi::CStr = c"%F %R:%S";

/// The local time as [`TIMESTRING_FORMAT`] renders it, or `None` if the clock or the time zone
/// cannot be read. What the logging functions print in their third bracket.
pub fn timestring() -> Option<String> {
    let mut buffer = [0u8; 64];
    // SAFETY: `time` with NULL only returns the time; `localtime_r` writes the local `tm` and
    // `strftime` at most `buffer.len()` bytes into the local buffer.
    let length = unsafe {
        let now = libc::time(std::ptr::null_mut());
        let mut local: libc::tm = std::mem::zeroed();
        if libc::localtime_r(&now, &mut local).is_null() {
            return None;
        }
        libc::strftime(
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            TIMESTRING_FORMAT.as_ptr(),
            &local,
        )
    };
    (length > 0).then(|| String::from_utf8_lossy(&buffer[..length]).into_owned())
}

/// The monotonic clock in milliseconds (time since boot on Linux: never zero, never set back).
pub fn now_ms() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` writes the local `timespec`. CLOCK_MONOTONIC cannot fail on Linux.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut now) };
    now.tv_sec as u64 * 1000 + now.tv_nsec as u64 / 1_000_000
}

/// Writes the current local time as `YYYY-MM-DD HH:MM:SS` (19 characters) and a NUL into
/// `pBuffer` and its length, without the NUL, to `*pTimestringLength`. Returns `false`, and
/// writes nothing, if the buffer cannot hold it (it needs 20 bytes), an argument is NULL, or the
/// time cannot be read.
/// The buffer is the caller's. Any thread.
#[no_mangle]
pub unsafe extern "C" fn IotClock_GetTimestring(
    pBuffer: *mut c_char,
    bufferSize: usize,
    pTimestringLength: *mut usize,
) -> bool {
    guard(false, || {
        let Some(text) = timestring() else {
            return false;
        };
        if pBuffer.is_null() || pTimestringLength.is_null() || text.len() >= bufferSize {
            return false;
        }
        // SAFETY: the caller gives `bufferSize` writable bytes at `pBuffer`, more than the
        // text and its NUL need, and a writable `*pTimestringLength`.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), pBuffer.cast(), text.len());
            *pBuffer.add(text.len()) = 0;
            *pTimestringLength = text.len();
        }
        true
    })
}

/// The monotonic system time in milliseconds: never zero and never decreasing.
/// Any thread.
#[no_mangle]
pub extern "C" fn IotClock_GetTimeMs() -> u64 {
    guard(0, now_ms)
}

/// Suspends the calling thread for at least `sleepTimeMs` milliseconds (a signal does not cut
/// the sleep short).
/// Any thread.
#[no_mangle]
pub extern "C" fn IotClock_SleepMs(sleepTimeMs: u32) {
    guard((), || {
        std::thread::sleep(Duration::from_millis(u64::from(sleepTimeMs)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timestring_has_the_v4_shape() {
        let mut buffer = [0x55 as c_char; 32];
        let mut length = 0usize;
        // SAFETY: the buffer and length are locals of the given sizes.
        assert!(unsafe { IotClock_GetTimestring(buffer.as_mut_ptr(), 32, &mut length) });
        assert_eq!(length, 19);
        let text: Vec<u8> = buffer[..19].iter().map(|&c| c as u8).collect();
        let text = String::from_utf8(text).unwrap();
        let shape: String = text
            .chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect();
        assert_eq!(shape, "9999-99-99 99:99:99", "{text}");
        assert_eq!(buffer[19], 0);
    }

    #[test]
    fn a_short_buffer_or_null_is_refused_and_nothing_is_written() {
        let mut buffer = [0x55 as c_char; 19];
        let mut length = 7usize;
        // SAFETY: locals of the given sizes; NULLs are checked before any write.
        unsafe {
            assert!(!IotClock_GetTimestring(
                buffer.as_mut_ptr(),
                19,
                &mut length
            ));
            assert!(!IotClock_GetTimestring(
                std::ptr::null_mut(),
                64,
                &mut length
            ));
            assert!(!IotClock_GetTimestring(
                buffer.as_mut_ptr(),
                19,
                std::ptr::null_mut()
            ));
        }
        assert_eq!(length, 7);
        assert!(buffer.iter().all(|&c| c == 0x55));
    }

    #[test]
    fn the_clock_is_monotonic_and_sleep_waits_at_least_as_asked() {
        let first = IotClock_GetTimeMs();
        assert!(first > 0);
        IotClock_SleepMs(30);
        let second = IotClock_GetTimeMs();
        assert!(second >= first + 30, "{first} -> {second}");
        IotClock_SleepMs(0);
        assert!(IotClock_GetTimeMs() >= second);
    }
}
