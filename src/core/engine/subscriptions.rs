//! Reply subscriptions: one per thing, on every broker.
//!
//! A thing's entry stands for the three filters of `topics::reply_filters`, which receive every
//! reply of that thing (any operation, any job) and nothing else, subscribed together in one
//! request the first time the thing is used. That keeps one MQTT round trip per operation from
//! then on, whatever the job ID, and works on any broker: AWS IoT delivers a reply to its
//! requester anyway (the subscription costs it nothing more), a broker that routes only to
//! subscribers (mosquitto, a gateway's broker, a bridge) needs it, as v4 did in every mode.
//!
//! An entry is counted by the operations using it. At zero it lingers instead of being
//! unsubscribed, for at most `linger_idle`; and while the table is over its bounds (more than
//! `linger_max` lingering entries, or more than `max_things` entries in all: AWS IoT allows 50
//! subscriptions per connection, so in awsIotMqttMode the engine keeps fewer, see
//! `EngineConfig`), the oldest lingering entries go, but only once they have lingered `grace`:
//! a gateway going round more things than the bounds allows then keeps their subscriptions
//! while it does, instead of unsubscribing and subscribing again on every operation. A thing
//! whose subscription the broker refused (in awsIotMqttMode) is remembered as such for
//! `linger_idle`, so that its operations go on without one rather than asking again each time.
//! `KEEP_SUBSCRIPTIONS` marks an entry persistent for the operation that asked; a persistent
//! entry never lingers out, and `RemovePersistentSubscriptions` clears the marks of the
//! operations it names.

use crate::core::topics::Operation;
use rustc_hash::FxHashMap as HashMap;
use std::time::{Duration, Instant};

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
    /// One bit per operation that asked for `KEEP_SUBSCRIPTIONS`.
    pub persistent: u8,
    /// When the count dropped to zero (None while used or persistent).
    pub idle_since: Option<Instant>,
}

fn bit(operation: Operation) -> u8 {
    1 << (operation as u8)
}

/// What `acquire` found.
pub enum Acquire {
    /// Already subscribed; a reference was taken.
    Ready,
    /// The caller must subscribe (the entry is marked `Subscribing`).
    MustSubscribe,
    /// The broker refused this thing's subscription not long ago: go on without one.
    Refused,
    /// Another thread is (un)subscribing this thing: wait and try again.
    Wait,
}

/// How many entries may stay, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    /// Lingering (unused) entries kept at most.
    pub linger_max: usize,
    /// An unused entry goes after this long.
    pub linger_idle: Duration,
    /// Entries in all (used or not) beyond which lingering ones go first.
    pub max_things: usize,
    /// How long an entry lingers at least before the bounds make it go.
    pub grace: Duration,
}

