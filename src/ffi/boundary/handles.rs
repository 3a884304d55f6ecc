//! Opaque handles given to C, looked up rather than dereferenced.
//!
//! A connection handle (`IotMqttConnection_t`) and an operation handle
//! (`AwsIotJobsOperation_t`) are numbers dressed as pointers. Each is a key in a table here; a
//! value that isn't in the table (stale, foreign, already waited, or garbage) is an error, never
//! a dereference. Connection keys count up from a base and are never reused; operation keys are
//! the engine's operation IDs, also never reused.

use crate::core::engine::{OpId, Waiter};
use crate::core::transport::Connection;
use crate::core::Engine;
use crate::ffi::types::{AwsIotJobsOperation_t, IotMqttConnection_t};
use parking_lot::Mutex;
use rustc_hash::FxHashMap as HashMap;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};

/// What kind of link is behind a connection, and how to tear it down.
pub trait Link: Send + Sync {
    /// Stops the link; after this returns it never calls into C again.
    fn close(&self);
}

pub struct ConnectionEntry {
    pub connection: Connection,
    pub link: Arc<dyn Link>,
}

static NEXT_CONNECTION: AtomicUsize = AtomicUsize::new(1);
/// Connection handles are spaced like aligned pointers in a range no allocator uses.
const CONNECTION_BASE: usize = 0x00c0_ffee_0000_0000;

fn connections() -> &'static Mutex<HashMap<usize, Arc<ConnectionEntry>>> {
    static TABLE: std::sync::OnceLock<Mutex<HashMap<usize, Arc<ConnectionEntry>>>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(Default::default)
}

/// Registers a connection and returns its handle.
pub fn add_connection(entry: ConnectionEntry) -> IotMqttConnection_t {
    let key = CONNECTION_BASE + NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed) * 16;
    connections().lock().insert(key, Arc::new(entry));
    key as IotMqttConnection_t
}

pub fn connection(handle: IotMqttConnection_t) -> Option<Arc<ConnectionEntry>> {
    connections().lock().get(&(handle as usize)).cloned()
}

pub fn remove_connection(handle: IotMqttConnection_t) -> Option<Arc<ConnectionEntry>> {
    connections().lock().remove(&(handle as usize))
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
