//! The notify-pending and notify-next callback registry of one connection.
//!
//! Each thing has, per notification kind, a row of slots (at most `limit` in use). The rules
//! are the original's: no old function and a new one adds it to the first free slot (or fails
//! with `NoMemory`); an old function names the slot to replace, or to empty when no new
//! function is given; an old function that is not registered is `BadParameter`. Callbacks are
//! identified by a key (the C layer uses the function's address).

use crate::core::topics::Notify;
use crate::core::JobsError;
use std::collections::HashMap;
use std::sync::Arc;

/// One notification as a callback sees it.
pub struct NotifyEvent<'a> {
    pub thing: &'a str,
    pub kind: Notify,
    /// The raw message, exactly as received.
    pub document: &'a [u8],
}

pub type NotifyCallback = Arc<dyn Fn(&NotifyEvent<'_>) + Send + Sync>;

#[derive(Clone)]
pub struct Slot {
    pub key: usize,
    pub callback: NotifyCallback,
}

/// What a change to the registry requires from the network.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// Nothing: other callbacks of this kind keep the subscription.
    None,
    /// The first callback of this kind: subscribe before adding.
    Subscribe,
    /// The last callback of this kind went: unsubscribe.
    Unsubscribe,
}

#[derive(Default)]
pub struct Registry {
    things: HashMap<String, [Vec<Option<Slot>>; 2]>,
}

fn row(kind: Notify) -> usize {
    match kind {
        Notify::Pending => 0,
        Notify::Next => 1,
    }
}

impl Registry {
    /// The callbacks to run for one notification, in slot order.
    pub fn callbacks(&self, thing: &str, kind: Notify) -> Vec<NotifyCallback> {
        self.things
            .get(thing)
            .map(|rows| {
                rows[row(kind)]
                    .iter()
                    .flatten()
                    .map(|s| s.callback.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn count(&self, thing: &str, kind: Notify) -> usize {
        self.things
            .get(thing)
            .map_or(0, |rows| rows[row(kind)].iter().flatten().count())
    }

    /// Checks a change and says what it needs from the network, without applying it.
    pub fn plan(
        &self,
        thing: &str,
        kind: Notify,
        old: Option<usize>,
        new: Option<&Slot>,
        limit: usize,
    ) -> Result<Change, JobsError> {
        let count = self.count(thing, kind);
        let slots = self.things.get(thing).map(|rows| &rows[row(kind)]);
        let has =
            |key: usize| slots.is_some_and(|s| s.iter().flatten().any(|slot| slot.key == key));
        match (old, new) {
            (None, None) => Err(JobsError::BadParameter),
            (Some(old), _) if !has(old) => Err(JobsError::BadParameter),
            (Some(_), Some(_)) => Ok(Change::None),
            (Some(_), None) => Ok(if count == 1 {
                Change::Unsubscribe
            } else {
                Change::None
            }),
            (None, Some(_)) if count >= limit => Err(JobsError::NoMemory),
            (None, Some(_)) => Ok(if count == 0 {
                Change::Subscribe
            } else {
                Change::None
            }),
        }
    }

    /// Applies a change that `plan` accepted.
    pub fn apply(&mut self, thing: &str, kind: Notify, old: Option<usize>, new: Option<Slot>) {
        let rows = self.things.entry(thing.to_owned()).or_default();
        let slots = &mut rows[row(kind)];
        match old {
            Some(old) => {
                if let Some(slot) = slots
                    .iter_mut()
                    .find(|s| s.as_ref().is_some_and(|s| s.key == old))
                {
                    *slot = new;
                }
            }
            None => match slots.iter_mut().find(|s| s.is_none()) {
                Some(free) => *free = new,
                None => slots.push(new),
            },
        }
        if rows.iter().all(|r| r.iter().all(Option::is_none)) {
            self.things.remove(thing);
        }
    }

    pub fn clear(&mut self) {
        self.things.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(key: usize) -> Slot {
        Slot {
            key,
            callback: Arc::new(|_| {}),
        }
    }

    #[test]
    fn add_replace_remove_follow_the_original_rules() {
        let mut r = Registry::default();
        let k = Notify::Next;
        assert_eq!(r.plan("T", k, None, None, 4), Err(JobsError::BadParameter));
        assert_eq!(
            r.plan("T", k, Some(1), None, 4),
            Err(JobsError::BadParameter)
        );
        assert_eq!(
            r.plan("T", k, None, Some(&slot(1)), 4),
            Ok(Change::Subscribe)
        );
        r.apply("T", k, None, Some(slot(1)));
        assert_eq!(r.plan("T", k, None, Some(&slot(2)), 4), Ok(Change::None));
        r.apply("T", k, None, Some(slot(2)));
        assert_eq!(r.count("T", k), 2);
        assert_eq!(r.plan("T", k, Some(1), Some(&slot(3)), 4), Ok(Change::None));
        r.apply("T", k, Some(1), Some(slot(3)));
        assert_eq!(r.count("T", k), 2);
        assert_eq!(
            r.plan("T", k, Some(1), None, 4),
            Err(JobsError::BadParameter)
        );
        assert_eq!(r.plan("T", k, Some(3), None, 4), Ok(Change::None));
        r.apply("T", k, Some(3), None);
        assert_eq!(r.plan("T", k, Some(2), None, 4), Ok(Change::Unsubscribe));
        r.apply("T", k, Some(2), None);
        assert_eq!(r.count("T", k), 0);
        assert!(r.things.is_empty());
    }

    #[test]
    fn the_limit_is_enforced_per_thing_and_kind() {
        let mut r = Registry::default();
        for key in 0..4 {
            r.apply("T", Notify::Pending, None, Some(slot(key)));
        }
        assert_eq!(
            r.plan("T", Notify::Pending, None, Some(&slot(9)), 4),
            Err(JobsError::NoMemory)
        );
        assert_eq!(
            r.plan("T", Notify::Next, None, Some(&slot(9)), 4),
            Ok(Change::Subscribe)
        );
        assert_eq!(
            r.plan("U", Notify::Pending, None, Some(&slot(9)), 4),
            Ok(Change::Subscribe)
        );
    }

    #[test]
    fn a_freed_slot_is_reused_in_place() {
        let mut r = Registry::default();
        for key in 1..=3 {
            r.apply("T", Notify::Pending, None, Some(slot(key)));
        }
        r.apply("T", Notify::Pending, Some(2), None);
        r.apply("T", Notify::Pending, None, Some(slot(7)));
        let keys: Vec<usize> = r.things["T"][0].iter().flatten().map(|s| s.key).collect();
        assert_eq!(keys, vec![1, 7, 3]);
    }
}
