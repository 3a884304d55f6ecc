//! Notifications waiting for the callback thread, coalesced to the newest.
//!
//! A device only ever acts on the latest `notify` (the pending list) and the latest
//! `notify-next` (the head of its queue) of a thing, so a notification that arrives while an
//! older one of the same thing and kind still waits replaces it. That bounds what a flood of
//! notifications can hold while the application's callbacks are slow: one document per thing
//! and kind with callbacks, whatever the network sends. Each (thing, kind) has at most one
//! delivery task queued; the task takes the newest document when it runs.

use crate::core::topics::Notify;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

#[derive(Default)]
pub struct Mailbox {
    waiting: HashMap<(String, Notify), Arc<[u8]>>,
}

impl Mailbox {
    /// Keeps `document` as the newest of (`thing`, `kind`). True when no delivery of that
    /// pair is queued yet: the caller must queue one.
    pub fn post(&mut self, thing: &str, kind: Notify, document: Arc<[u8]>) -> bool {
        match self.waiting.get_mut(&(thing.to_owned(), kind)) {
            Some(slot) => {
                *slot = document;
                false
            }
            None => {
                self.waiting.insert((thing.to_owned(), kind), document);
                true
            }
        }
    }

    /// Takes the newest document of (`thing`, `kind`), for its delivery task.
    pub fn take(&mut self, thing: &str, kind: Notify) -> Option<Arc<[u8]>> {
        self.waiting.remove(&(thing.to_owned(), kind))
    }

    /// How many documents wait.
    pub(super) fn len(&self) -> usize {
        self.waiting.len()
    }

    pub fn clear(&mut self) {
        self.waiting.clear();
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    #[test]
    fn a_waiting_notification_is_replaced_by_a_newer_one() {
        let mut m = Mailbox::default();
        assert!(m.post("T", Notify::Next, Arc::from(&b"1"[..])));
        assert!(!m.post("T", Notify::Next, Arc::from(&b"2"[..])));
        // Another kind, another thing: their own slots.
        assert!(m.post("T", Notify::Pending, Arc::from(&b"p"[..])));
        assert!(m.post("U", Notify::Next, Arc::from(&b"u"[..])));
        assert_eq!(m.len(), 3);
        assert_eq!(m.take("T", Notify::Next).as_deref(), Some(&b"2"[..]));
        assert_eq!(m.take("T", Notify::Next), None);
        // Taken: the next one queues a delivery again.
        assert!(m.post("T", Notify::Next, Arc::from(&b"3"[..])));
    }
}
