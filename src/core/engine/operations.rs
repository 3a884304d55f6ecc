//! The table of operations in flight: by age (for replies without a token), by client token
//! (the normal match) and by deadline (for the timer).

use super::{Completion, OpId, ReplyKey};
use crate::core::topics::Operation;
use rustc_hash::FxHashMap;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

/// One operation waiting for its reply.
pub struct Pending {
    /// The thing, operation and job ID the reply must come back on.
    pub key: ReplyKey,
    /// Shared with the table's index by token (a reference count, not a copy).
    pub token: Arc<str>,
    /// True when this operation holds a reference on its reply subscription.
    pub subscribed: bool,
    pub deadline: Instant,
    pub completion: Completion,
}

impl Pending {
    fn answers(&self, thing: &str, operation: Operation, job_id: Option<&str>) -> bool {
        self.key.operation == operation
            && self.key.thing == thing
            && self.key.job_id.as_deref() == job_id
    }
}

/// The operations of one client token: almost always one (tokens are unique unless the
/// application reuses its own), so no vector for it.
enum Ids {
    One(OpId),
    Many(Vec<OpId>),
}

impl Ids {
    fn as_slice(&self) -> &[OpId] {
        match self {
            Ids::One(id) => std::slice::from_ref(id),
            Ids::Many(ids) => ids,
        }
    }

    fn add(&mut self, id: OpId) {
        match self {
            Ids::One(first) => *self = Ids::Many(vec![*first, id]),
            Ids::Many(ids) => ids.push(id),
        }
    }

    /// Removes `id`; true when none is left.
    fn remove(&mut self, id: OpId) -> bool {
        match self {
            Ids::One(only) => *only == id,
            Ids::Many(ids) => {
                ids.retain(|i| *i != id);
                if let [last] = ids[..] {
                    *self = Ids::One(last);
                }
                false
            }
        }
    }
}

#[derive(Default)]
pub struct OpTable {
    ops: BTreeMap<OpId, Pending>,
    by_token: FxHashMap<Arc<str>, Ids>,
    deadlines: BTreeSet<(Instant, OpId)>,
    /// Set once by `close`: nothing is added afterwards.
    closed: bool,
}

impl OpTable {
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Adds an operation; returns true when its deadline is now the earliest. A closed table
    /// refuses it and hands it back.
    pub fn insert(&mut self, id: OpId, pending: Pending) -> Result<bool, Pending> {
        if self.closed {
            return Err(pending);
        }
        let earliest = self
            .deadlines
            .first()
            .is_none_or(|(d, _)| pending.deadline < *d);
        self.deadlines.insert((pending.deadline, id));
        match self.by_token.get_mut(&pending.token) {
            Some(ids) => ids.add(id),
            None => {
                self.by_token.insert(pending.token.clone(), Ids::One(id));
            }
        }
        self.ops.insert(id, pending);
        Ok(earliest)
    }

    pub fn remove(&mut self, id: OpId) -> Option<Pending> {
        let pending = self.ops.remove(&id)?;
        self.deadlines.remove(&(pending.deadline, id));
        if let Some(ids) = self.by_token.get_mut(&pending.token) {
            if ids.remove(id) {
                self.by_token.remove(&pending.token);
            }
        }
        Some(pending)
    }

    /// The oldest operation with this token that the reply topic belongs to.
    pub fn find_by_token(
        &self,
        token: &str,
        thing: &str,
        operation: Operation,
        job_id: Option<&str>,
    ) -> Option<OpId> {
        self.by_token
            .get(token)?
            .as_slice()
            .iter()
            .copied()
            .find(|id| {
                self.ops
                    .get(id)
                    .is_some_and(|p| p.answers(thing, operation, job_id))
            })
    }

    /// The oldest operation the reply topic belongs to, whatever its token.
    pub fn find_oldest(
        &self,
        thing: &str,
        operation: Operation,
        job_id: Option<&str>,
    ) -> Option<OpId> {
        self.ops
            .iter()
            .find(|(_, p)| p.answers(thing, operation, job_id))
            .map(|(id, _)| *id)
    }

    /// Removes and returns every operation whose deadline is at or before `now`.
    pub fn take_due(&mut self, now: Instant) -> Vec<(OpId, Pending)> {
        let due: Vec<OpId> = self
            .deadlines
            .iter()
            .take_while(|(d, _)| *d <= now)
            .map(|(_, id)| *id)
            .collect();
        due.into_iter()
            .filter_map(|id| self.remove(id).map(|p| (id, p)))
            .collect()
    }

    pub fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|(d, _)| *d)
    }

    /// Refuses every later insert and takes out what is in flight.
    pub fn close(&mut self) -> Vec<(OpId, Pending)> {
        self.closed = true;
        self.by_token.clear();
        self.deadlines.clear();
        std::mem::take(&mut self.ops).into_iter().collect()
    }
}
