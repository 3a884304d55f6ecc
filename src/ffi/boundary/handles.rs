//! Opaque handles given to C, looked up rather than dereferenced.
//!
//! A connection handle (`IotMqttConnection_t`), a Jobs operation handle
//! (`AwsIotJobsOperation_t`) and an MQTT operation handle (`IotMqttOperation_t`) are numbers
//! dressed as pointers. Each is a key in a [`HandleTable`]; a value that isn't in its table
//! (stale, foreign, already waited, or garbage) is an error, never a dereference. Keys are never
//! reused: connection and MQTT operation keys count up from a base of their own (spaced like
//! aligned pointers in a range no allocator uses, so one kind is never mistaken for the other),
//! Jobs operation keys are the engine's operation IDs.
//!
//! Every connection, whichever product made it, has one [`ConnectionEntry`] in one table: what
//! the Jobs functions need of it (its [`Connection`]) and its [`Link`], which knows how to close
//! it and what kind it is (an `IotMqtt_Connect` connection or a C transport). Its Jobs engine,
//! which lives only from `AwsIotJobs_Init` to `AwsIotJobs_Cleanup`, is kept by that Init's
//! library (`ffi/jobs/library.rs` says why there).

use crate::core::engine::{OpId, Waiter};
use crate::core::transport::Connection;
use crate::core::Engine;
use crate::ffi::types::{AwsIotJobsOperation_t, IotMqttConnection_t};
use parking_lot::Mutex;
use rustc_hash::FxHashMap as HashMap;
use std::any::Any;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Weak};

/// The objects behind one kind of handle, by key.
pub struct HandleTable<T> {
    /// The first key this table hands out (tables whose keys the caller chooses never do).
    base: usize,
    next: AtomicUsize,
    entries: Mutex<HashMap<usize, T>>,
}

impl<T> HandleTable<T> {
    /// An empty table whose own keys start above `base`.
    pub fn new(base: usize) -> HandleTable<T> {
        HandleTable {
            base,
            next: AtomicUsize::new(1),
            entries: Mutex::new(HashMap::default()),
        }
    }

    /// A new key of this table, never handed out before (entered by [`insert_at`] or not).
    ///
    /// [`insert_at`]: HandleTable::insert_at
    pub fn new_key(&self) -> usize {
        self.base + self.next.fetch_add(1, Ordering::Relaxed) * 16
    }

    /// Enters `value` under a new key and returns the key.
    pub fn insert(&self, value: T) -> usize {
        let key = self.new_key();
        self.insert_at(key, value);
        key
    }

    /// Enters `value` under a key the caller chose.
    pub fn insert_at(&self, key: usize, value: T) {
        self.entries.lock().insert(key, value);
    }

    /// Takes the value of `key` out of the table: whoever gets it is the one user of the key.
    pub fn remove(&self, key: usize) -> Option<T> {
        self.entries.lock().remove(&key)
    }

    /// Forgets every key.
    pub fn clear(&self) {
        self.entries.lock().clear();
    }
}

impl<T: Clone> HandleTable<T> {
    /// The value of `key`, left in the table.
    pub fn get(&self, key: usize) -> Option<T> {
        self.entries.lock().get(&key).cloned()
    }
}

/// What kind of link is behind a connection, and how to tear it down.
pub trait Link: Send + Sync {
    /// Stops the link; after this returns it never calls into C again.
    fn close(&self);

    /// The link as its own type, for the product that made it.
    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

/// The one record of a connection.
pub struct ConnectionEntry {
    pub connection: Connection,
    pub link: Arc<dyn Link>,
}

impl ConnectionEntry {
    /// The link, if it is an `L`.
    pub fn link_as<L: Link + 'static>(&self) -> Option<Arc<L>> {
        self.link.clone().into_any().downcast::<L>().ok()
    }
}

/// Connection handles start here.
const CONNECTION_BASE: usize = 0x00c0_ffee_0000_0000;

static CONNECTIONS: LazyLock<HandleTable<Arc<ConnectionEntry>>> =
    LazyLock::new(|| HandleTable::new(CONNECTION_BASE));

/// Registers a connection and returns its handle.
pub fn add_connection(entry: ConnectionEntry) -> IotMqttConnection_t {
    CONNECTIONS.insert(Arc::new(entry)) as IotMqttConnection_t
}

pub fn connection(handle: IotMqttConnection_t) -> Option<Arc<ConnectionEntry>> {
    CONNECTIONS.get(handle as usize)
}

pub fn remove_connection(handle: IotMqttConnection_t) -> Option<Arc<ConnectionEntry>> {
    CONNECTIONS.remove(handle as usize)
}

/// A waitable operation not yet waited for.
pub struct Waitable {
    pub engine: Weak<Engine>,
    pub waiter: Arc<Waiter>,
    pub malloc: unsafe extern "C" fn(usize) -> *mut c_void,
}

pub fn operation_handle(id: OpId) -> AwsIotJobsOperation_t {
    id as usize as AwsIotJobsOperation_t
}

/// The operation ID an operation handle stands for (whether or not it is a live one).
pub fn operation_id(handle: AwsIotJobsOperation_t) -> OpId {
    handle as usize as OpId
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_new_each_time_and_a_removed_key_is_unknown() {
        let table = HandleTable::new(0x1000);
        let (a, b) = (table.insert("a"), table.insert("b"));
        assert!(a != b && a > 0x1000 && b > 0x1000 && a % 16 == 0);
        assert_eq!(table.get(a), Some("a"));
        assert_eq!(table.remove(a), Some("a"));
        assert_eq!(table.remove(a), None, "a key is used once");
        assert_eq!(table.get(a), None);
        assert_eq!(table.get(0xdead), None, "a foreign key is unknown");
        table.insert_at(7, "chosen");
        table.clear();
        assert_eq!(table.get(7), None);
        assert!(table.insert("c") > b, "keys are never reused");
    }
}
