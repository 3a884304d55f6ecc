//! The table of operations in flight: by ID, by client token (the normal match) and by deadline
//! (for the timer). A token of ours carries its operation's ID, so a reply finds its operation
//! by ID; only the application's own tokens are indexed. IDs grow with age, which is how a
//! reply without a token finds the oldest operation it may answer. The operations are in a hash map, not an ordered one: an ordered
//! map's nodes holding operations are over a kilobyte each, above what the allocator keeps
//! per thread for reuse, and they were split and merged as operations came and went.

use super::deadlines::Deadlines;
use super::{Completion, OpId, ReplyKey};
use crate::core::token;
use crate::core::topics::Operation;
use rustc_hash::{FxBuildHasher, FxHashMap};
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

/// The index of the application's tokens holds a hash of the token, not a copy: the token is
/// in the key, and a lookup compares it there (two tokens with one hash share an entry).
fn token_hash(token: &[u8]) -> u64 {
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

/// Tables smaller than this many operations are never shrunk.
const SHRINK_ABOVE: usize = 1024;

/// Stale deadlines allowed beyond as many as there are live operations, before they are all
/// dropped at once.
const STALE_SLACK: usize = 64;

#[derive(Default)]
pub struct OpTable {
    ops: FxHashMap<OpId, Pending>,
    by_token: FxHashMap<u64, Ids>,
    /// An operation that leaves the table leaves its entry here; see `Deadlines`.
    deadlines: Deadlines,
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
        let ops = &self.ops;
        let earliest = self
            .deadlines
            .earliest(|id| ops.contains_key(&id))
            .is_none_or(|d| pending.deadline < d);
        self.deadlines.push(pending.deadline, id);
        if pending.key.own_token() {
            self.by_token
                .entry(token_hash(pending.key.token().as_bytes()))
                .and_modify(|ids| ids.add(id))
                .or_insert(Ids::One(id));
        }
        self.ops.insert(id, pending);
        Ok(earliest)
    }

    pub fn remove(&mut self, id: OpId) -> Option<Pending> {
        let pending = self.ops.remove(&id)?;
        if pending.key.own_token() {
            let hash = token_hash(pending.key.token().as_bytes());
            if let Some(ids) = self.by_token.get_mut(&hash) {
                if ids.remove(id) {
                    self.by_token.remove(&hash);
                }
            }
        }
        // Hash maps keep their room: give most of it back after a burst.
        if self.ops.capacity() > SHRINK_ABOVE && self.ops.len() < self.ops.capacity() / 8 {
            self.ops.shrink_to(self.ops.len() * 2);
            self.by_token.shrink_to(self.ops.len() * 2);
        }
        if self.deadlines.len() > 2 * self.ops.len() + STALE_SLACK {
            let ops = &self.ops;
            self.deadlines.retain(|id| ops.contains_key(&id));
        }
        Some(pending)
    }

    /// The oldest operation with this token that the reply topic belongs to. The token may
    /// be ours, leading to its operation, and also an application's (which could copy one of
    /// ours): both are looked for.
    pub fn find_by_token(
        &self,
        token: &[u8],
        thing: &str,
        operation: Operation,
        job_id: Option<&str>,
    ) -> Option<OpId> {
        let belongs = |id: &OpId| {
            self.ops.get(id).is_some_and(|p| {
                p.key.token().as_bytes() == token && p.key.answers(thing, operation, job_id)
            })
        };
        let ours = token::id_of(token).filter(belongs);
        // Most applications give no tokens of their own: then there is nothing to hash.
        let theirs = match self.by_token.is_empty() {
            true => None,
            false => self
                .by_token
                .get(&token_hash(token))
                .and_then(|ids| ids.as_slice().iter().copied().find(belongs)),
        };
        match (ours, theirs) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
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
            .filter(|(_, p)| p.key.answers(thing, operation, job_id))
            .map(|(id, _)| *id)
            .min()
    }

    /// Removes and returns every operation whose deadline is at or before `now`.
    pub fn take_due(&mut self, now: Instant) -> Vec<(OpId, Pending)> {
        let mut due = Vec::new();
        while let Some(id) = self.deadlines.pop_due(now) {
            if let Some(pending) = self.remove(id) {
                due.push((id, pending));
            }
        }
        due
    }

    pub fn next_deadline(&mut self) -> Option<Instant> {
        let ops = &self.ops;
        self.deadlines.earliest(|id| ops.contains_key(&id))
    }

    /// Refuses every later insert and takes out what is in flight.
    pub fn close(&mut self) -> Vec<(OpId, Pending)> {
        self.closed = true;
        self.by_token = FxHashMap::default();
        self.deadlines.clear();
        let mut all: Vec<(OpId, Pending)> = std::mem::take(&mut self.ops).into_iter().collect();
        // Completed oldest first, as they were started.
        all.sort_unstable_by_key(|(id, _)| *id);
        all
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::time::Duration;

    fn pending(thing: &str, token: &str, deadline: Instant) -> Pending {
        Pending {
            key: ReplyKey::new(0, thing, Operation::GetPending, None, Some(token)),
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
            table.find_by_token(b"same", "U", Operation::GetPending, None),
            Some(5)
        );
        assert_eq!(
            table.find_by_token(b"same", "T", Operation::GetPending, None),
            Some(7)
        );
        assert!(table.remove(7).is_some());
        assert_eq!(
            table.find_by_token(b"same", "T", Operation::GetPending, None),
            Some(3)
        );
        assert_eq!(
            table.find_by_token(b"other", "T", Operation::GetPending, None),
            None
        );
        let ids: Vec<OpId> = table.close().into_iter().map(|(id, _)| id).collect();
        assert_eq!(ids, vec![3, 5, 9]);
        assert!(table.insert(11, pending("T", "x", at)).is_err());
    }

    fn ours(id: OpId, at: Instant) -> Pending {
        Pending {
            key: ReplyKey::new(id, "T", Operation::GetPending, None, None),
            subscribed: false,
            deadline: at,
            completion: Completion::Callback(Box::new(|_| {})),
        }
    }

    #[test]
    fn our_tokens_lead_to_their_operation_without_an_index() {
        let mut table = OpTable::default();
        let at = Instant::now() + Duration::from_secs(60);
        for id in 10..20 {
            assert!(table.insert(id, ours(id, at)).is_ok());
        }
        assert!(table.by_token.is_empty());
        let token = table.ops[&14].key.token().to_owned();
        assert_eq!(
            table.find_by_token(token.as_bytes(), "T", Operation::GetPending, None),
            Some(14)
        );
        assert_eq!(
            table.find_by_token(token.as_bytes(), "U", Operation::GetPending, None),
            None
        );
        // The application reused our token for an older operation: the oldest wins.
        assert!(table.insert(3, pending("T", &token, at)).is_ok());
        assert_eq!(
            table.find_by_token(token.as_bytes(), "T", Operation::GetPending, None),
            Some(3)
        );
        assert!(table.remove(3).is_some());
        assert!(table.remove(14).is_some());
        assert_eq!(
            table.find_by_token(token.as_bytes(), "T", Operation::GetPending, None),
            None
        );
        assert!(table.by_token.is_empty());
    }

    #[test]
    fn deadlines_come_due_in_order_and_the_room_of_a_burst_is_given_back() {
        let mut table = OpTable::default();
        let now = Instant::now();
        let n = 20 * SHRINK_ABOVE as u64;
        for id in 0..n {
            let at = now + Duration::from_millis(n - id);
            let token = format!("t-{id}");
            assert!(table.insert(id, pending("T", &token, at)).is_ok());
        }
        assert_eq!(table.next_deadline(), Some(now + Duration::from_millis(1)));
        let due: Vec<OpId> = table
            .take_due(now + Duration::from_millis(3))
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(due, vec![n - 1, n - 2, n - 3]);
        let grown = table.ops.capacity();
        for id in 0..n - 3 {
            let token = format!("t-{id}");
            assert_eq!(
                table.find_by_token(token.as_bytes(), "T", Operation::GetPending, None),
                Some(id)
            );
            assert!(table.remove(id).is_some());
        }
        assert_eq!(table.len(), 0);
        assert!(table.ops.capacity() < grown / 8, "{grown} kept");
        assert_eq!(table.next_deadline(), None);
    }

    #[test]
    fn completed_operations_leave_no_deadline_behind() {
        let mut table = OpTable::default();
        let now = Instant::now();
        for id in 0..10_000u64 {
            let at = now + Duration::from_secs(60 + id);
            assert!(table.insert(id, pending("T", "t", at)).is_ok());
            assert!(table.remove(id).is_some());
            assert!(table.deadlines.len() <= STALE_SLACK + 1);
        }
        // The stale entries are not taken for the earliest deadline.
        let earliest = |table: &mut OpTable, id, at| match table.insert(id, pending("T", "x", at)) {
            Ok(earliest) => earliest,
            Err(_) => panic!("refused"),
        };
        let later = now + Duration::from_secs(600);
        assert!(earliest(&mut table, 20_000, later));
        assert!(earliest(&mut table, 20_001, now + Duration::from_secs(300)));
        assert!(!earliest(&mut table, 20_002, later));
        assert_eq!(table.next_deadline(), Some(now + Duration::from_secs(300)));
        assert!(table.remove(20_001).is_some());
        assert_eq!(table.next_deadline(), Some(later));
        let due: Vec<OpId> = table
            .take_due(later)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(due, vec![20_000, 20_002]);
        assert_eq!(table.next_deadline(), None);
    }
}
