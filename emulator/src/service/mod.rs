//! The Jobs service as a pure, thread-safe state model, independent of any transport.
//! [`JobsService`] holds things, jobs and executions behind one lock, applies the device
//! operations of the MQTT/HTTP data plane ([`device`]) and the control operations of the
//! HTTP control plane ([`control`]) with every rule of the protocol doc, runs the step and
//! in-progress timers ([`timers`]), reports notifications as [`events::Event`]s to
//! subscribers, and tells a [`persist::Store`] about every change. Transports only translate
//! their wire format to these method calls (see `crate::wire` for MQTT).

pub mod clock;
pub mod control;
pub mod device;
pub mod error;
pub mod events;
pub mod groups;
pub mod identity;
pub mod index;
pub mod jobconfig;
pub mod jobs;
pub mod model;
pub mod persist;
pub mod rollout;
pub mod things;
pub mod timers;
pub mod validate;
pub mod views;

mod tx;

pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{ErrorCode, ExecutionState, ServiceError, ServiceResult};
pub use events::{Event, EventKind};
pub use model::{
    Execution, ExecutionStatus, Job, JobStatus, Record, Snapshot, StatusDetails, Thing,
};
pub use persist::{MemoryStore, NoStore, Store, StoreError};

use crossbeam_channel::{Receiver, Sender};
use parking_lot::{Condvar, Mutex};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// How the service treats a thing that is not in its registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum RegistryMode {
    /// CreateJob registers unknown targets, and a device of an unknown thing gets empty
    /// answers (the emulator's historical behaviour, handy for quick tests).
    #[default]
    Implicit,
    /// As the service: CreateJob and every data-plane request naming an unknown thing fail
    /// with ResourceNotFound.
    Strict,
}

/// Settings of a service; `Default` gives real minutes, region `us-east-1`, account
/// `123456789012`, the system clock and a [`NoStore`].
pub struct ServiceConfig {
    /// Real milliseconds per emulated minute of job timers.
    pub minute_ms: u64,
    /// Region used in ARNs.
    pub region: String,
    /// Account id used in ARNs.
    pub account_id: String,
    pub clock: Arc<dyn Clock>,
    pub store: Box<dyn Store>,
    /// Unknown things: registered on the fly or refused.
    pub registry: RegistryMode,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            minute_ms: 60_000,
            region: "us-east-1".into(),
            account_id: "123456789012".into(),
            clock: Arc::new(SystemClock),
            store: Box::new(NoStore),
            registry: RegistryMode::Implicit,
        }
    }
}

/// The mutable state behind the service lock.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) things: BTreeMap<String, Thing>,
    pub(crate) jobs: BTreeMap<String, Job>,
    /// Executions keyed by `(thing_name, job_id)` so one thing's are a range.
    /// Change only through `index_exec` / `unindex_exec` (see [`index`]).
    pub(crate) execs: BTreeMap<(String, String), Execution>,
    pub(crate) idx: index::Indexes,
    /// Certificates, principal attachments, thing groups.
    pub(crate) registry: identity::Registry,
    pub(crate) next_seq: u64,
    /// Injected failures: thing name → (code, how many requests still to fail).
    pub(crate) faults: HashMap<String, (ErrorCode, u32)>,
    pub(crate) timer_stopped: bool,
}

/// The Jobs service. Share it as `Arc<JobsService>`; every method takes `&self`.
pub struct JobsService {
    pub(crate) state: Mutex<State>,
    pub(crate) timer_wake: Condvar,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) minute_ms: u64,
    pub(crate) region: String,
    pub(crate) account_id: String,
    pub(crate) store: Box<dyn Store>,
    pub(crate) registry: RegistryMode,
    ca: std::sync::OnceLock<Arc<crate::identity::ca::EmulatorCa>>,
    sinks: Mutex<Vec<Sender<Event>>>,
}

impl JobsService {
    /// A service with default settings and no state.
    pub fn new() -> Arc<Self> {
        Self::with_config(ServiceConfig::default()).expect("the memory store cannot fail")
    }

