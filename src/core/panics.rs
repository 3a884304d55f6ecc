//! The one panic boundary: where a panic must not travel on, into C (every exported function
//! and every callback from C or Paho) or out of a thread of ours that must keep serving (the
//! callback, timer and MQTT threads run each task inside it), it is caught by [`contain`].
//! The C API's entry points reach it through `ffi::boundary::guard`, which only adds the value
//! the entry point documents for a panic.
//!
//! A contained panic is logged once, at error level, with its message and the place it was
//! raised (`file:line:column`). The place comes from a panic hook installed on first use: while
//! a thread is inside [`contain`] the hook records the location in a thread-local slot and
//! prints nothing (so the default hook's text does not repeat the log line); on any other
//! panic it hands over to the hook that was there before.

use crate::core::log;
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    /// How many calls of [`contain`] this thread is inside.
    static DEPTH: Cell<usize> = const { Cell::new(0) };
    /// Where the last contained panic of this thread was raised, as the hook saw it.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `body`; if it panics, logs the panic (message and location) as having happened in
/// `context` and returns `None`.
pub fn contain<R>(context: &str, body: impl FnOnce() -> R) -> Option<R> {
    contain_reporting(context, body, log::error)
}

/// [`contain`], with the report of a panic going to `report` instead of the log.
fn contain_reporting<R>(
    context: &str,
    body: impl FnOnce() -> R,
    report: impl FnOnce(&str),
) -> Option<R> {
    install_hook();
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(body));
    DEPTH.with(|depth| depth.set(depth.get() - 1));
    match result {
        Ok(value) => Some(value),
        Err(payload) => {
            report(&contained_report(context, payload.as_ref()));
            None
        }
    }
}

/// The report of a contained panic: its message and where it happened. Out of line, so that
/// every entry point that `contain` is inlined into carries only a call for its unlikely path.
#[cold]
#[inline(never)]
fn contained_report(context: &str, payload: &(dyn Any + Send)) -> String {
    let location = LOCATION.with(|slot| slot.borrow_mut().take());
    format!(
        "a panic in {context} was contained: {} (at {})",
        message(payload),
        location.as_deref().unwrap_or("an unknown place")
    )
}

/// Puts the recording hook in front of the hook in place (once per process).
///
/// Out of line: every entry point calls it, and after the first call it only checks a `Once`.
#[inline(never)]
fn install_hook() {
    static ONCE: Once = Once::new();
    if std::thread::panicking() {
        // `set_hook` may not be called while unwinding; the next call installs it.
        return;
    }
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let contained = DEPTH.try_with(|depth| depth.get() > 0).unwrap_or(false);
            if !contained {
                return previous(info);
            }
            let place = info
                .location()
                .map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()));
            let _ = LOCATION.try_with(|slot| *slot.borrow_mut() = place);
        }));
    });
}

/// The text a panic was raised with.
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(not a string)")
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_none_and_a_value_passes_through() {
        log::set_level(log::Level::Off);
        assert_eq!(contain("a test", || 7), Some(7));
        assert_eq!(contain("a test", || -> u32 { panic!("boom") }), None);
        let owned = String::from("formatted");
        assert_eq!(
            contain("a test", move || -> u32 { panic!("{owned}") }),
            None
        );
        log::set_level(log::Level::Error);
    }

    #[test]
    fn the_message_is_read_from_either_kind_of_payload() {
        assert_eq!(message(&"text"), "text");
        assert_eq!(message(&String::from("owned")), "owned");
        assert_eq!(message(&42u8), "(not a string)");
    }

    #[test]
    fn the_report_names_the_message_and_where_the_panic_was_raised() {
        let mut reports = Vec::new();
        let result = contain_reporting(
            "a test",
            || -> u32 { panic!("boom") },
            |r| reports.push(r.to_owned()),
        );
        assert_eq!(result, None);
        let place = "src/core/panics.rs:";
        assert_eq!(reports.len(), 1, "one report per panic: {reports:?}");
        assert!(
            reports[0].starts_with("a panic in a test was contained: boom (at ")
                && reports[0].contains(place),
            "{reports:?}"
        );
        let nested = contain_reporting(
            "the outer body",
            || contain_reporting("the inner body", || -> u8 { panic!("inner") }, |_| {}),
            |r| reports.push(r.to_owned()),
        );
        assert_eq!(nested, Some(None), "the inner boundary stops the panic");
        assert_eq!(reports.len(), 1, "nothing reaches the outer boundary");
    }
}
