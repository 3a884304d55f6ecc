//! One operation's critical section. A [`Tx`] holds the service lock, fires due timers on
//! entry, records each touched thing's pending set before the first change, persists every
//! change, marks jobs completed, and on drop publishes the notifications that the changes
//! call for (protocol doc §5, with QUEUED → IN_PROGRESS publishing `notify` as the service's
//! notifications page documents) and wakes the timer thread.

use super::events::{notify_next_payload, notify_payload, Event, EventKind};
use super::index::TimerKey;
use super::model::{Execution, ExecutionStatus, Job, Thing};
use super::persist::StoreError;
use super::{JobsService, State};
use parking_lot::MutexGuard;
use serde_json::Value;
use std::collections::BTreeMap;

/// A thing's pending set as notifications compare it: each pending job with its status (a
/// QUEUED → IN_PROGRESS change publishes `notify`, as the Jobs notifications page says a
/// ListNotification goes out when an execution "changes to a non-terminal status"), and the
/// head of the queue.
#[derive(PartialEq)]
struct Mark {
    ids: BTreeMap<String, ExecutionStatus>,
    head: Option<String>,
}

pub(crate) struct Tx<'a> {
    pub(crate) svc: &'a JobsService,
    pub(crate) st: MutexGuard<'a, State>,
    pub(crate) now_ms: u64,
    marks: BTreeMap<String, Mark>,
}

fn log_store(result: Result<(), StoreError>) {
    if let Err(e) = result {
        tracing::error!("{e}");
    }
}

/// A thing's pending executions in queue order: IN_PROGRESS first, then QUEUED, each by
/// queue order.
pub(crate) fn pending_of<'s>(st: &'s State, thing: &str) -> Vec<&'s Execution> {
    let mut v: Vec<&Execution> = executions_of(st, thing)
        .filter(|e| e.is_pending())
        .collect();
    v.sort_by_key(|e| (e.status != ExecutionStatus::InProgress, e.queue_seq));
    v
}

/// All executions of a thing.
pub(crate) fn executions_of<'s>(
    st: &'s State,
    thing: &str,
) -> impl Iterator<Item = &'s Execution> + use<'s> {
    let from = (thing.to_string(), String::new());
    let owned = thing.to_string();
    st.execs
        .range(from..)
        .take_while(move |((t, _), _)| *t == owned)
        .map(|(_, e)| e)
}

impl JobsService {
    /// Starts an operation: takes the lock and fires due timers.
    pub(crate) fn begin(&self) -> Tx<'_> {
        let mut tx = Tx {
            svc: self,
            st: self.state.lock(),
            now_ms: self.clock.now_ms(),
            marks: BTreeMap::new(),
        };
        tx.expire_due();
        tx
    }
}

