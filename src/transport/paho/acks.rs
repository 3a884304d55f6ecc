//! Publishes handed to Paho without waiting, watched until Paho says how they ended.
//!
//! [`Acks::watch`] takes a publish's delivery token and what to do if it fails. Each token is
//! polled once as a future with a waker of ours: when Paho completes it (on its own thread,
//! holding the token's lock), the waker only leaves the publish's number for the
//! `awsiotjobs-mqtt-acks` thread, which polls it again there. The waker does not wake that
//! thread: while publishes are watched, the thread looks every `SETTLE` and takes all the
//! numbers left meanwhile, so that a PUBACK costs no thread switch (it cost one per publish,
//! on a path that has two others: Paho's send thread and the callback thread). A watch that
//! finds the table empty wakes it, so it never sleeps a whole `SWEEP` with publishes watched.
//! A delivered publish is forgotten;
//! one that failed because the link dropped is sent again on the next link while its deadline
//! allows (as a blocking publish would have been), and otherwise its failure callback runs,
//! once, on that thread. A publish nobody hears of by its deadline fails with `Timeout`.
//! Application code never runs here: the callback only hands the failure to the engine, which
//! queues the completion for the callback thread.

use rustc_hash::FxHashMap as HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use paho_mqtt as paho;
use parking_lot::Mutex;

use super::settings::classify;
use crate::core::queue::{Popped, Queue};
use crate::core::transport::{PublishFailed, TransportError};

/// What the acks thread is told.
enum Note {
    /// A watched publish completed (or may have): its number.
    Woken(u64),
    /// The table was empty and is no longer: look every `SETTLE` from now on.
    Watching,
    /// The transport is closing: fail everything and end.
    Stop,
}

/// The waker of one watched publish.
struct Wakes {
    id: u64,
    notes: Arc<Queue<Note>>,
}

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.notes.push_quiet(Note::Woken(self.id));
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.notes.push_quiet(Note::Woken(self.id));
    }
}

struct Watched {
    token: paho::DeliveryToken,
    failed: PublishFailed,
    deadline: Instant,
}

/// How a failed publish is tried again: the transport's answer to "wait for the link until
/// `deadline`, then publish this message", or why not.
pub trait Resend: Send + Sync {
    fn resend(
        &self,
        message: paho::Message,
        deadline: Instant,
    ) -> Result<paho::DeliveryToken, TransportError>;
    /// True while the link is down (a failure then is worth trying again).
    fn link_down(&self) -> bool;
}

struct Shared {
    watched: Mutex<HashMap<u64, Watched>>,
    next: AtomicU64,
    notes: Arc<Queue<Note>>,
}

