//! The table of operations in flight: by age (for replies without a token), by client token
//! (the normal match) and by deadline (for the timer).

use super::{Completion, OpId, ReplyKey};
use crate::core::topics::Operation;
use rustc_hash::{FxBuildHasher, FxHashMap};
use std::collections::{BTreeMap, BTreeSet};
use std::hash::BuildHasher;
use std::time::Instant;

/// One operation waiting for its reply.
pub struct Pending {
    /// The thing, operation and job ID the reply must come back on, and its client token.
    pub key: ReplyKey,
    /// True when this operation holds a reference on its reply subscription.
    pub subscribed: bool,
    pub deadline: Instant,
    pub completion: Completion,
}

/// The index by token holds a hash of the token, not a copy: the token is in the key, and a
/// lookup compares it there (two tokens with one hash share an entry).
fn token_hash(token: &str) -> u64 {
    FxBuildHasher.hash_one(token)
}

/// The operations of one token hash: almost always one (tokens are unique unless the
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
    by_token: FxHashMap<u64, Ids>,
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
        self.by_token
            .entry(token_hash(pending.key.token()))
            .and_modify(|ids| ids.add(id))
            .or_insert(Ids::One(id));
        self.ops.insert(id, pending);
        Ok(earliest)
    }

    pub fn remove(&mut self, id: OpId) -> Option<Pending> {
        let pending = self.ops.remove(&id)?;
        self.deadlines.remove(&(pending.deadline, id));
        let hash = token_hash(pending.key.token());
        if let Some(ids) = self.by_token.get_mut(&hash) {
            if ids.remove(id) {
                self.by_token.remove(&hash);
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
            .get(&token_hash(token))?
            .as_slice()
            .iter()
            .copied()
            .find(|id| {
                self.ops.get(id).is_some_and(|p| {
                    p.key.token() == token && p.key.answers(thing, operation, job_id)
                })
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
            .find(|(_, p)| p.key.answers(thing, operation, job_id))
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

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pending(thing: &str, token: &str, deadline: Instant) -> Pending {
        Pending {
            key: ReplyKey::new(thing, Operation::GetPending, None, Some(token)),
            subscribed: false,
            deadline,
            completion: Completion::Callback(Box::new(|_| {})),
        }
    }

    #[test]
    fn a_tokenless_reply_finds_the_oldest_and_a_reused_token_each_in_turn() {
        let mut table = OpTable::default();
        let at = Instant::now() + Duration::from_secs(60);
        for id in [7, 3, 9] {
            assert!(table.insert(id, pending("T", "same", at)).is_ok());
        }
        assert!(table.insert(5, pending("U", "same", at)).is_ok());
        assert_eq!(table.find_oldest("T", Operation::GetPending, None), Some(3));
        assert_eq!(table.find_oldest("U", Operation::GetPending, None), Some(5));
        assert_eq!(table.find_oldest("T", Operation::StartNext, None), None);
        assert_eq!(
            table.find_by_token("same", "U", Operation::GetPending, None),
            Some(5)
        );
        assert_eq!(
            table.find_by_token("same", "T", Operation::GetPending, None),
            Some(7)
        );
        assert!(table.remove(7).is_some());
        assert_eq!(
            table.find_by_token("same", "T", Operation::GetPending, None),
            Some(3)
        );
        assert_eq!(
            table.find_by_token("other", "T", Operation::GetPending, None),
            None
        );
        let ids: Vec<OpId> = table.close().into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![3, 5, 9]);
        assert!(table.insert(11, pending("T", "x", at)).is_err());
    }
}
