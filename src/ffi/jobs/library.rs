//! The library's global state between `AwsIotJobs_Init` and `AwsIotJobs_Cleanup`: the runtime
//! threads, one engine per connection (created on the connection's first Jobs call) and the
//! waitable operations not yet waited for.
//!
//! Lifecycle: running → stopping → stopped. `cleanup` first takes the library out of the
//! global slot (calls that start afterwards get `NotInitialized`), then closes its engine table
//! (a call already under way cannot create an engine any more), shuts every engine down (each
//! closes its operation table under the lock that records operations, and completes what it
//! held with `NotInitialized`), and only then stops the runtime, which runs every completion
//! queued so far before its callback thread ends. So a call either fails without a callback or
//! is recorded before its engine closed and completes exactly once, before `cleanup` returns.
//!
//! Why a connection's engine is kept here and not in its one record ([`ConnectionEntry`] in
//! `ffi/boundary/handles.rs`): the two tables own things with different lifetimes. The
//! connection table owns each connection from its Connect (or CreateTransportConnection) to its
//! Disconnect (or Destroy), across any number of Init/Cleanup pairs; this library's `engines`
//! owns the Jobs state of one Init, and is the exact set of engines that Cleanup must shut down
//! before it stops the runtime. One mutex guards that set, and the three things that change it
//! are each one step under it: creating an engine (only while the set is open), a connection
//! going away (remove its engine) and Cleanup (close the set, take them all). Whichever of the
//! last two comes first owns the engine's shutdown, the other finds nothing; an engine made
//! for a connection whose close is under way is still in the set, so Cleanup shuts it down.
//!
//! Keeping the engine in the connection record instead (an `Option<Engine>` slot, which
//! Cleanup empties by walking the connection table) was weighed and not done. Cleanup would
//! then find its engines in a table whose membership changes under it: a closing connection
//! leaves that table before its engine is shut down, and a call that looked the connection up
//! just before may still make it an engine. To keep the guarantees, making an engine would take
//! the library's lock and then the slot's (a lock order to keep), both places that close a
//! connection would have to mark its slot closed before it leaves the table (so that no engine
//! is made for it that Cleanup could no longer find), and a slot would be tagged with its Init
//! to tell a stale engine from the current one. That is more locks and orderings, none of them
//! under the loom models (`tests/loom_lifecycle.rs` checks the callback queue and an engine's
//! operation table, not this), for what one mutex over one map gives here. The connection
//! record stays the one record of the connection; this map is the one record of what an Init
//! owns.
//!
//! Settings that outlive Init/Cleanup (the response timeout, the notify callback limit) live in
//! atomics so they may be set at any time.
//!
//! [`ConnectionEntry`]: crate::ffi::boundary::handles::ConnectionEntry

use crate::core::engine::{EngineConfig, OpId};
use crate::core::runtime::Runtime;
use crate::core::{Engine, JobsError};
use crate::ffi::boundary::handles::{self, HandleTable, Waitable};
use crate::ffi::types::{AwsIotJobsOperation_t, IotMqttConnection_t};
use parking_lot::{Mutex, RwLock};
use rustc_hash::FxHashMap as HashMap;
use std::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The default MQTT timeout (subscribe, unsubscribe, publish acknowledgements), as in v4.
pub const DEFAULT_MQTT_TIMEOUT_MS: u32 = 5000;
/// How long an asynchronous operation waits for its reply by default.
pub const DEFAULT_RESPONSE_TIMEOUT_MS: u32 = 30_000;
/// How many notify callbacks one thing may have per kind by default.
pub const DEFAULT_NOTIFY_CALLBACK_LIMIT: usize = 4;
/// The largest notify callback limit accepted.
pub const MAX_NOTIFY_CALLBACK_LIMIT: usize = 1024;

static RESPONSE_TIMEOUT_MS: AtomicU32 = AtomicU32::new(DEFAULT_RESPONSE_TIMEOUT_MS);
static NOTIFY_LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_NOTIFY_CALLBACK_LIMIT);

pub fn response_timeout() -> Duration {
    Duration::from_millis(RESPONSE_TIMEOUT_MS.load(Ordering::Relaxed) as u64)
}

pub fn set_response_timeout(ms: u32) {
    RESPONSE_TIMEOUT_MS.store(ms, Ordering::Relaxed);
}

pub fn notify_limit() -> usize {
    NOTIFY_LIMIT.load(Ordering::Relaxed)
}

pub fn set_notify_limit(limit: usize) {
    NOTIFY_LIMIT.store(limit, Ordering::Relaxed);
}

