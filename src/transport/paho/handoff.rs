//! The hand-off from Paho C's receive thread to the thread that routes inbound messages.
//!
//! Paho C calls its message callback holding its one global lock, and sends the PUBACK of a
//! QoS 1 message only once the callback returned. Routing a message there (the Jobs engine's
//! reply matching, the application's filters) therefore held up every publish of every
//! connection and, with more than a broker's window of replies in flight (AWS IoT sends 100
//! unacknowledged at most), the broker itself. So the callback only copies the message into
//! this hand-off and returns; threads of ours (`awsiotjobs-mqtt-in`, started with the first
//! connection and kept for the process, as Paho keeps its own two) take the messages out in
//! the order they came and route them, one thread at a time: the router. Paho has one receive
//! thread for all its clients, so one router at a time keeps each connection's messages in
//! order, as before.
//!
//! The router may step away between two messages, to run callbacks, which may block or wait
//! for a reply (`inbound`); one worker at most is away at a time. While the router is away, a
//! push wakes a standby, which takes its place, so a message never waits for a callback. A
//! push wakes nobody else: the router, not away, is either waiting for it or will look before
//! it waits again.
//!
//! The hand-off holds at most [`BUDGET`] bytes: a message that would take it over waits (Paho's
//! receive thread with it, so the broker's own flow control takes over) until the router made
//! room, except into an empty hand-off, which takes a message of any size. It waits
//! [`ROOM_WAIT`] at most, and then goes in over the budget: Paho's receive thread waits holding
//! Paho's lock, and the router may itself be waiting for that lock (when it drops the last
//! reference to a transport, which closes the Paho client), so a wait without end could be a
//! deadlock, where this costs a while and a few bytes over the budget.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::{Condvar, Mutex};

use crate::core::queue::give_back_room;

/// The most bytes of messages (topics and payloads) waiting to be routed.
pub const BUDGET: usize = 1 << 20;

/// The longest a message waits for room.
pub const ROOM_WAIT: Duration = Duration::from_millis(100);

/// What waits to be routed: anything that knows its size in bytes.
pub trait Weighed {
    fn bytes(&self) -> usize;
}

struct State<T> {
    items: VecDeque<T>,
    bytes: usize,
    /// The worker that takes items out (the router); any other stands by.
    router: Option<usize>,
    /// The worker that stepped away (to run callbacks), if one did. While it is the router, a
    /// standby takes its place when items wait.
    away: Option<usize>,
}

impl<T> State<T> {
    /// The router stepped away and has not come back.
    fn router_away(&self) -> bool {
        self.router.is_some() && self.router == self.away
    }
}

/// A first-in, first-out queue of at most `budget` bytes (or one item of any size), but for
/// items that waited `room_wait` for room, emptied by one of several workers at a time: the
/// router, which hands its place to a standby while it is away.
pub struct Handoff<T> {
    state: Mutex<State<T>>,
    budget: usize,
    room_wait: Duration,
    /// Where the router waits for an item.
    ready: Condvar,
    /// Where the standby workers wait for the router to step away with items waiting.
    standby: Condvar,
    room: Condvar,
}

impl<T: Weighed> Handoff<T> {
    pub fn new(budget: usize, room_wait: Duration) -> Handoff<T> {
        Handoff {
            state: Mutex::new(State {
                items: VecDeque::new(),
                bytes: 0,
                router: None,
                away: None,
            }),
            budget,
            room_wait,
            ready: Condvar::new(),
            standby: Condvar::new(),
            room: Condvar::new(),
        }
    }

    /// Adds `item` at the end, first waiting while it would take the hand-off over its budget
    /// (`room_wait` at most). False if it went in over the budget. Wakes the router, or a
    /// standby while the router is away.
    pub fn push(&self, item: T) -> bool {
        let size = item.bytes();
        let mut state = self.state.lock();
        let deadline = Instant::now() + self.room_wait;
        let fits = |state: &State<T>| state.items.is_empty() || state.bytes + size <= self.budget;
        while !fits(&state) && !self.room.wait_until(&mut state, deadline).timed_out() {}
        let within = fits(&state);
        state.bytes += size;
        state.items.push_back(item);
        let away = state.router_away();
        drop(state);
        if away {
            self.standby.notify_one();
        } else {
            self.ready.notify_one();
        }
        within
    }

    /// The oldest item, for worker `me`, waiting until it is the router and an item waits.
    /// Only the router takes items out, so they come out in order, each after the one before
    /// was handled (the router steps away only between items). A worker becomes the router
    /// when there is none, or in the place of a router that is away while items wait.
    pub fn take(&self, me: usize) -> T {
        let mut state = self.state.lock();
        loop {
            if state.router != Some(me) {
                // No router yet, or one away while items wait: this worker takes its place.
                let away_with_items = state.router_away() && !state.items.is_empty();
                if state.router.is_some() && !away_with_items {
                    self.standby.wait(&mut state);
                    continue;
                }
                state.router = Some(me);
            }
            if let Some(item) = state.items.pop_front() {
                state.bytes -= item.bytes();
                give_back_room(&mut state.items);
                drop(state);
                self.room.notify_one();
                return item;
            }
            self.ready.wait(&mut state);
        }
    }

    /// Worker `me`, the router, steps away if no item waits and no other worker is away: true
    /// if it did, and until [`Handoff::step_back`] a standby takes its place when an item
    /// comes. False (the router stays) otherwise.
    pub fn step_away(&self, me: usize) -> bool {
        let mut state = self.state.lock();
        if state.router != Some(me) || !state.items.is_empty() || state.away.is_some() {
            return false;
        }
        state.away = Some(me);
        true
    }