impl Tx<'_> {
    /// The operation's time in seconds since the epoch.
    pub(crate) fn now_secs(&self) -> i64 {
        (self.now_ms / 1000) as i64
    }

    fn mark(&self, thing: &str) -> Mark {
        let pending = pending_of(&self.st, thing);
        Mark {
            head: pending.first().map(|e| e.job_id.clone()),
            ids: pending
                .into_iter()
                .map(|e| (e.job_id.clone(), e.status))
                .collect(),
        }
    }

    /// Records a thing's pending set before its first change in this operation.
    fn touch(&mut self, thing: &str) {
        if !self.marks.contains_key(thing) {
            let mark = self.mark(thing);
            self.marks.insert(thing.to_string(), mark);
        }
    }

    /// Looks up an execution.
    pub(crate) fn exec(&self, thing: &str, job_id: &str) -> Option<&Execution> {
        self.st.execs.get(&(thing.to_string(), job_id.to_string()))
    }

    /// Stores (and persists) an execution, then updates its job's completion.
    pub(crate) fn put_exec(&mut self, e: Execution) {
        self.touch(&e.thing_name);
        log_store(self.svc.store.put_execution(&e));
        let job_id = e.job_id.clone();
        self.st.index_exec(e);
        self.after_change(&job_id);
    }

    /// Removes (and un-persists) an execution.
    pub(crate) fn remove_exec(&mut self, thing: &str, job_id: &str) {
        self.touch(thing);
        log_store(self.svc.store.delete_execution(job_id, thing));
        self.st.unindex_exec(thing, job_id);
    }

    /// A copy of a job, or ResourceNotFound.
    pub(crate) fn job(&self, job_id: &str) -> super::ServiceResult<Job> {
        self.st
            .jobs
            .get(job_id)
            .cloned()
            .ok_or_else(|| super::control::job_not_found(job_id))
    }

    /// Stores (and persists) a job.
    pub(crate) fn put_job(&mut self, job: Job) {
        log_store(self.svc.store.put_job(&job));
        self.st.jobs.insert(job.job_id.clone(), job);
    }

    /// Removes (and un-persists) a job; its executions must be removed first.
    pub(crate) fn remove_job(&mut self, job_id: &str) {
        log_store(self.svc.store.delete_job(job_id));
        self.st.jobs.remove(job_id);
    }

    /// Stores (and persists) a thing.
    pub(crate) fn put_thing(&mut self, thing: Thing) {
        log_store(self.svc.store.put_thing(&thing));
        self.st.things.insert(thing.thing_name.clone(), thing);
    }

    /// Stores (and persists) a registry record.
    pub(crate) fn put_record(&mut self, r: super::model::Record) {
        log_store(self.svc.store.put_record(&r));
    }

    /// Removes (and un-persists) a registry record.
    pub(crate) fn delete_record(&mut self, kind: &str, key: &str) {
        log_store(self.svc.store.delete_record(kind, key));
    }

    /// ResourceNotFound unless the thing is registered (registry operations, any mode).
    pub(crate) fn require_registered(&self, thing: &str) -> super::ServiceResult<()> {
        if self.st.things.contains_key(thing) {
            Ok(())
        } else {
            Err(super::ServiceError::not_found(format!(
                "Thing {thing} does not exist"
            )))
        }
    }

    /// Removes (and un-persists) a thing.
    pub(crate) fn remove_thing(&mut self, thing_name: &str) {
        log_store(self.svc.store.delete_thing(thing_name));
        self.st.things.remove(thing_name);
    }

    /// Moves every execution whose timer has fired to TIMED_OUT.
    fn expire_due(&mut self) {
        let now = self.now_ms;
        let mut due = Vec::new();
        for key in self.st.idx.take_due(now) {
            match key {
                TimerKey::Execution(thing, job) => {
                    if let Some(e) = self.exec(&thing, &job) {
                        due.push(e.clone());
                    }
                }
                TimerKey::Rollout(job) => {
                    if let Some(state) = self.st.jobs.get_mut(&job).and_then(|j| j.rollout.as_mut())
                    {
                        state.next_tick_ms = None;
                    }
                    self.rollout_step(&job);
                }
            }
        }
        for mut e in due {
            tracing::info!(job = %e.job_id, thing = %e.thing_name, "execution timed out");
            e.status = ExecutionStatus::TimedOut;
            e.step_deadline_ms = None;
            e.in_progress_deadline_ms = None;
            e.last_updated_at = self.now_secs();
            self.put_with_retry(e);
        }
    }

    fn document_of(&self, job_id: &str) -> Value {
        self.st
            .jobs
            .get(job_id)
            .map(|j| Value::Object(j.document.clone()))
            .unwrap_or(Value::Null)
    }

    fn publish_changes(&self, thing: &str, before: &Mark) {
        let after = self.mark(thing);
        let ts = self.now_secs();
        let pending = pending_of(&self.st, thing);
        if before.ids != after.ids {
            let payload = notify_payload(&pending, ts);
            self.svc.emit(Event {
                thing_name: thing.to_string(),
                kind: EventKind::Notify,
                payload,
            });
        }
        if before.head != after.head {
            let head = pending.first().map(|e| (*e, self.document_of(&e.job_id)));
            let payload = notify_next_payload(head, ts, self.now_ms, self.svc.minute_ms);
            self.svc.emit(Event {
                thing_name: thing.to_string(),
                kind: EventKind::NotifyNext,
                payload,
            });
        }
    }
}

impl Drop for Tx<'_> {
    fn drop(&mut self) {
        if self.marks.is_empty() {
            return;
        }
        let marks = std::mem::take(&mut self.marks);
        for (thing, before) in &marks {
            self.publish_changes(thing, before);
        }
        self.svc.timer_wake.notify_all();
    }
}

impl Tx<'_> {
    /// Moves an execution to a service-set terminal status (CANCELED, REMOVED).
    pub(crate) fn finish_by_service(&self, e: &mut Execution, status: ExecutionStatus) {
        e.status = status;
        e.step_deadline_ms = None;
        e.in_progress_deadline_ms = None;
        e.last_updated_at = self.now_secs();
    }
}
