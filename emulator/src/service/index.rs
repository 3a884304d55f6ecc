//! Indexes kept beside the executions so that no operation scans them all under the lock:
//! per job, the set of target things and the count of executions in each status (what
//! job completion, abort criteria and `jobProcessDetails` read); and one queue of every
//! running timer ordered by deadline (what the timer thread and each operation's
//! "fire what is due" read, popping from the front). [`State::index_exec`] and
//! [`State::unindex_exec`] are the only ways executions enter and leave the map, so the
//! indexes cannot drift from it.

use super::model::{Execution, ExecutionStatus};
use super::State;
use std::collections::{BTreeSet, HashMap};

/// Number of executions of one job in each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatusCounts([usize; 8]);

fn slot(s: ExecutionStatus) -> usize {
    use ExecutionStatus::*;
    match s {
        Queued => 0,
        InProgress => 1,
        Succeeded => 2,
        Failed => 3,
        Rejected => 4,
        TimedOut => 5,
        Canceled => 6,
        Removed => 7,
    }
}

impl StatusCounts {
    /// Executions in `s`.
    pub fn get(&self, s: ExecutionStatus) -> usize {
        self.0[slot(s)]
    }

    /// QUEUED plus IN_PROGRESS.
    pub fn pending(&self) -> usize {
        self.get(ExecutionStatus::Queued) + self.get(ExecutionStatus::InProgress)
    }

    /// Every execution counted.
    pub fn total(&self) -> usize {
        self.0.iter().sum()
    }

    fn add(&mut self, s: ExecutionStatus) {
        self.0[slot(s)] += 1;
    }

    fn sub(&mut self, s: ExecutionStatus) {
        self.0[slot(s)] = self.0[slot(s)].saturating_sub(1);
    }
}

/// What a timer, when due, acts on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TimerKey {
    /// An IN_PROGRESS execution's step or in-progress deadline: `(thing, job)`.
    Execution(String, String),
    /// The next rollout step of a job whose targets are released at a rate.
    Rollout(String),
}

/// One job's things and status counts.
#[derive(Debug, Clone, Default)]
pub struct JobIndex {
    pub things: BTreeSet<String>,
    pub counts: StatusCounts,
}

fn exec_timer(e: &Execution) -> Option<(u64, TimerKey)> {
    if e.status != ExecutionStatus::InProgress {
        return None;
    }
    let key = TimerKey::Execution(e.thing_name.clone(), e.job_id.clone());
    e.deadline_ms().map(|d| (d, key))
}

/// The indexes of [`State`].
#[derive(Debug, Default)]
pub struct Indexes {
    pub by_job: HashMap<String, JobIndex>,
    /// Every running timer, earliest first.
    pub timers: BTreeSet<(u64, TimerKey)>,
}

impl Indexes {
    fn add(&mut self, e: &Execution) {
        let entry = self.by_job.entry(e.job_id.clone()).or_default();
        entry.things.insert(e.thing_name.clone());
        entry.counts.add(e.status);
        if let Some(t) = exec_timer(e) {
            self.timers.insert(t);
        }
    }

    fn remove(&mut self, e: &Execution) {
        if let Some(entry) = self.by_job.get_mut(&e.job_id) {
            entry.things.remove(&e.thing_name);
            entry.counts.sub(e.status);
            if entry.things.is_empty() {
                self.by_job.remove(&e.job_id);
            }
        }
        if let Some(t) = exec_timer(e) {
            self.timers.remove(&t);
        }
    }

    /// The earliest deadline of any timer.
    pub fn next_deadline(&self) -> Option<u64> {
        self.timers.first().map(|(d, _)| *d)
    }

    /// Removes and returns the timers due at `now_ms`, earliest first.
    pub fn take_due(&mut self, now_ms: u64) -> Vec<TimerKey> {
        let mut due = Vec::new();
        while let Some((d, _)) = self.timers.first() {
            if *d > now_ms {
                break;
            }
            if let Some((_, key)) = self.timers.pop_first() {
                due.push(key);
            }
        }
        due
    }
}