pub struct Library {
    pub runtime: Runtime,
    config: EngineConfig,
    /// `None` once Cleanup began: no engine is created after that.
    engines: Mutex<Option<HashMap<usize, Arc<Engine>>>>,
    /// Waitable operations not yet waited for, by operation handle (the operation ID). Per
    /// library, so a handle from before a Cleanup is unknown to the next Init.
    waitables: HandleTable<Waitable>,
}

static LIBRARY: RwLock<Option<Arc<Library>>> = RwLock::new(None);

/// Starts the library; a second call while running is a successful no-op.
pub fn init(mqtt_timeout_ms: u32) -> Result<(), JobsError> {
    let mut slot = LIBRARY.write();
    if slot.is_some() {
        return Ok(());
    }
    let runtime = Runtime::start().map_err(|_| JobsError::InitFailed)?;
    let ms = if mqtt_timeout_ms == 0 {
        DEFAULT_MQTT_TIMEOUT_MS
    } else {
        mqtt_timeout_ms
    };
    let config = EngineConfig {
        mqtt_timeout: Duration::from_millis(ms as u64),
        ..EngineConfig::default()
    };
    *slot = Some(Arc::new(Library {
        runtime,
        config,
        engines: Mutex::new(Some(HashMap::default())),
        waitables: HandleTable::new(0),
    }));
    Ok(())
}

/// Stops the library: operations in flight complete with `NotInitialized` (their callbacks
/// run before this returns, unless it is called from a callback), waitable operations not yet
/// waited for are released, notify callbacks are forgotten, and the threads end.
pub fn cleanup() {
    let Some(lib) = LIBRARY.write().take() else {
        return;
    };
    let engines = lib.engines.lock().take().unwrap_or_default();
    for (handle, engine) in engines {
        if let Some(entry) = handles::connection(handle as IotMqttConnection_t) {
            entry.connection.router.set_jobs_handler(None);
        }
        engine.shutdown(JobsError::NotInitialized);
    }
    lib.waitables.clear();
    lib.runtime.shutdown();
}

/// The running library, or `NotInitialized`.
pub fn get() -> Result<Arc<Library>, JobsError> {
    LIBRARY.read().clone().ok_or(JobsError::NotInitialized)
}

impl Library {
    /// The engine of a connection, created on first use. `BadParameter` for a handle that is
    /// not a live connection.
    pub fn engine(&self, handle: IotMqttConnection_t) -> Result<Arc<Engine>, JobsError> {
        if handle.is_null() {
            return Err(JobsError::BadParameter);
        }
        let entry = handles::connection(handle).ok_or(JobsError::BadParameter)?;
        let mut engines = self.engines.lock();
        let engines = engines.as_mut().ok_or(JobsError::NotInitialized)?;
        if let Some(engine) = engines.get(&(handle as usize)) {
            return Ok(engine.clone());
        }
        let engine = Engine::new(
            entry.connection.transport.clone(),
            self.runtime.clone(),
            self.config.clone(),
        );
        let weak = Arc::downgrade(&engine);
        entry.connection.router.set_jobs_handler(Some(Arc::new(
            move |topic: &str, payload: &[u8]| {
                if let Some(engine) = weak.upgrade() {
                    engine.handle_inbound(topic, payload);
                }
            },
        )));
        engines.insert(handle as usize, engine.clone());
        Ok(engine)
    }

    /// Forgets a connection that is going away; its operations complete with `reason`.
    pub fn drop_connection(&self, handle: IotMqttConnection_t, reason: JobsError) {
        let engine = self
            .engines
            .lock()
            .as_mut()
            .and_then(|engines| engines.remove(&(handle as usize)));
        if let Some(engine) = engine {
            engine.shutdown(reason);
        }
    }
}

impl Library {
    /// Records a waitable operation until it is waited for.
    pub fn add_waitable(&self, id: OpId, waitable: Waitable) {
        self.waitables.insert_at(id as usize, waitable);
    }

    /// Forgets a waitable operation whose submission failed.
    pub fn forget_waitable(&self, id: OpId) {
        self.waitables.remove(id as usize);
    }

    /// Takes a waitable operation out of the table: a handle can be waited for once.
    pub fn take_waitable(&self, handle: AwsIotJobsOperation_t) -> Option<(OpId, Waitable)> {
        let id = handles::operation_id(handle);
        self.waitables.remove(handle as usize).map(|w| (id, w))
    }
}

/// Called when a connection is destroyed, whether or not the library is running.
pub fn connection_closed(handle: IotMqttConnection_t) {
    if let Ok(lib) = get() {
        lib.drop_connection(handle, JobsError::MqttError);
    }
}
