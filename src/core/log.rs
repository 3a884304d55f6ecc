//! The library's own log: one line per event, on standard error unless redirected.
//!
//! Errors are logged by default, as v4 logged its errors by default; warnings, information and
//! debug lines only when asked for. The level and the destination come from the environment,
//! read once at the first line:
//! - `AWSIOTJOBS_LOG=off|error|warn|info|debug` (default `error`); `AWSIOTJOBS_DEBUG=1` (any
//!   value) is the same as `debug`, as before.
//! - `AWSIOTJOBS_LOG_FILE=/path` appends the lines to that file instead of standard error
//!   (standard error again if it cannot be opened).
//!
//! A line reads `[awsiotjobs][ERROR] what happened`. Logging never fails and never panics.

use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// How much is logged, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Level {
    Off = 0,
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
}

impl Level {
    fn name(self) -> &'static str {
        match self {
            Level::Off => "OFF",
            Level::Error => "ERROR",
            Level::Warn => "WARN",
            Level::Info => "INFO",
            Level::Debug => "DEBUG",
        }
    }

    /// Reads a level's name as `AWSIOTJOBS_LOG` takes it (any case).
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim().to_ascii_lowercase().as_str() {
            "off" | "none" => Some(Level::Off),
            "error" => Some(Level::Error),
            "warn" | "warning" => Some(Level::Warn),
            "info" => Some(Level::Info),
            "debug" | "trace" => Some(Level::Debug),
            _ => None,
        }
    }
}

/// Not read yet.
const UNSET: u8 = u8::MAX;
static LEVEL: AtomicU8 = AtomicU8::new(UNSET);

fn level_from_environment() -> Level {
    if std::env::var_os("AWSIOTJOBS_DEBUG").is_some() {
        return Level::Debug;
    }
    std::env::var("AWSIOTJOBS_LOG")
        .ok()
        .and_then(|text| Level::parse(&text))
        .unwrap_or(Level::Error)
}

/// The level in force.
pub fn level() -> Level {
    let raw = match LEVEL.load(Ordering::Relaxed) {
        UNSET => {
            let level = level_from_environment() as u8;
            LEVEL.store(level, Ordering::Relaxed);
            level
        }
        raw => raw,
    };
    match raw {
        0 => Level::Off,
        1 => Level::Error,
        2 => Level::Warn,
        3 => Level::Info,
        _ => Level::Debug,
    }
}

/// Sets the level, whatever the environment says.
pub fn set_level(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// True if a line of `level` would be written (to skip formatting one that would not).
pub fn enabled(level: Level) -> bool {
    level != Level::Off && level <= self::level()
}

fn file() -> Option<&'static std::fs::File> {
    static FILE: OnceLock<Option<std::fs::File>> = OnceLock::new();
    FILE.get_or_init(|| {
        let path = std::env::var_os("AWSIOTJOBS_LOG_FILE")?;
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .ok()
    })
    .as_ref()
}

/// Writes one line at `level`, if that level is enabled.
pub fn line(level: Level, message: &str) {
    if !enabled(level) {
        return;
    }
    let text = format!("[awsiotjobs][{}] {message}\n", level.name());
    // One write per line, so lines from several threads do not interleave.
    let _ = match file() {
        Some(mut file) => file.write_all(text.as_bytes()),
        None => std::io::stderr().lock().write_all(text.as_bytes()),
    };
}

/// At most one line a second from one place in the code, however often it is reached: for
/// events a hostile peer can repeat (oversized messages, a flood), so the log stays readable.
/// The line after a quiet spell says how many were left out.
pub struct Throttle {
    /// Milliseconds since [`START`] of the last line written, plus one (0: never).
    last: std::sync::atomic::AtomicU64,
    skipped: std::sync::atomic::AtomicU64,
}

fn millis() -> u64 {
    static START: OnceLock<std::time::Instant> = OnceLock::new();
    START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_millis() as u64
        + 1
}

impl Throttle {
    pub const fn new() -> Throttle {
        Throttle {
            last: std::sync::atomic::AtomicU64::new(0),
            skipped: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// Writes `message()` at `level` unless a line came from here less than a second ago.
    pub fn line(&self, level: Level, message: impl FnOnce() -> String) {
        if !enabled(level) {
            return;
        }
        let now = millis();
        let last = self.last.load(Ordering::Relaxed);
        let due = last == 0 || now >= last + 1000;
        if !due
            || self
                .last
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            self.skipped.fetch_add(1, Ordering::Relaxed);
            return;
        }
        match self.skipped.swap(0, Ordering::Relaxed) {
            0 => line(level, &message()),
            n => line(level, &format!("{} ({n} more like it left out)", message())),
        }
    }
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new()
    }
}

pub fn error(message: &str) {
    line(Level::Error, message);
}

pub fn warn(message: &str) {
    line(Level::Warn, message);
}

pub fn info(message: &str) {
    line(Level::Info, message);
}

pub fn debug(message: &str) {
    line(Level::Debug, message);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_parse_and_order() {
        assert_eq!(Level::parse(" WARN "), Some(Level::Warn));
        assert_eq!(Level::parse("none"), Some(Level::Off));
        assert_eq!(Level::parse("loud"), None);
        assert!(Level::Error < Level::Debug);
        set_level(Level::Warn);
        assert!(enabled(Level::Error) && enabled(Level::Warn));
        assert!(!enabled(Level::Info));
        set_level(Level::Off);
        assert!(!enabled(Level::Error));
        set_level(Level::Error);
    }
}
