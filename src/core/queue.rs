//! The queues between the library's threads: above all the one between whoever completes an
//! operation and the thread that runs callbacks ([`TaskQueue`]), and the few others a thread of
//! ours waits on (each MQTT connection's serial threads, its link supervisor, its acks thread).
//!
//! `push` and `close` take the same lock, so every push is ordered against the close: a push
//! that returns true happened before it, and its item is handed out by `pop` before `pop`
//! reports the end; a push after the close returns false and keeps nothing. That ordering is
//! what lets Cleanup promise that every accepted operation's callback runs exactly once before
//! it returns (`tests/loom_lifecycle.rs` checks it under every interleaving).

use crate::core::sync::{Condvar, Mutex};
use std::collections::VecDeque;

/// A unit of work for the callback thread.
pub type Task = Box<dyn FnOnce() + Send + 'static>;

/// The callback thread's queue.
pub type TaskQueue = Queue<Task>;

struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// Room a queue keeps when it empties; more (left by a burst) is given back then.
pub const KEEP: usize = 256;

/// Gives back the room a burst left in `items`, once it is empty: every queue of the library
/// (this one, the acks list, the deadline queue) keeps at most [`KEEP`] entries' room idle.
pub fn give_back_room<T>(items: &mut VecDeque<T>) {
    if items.is_empty() && items.capacity() > KEEP {
        items.shrink_to(KEEP);
    }
}

impl<T> State<T> {
    fn take(&mut self) -> Option<T> {
        let item = self.items.pop_front();
        give_back_room(&mut self.items);
        item
    }
}

/// A first-in, first-out queue, unbounded, that can be closed once.
pub struct Queue<T> {
    state: Mutex<State<T>>,
    ready: Condvar,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Queue {
            state: Mutex::new(State {
                items: VecDeque::new(),
                closed: false,
            }),
            ready: Condvar::new(),
        }
    }
}

/// What [`Queue::pop_until`] found.
pub enum Popped<T> {
    Item(T),
    /// The deadline passed with the queue empty.
    TimedOut,
    /// The queue is closed and empty.
    Closed,
}

impl<T> Queue<T> {
    /// Adds `item` at the end; false (the item dropped) once the queue is closed.
    pub fn push(&self, item: T) -> bool {
        // The lock is released before the wake-up, so the woken consumer finds it free.
        let pushed = self.push_quiet(item);
        if pushed {
            self.ready.notify_one();
        }
        pushed
    }

    /// Like [`Queue::push`], without waking a consumer: the item waits for the consumer's
    /// next look (its timeout, or an item pushed with [`Queue::push`]). For notes that may
    /// wait a little, where a wake-up for each would cost more than the work.
    pub fn push_quiet(&self, item: T) -> bool {
        let mut state = self.state.lock();
        if state.closed {
            return false;
        }
        state.items.push_back(item);
        true
    }

    /// Refuses every later push. Items already queued are still handed out.
    pub fn close(&self) {
        self.state.lock().closed = true;
        self.ready.notify_all();
    }

    pub fn is_closed(&self) -> bool {
        self.state.lock().closed
    }

    /// The next item, waiting for one; `None` once the queue is closed and empty.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.state.lock();
        loop {
            if let Some(item) = state.take() {
                return Some(item);
            }
            if state.closed {
                return None;
            }
            self.ready.wait(&mut state);
        }
    }

    /// Waits until an item waits or the queue is closed, and takes nothing: for a consumer that
    /// takes its items under a lock of its own ([`Queue::try_pop`]).
    pub fn wait_ready(&self) {
        let mut state = self.state.lock();
        while state.items.is_empty() && !state.closed {
            self.ready.wait(&mut state);
        }
    }

    /// The next item if one waits, without waiting.
    pub fn try_pop(&self) -> Option<T> {
        self.state.lock().take()
    }

    /// Wakes a consumer waiting in [`Queue::pop`] or [`Queue::wait_ready`]: for items pushed
    /// with [`Queue::push_quiet`] that the pusher did not see taken.
    pub fn wake(&self) {
        self.ready.notify_one();
    }

    /// The next item, waiting for one until `deadline`.
    #[cfg(not(feature = "loom"))]
    pub fn pop_until(&self, deadline: std::time::Instant) -> Popped<T> {
        let mut state = self.state.lock();
        loop {
            if let Some(item) = state.take() {
                return Popped::Item(item);
            }
            if state.closed {
                return Popped::Closed;
            }
            if self.ready.wait_until(&mut state, deadline).timed_out() {
                return match state.take() {
                    Some(item) => Popped::Item(item),
                    None => Popped::TimedOut,
                };
            }
        }
    }

    /// Under the `loom` feature time is not modelled (loom has no timed wait): this waits as
    /// [`Queue::pop`] does and never times out. Only the network adapters use it, and no loom
    /// model runs them; the feature never ships.
    #[cfg(feature = "loom")]
    pub fn pop_until(&self, _deadline: std::time::Instant) -> Popped<T> {
        match self.pop() {
            Some(item) => Popped::Item(item),
            None => Popped::Closed,
        }
    }

    /// How many items wait.
    pub fn len(&self) -> usize {
        self.state.lock().items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn tasks_come_out_in_order_and_the_end_after_the_last() {
        let q = TaskQueue::default();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..3 {
            let seen = seen.clone();
            assert!(q.push(Box::new(move || seen.lock().push(i))));
        }
        q.close();
        assert!(!q.push(Box::new(|| panic!("a task pushed after close ran"))));
        while let Some(task) = q.pop() {
            task();
        }
        assert_eq!(*seen.lock(), vec![0, 1, 2]);
    }

    #[test]
    fn an_emptied_queue_gives_back_the_room_of_a_burst() {
        let q = Queue::default();
        for i in 0..10_000 {
            assert!(q.push(i));
        }
        assert!(q.state.lock().items.capacity() >= 10_000);
        for i in 0..10_000 {
            assert_eq!(q.pop(), Some(i));
        }
        assert!(q.state.lock().items.capacity() <= KEEP);
    }

    #[test]
    fn a_waiting_pop_wakes_for_a_push_and_for_the_close() {
        let q = Arc::new(TaskQueue::default());
        let ran = Arc::new(AtomicUsize::new(0));
        let worker = {
            let q = q.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                while let Some(task) = q.pop() {
                    task();
                    n += 1;
                }
                n
            })
        };
        let r = ran.clone();
        q.push(Box::new(move || {
            r.fetch_add(1, Ordering::SeqCst);
        }));
        q.close();
        assert_eq!(worker.join().unwrap(), 1);
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
