//! The unsafe half of `transport::paho::inbound`: Paho C's message-arrived callback, which
//! reads the topic and payload where Paho keeps them, hands them on with the key of the
//! connection's route (`inbound::arrived` copies them for the routing thread) and frees the
//! message.
//!
//! The callback's context is the key of the connection's router in a [`HandleTable`] (an
//! integer carried in the pointer, never dereferenced), kept there while its [`Route`] lives.
//! Paho C (MQTTAsyncUtils.c, `MQTTAsync_deliverMessage`) calls it on its receive thread, with
//! its global lock held, with a topic that is NUL-terminated when its length is 0 and exactly
//! that long otherwise, and a message it allocated; returning 1 says the message was taken, and
//! the callback then owns both and frees them with Paho's own functions.

use std::ffi::{c_char, c_int, c_void, CStr};
use std::sync::{Arc, LazyLock};

use paho_mqtt as paho;
use paho_mqtt_sys as c;

use crate::core::router::Router;
use crate::ffi::boundary::handles::HandleTable;
use crate::transport::paho::inbound::{self, InboundMeta};

/// The routers of the live connections, by the key Paho carries as the callback's context.
static ROUTES: LazyLock<HandleTable<Arc<Router>>> = LazyLock::new(|| HandleTable::new(0));

/// A connection's route from Paho to its router: dropped, later messages are dropped.
pub struct Route(usize);

impl Drop for Route {
    fn drop(&mut self) {
        ROUTES.remove(self.0);
    }
}

/// Has Paho hand every message `client` receives to `router` while the [`Route`] lives. Called
/// before the client's first connection (Paho refuses the callback while one is being made).
pub fn route(client: &paho::AsyncClient, router: Arc<Router>) -> Route {
    let key = ROUTES.insert(router);
    // SAFETY: the handle is the live client's; the context is an integer, never dereferenced.
    let rc = unsafe {
        c::MQTTAsync_setMessageArrivedCallback(
            client.raw_handle(),
            key as *mut c_void,
            Some(message_arrived),
        )
    };
    debug_assert_eq!(rc, 0, "the message callback is set before connecting");
    Route(key)
}

/// The router of the route with key `key`, while that route lives.
pub fn router_of(key: usize) -> Option<Arc<Router>> {
    ROUTES.get(key)
}

unsafe extern "C" fn message_arrived(
    context: *mut c_void,
    topic: *mut c_char,
    topic_len: c_int,
    message: *mut c::MQTTAsync_message,
) -> c_int {
    let mut message = message;
    if !topic.is_null() && !message.is_null() {
        // SAFETY: Paho passes a valid topic (NUL-terminated when its length is 0, that many
        // bytes otherwise) and a valid message, both alive until they are freed below.
        let (name, m) = unsafe {
            let name = match usize::try_from(topic_len) {
                Ok(len) if len > 0 => std::slice::from_raw_parts(topic as *const u8, len),
                _ => CStr::from_ptr(topic).to_bytes(),
            };
            (name, &*message)
        };
        let payload = match usize::try_from(m.payloadlen) {
            // SAFETY: a non-NULL payload holds `payloadlen` bytes.
            Ok(len) if len > 0 && !m.payload.is_null() => unsafe {
                std::slice::from_raw_parts(m.payload as *const u8, len)
            },
            _ => &[],
        };
        let meta = InboundMeta {
            qos: u8::try_from(m.qos).unwrap_or(0),
            retain: m.retained != 0,
        };
        // Catches its own panics: nothing unwinds into C.
        inbound::arrived(context as usize, name, payload, meta);
    }
    // SAFETY: both came from Paho for this call and are freed once, with Paho's functions
    // (`MQTTAsync_free` accepts NULL; `MQTTAsync_freeMessage` does not, hence the check).
    unsafe {
        if !message.is_null() {
            c::MQTTAsync_freeMessage(&mut message);
        }
        c::MQTTAsync_free(topic as *mut c_void);
    }
    1
}