    /// A service with the given settings, loaded from `config.store`.
    pub fn with_config(config: ServiceConfig) -> Result<Arc<Self>, StoreError> {
        let snapshot = config.store.load()?;
        let mut state = State::default();
        for t in snapshot.things {
            state.things.insert(t.thing_name.clone(), t);
        }
        for j in snapshot.jobs {
            if let Some(t) = j.rollout.as_ref().and_then(|r| r.next_tick_ms) {
                let key = index::TimerKey::Rollout(j.job_id.clone());
                state.idx.timers.insert((t, key));
            }
            state.jobs.insert(j.job_id.clone(), j);
        }
        for r in snapshot.records {
            state.registry.load(r);
        }
        for e in snapshot.executions {
            state.next_seq = state.next_seq.max(e.queue_seq + 1);
            state.index_exec(e);
        }
        Ok(Arc::new(JobsService {
            state: Mutex::new(state),
            timer_wake: Condvar::new(),
            clock: config.clock,
            minute_ms: config.minute_ms.max(1),
            region: config.region,
            account_id: config.account_id,
            store: config.store,
            registry: config.registry,
            ca: std::sync::OnceLock::new(),
            sinks: Mutex::new(Vec::new()),
        }))
    }

    /// Real milliseconds per emulated minute.
    pub fn minute_ms(&self) -> u64 {
        self.minute_ms
    }

    /// The service clock's time in milliseconds since the epoch.
    pub fn now_ms(&self) -> u64 {
        self.clock.now_ms()
    }

    /// Sets the CA that signs device certificates (before any is issued).
    pub fn set_ca(&self, ca: Arc<crate::identity::ca::EmulatorCa>) {
        let _ = self.ca.set(ca);
    }

    /// The CA that signs device certificates; an in-memory one if none was set.
    pub fn ca(&self) -> anyhow::Result<Arc<crate::identity::ca::EmulatorCa>> {
        if let Some(ca) = self.ca.get() {
            return Ok(ca.clone());
        }
        let ca = Arc::new(crate::identity::ca::EmulatorCa::ephemeral()?);
        Ok(self.ca.get_or_init(|| ca).clone())
    }

    /// A receiver of every notification published from now on.
    pub fn subscribe(&self) -> Receiver<Event> {
        let (tx, rx) = crossbeam_channel::unbounded();
        self.sinks.lock().push(tx);
        rx
    }

    pub(crate) fn emit(&self, event: Event) {
        tracing::info!(topic = %event.topic(), payload = %event.payload, "notification");
        self.sinks.lock().retain(|s| s.send(event.clone()).is_ok());
    }

    /// Makes the next `count` device requests of `thing_name` fail with `code` (for tests of
    /// `InternalError` and `RequestThrottled`). A count of 0 clears the injection.
    pub fn inject_failure(&self, thing_name: &str, code: ErrorCode, count: u32) {
        let mut st = self.state.lock();
        if count == 0 {
            st.faults.remove(thing_name);
        } else {
            st.faults.insert(thing_name.to_string(), (code, count));
        }
    }

    /// The account ID used in ARNs.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The ARN of a thing.
    pub fn thing_arn(&self, thing_name: &str) -> String {
        format!(
            "arn:aws:iot:{}:{}:thing/{thing_name}",
            self.region, self.account_id
        )
    }

    /// The ARN of a job.
    pub fn job_arn(&self, job_id: &str) -> String {
        format!(
            "arn:aws:iot:{}:{}:job/{job_id}",
            self.region, self.account_id
        )
    }

    /// A copy of the whole state.
    pub fn snapshot(&self) -> Snapshot {
        let st = self.state.lock();
        Snapshot {
            things: st.things.values().cloned().collect(),
            jobs: st.jobs.values().cloned().collect(),
            executions: st.execs.values().cloned().collect(),
            records: st.registry.records(),
        }
    }
}
