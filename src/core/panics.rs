//! Containing a panic where it must not travel on: into C (every exported function and every
//! callback from C or Paho goes through [`contain`], by way of `ffi::boundary::guard` or
//! directly), or out of a thread of ours that must keep serving (the callback, timer and MQTT
//! threads run each task inside it). A contained panic is logged once, at error level, with its
//! message; Rust's panic hook has already printed where it happened.

use crate::core::log;
use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `body`; if it panics, logs the panic as having happened in `context` and returns
/// `None`.
pub fn contain<R>(context: &str, body: impl FnOnce() -> R) -> Option<R> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => Some(value),
        Err(payload) => {
            log::error(&format!(
                "a panic in {context} was contained: {}",
                message(payload.as_ref())
            ));
            None
        }
    }
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
}
