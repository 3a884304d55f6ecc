//! The persistence hook. The service keeps its whole state in memory and tells a [`Store`]
//! about every change, while holding its lock, so a backend sees changes in order.
//! [`Store::load`] is read once when the service is built. [`NoStore`] is the default (nothing
//! kept); [`MemoryStore`] keeps a copy in memory (useful to test a restart by building a second service on it).

use super::model::{Execution, Job, Record, Snapshot, Thing};
use parking_lot::Mutex;
use std::collections::BTreeMap;
use std::fmt;

/// A backend failure; the service logs it and carries on with its in-memory state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

/// Where the service's state is persisted. Every method is called under the service lock.
pub trait Store: Send + Sync {
    /// Everything stored; called once when the service is built.
    fn load(&self) -> Result<Snapshot, StoreError>;
    /// Inserts or replaces a thing (keyed by `thing_name`).
    fn put_thing(&self, thing: &Thing) -> Result<(), StoreError>;
    /// Removes a thing.
    fn delete_thing(&self, thing_name: &str) -> Result<(), StoreError>;
    /// Inserts or replaces a job (keyed by `job_id`).
    fn put_job(&self, job: &Job) -> Result<(), StoreError>;
    /// Removes a job. The service deletes its executions one by one before this call.
    fn delete_job(&self, job_id: &str) -> Result<(), StoreError>;
    /// Inserts or replaces an execution (keyed by `(job_id, thing_name)`).
    fn put_execution(&self, execution: &Execution) -> Result<(), StoreError>;
    /// Removes an execution.
    fn delete_execution(&self, job_id: &str, thing_name: &str) -> Result<(), StoreError>;
    /// Inserts or replaces a registry record (certificate, attachment, thing group).
    fn put_record(&self, _record: &Record) -> Result<(), StoreError> {
        Ok(())
    }
    /// Removes a registry record.
    fn delete_record(&self, _kind: &str, _key: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

/// Keeps nothing: the default when no `--data` directory is given, so the state is not held
/// twice in memory.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoStore;

impl Store for NoStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot::default())
    }
    fn put_thing(&self, _: &Thing) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete_thing(&self, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_job(&self, _: &Job) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete_job(&self, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
    fn put_execution(&self, _: &Execution) -> Result<(), StoreError> {
        Ok(())
    }
    fn delete_execution(&self, _: &str, _: &str) -> Result<(), StoreError> {
        Ok(())
    }
}

#[derive(Default)]
struct MemoryState {
    things: BTreeMap<String, Thing>,
    jobs: BTreeMap<String, Job>,
    executions: BTreeMap<(String, String), Execution>,
    records: BTreeMap<(String, String), Record>,
}

/// The default store: a copy of the state in memory, shareable through an `Arc`.
#[derive(Default)]
pub struct MemoryStore(Mutex<MemoryState>);

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl Store for MemoryStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        let s = self.0.lock();
        Ok(Snapshot {
            things: s.things.values().cloned().collect(),
            jobs: s.jobs.values().cloned().collect(),
            executions: s.executions.values().cloned().collect(),
            records: s.records.values().cloned().collect(),
        })
    }

    fn put_thing(&self, thing: &Thing) -> Result<(), StoreError> {
        self.0
            .lock()
            .things
            .insert(thing.thing_name.clone(), thing.clone());
        Ok(())
    }

    fn delete_thing(&self, thing_name: &str) -> Result<(), StoreError> {
        self.0.lock().things.remove(thing_name);
        Ok(())
    }

    fn put_job(&self, job: &Job) -> Result<(), StoreError> {
        self.0.lock().jobs.insert(job.job_id.clone(), job.clone());
        Ok(())
    }

    fn delete_job(&self, job_id: &str) -> Result<(), StoreError> {
        self.0.lock().jobs.remove(job_id);
        Ok(())
    }

    fn put_execution(&self, e: &Execution) -> Result<(), StoreError> {
        let key = (e.job_id.clone(), e.thing_name.clone());
        self.0.lock().executions.insert(key, e.clone());
        Ok(())
    }

    fn delete_execution(&self, job_id: &str, thing_name: &str) -> Result<(), StoreError> {
        self.0
            .lock()
            .executions
            .remove(&(job_id.to_string(), thing_name.to_string()));
        Ok(())
    }

    fn put_record(&self, r: &Record) -> Result<(), StoreError> {
        let key = (r.kind.clone(), r.key.clone());
        self.0.lock().records.insert(key, r.clone());
        Ok(())
    }

    fn delete_record(&self, kind: &str, key: &str) -> Result<(), StoreError> {
        self.0
            .lock()
            .records
            .remove(&(kind.to_string(), key.to_string()));
        Ok(())
    }
}

impl<S: Store + ?Sized> Store for std::sync::Arc<S> {
    fn load(&self) -> Result<Snapshot, StoreError> {
        (**self).load()
    }
    fn put_thing(&self, thing: &Thing) -> Result<(), StoreError> {
        (**self).put_thing(thing)
    }
    fn delete_thing(&self, thing_name: &str) -> Result<(), StoreError> {
        (**self).delete_thing(thing_name)
    }
    fn put_job(&self, job: &Job) -> Result<(), StoreError> {
        (**self).put_job(job)
    }
    fn delete_job(&self, job_id: &str) -> Result<(), StoreError> {
        (**self).delete_job(job_id)
    }
    fn put_execution(&self, e: &Execution) -> Result<(), StoreError> {
        (**self).put_execution(e)
    }
    fn delete_execution(&self, job_id: &str, thing_name: &str) -> Result<(), StoreError> {
        (**self).delete_execution(job_id, thing_name)
    }
    fn put_record(&self, r: &Record) -> Result<(), StoreError> {
        (**self).put_record(r)
    }
    fn delete_record(&self, kind: &str, key: &str) -> Result<(), StoreError> {
        (**self).delete_record(kind, key)
    }
}
