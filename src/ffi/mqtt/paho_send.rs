//! The unsafe half of `transport::paho::sent`: a QoS 1 publish handed to Paho C's
//! `MQTTAsync_sendMessage` directly, and the two completion callbacks Paho calls for it.
//!
//! Each accepted publish gives Paho one reference on its [`Sent`] (`Arc::into_raw`) as the
//! callbacks' context. Paho calls exactly one of `on_success` and `on_failure` once for every
//! publish `MQTTAsync_sendMessage` accepted (MQTTAsync.c, MQTTAsyncUtils.c: on the PUBACK, when
//! the write fails, when a clean session drops what was in flight, and for every command and
//! response still pending when the client is destroyed), and that call takes the reference
//! back. A publish Paho refused (non-zero return) calls neither, so the reference is taken back
//! here. Paho copies the topic and payload before `MQTTAsync_sendMessage` returns.

use std::ffi::{c_void, CStr};
use std::sync::Arc;

use paho_mqtt as paho;
use paho_mqtt_sys as c;

use crate::core::panics::contain;
use crate::transport::paho::sent::Sent;

/// Hands `sent` to `client`'s Paho C handle; `Err` with Paho's return code if Paho refused it
/// (then no callback will come).
pub fn send(client: &paho::AsyncClient, sent: &Arc<Sent>) -> Result<(), i32> {
    let payload = sent.payload();
    let message = c::MQTTAsync_message {
        // Paho only reads the payload (it copies it); the field is not const in C.
        payload: payload.as_ptr() as *mut c_void,
        payloadlen: payload.len() as i32,
        qos: sent.qos(),
        ..c::MQTTAsync_message::default()
    };
    let mut options = c::MQTTAsync_responseOptions {
        onSuccess: Some(on_success),
        onFailure: Some(on_failure),
        context: Arc::into_raw(sent.clone()) as *mut c_void,
        ..c::MQTTAsync_responseOptions::default()
    };
    // SAFETY: the handle is the live client's (it lives while `client` does); the topic is
    // NUL-terminated and the message and options are valid for the call, which copies what it
    // keeps. Payloads are at most 128 KiB (the engine's requests), well within `i32`.
    let rc = unsafe {
        c::MQTTAsync_sendMessage(
            client.raw_handle(),
            sent.topic().as_ptr(),
            &message,
            &mut options,
        )
    };
    // 0 is MQTTASYNC_SUCCESS.
    if rc != 0 {
        // SAFETY: Paho refused the publish and keeps no copy of the context: the reference made
        // above is still ours, taken back once.
        drop(unsafe { Arc::from_raw(options.context as *const Sent) });
        return Err(rc);
    }
    Ok(())
}

/// Paho's `onSuccess` for a publish: the PUBACK came. It only stores to an atomic and drops a
/// reference (which may free the message: nothing there can panic), so it runs without the
/// panic boundary the failure path has.
unsafe extern "C" fn on_success(context: *mut c_void, _response: *mut c::MQTTAsync_successData) {
    if context.is_null() {
        return;
    }
    // SAFETY: a non-NULL context is the reference `send` gave Paho for this publish, and Paho
    // calls one callback once per publish: it is taken back exactly once.
    let sent = unsafe { Arc::from_raw(context as *const Sent) };
    sent.delivered();
}

/// Paho's `onFailure` for a publish: it will not be acknowledged on this link (or at all).
unsafe extern "C" fn on_failure(context: *mut c_void, response: *mut c::MQTTAsync_failureData) {
    if context.is_null() {
        return;
    }
    // SAFETY: as in `on_success`.
    let sent = unsafe { Arc::from_raw(context as *const Sent) };
    // SAFETY: Paho passes NULL or failure data valid for the duration of the call.
    let (code, text) = match unsafe { response.as_ref() } {
        Some(r) => (r.code, r.message),
        None => (-1, std::ptr::null()),
    };
    // SAFETY: the message is NULL or NUL-terminated, valid for the call.
    let message = (!text.is_null())
        .then(|| unsafe { CStr::from_ptr(text) }.to_str().ok())
        .flatten();
    // Called from C: nothing may unwind out of it.
    contain("a publish's failure callback", || {
        sent.failed(code, message)
    });
}
