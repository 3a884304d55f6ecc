//! A thread of ours that runs tasks one at a time, in order: each MQTT connection has one for
//! the application's callbacks (subscription messages, operation completions, the disconnect
//! callback) and one for its asynchronous operations, so that neither ever runs on a Paho
//! thread or on the caller's.

use crossbeam_channel::{unbounded, Sender};
use parking_lot::Mutex;
use std::thread::{JoinHandle, ThreadId};

type Task = Box<dyn FnOnce() + Send + 'static>;

enum Message {
    Run(Task),
    Stop,
}

/// A named thread with a FIFO of tasks.
pub struct SerialThread {
    tasks: Sender<Message>,
    id: ThreadId,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl SerialThread {
    pub fn start(name: &str) -> std::io::Result<SerialThread> {
        let (tx, rx) = unbounded::<Message>();
        let handle = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                while let Ok(Message::Run(task)) = rx.recv() {
                    // A panicking task must not take the later ones down with it.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(task));
                }
            })?;
        Ok(SerialThread {
            tasks: tx,
            id: handle.thread().id(),
            handle: Mutex::new(Some(handle)),
        })
    }

    /// Queues `task`; false (the task dropped) once the thread was stopped.
    pub fn spawn(&self, task: impl FnOnce() + Send + 'static) -> bool {
        // Holding the lock orders this task before or after `stop`'s Stop, never lost between.
        let running = self.handle.lock();
        running.is_some() && self.tasks.send(Message::Run(Box::new(task))).is_ok()
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
            let _ = self.tasks.send(Message::Stop);
            handle
        };
        if !self.is_current() {
            let _ = handle.join();
        }
    }
}