/// The publishes of one connection in flight, and the thread that watches them.
pub struct Acks {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// How often the thread looks for publishes past their deadline.
const SWEEP: Duration = Duration::from_millis(250);

/// How often the thread takes the completions the wakers left, while publishes are watched:
/// how late a failed publish is sent again or reported, at most.
const SETTLE: Duration = Duration::from_millis(2);

enum Polled {
    Delivered,
    Failed(paho::Error),
    Waiting,
}

fn poll(id: u64, token: &mut paho::DeliveryToken, notes: &Arc<Queue<Note>>) -> Polled {
    let waker = Waker::from(Arc::new(Wakes {
        id,
        notes: notes.clone(),
    }));
    let mut cx = Context::from_waker(&waker);
    match Pin::new(token).poll(&mut cx) {
        Poll::Ready(Ok(())) => Polled::Delivered,
        Poll::Ready(Err(e)) => Polled::Failed(e),
        Poll::Pending => Polled::Waiting,
    }
}

impl Acks {
    /// Starts the thread; `resend` is the transport (held weakly: the thread never keeps it
    /// alive).
    pub fn start(resend: Weak<dyn Resend>) -> std::io::Result<Acks> {
        let notes = Arc::new(Queue::default());
        let received = notes.clone();
        let shared = Arc::new(Shared {
            watched: Mutex::new(HashMap::default()),
            next: AtomicU64::new(1),
            notes,
        });
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("awsiotjobs-mqtt-acks".into())
            .spawn(move || run(&worker, &received, &resend))?;
        Ok(Acks {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Watches a publish Paho has taken. `failed` runs at most once, on the acks thread, if it
    /// fails for good.
    pub fn watch(&self, token: paho::DeliveryToken, failed: PublishFailed, deadline: Instant) {
        watch(&self.shared, token, failed, deadline);
    }

    /// How many publishes are watched.
    pub fn in_flight(&self) -> usize {
        self.shared.watched.lock().len()
    }

    /// Fails every watched publish with `NotConnected` and ends the thread. Idempotent.
    pub fn stop(&self) {
        let Some(thread) = self.thread.lock().take() else {
            return;
        };
        self.shared.notes.push(Note::Stop);
        if thread.thread().id() != std::thread::current().id() {
            let _ = thread.join();
        }
    }
}

impl Drop for Acks {
    fn drop(&mut self) {
        self.stop();
    }
}

fn watch(shared: &Shared, token: paho::DeliveryToken, failed: PublishFailed, deadline: Instant) {
    let id = shared.next.fetch_add(1, Ordering::Relaxed);
    // Entered before it is first polled, with the table locked while polling: a wake-up
    // that comes at once finds it there.
    let mut watched = shared.watched.lock();
    if watched.is_empty() {
        shared.notes.push(Note::Watching);
    }
    let entry = watched.entry(id).or_insert(Watched {
        token,
        failed,
        deadline,
    });
    match poll(id, &mut entry.token, &shared.notes) {
        Polled::Waiting => {}
        Polled::Delivered => {
            watched.remove(&id);
        }
        // Already failed: leave it to the thread, which knows how to try again.
        Polled::Failed(_) => {
            shared.notes.push(Note::Woken(id));
        }
    }
}

fn run(shared: &Arc<Shared>, notes: &Queue<Note>, resend: &Weak<dyn Resend>) {
    let mut swept = Instant::now();
    // While publishes are watched and nothing comes (a link that is down), the looks back off
    // from SETTLE to SWEEP; any note brings them back to SETTLE. The table is looked at only
    // when a wait ran out, not for every note taken.
    let mut wait = SWEEP;
    loop {
        match notes.pop_until(Instant::now() + wait) {
            Popped::Item(Note::Woken(id)) => {
                settle(shared, id, resend);
                wait = SETTLE;
            }
            Popped::Item(Note::Watching) => wait = SETTLE,
            Popped::Item(Note::Stop) | Popped::Closed => {
                let all: Vec<Watched> = shared.watched.lock().drain().map(|(_, w)| w).collect();
                for watched in all {
                    watched.failed.report(TransportError::NotConnected);
                }
                return;
            }
            Popped::TimedOut if shared.watched.lock().is_empty() => wait = SWEEP,
            Popped::TimedOut => wait = (wait * 2).min(SWEEP),
        }
        if swept.elapsed() >= SWEEP {
            expire(shared);
            swept = Instant::now();
        }
    }
}

/// Looks at a publish that was woken: forgotten if delivered, sent again or failed if not.
fn settle(shared: &Arc<Shared>, id: u64, resend: &Weak<dyn Resend>) {
    let failure = {
        let mut watched = shared.watched.lock();
        let Some(entry) = watched.get_mut(&id) else {
            return;
        };
        match poll(id, &mut entry.token, &shared.notes) {
            Polled::Waiting => return,
            Polled::Delivered => {
                watched.remove(&id);
                return;
            }
            Polled::Failed(e) => (watched.remove(&id).expect("present"), e),
        }
    };
    let (entry, error) = failure;
    let Some(transport) = resend.upgrade() else {
        entry.failed.report(TransportError::NotConnected);
        return;
    };
    // Lost with a link (Paho fails what was in flight when it cleans the session, which may be
    // only at the reconnection): again on the next link, as long as the deadline allows.
    let lost = matches!(
        error,
        paho::Error::OperationIncomplete | paho::Error::Disconnected
    ) || transport.link_down();
    if Instant::now() < entry.deadline && lost {
        let message = entry.token.message().clone();
        match transport.resend(message, entry.deadline) {
            Ok(token) => watch(shared, token, entry.failed, entry.deadline),
            Err(e) => entry.failed.report(e),
        }
        return;
    }
    entry.failed.report(classify(error));
}

/// Fails the publishes past their deadline.
fn expire(shared: &Shared) {
    let now = Instant::now();
    let due: Vec<Watched> = {
        let mut watched = shared.watched.lock();
        let ids: Vec<u64> = watched
            .iter()
            .filter(|(_, w)| w.deadline <= now)
            .map(|(id, _)| *id)
            .collect();
        ids.into_iter()
            .filter_map(|id| watched.remove(&id))
            .collect()
    };
    for watched in due {
        watched.failed.report(TransportError::Timeout);
    }
}
