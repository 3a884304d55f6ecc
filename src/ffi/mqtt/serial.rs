//! A thread of ours that runs tasks one at a time, in order: each MQTT connection has one for
//! the application's callbacks (subscription messages, operation completions, the disconnect
//! callback) and one for its asynchronous operations, so that neither ever runs on a Paho
//! thread or on the caller's.
//!
//! Messages for the application's subscriptions are bounded ([`MESSAGE_BUDGET`]): while that
//! many wait for a slow callback, newer ones are dropped with a log line instead of growing the
//! process without end. Operation completions and the disconnect callback are never dropped
//! (they are bounded by the operations the application started).

use crate::core::log::{Level, Throttle};
use crate::core::panics::contain;
use crate::core::queue::TaskQueue;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::{JoinHandle, ThreadId};

/// How many subscription messages, and how many bytes of them, may wait for the application's
/// callbacks of one connection.
pub const MESSAGE_BUDGET: (usize, usize) = (1024, 4 << 20);

/// Subscription messages waiting: count and bytes.
#[derive(Default)]
struct Waiting {
    messages: AtomicUsize,
    bytes: AtomicUsize,
}

/// A named thread with a FIFO of tasks.
pub struct SerialThread {
    tasks: Arc<TaskQueue>,
    id: ThreadId,
    handle: Mutex<Option<JoinHandle<()>>>,
    waiting: Arc<Waiting>,
}

impl SerialThread {
    pub fn start(name: &str) -> std::io::Result<SerialThread> {
        let tasks = Arc::new(TaskQueue::default());
        let queue = tasks.clone();
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while let Some(task) = queue.pop() {
                    // A panicking task must not take the later ones down with it.
                    contain("an MQTT callback or operation", task);
                }
            })?;
        Ok(SerialThread {
            tasks,
            id: handle.thread().id(),
            handle: Mutex::new(Some(handle)),
            waiting: Arc::default(),
        })
    }

    /// Queues `task`; false (the task dropped) once the thread was stopped.
    pub fn spawn(&self, task: impl FnOnce() + Send + 'static) -> bool {
        // The queue orders this task before `stop`'s close (it runs) or after it (refused).
        self.tasks.push(Box::new(task))
    }

    /// Queues the delivery of a subscription message of `bytes` bytes, unless
    /// [`MESSAGE_BUDGET`] is used up (then it is dropped, with a log line naming `filter`).
    /// False when dropped or the thread was stopped.
    pub fn spawn_message(
        &self,
        filter: &str,
        bytes: usize,
        task: impl FnOnce() + Send + 'static,
    ) -> bool {
        static DROPPED: Throttle = Throttle::new();
        let (max_messages, max_bytes) = MESSAGE_BUDGET;
        let messages = self.waiting.messages.fetch_add(1, Ordering::AcqRel);
        let queued = self.waiting.bytes.fetch_add(bytes, Ordering::AcqRel);
        let waiting = self.waiting.clone();
        let release = move || {
            waiting.messages.fetch_sub(1, Ordering::AcqRel);
            waiting.bytes.fetch_sub(bytes, Ordering::AcqRel);
        };
        if messages >= max_messages || (messages > 0 && queued + bytes > max_bytes) {
            release();
            DROPPED.line(Level::Error, || {
                format!(
                    "dropped a message for the subscription {filter}: {messages} messages \
                     ({queued} bytes) already wait for the application's callbacks"
                )
            });
            return false;
        }
        let accepted = self.spawn(move || {
            release();
            task();
        });
        // A refused task is dropped unrun: its share of the budget comes back here.
        if !accepted {
            self.waiting.messages.fetch_sub(1, Ordering::AcqRel);
            self.waiting.bytes.fetch_sub(bytes, Ordering::AcqRel);
        }
        accepted
    }

    /// Subscription messages waiting (count, bytes).
    #[cfg(test)]
    fn waiting_messages(&self) -> (usize, usize) {
        (
            self.waiting.messages.load(Ordering::Acquire),
            self.waiting.bytes.load(Ordering::Acquire),
        )
    }

    pub fn is_current(&self) -> bool {
        std::thread::current().id() == self.id
    }

    /// Runs what is queued, then ends the thread and waits for it (unless called from it, in
    /// which case it ends after the current task). Idempotent.
    pub fn stop(&self) {
        let handle = {
            let mut running = self.handle.lock();
            let Some(handle) = running.take() else {
                return;
            };
            self.tasks.close();
            handle
        };
        if !self.is_current() {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_messages_are_bounded_and_the_rest_never_dropped() {
        let thread = SerialThread::start("serial-test").unwrap();
        let (hold_tx, hold_rx) = std::sync::mpsc::sync_channel::<()>(0);
        assert!(thread.spawn(move || {
            let _ = hold_rx.recv();
        }));
        let ran = Arc::new(AtomicUsize::new(0));
        let mut accepted = 0;
        for _ in 0..MESSAGE_BUDGET.0 + 100 {
            let ran = ran.clone();
            if thread.spawn_message("f", 10, move || {
                ran.fetch_add(1, Ordering::SeqCst);
            }) {
                accepted += 1;
            }
        }
        assert_eq!(accepted, MESSAGE_BUDGET.0);
        assert_eq!(
            thread.waiting_messages(),
            (MESSAGE_BUDGET.0, 10 * MESSAGE_BUDGET.0)
        );
        let completions = Arc::new(AtomicUsize::new(0));
        let c = completions.clone();
        assert!(
            thread.spawn(move || {
                c.fetch_add(1, Ordering::SeqCst);
            }),
            "a completion is never refused"
        );
        hold_tx.send(()).unwrap();
        thread.stop();
        assert_eq!(ran.load(Ordering::SeqCst), MESSAGE_BUDGET.0);
        assert_eq!(completions.load(Ordering::SeqCst), 1);
        assert_eq!(thread.waiting_messages(), (0, 0));
    }

    #[test]
    fn a_burst_of_large_messages_stops_at_the_byte_budget() {
        let thread = SerialThread::start("serial-test-bytes").unwrap();
        let (hold_tx, hold_rx) = std::sync::mpsc::sync_channel::<()>(0);
        thread.spawn(move || {
            let _ = hold_rx.recv();
        });
        let size = 1 << 20;
        let accepted = (0..64)
            .filter(|_| thread.spawn_message("big", size, || {}))
            .count();
        assert_eq!(accepted, MESSAGE_BUDGET.1 / size);
        hold_tx.send(()).unwrap();
        thread.stop();
    }
}