#[derive(Default)]
pub struct SubTable {
    entries: HashMap<String, SubEntry>,
    /// Things whose subscription the broker refused, until when that is remembered.
    refused: HashMap<String, Instant>,
    /// How many entries have `idle_since` set (kept so that `lingering` is O(1)).
    idle: usize,
    /// Under these bounds, no lingering entry can be picked before this instant (the oldest
    /// one's lingering plus the shorter of `grace` and `linger_idle`, as the last look found
    /// them): spares a gateway going round more things than the bounds keep a sort of every
    /// lingering entry for each operation. Entries that start lingering later are picked later
    /// still.
    quiet_until: Option<(Instant, Bounds)>,
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
    /// Takes a reference on `thing`'s entry for an operation; `keep` marks it persistent for
    /// that operation.
    pub fn acquire(&mut self, thing: &str, operation: Operation, keep: bool) -> Acquire {
        if let Some(until) = self.refused.get(thing) {
            if Instant::now() < *until {
                return Acquire::Refused;
            }
            self.refused.remove(thing);
        }
        let keep = if keep { bit(operation) } else { 0 };
        match self.entries.get_mut(thing) {
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
                    thing.to_owned(),
                    SubEntry {
                        state: SubState::Subscribing,
                        refs: 0,
                        persistent: 0,
                        idle_since: None,
                    },
                );
                Acquire::MustSubscribe
            }
        }
    }

    /// Records the result of the subscribe a `MustSubscribe` asked for; on success the caller
    /// holds a reference.
    pub fn subscribed(&mut self, thing: &str, ok: bool, operation: Operation, keep: bool) {
        if !ok {
            self.unsubscribed(thing);
            return;
        }
        if let Some(e) = self.entries.get_mut(thing) {
            e.state = SubState::Active;
            e.refs += 1;
            if keep {
                e.persistent |= bit(operation);
            }
        }
    }

    /// Remembers, until `until`, that the broker refused `thing`'s subscription.
    pub fn remember_refusal(&mut self, thing: &str, until: Instant) {
        self.refused.insert(thing.to_owned(), until);
    }

    /// Drops one reference; the entry then lingers if unused and not persistent.
    pub fn release(&mut self, thing: &str, now: Instant) {
        if let Some(e) = self.entries.get_mut(thing) {
            e.refs = e.refs.saturating_sub(1);
            if e.refs == 0 && e.persistent == 0 && e.state == SubState::Active {
                set_idle(&mut self.idle, e, Some(now));
            }
        }
    }

    /// True when `bounds` call for evictions now (cheap; `evictions` picks them).
    pub fn over(&self, bounds: &Bounds) -> bool {
        self.idle > bounds.linger_max || (self.idle > 0 && self.entries.len() > bounds.max_things)
    }

    /// Picks the entries to unsubscribe now: lingering longer than `linger_idle`, and, while
    /// more than `linger_max` linger or more than `max_things` entries exist, the oldest
    /// lingering ones that lingered at least `grace`. They are marked `UnsubscribeQueued`; call
    /// `begin_unsubscribe` before unsubscribing each (it may have been taken back meanwhile) and
    /// `unsubscribed` when done. Refusals older than `linger_idle` are forgotten.
    pub fn evictions(&mut self, now: Instant, bounds: &Bounds) -> Vec<String> {
        self.refused.retain(|_, until| now < *until);
        if self
            .quiet_until
            .is_some_and(|(until, under)| now < until && under == *bounds)
        {
            return Vec::new();
        }
        let mut lingering: Vec<(Instant, &String)> = self
            .entries
            .iter()
            .filter_map(|(k, e)| e.idle_since.map(|t| (t, k)))
            .collect();
        lingering.sort_by_key(|(since, _)| *since);
        let over = lingering
            .len()
            .saturating_sub(bounds.linger_max)
            .max(self.entries.len().saturating_sub(bounds.max_things));
        let chosen: Vec<String> = lingering
            .iter()
            .enumerate()
            .filter(|(i, (since, _))| {
                let idle = now.saturating_duration_since(*since);
                (*i < over && idle >= bounds.grace) || idle >= bounds.linger_idle
            })
            .map(|(_, (_, k))| (*k).clone())
            .collect();
        // The oldest entry left lingering (sorted: the first one not chosen) can go at the
        // earliest this long after it began to linger; with a zero wait, at any time.
        let wait = bounds.grace.min(bounds.linger_idle);
        self.quiet_until = lingering
            .iter()
            .find(|(_, k)| !chosen.contains(*k))
            .filter(|_| !wait.is_zero())
            .map(|(since, _)| (*since + wait, *bounds));
        for thing in &chosen {
            self.mark(thing, SubState::UnsubscribeQueued);
        }
        chosen
    }

    /// Starts the unsubscribe `evictions` picked; false when the entry was taken back by a new
    /// user (or is gone), in which case nothing must be unsubscribed.
    pub fn begin_unsubscribe(&mut self, thing: &str) -> bool {
        match self.entries.get_mut(thing) {
            Some(e) if e.state == SubState::UnsubscribeQueued => {
                e.state = SubState::Unsubscribing;
                true
            }
            _ => false,
        }
    }

    /// Clears the persistent marks of `operations` on `thing`'s entry; if it is now unused and
    /// unmarked (lingering included), it is marked `Unsubscribing` and returned.
    pub fn remove_persistent(&mut self, thing: &str, operations: &[Operation]) -> Option<String> {
        let e = self.entries.get_mut(thing)?;
        for operation in operations {
            e.persistent &= !bit(*operation);
        }
        let idle = matches!(e.state, SubState::Active | SubState::UnsubscribeQueued);
        if e.refs == 0 && e.persistent == 0 && idle {
            self.mark(thing, SubState::Unsubscribing);
            return Some(thing.to_owned());
        }
        None
    }

    fn mark(&mut self, thing: &str, state: SubState) {
        if let Some(e) = self.entries.get_mut(thing) {
            e.state = state;
            set_idle(&mut self.idle, e, None);
        }
    }

    pub fn unsubscribed(&mut self, thing: &str) {
        if let Some(mut e) = self.entries.remove(thing) {
            set_idle(&mut self.idle, &mut e, None);
        }
    }

    #[cfg(all(test, not(feature = "loom")))]
    pub fn get(&self, thing: &str) -> Option<&SubEntry> {
        self.entries.get(thing)
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

    #[cfg(all(test, not(feature = "loom")))]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.refused.clear();
        self.idle = 0;
        self.quiet_until = None;
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;

    const UPDATE: Operation = Operation::Update;

    fn bounds(linger_max: usize, max_things: usize) -> Bounds {
        Bounds {
            linger_max,
            linger_idle: Duration::from_secs(60),
            max_things,
            grace: Duration::ZERO,
        }
    }

    fn subscribe(t: &mut SubTable, thing: &str, keep: bool) {
        assert!(matches!(
            t.acquire(thing, UPDATE, keep),
            Acquire::MustSubscribe
        ));
        t.subscribed(thing, true, UPDATE, keep);
    }

    #[test]
    fn one_entry_per_thing_whatever_the_operation() {
        let mut t = SubTable::default();
        assert!(matches!(
            t.acquire("T", UPDATE, false),
            Acquire::MustSubscribe
        ));
        assert!(matches!(
            t.acquire("T", Operation::GetPending, false),
            Acquire::Wait
        ));
        t.subscribed("T", true, UPDATE, false);
        assert!(matches!(
            t.acquire("T", Operation::Describe, false),
            Acquire::Ready
        ));
        assert!(matches!(
            t.acquire("U", UPDATE, false),
            Acquire::MustSubscribe
        ));
        assert_eq!(t.get("T").unwrap().refs, 2);
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn unused_entries_linger_within_bounds() {
        let mut t = SubTable::default();
        let now = Instant::now();
        for thing in ["a", "b", "c"] {
            subscribe(&mut t, thing, false);
            t.release(thing, now);
        }
        assert_eq!(t.lingering(), 3);
        assert!(t.over(&bounds(2, 64)));
        assert_eq!(t.evictions(now, &bounds(2, 64)).len(), 1);
        assert_eq!(t.lingering(), 2);
        let later = now + Duration::from_secs(61);
        assert_eq!(t.evictions(later, &bounds(2, 64)).len(), 2);
    }

    #[test]
    fn the_total_bound_evicts_lingering_entries_but_never_used_ones() {
        let mut t = SubTable::default();
        let now = Instant::now();
        for thing in ["a", "b", "c", "d"] {
            subscribe(&mut t, thing, false);
        }
        t.release("a", now);
        t.release("b", now + Duration::from_millis(1));
        // Four entries, at most three: the oldest lingering one goes.
        assert!(t.over(&bounds(64, 3)));
        assert_eq!(t.evictions(now, &bounds(64, 3)), vec!["a".to_owned()]);
        // At most one: both lingering ones go, the two in use stay.
        let evicted = t.evictions(now, &bounds(64, 1));
        assert_eq!(evicted, vec!["b".to_owned()]);
        assert!(!t.over(&bounds(64, 1)), "nothing lingers any more");
    }

    #[test]
    fn a_look_before_the_oldest_could_go_picks_nothing_and_one_after_picks_it() {
        let with_grace = Bounds {
            grace: Duration::from_secs(5),
            ..bounds(0, 64)
        };
        let mut t = SubTable::default();
        let now = Instant::now();
        for thing in ["a", "b"] {
            subscribe(&mut t, thing, false);
        }
        t.release("a", now);
        // Over the bounds (nothing may linger), but "a" lingered less than its grace.
        assert!(t.over(&with_grace));
        assert!(t
            .evictions(now + Duration::from_secs(1), &with_grace)
            .is_empty());
        // "b" starts lingering later: it can go later still, "a" first.
        t.release("b", now + Duration::from_secs(2));
        let early = now + Duration::from_millis(4_999);
        assert!(t.evictions(early, &with_grace).is_empty());
        let due = now + Duration::from_secs(5);
        assert_eq!(t.evictions(due, &with_grace), vec!["a".to_owned()]);
        assert!(t.evictions(due, &with_grace).is_empty());
        let b_due = now + Duration::from_secs(7);
        assert_eq!(t.evictions(b_due, &with_grace), vec!["b".to_owned()]);
        // Other bounds are looked at afresh.
        subscribe(&mut t, "c", false);
        t.release("c", b_due);
        assert!(t.evictions(b_due, &with_grace).is_empty());
        assert_eq!(t.evictions(b_due, &bounds(0, 64)), vec!["c".to_owned()]);
    }

    #[test]
    fn persistent_entries_never_linger_out_until_every_mark_is_removed() {
        let mut t = SubTable::default();
        subscribe(&mut t, "T", true);
        assert!(matches!(
            t.acquire("T", Operation::GetPending, true),
            Acquire::Ready
        ));
        t.release("T", Instant::now());
        t.release("T", Instant::now());
        assert_eq!(t.lingering(), 0);
        let late = Instant::now() + Duration::from_secs(3600);
        assert!(t.evictions(late, &bounds(0, 0)).is_empty());
        assert_eq!(
            t.remove_persistent("T", &[UPDATE]),
            None,
            "get-pending keeps it"
        );
        assert_eq!(
            t.remove_persistent("T", &[Operation::GetPending]),
            Some("T".to_owned())
        );
        t.unsubscribed("T");
        assert!(t.is_empty());
    }

    #[test]
    fn a_queued_unsubscribe_is_taken_back_by_a_new_user() {
        let mut t = SubTable::default();
        subscribe(&mut t, "T", false);
        t.release("T", Instant::now());
        let all = bounds(0, 64);
        assert_eq!(t.evictions(Instant::now(), &all), vec!["T".to_owned()]);
        assert!(matches!(t.acquire("T", UPDATE, false), Acquire::Ready));
        assert!(
            !t.begin_unsubscribe("T"),
            "the queued unsubscribe must be skipped"
        );
        assert_eq!(t.get("T").unwrap().refs, 1);
        t.release("T", Instant::now());
        assert_eq!(t.evictions(Instant::now(), &all), vec!["T".to_owned()]);
        assert!(t.begin_unsubscribe("T"));
        assert!(matches!(t.acquire("T", UPDATE, false), Acquire::Wait));
    }

    #[test]
    fn a_failed_subscribe_leaves_nothing_behind() {
        let mut t = SubTable::default();
        t.acquire("T", UPDATE, false);
        t.subscribed("T", false, UPDATE, false);
        assert!(t.is_empty());
    }

    #[test]
    fn over_the_bounds_an_entry_goes_only_after_its_grace() {
        let mut t = SubTable::default();
        let now = Instant::now();
        for thing in ["a", "b", "c"] {
            subscribe(&mut t, thing, false);
            t.release(thing, now);
        }
        let bounds = Bounds {
            grace: Duration::from_secs(1),
            ..bounds(1, 64)
        };
        // Two too many, but none lingered a second yet: a thing used round and round keeps
        // its subscription.
        assert!(t.over(&bounds));
        assert!(t.evictions(now, &bounds).is_empty());
        let later = now + Duration::from_secs(1);
        assert_eq!(t.evictions(later, &bounds).len(), 2);
    }

    #[test]
    fn a_refusal_is_remembered_for_a_while() {
        let mut t = SubTable::default();
        let now = Instant::now();
        t.acquire("T", UPDATE, false);
        t.subscribed("T", false, UPDATE, false);
        t.remember_refusal("T", now + Duration::from_secs(60));
        assert!(matches!(t.acquire("T", UPDATE, false), Acquire::Refused));
        assert!(t.is_empty());
        t.evictions(now + Duration::from_secs(61), &bounds(64, 64));
        assert!(matches!(
            t.acquire("T", UPDATE, false),
            Acquire::MustSubscribe
        ));
    }
}