impl State {
    /// Inserts or replaces an execution, keeping the indexes in step.
    pub(crate) fn index_exec(&mut self, e: Execution) {
        let key = (e.thing_name.clone(), e.job_id.clone());
        if let Some(old) = self.execs.get(&key) {
            self.idx.remove(old);
        }
        self.idx.add(&e);
        self.execs.insert(key, e);
    }

    /// Removes an execution, keeping the indexes in step.
    pub(crate) fn unindex_exec(&mut self, thing: &str, job_id: &str) -> Option<Execution> {
        let old = self
            .execs
            .remove(&(thing.to_string(), job_id.to_string()))?;
        self.idx.remove(&old);
        Some(old)
    }

    /// The things a job has executions on, by name.
    pub(crate) fn things_of_job(&self, job_id: &str) -> Vec<String> {
        self.idx
            .by_job
            .get(job_id)
            .map(|j| j.things.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Status counts of a job's executions.
    pub(crate) fn counts_of_job(&self, job_id: &str) -> StatusCounts {
        self.idx
            .by_job
            .get(job_id)
            .map(|j| j.counts)
            .unwrap_or_default()
    }

    /// A job's executions, by thing name.
    pub(crate) fn executions_of_job(&self, job_id: &str) -> Vec<&Execution> {
        let Some(j) = self.idx.by_job.get(job_id) else {
            return Vec::new();
        };
        j.things
            .iter()
            .filter_map(|t| self.execs.get(&(t.clone(), job_id.to_string())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::model::StatusDetails;

    fn exec(thing: &str, job: &str, status: ExecutionStatus, deadline: Option<u64>) -> Execution {
        Execution {
            job_id: job.into(),
            thing_name: thing.into(),
            status,
            status_details: StatusDetails::new(),
            version_number: 1,
            execution_number: 1,
            queued_at: 0,
            started_at: None,
            last_updated_at: 0,
            queue_seq: 0,
            step_deadline_ms: deadline,
            in_progress_deadline_ms: None,
            force_canceled: false,
            retries: [0, 0],
        }
    }

    #[test]
    fn timers_come_out_by_deadline_and_follow_replacements() {
        let mut st = State::default();
        st.index_exec(exec("b", "j", ExecutionStatus::InProgress, Some(30)));
        st.index_exec(exec("a", "j", ExecutionStatus::InProgress, Some(10)));
        st.index_exec(exec("c", "j", ExecutionStatus::Queued, Some(5)));
        assert_eq!(st.idx.next_deadline(), Some(10));
        // Replacing b's execution moves its timer.
        st.index_exec(exec("b", "j", ExecutionStatus::InProgress, Some(20)));
        assert_eq!(st.idx.timers.len(), 2);
        let due = st.idx.take_due(25);
        assert_eq!(
            due,
            vec![
                TimerKey::Execution("a".into(), "j".into()),
                TimerKey::Execution("b".into(), "j".into())
            ]
        );
        assert_eq!(st.idx.next_deadline(), None);
    }

    #[test]
    fn counts_and_things_follow_the_map() {
        let mut st = State::default();
        st.index_exec(exec("a", "j", ExecutionStatus::Queued, None));
        st.index_exec(exec("b", "j", ExecutionStatus::Queued, None));
        st.index_exec(exec("a", "j", ExecutionStatus::Succeeded, None));
        let c = st.counts_of_job("j");
        assert_eq!((c.pending(), c.get(ExecutionStatus::Succeeded)), (1, 1));
        assert_eq!(st.things_of_job("j"), vec!["a", "b"]);
        st.unindex_exec("a", "j");
        st.unindex_exec("b", "j");
        assert!(st.idx.by_job.is_empty());
        assert_eq!(st.counts_of_job("j").total(), 0);
    }
}
