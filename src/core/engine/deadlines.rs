//! The deadlines of the operations in flight, the earliest first, for the timer.
//!
//! Most operations get the same timeout from the moment they start, so their deadlines come in
//! order: those go to the back of a queue, at no cost. A deadline earlier than the last one
//! queued (a shorter timeout) goes to a heap instead. An operation that completes leaves its
//! entry behind (taking it out would be a search); the caller says which operations are still
//! there, entries of the others are dropped when they come first, and all at once when the
//! table asks, once they outnumber the live ones.

use super::OpId;
use crate::core::queue::{give_back_room, KEEP};
use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Instant;

#[derive(Default)]
pub struct Deadlines {
    /// Deadlines that came in order, each no earlier than the one before.
    ordered: VecDeque<(Instant, OpId)>,
    /// The others.
    others: BinaryHeap<Reverse<(Instant, OpId)>>,
}

impl Deadlines {
    pub fn push(&mut self, at: Instant, id: OpId) {
        if self.ordered.back().is_none_or(|(last, _)| at >= *last) {
            self.ordered.push_back((at, id));
        } else {
            self.others.push(Reverse((at, id)));
        }
    }

    /// Entries kept, stale ones included.
    pub fn len(&self) -> usize {
        self.ordered.len() + self.others.len()
    }

    /// The earliest entry, stale or not.
    fn first(&self) -> Option<(Instant, OpId)> {
        let ordered = self.ordered.front().copied();
        let other = self.others.peek().map(|Reverse(e)| *e);
        match (ordered, other) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Takes out the earliest entry.
    fn pop_first(&mut self) -> Option<(Instant, OpId)> {
        let first = self.first()?;
        if self.ordered.front() == Some(&first) {
            self.ordered.pop_front()
        } else {
            self.others.pop().map(|Reverse(e)| e)
        }
    }

    /// The earliest deadline of an operation `live` says is still there; the stale entries
    /// before it are dropped.
    pub fn earliest(&mut self, live: impl Fn(OpId) -> bool) -> Option<Instant> {
        while let Some((at, id)) = self.first() {
            if live(id) {
                return Some(at);
            }
            self.pop_first();
        }
        None
    }

    /// Takes out the earliest entry if it is due at `now` (its operation may be gone).
    pub fn pop_due(&mut self, now: Instant) -> Option<OpId> {
        let due = match self.first() {
            Some((at, _)) if at <= now => self.pop_first().map(|(_, id)| id),
            _ => None,
        };
        self.give_back_room();
        due
    }

    /// Keeps only the entries of operations `live` says are there, and at most twice their
    /// room (or [`KEEP`] entries').
    pub fn retain(&mut self, live: impl Fn(OpId) -> bool) {
        self.ordered.retain(|(_, id)| live(*id));
        self.others.retain(|Reverse((_, id))| live(*id));
        let room = (2 * self.len()).max(KEEP);
        self.ordered.shrink_to(room);
        self.others.shrink_to(room);
    }

    /// The room of a burst, given back once the entries are gone (the queue's as every queue
    /// of the library; the heap's likewise).
    fn give_back_room(&mut self) {
        give_back_room(&mut self.ordered);
        if self.others.is_empty() && self.others.capacity() > KEEP {
            self.others.shrink_to(KEEP);
        }
    }

    /// Drops every entry, and the room they took.
    pub fn clear(&mut self) {
        *self = Deadlines::default();
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn deadlines_in_any_order_come_out_earliest_first() {
        let base = Instant::now();
        let at = |ms: u64| base + Duration::from_millis(ms);
        let mut d = Deadlines::default();
        for (ms, id) in [(50, 1), (60, 2), (10, 3), (60, 4), (30, 5), (70, 6), (5, 7)] {
            d.push(at(ms), id);
        }
        assert_eq!(
            d.ordered.len(),
            4,
            "in-order deadlines are queued, not heaped"
        );
        let mut out = vec![];
        while let Some(id) = d.pop_due(at(65)) {
            out.push(id);
        }
        assert_eq!(out, vec![7, 3, 5, 1, 2, 4]);
        assert_eq!(d.earliest(|_| true), Some(at(70)));
        assert_eq!(d.earliest(|id| id != 6), None);
        assert_eq!(d.len(), 0);
    }

    #[test]
    fn stale_entries_are_skipped_and_can_be_dropped_at_once() {
        let base = Instant::now();
        let mut d = Deadlines::default();
        for id in 0..100u64 {
            d.push(base + Duration::from_millis(100 - id % 7), id);
        }
        let live = |id: OpId| id.is_multiple_of(10);
        assert_eq!(
            d.earliest(live).map(|t| t - base),
            Some(Duration::from_millis(94))
        );
        d.retain(live);
        assert_eq!(d.len(), 10);
        let mut out = vec![];
        while let Some(id) = d.pop_due(base + Duration::from_secs(1)) {
            out.push(id);
        }
        out.sort_unstable();
        assert_eq!(out, (0..100).step_by(10).collect::<Vec<_>>());
    }

    #[test]
    fn the_room_of_a_burst_is_given_back_once_all_came_due() {
        let base = Instant::now();
        let mut d = Deadlines::default();
        for id in 0..10_000u64 {
            d.push(base + Duration::from_millis(id), id);
        }
        while d.pop_due(base + Duration::from_secs(60)).is_some() {}
        assert!(d.ordered.capacity() + d.others.capacity() <= KEEP);
    }
}