    /// Worker `me` is back: the router again if nobody took its place, a standby otherwise.
    pub fn step_back(&self, me: usize) {
        let mut state = self.state.lock();
        if state.away == Some(me) {
            state.away = None;
        }
    }

    /// Bytes waiting.
    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.state.lock().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    struct Blob(usize);

    impl Weighed for Blob {
        fn bytes(&self) -> usize {
            self.0
        }
    }

    #[test]
    fn items_come_out_in_order() {
        let h = Handoff::new(100, Duration::from_secs(60));
        for n in [1, 2, 3] {
            assert!(h.push(Blob(n)));
        }
        assert_eq!(h.bytes(), 6);
        assert_eq!([h.take(0).0, h.take(0).0, h.take(0).0], [1, 2, 3]);
        assert_eq!(h.bytes(), 0);
    }

    #[test]
    fn a_push_over_the_budget_waits_for_room_and_an_empty_handoff_takes_any_size() {
        let h = Arc::new(Handoff::new(100, Duration::from_secs(60)));
        // Into an empty hand-off: taken whatever its size.
        assert!(h.push(Blob(250)));
        let pushed = Arc::new(AtomicUsize::new(0));
        let producer = {
            let (h, pushed) = (h.clone(), pushed.clone());
            std::thread::spawn(move || {
                assert!(h.push(Blob(10)));
                pushed.store(1, Ordering::SeqCst);
            })
        };
        std::thread::sleep(Duration::from_millis(100));
        assert_eq!(pushed.load(Ordering::SeqCst), 0, "pushed over the budget");
        assert_eq!(h.take(0).0, 250);
        producer.join().unwrap();
        assert_eq!(pushed.load(Ordering::SeqCst), 1);
        assert_eq!(h.take(0).0, 10);
    }

    #[test]
    fn a_standby_takes_the_place_of_a_router_away_with_items_waiting() {
        let h = Arc::new(Handoff::new(100, Duration::from_secs(60)));
        h.push(Blob(1));
        assert_eq!(h.take(0).0, 1);
        // Worker 0 routes; it cannot step away while an item waits.
        h.push(Blob(2));
        assert!(!h.step_away(0));
        assert_eq!(h.take(0).0, 2);
        assert!(h.step_away(0));
        let (took, took_rx) = std::sync::mpsc::channel();
        let standby = {
            let h = h.clone();
            std::thread::spawn(move || {
                took.send(h.take(1).0).unwrap();
                // Worker 0 is still away: worker 1, now the router, may not step away too.
                let stepped = h.step_away(1);
                took.send(usize::from(stepped)).unwrap();
            })
        };
        // Let the standby go to sleep first, so that only the push can wake it.
        std::thread::sleep(Duration::from_millis(50));
        h.push(Blob(3));
        // Worker 0 is still away: the push woke the standby, which took the item.
        let took = |what| took_rx.recv_timeout(Duration::from_secs(10)).expect(what);
        assert_eq!(took("the standby took the item"), 3);
        assert_eq!(
            took("the standby tried to step away"),
            0,
            "two workers away"
        );
        standby.join().unwrap();
        h.step_back(0);
        assert_eq!(h.state.lock().router, Some(1));
        assert!(!h.step_away(0), "worker 0 stepped away as a standby");
        // Worker 1 may step away now that worker 0 is back.
        assert!(h.step_away(1));
    }

    #[test]
    fn items_come_out_in_order_while_two_workers_take_turns_at_stepping_away() {
        const ITEMS: usize = 2_000;
        let h = Arc::new(Handoff::<Blob>::new(1 << 20, Duration::from_secs(60)));
        let seen = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..2)
            .map(|me| {
                let (h, seen) = (h.clone(), seen.clone());
                std::thread::spawn(move || loop {
                    let n = h.take(me).0;
                    seen.lock().push((n, me));
                    if n == ITEMS {
                        // Leaves the other worker an item to end on, stepping away so that
                        // it takes it. If that worker is away itself, this one waits until it
                        // is back: one worker at most is away at a time.
                        while !h.step_away(me) {
                            std::thread::sleep(Duration::from_millis(1));
                        }
                        h.push(Blob(0));
                        return;
                    }
                    if n == 0 {
                        return;
                    }
                    if h.step_away(me) {
                        if n % 7 == 0 {
                            std::thread::sleep(Duration::from_millis(3));
                        }
                        h.step_back(me);
                    }
                })
            })
            .collect();
        for n in 1..=ITEMS {
            h.push(Blob(n));
            if n % 100 == 0 {
                // The workers catch up, so that they step away.
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        for w in workers {
            w.join().unwrap();
        }
        let seen = seen.lock();
        let order: Vec<usize> = seen.iter().map(|&(n, _)| n).take(ITEMS).collect();
        assert_eq!(order, (1..=ITEMS).collect::<Vec<_>>());
        // The standby took over now and then (a router away 3 ms misses a push or more).
        assert!(seen.iter().any(|&(_, me)| me == 0) && seen.iter().any(|&(_, me)| me == 1));
    }

    #[test]
    fn a_push_that_waited_its_longest_goes_in_over_the_budget() {
        // Nobody takes anything out: without the limit on waiting, the second push never ends.
        let h = Handoff::new(100, Duration::from_millis(50));
        assert!(h.push(Blob(90)));
        assert!(!h.push(Blob(20)), "went in within the budget");
        assert_eq!(h.bytes(), 110);
        assert_eq!([h.take(0).0, h.take(0).0], [90, 20]);
    }
}
