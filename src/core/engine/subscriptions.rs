//! Reply subscriptions on brokers that need them (anything but AWS IoT).
//!
//! One entry per (thing, operation, job ID): the accepted and rejected topics, subscribed
//! together in one request. An entry is counted by the operations using it. When the count
//! drops to zero it is not unsubscribed at once but lingers, so that the next operation of the
//! same kind costs one publish and one reply instead of five round trips. Lingering entries are
//! bounded: at most `linger_max` of them, each for at most `linger_idle`; beyond either, the
//! oldest is unsubscribed. `KEEP_SUBSCRIPTIONS` marks an entry persistent: it never lingers out
//! and goes only through `RemovePersistentSubscriptions`.

use crate::core::topics::{self, Operation, Verdict};
use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReplyKey {
    pub thing: String,
    pub operation: Operation,
    pub job_id: Option<String>,
}

impl ReplyKey {
    /// The accepted and rejected topics of this key.
    pub fn filters(&self) -> [String; 2] {
        let job = self.job_id.as_deref();
        [
            topics::reply_topic(&self.thing, self.operation, job, Verdict::Accepted),
            topics::reply_topic(&self.thing, self.operation, job, Verdict::Rejected),
        ]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubState {
    Subscribing,
    Active,
    /// Picked for unsubscribing, not yet started: a new user takes it back instead of
    /// waiting (the unsubscribe may be queued behind that very user on the callback thread).
    UnsubscribeQueued,
    Unsubscribing,
}

#[derive(Debug)]
pub struct SubEntry {
    pub state: SubState,
    pub refs: usize,
    pub persistent: bool,
    /// When the count dropped to zero (None while used or persistent).
    pub idle_since: Option<Instant>,
}

/// What `acquire` found.
pub enum Acquire {
    /// Already subscribed; a reference was taken.
    Ready,
    /// The caller must subscribe (the entry is marked `Subscribing`).
    MustSubscribe,
    /// Another thread is (un)subscribing this key: wait and try again.
    Wait,
}

#[derive(Default)]
pub struct SubTable {
    entries: HashMap<ReplyKey, SubEntry>,
    /// How many entries have `idle_since` set (kept so that `lingering` is O(1)).
    idle: usize,
}

/// Sets an entry's idle mark, keeping the table's count of idle entries.
fn set_idle(count: &mut usize, entry: &mut SubEntry, since: Option<Instant>) {
    match (entry.idle_since.is_some(), since.is_some()) {
        (false, true) => *count += 1,
        (true, false) => *count -= 1,
        _ => {}
    }
    entry.idle_since = since;
}

impl SubTable {
    pub fn acquire(&mut self, key: &ReplyKey, keep: bool) -> Acquire {
        match self.entries.get_mut(key) {
            Some(e) if matches!(e.state, SubState::Active | SubState::UnsubscribeQueued) => {
                e.state = SubState::Active;
                e.refs += 1;
                e.persistent |= keep;
                set_idle(&mut self.idle, e, None);
                Acquire::Ready
            }
            Some(_) => Acquire::Wait,
            None => {
                self.entries.insert(
                    key.clone(),
                    SubEntry {
                        state: SubState::Subscribing,
                        refs: 0,
                        persistent: false,
                        idle_since: None,
                    },
                );
                Acquire::MustSubscribe
            }
        }
    }

    /// Records the result of the subscribe a `MustSubscribe` asked for.
    pub fn subscribed(&mut self, key: &ReplyKey, ok: bool, keep: bool) {
        if !ok {
            self.unsubscribed(key);
            return;
        }
        if let Some(e) = self.entries.get_mut(key) {
            e.state = SubState::Active;
            e.refs += 1;
            e.persistent |= keep;
        }
    }

    /// Drops one reference; the entry then lingers if unused and not persistent.
    pub fn release(&mut self, key: &ReplyKey, now: Instant) {
        if let Some(e) = self.entries.get_mut(key) {
            e.refs = e.refs.saturating_sub(1);
            if e.refs == 0 && !e.persistent && e.state == SubState::Active {
                set_idle(&mut self.idle, e, Some(now));
            }
        }
    }

    /// Picks the entries to unsubscribe now: idle longer than `idle`, and the oldest idle ones
    /// beyond `max`. They are marked `UnsubscribeQueued`; call `begin_unsubscribe` before
    /// unsubscribing each (it may have been taken back meanwhile) and `unsubscribed` when done.
    pub fn evictions(&mut self, now: Instant, max: usize, idle: Duration) -> Vec<ReplyKey> {
        let mut lingering: Vec<(Instant, &ReplyKey)> = self
            .entries
            .iter()
            .filter_map(|(k, e)| e.idle_since.map(|t| (t, k)))
            .collect();
        lingering.sort_by_key(|(since, _)| *since);
        let over = lingering.len().saturating_sub(max);
        let chosen: Vec<ReplyKey> = lingering
            .iter()
            .enumerate()
            .filter(|(i, (since, _))| *i < over || now.duration_since(*since) >= idle)
            .map(|(_, (_, k))| (*k).clone())
            .collect();
        for key in &chosen {
            self.mark(key, SubState::UnsubscribeQueued);
        }
        chosen
    }

    /// Starts the unsubscribe `evictions` picked; false when the entry was taken back by a new
    /// user (or is gone), in which case nothing must be unsubscribed.
    pub fn begin_unsubscribe(&mut self, key: &ReplyKey) -> bool {
        match self.entries.get_mut(key) {
            Some(e) if e.state == SubState::UnsubscribeQueued => {
                e.state = SubState::Unsubscribing;
                true
            }
            _ => false,
        }
    }

    /// Clears the persistent mark of the matching entries; those now unused are marked
    /// `Unsubscribing` and returned (lingering ones included).
    pub fn remove_persistent(&mut self, thing: &str, operations: &[Operation]) -> Vec<ReplyKey> {
        let chosen: Vec<ReplyKey> = self
            .entries
            .iter_mut()
            .filter(|(k, _)| k.thing == thing && operations.contains(&k.operation))
            .filter_map(|(k, e)| {
                e.persistent = false;
                let idle = matches!(e.state, SubState::Active | SubState::UnsubscribeQueued);
                (e.refs == 0 && idle).then(|| k.clone())
            })
            .collect();
        for key in &chosen {
            self.mark(key, SubState::Unsubscribing);
        }
        chosen
    }

    fn mark(&mut self, key: &ReplyKey, state: SubState) {
        if let Some(e) = self.entries.get_mut(key) {
            e.state = state;
            set_idle(&mut self.idle, e, None);
        }
    }

    pub fn unsubscribed(&mut self, key: &ReplyKey) {
        if let Some(mut e) = self.entries.remove(key) {
            set_idle(&mut self.idle, &mut e, None);
        }
    }

    #[cfg(test)]
    pub fn get(&self, key: &ReplyKey) -> Option<&SubEntry> {
        self.entries.get(key)
    }

    pub fn lingering(&self) -> usize {
        debug_assert_eq!(
            self.idle,
            self.entries
                .values()
                .filter(|e| e.idle_since.is_some())
                .count()
        );
        self.idle
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.idle = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(thing: &str, job: Option<&str>) -> ReplyKey {
        ReplyKey {
            thing: thing.into(),
            operation: Operation::Update,
            job_id: job.map(Into::into),
        }
    }

    #[test]
    fn each_job_id_has_its_own_entry() {
        let mut t = SubTable::default();
        assert!(matches!(
            t.acquire(&key("T", Some("a")), false),
            Acquire::MustSubscribe
        ));
        t.subscribed(&key("T", Some("a")), true, false);
        assert!(matches!(
            t.acquire(&key("T", Some("b")), false),
            Acquire::MustSubscribe
        ));
        assert!(matches!(
            t.acquire(&key("T", Some("b")), false),
            Acquire::Wait
        ));
        assert!(matches!(
            t.acquire(&key("T", Some("a")), false),
            Acquire::Ready
        ));
        assert_eq!(t.get(&key("T", Some("a"))).unwrap().refs, 2);
    }

    #[test]
    fn unused_entries_linger_within_bounds() {
        let mut t = SubTable::default();
        let now = Instant::now();
        for j in ["a", "b", "c"] {
            t.acquire(&key("T", Some(j)), false);
            t.subscribed(&key("T", Some(j)), true, false);
            t.release(&key("T", Some(j)), now);
        }
        assert_eq!(t.lingering(), 3);
        let evicted = t.evictions(now, 2, Duration::from_secs(60));
        assert_eq!(evicted.len(), 1);
        assert_eq!(t.lingering(), 2);
        let later = now + Duration::from_secs(61);
        assert_eq!(t.evictions(later, 2, Duration::from_secs(60)).len(), 2);
    }

    #[test]
    fn persistent_entries_never_linger_out() {
        let mut t = SubTable::default();
        let k = key("T", Some("a"));
        t.acquire(&k, true);
        t.subscribed(&k, true, true);
        t.release(&k, Instant::now());
        assert_eq!(t.lingering(), 0);
        assert!(t
            .evictions(
                Instant::now() + Duration::from_secs(3600),
                0,
                Duration::ZERO
            )
            .is_empty());
        assert_eq!(
            t.remove_persistent("T", &[Operation::Update]),
            vec![k.clone()]
        );
        t.unsubscribed(&k);
        assert!(t.is_empty());
    }

    #[test]
    fn a_queued_unsubscribe_is_taken_back_by_a_new_user() {
        let mut t = SubTable::default();
        let k = key("T", Some("a"));
        t.acquire(&k, false);
        t.subscribed(&k, true, false);
        t.release(&k, Instant::now());
        assert_eq!(
            t.evictions(Instant::now(), 0, Duration::ZERO),
            vec![k.clone()]
        );
        assert!(matches!(t.acquire(&k, false), Acquire::Ready));
        assert!(
            !t.begin_unsubscribe(&k),
            "the queued unsubscribe must be skipped"
        );
        assert_eq!(t.get(&k).unwrap().refs, 1);
        t.release(&k, Instant::now());
        assert_eq!(
            t.evictions(Instant::now(), 0, Duration::ZERO),
            vec![k.clone()]
        );
        assert!(t.begin_unsubscribe(&k));
        assert!(matches!(t.acquire(&k, false), Acquire::Wait));
    }

    #[test]
    fn a_failed_subscribe_leaves_nothing_behind() {
        let mut t = SubTable::default();
        let k = key("T", None);
        t.acquire(&k, false);
        t.subscribed(&k, false, false);
        assert!(t.is_empty());
    }
}
