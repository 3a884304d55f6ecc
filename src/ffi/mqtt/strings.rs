//! The fixed texts of the MQTT API: `IotMqtt_strerror` and `IotMqtt_OperationType`.
//!
//! Each returns a pointer to a static NUL-terminated string that lives for the whole process;
//! the caller must not modify or free it. Any value, including ones outside the enum, is
//! accepted and gets the "invalid" text, as in the original library.

use core::ffi::{c_char, CStr};

use crate::ffi::types::{IotMqttError_t, IotMqttOperationType_t};

/// The text of an MQTT result code.
fn mqtt_error_text(status: IotMqttError_t) -> &'static CStr {
    match status {
        0 => c"SUCCESS",
        1 => c"PENDING",
        2 => c"INITIALIZATION FAILED",
        3 => c"BAD PARAMETER",
        4 => c"NO MEMORY",
        5 => c"NETWORK ERROR",
        6 => c"SCHEDULING ERROR",
        7 => c"BAD RESPONSE RECEIVED",
        8 => c"TIMEOUT",
        9 => c"SERVER REFUSED",
        10 => c"NO RESPONSE",
        11 => c"NOT INITIALIZED",
        _ => c"INVALID STATUS",
    }
}

/// Describes an MQTT result code.
/// Returns a static string: never free it. Any thread.
#[no_mangle]
pub extern "C" fn IotMqtt_strerror(status: IotMqttError_t) -> *const c_char {
    mqtt_error_text(status).as_ptr()
}

/// The text of an MQTT operation type.
fn operation_type_name(operation: IotMqttOperationType_t) -> &'static CStr {
    match operation {
        0 => c"CONNECT",
        1 => c"PUBLISH",
        2 => c"PUBACK",
        3 => c"SUBSCRIBE",
        4 => c"UNSUBSCRIBE",
        5 => c"PINGREQ",
        6 => c"DISCONNECT",
        _ => c"INVALID OPERATION",
    }
}

/// Names an MQTT operation type.
/// Returns a static string: never free it. Any thread.
#[no_mangle]
pub extern "C" fn IotMqtt_OperationType(operation: IotMqttOperationType_t) -> *const c_char {
    operation_type_name(operation).as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: *const c_char) -> &'static str {
        // SAFETY: every function tested returns a pointer to a static NUL-terminated string.
        unsafe { CStr::from_ptr(text) }.to_str().unwrap()
    }

    #[test]
    fn mqtt_texts_match_the_v4_texts() {
        assert_eq!(read(IotMqtt_strerror(1)), "PENDING");
        assert_eq!(read(IotMqtt_strerror(12)), "INVALID STATUS");
        assert_eq!(read(IotMqtt_OperationType(1)), "PUBLISH");
        assert_eq!(read(IotMqtt_OperationType(6)), "DISCONNECT");
        assert_eq!(read(IotMqtt_OperationType(7)), "INVALID OPERATION");
    }
}
