//! A publish handed to Paho C without the paho-mqtt crate's token: the message (kept to send it
//! again after a lost link) and how it stands, which Paho's completion callback sets and the
//! acks thread reads.
//!
//! The crate's `publish` makes a token per message (two allocations, a copy of the message into
//! a second C struct, a mutex, a waker slot) and completes it through a chain of calls; a
//! request of ours needs none of that. [`Sent`] is one allocation holding the topic and
//! payload Paho copies from, and one atomic for the outcome. The call into Paho C and the
//! callbacks it completes are the unsafe half and live in the FFI layer
//! (`ffi::mqtt::paho_send`): Paho calls exactly one of them once per publish it accepted,
//! each holding its own reference on the [`Sent`], also when the client is destroyed with the
//! publish still pending (Paho fails it then).

use std::ffi::CString;
use std::sync::atomic::{AtomicU8, Ordering};

use paho_mqtt as paho;
use parking_lot::Mutex;

use crate::core::transport::TransportError;

const WAITING: u8 = 0;
const DELIVERED: u8 = 1;
const FAILED: u8 = 2;

/// One QoS 1 publish in Paho's hands (or about to be).
pub struct Sent {
    topic: CString,
    payload: Vec<u8>,
    qos: i32,
    state: AtomicU8,
    /// Why it failed, once `state` says so.
    failure: Mutex<Option<paho::Error>>,
}

/// How a publish stands.
pub enum Polled {
    Delivered,
    Failed(paho::Error),
    Waiting,
}

impl Sent {
    /// A publish of `payload` to `topic`; an error if the topic holds a NUL byte.
    pub fn new(topic: String, payload: Vec<u8>, qos: i32) -> Result<Sent, TransportError> {
        let topic = CString::new(topic)
            .map_err(|_| TransportError::Failed("topic contains a NUL byte".into()))?;
        Ok(Sent {
            topic,
            payload,
            qos,
            state: AtomicU8::new(WAITING),
            failure: Mutex::new(None),
        })
    }

    pub fn topic(&self) -> &std::ffi::CStr {
        &self.topic
    }

    pub fn payload(&self) -> &[u8] {
        &self.payload
    }

    pub fn qos(&self) -> i32 {
        self.qos
    }

    /// Paho has it acknowledged (QoS 1: the PUBACK came).
    pub fn delivered(&self) {
        self.state.store(DELIVERED, Ordering::Release);
    }

    /// Paho gave up on it: `code` is Paho's return code, `message` its text, if any.
    pub fn failed(&self, code: i32, message: Option<&str>) {
        let code = if code == 0 { -1 } else { code };
        let error = match message {
            Some(text) => paho::Error::from((code, text)),
            None => paho::Error::from(code),
        };
        *self.failure.lock() = Some(error);
        self.state.store(FAILED, Ordering::Release);
    }

    /// Ready to be handed to Paho again, after a failure.
    pub fn rearm(&self) {
        *self.failure.lock() = None;
        self.state.store(WAITING, Ordering::Release);
    }

    /// How it stands; a failure is handed out once (later polls see it as waiting).
    pub fn poll(&self) -> Polled {
        match self.state.load(Ordering::Acquire) {
            WAITING => Polled::Waiting,
            DELIVERED => Polled::Delivered,
            _ => match self.failure.lock().take() {
                Some(error) => Polled::Failed(error),
                None => Polled::Waiting,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_publish_is_waiting_until_paho_says_how_it_ended() {
        let sent = Sent::new("t/1".into(), b"x".to_vec(), 1).unwrap();
        assert!(matches!(sent.poll(), Polled::Waiting));
        sent.delivered();
        assert!(matches!(sent.poll(), Polled::Delivered));
    }

    #[test]
    fn a_failure_is_handed_out_once_and_a_rearmed_publish_waits_again() {
        let sent = Sent::new("t/1".into(), Vec::new(), 1).unwrap();
        sent.failed(paho_mqtt_sys::MQTTASYNC_DISCONNECTED, None);
        assert!(matches!(
            sent.poll(),
            Polled::Failed(paho::Error::Disconnected)
        ));
        assert!(matches!(sent.poll(), Polled::Waiting));
        sent.rearm();
        assert!(matches!(sent.poll(), Polled::Waiting));
        sent.failed(0, None);
        assert!(matches!(sent.poll(), Polled::Failed(_)));
    }

    #[test]
    fn a_topic_with_a_nul_byte_is_refused() {
        assert!(Sent::new("a\0b".into(), Vec::new(), 1).is_err());
    }
}
