//! The hand-off from Paho C's receive thread to the thread that routes inbound messages.
//!
//! Paho C calls its message callback holding its one global lock, and sends the PUBACK of a
//! QoS 1 message only once the callback returned. Routing a message there (the Jobs engine's
//! reply matching, the application's filters) therefore held up every publish of every
//! connection and, with more than a broker's window of replies in flight (AWS IoT sends 100
//! unacknowledged at most), the broker itself. So the callback only copies the message into
//! this hand-off and returns; one thread of ours (`awsiotjobs-mqtt-in`, started with the first
//! connection and kept for the process, as Paho keeps its own two) takes the messages out in
//! the order they came and routes them. Paho has one receive thread for all its clients, so one
//! routing thread keeps each connection's messages in order, as before.
//!
//! The hand-off holds at most [`BUDGET`] bytes: a message that would take it over waits (Paho's
//! receive thread with it, so the broker's own flow control takes over) until the routing
//! thread made room, except into an empty hand-off, which takes a message of any size. It waits
//! [`ROOM_WAIT`] at most, and then goes in over the budget: Paho's receive thread waits holding
//! Paho's lock, and the routing thread may itself be waiting for that lock (when it drops the
//! last reference to a transport, which closes the Paho client), so a wait without end could be
//! a deadlock, where this costs a while and a few bytes over the budget.

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
}

/// A first-in, first-out queue of at most `budget` bytes (or one item of any size), but for
/// items that waited `room_wait` for room.
pub struct Handoff<T> {
    state: Mutex<State<T>>,
    budget: usize,
    room_wait: Duration,
    ready: Condvar,
    room: Condvar,
}

impl<T: Weighed> Handoff<T> {
    pub fn new(budget: usize, room_wait: Duration) -> Handoff<T> {
        Handoff {
            state: Mutex::new(State {
                items: VecDeque::new(),
                bytes: 0,
            }),
            budget,
            room_wait,
            ready: Condvar::new(),
            room: Condvar::new(),
        }
    }

    /// Adds `item` at the end, first waiting while it would take the hand-off over its budget
    /// (`room_wait` at most). False if it went in over the budget.
    pub fn push(&self, item: T) -> bool {
        let size = item.bytes();
        let mut state = self.state.lock();
        let deadline = Instant::now() + self.room_wait;
        let fits = |state: &State<T>| state.items.is_empty() || state.bytes + size <= self.budget;
        while !fits(&state) && !self.room.wait_until(&mut state, deadline).timed_out() {}
        let within = fits(&state);
        state.bytes += size;
        state.items.push_back(item);
        drop(state);
        self.ready.notify_one();
        within
    }

    /// The oldest item, waiting for one.
    pub fn pop(&self) -> T {
        let mut state = self.state.lock();
        loop {
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
        assert_eq!([h.pop().0, h.pop().0, h.pop().0], [1, 2, 3]);
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
        assert_eq!(h.pop().0, 250);
        producer.join().unwrap();
        assert_eq!(pushed.load(Ordering::SeqCst), 1);
        assert_eq!(h.pop().0, 10);
    }

    #[test]
    fn a_push_that_waited_its_longest_goes_in_over_the_budget() {
        // Nobody takes anything out: without the limit on waiting, the second push never ends.
        let h = Handoff::new(100, Duration::from_millis(50));
        assert!(h.push(Blob(90)));
        assert!(!h.push(Blob(20)), "went in within the budget");
        assert_eq!(h.bytes(), 110);
        assert_eq!([h.pop().0, h.pop().0], [90, 20]);
    }
}
