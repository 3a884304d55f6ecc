//! Publishes handed to Paho without waiting, watched until Paho says how they ended.
//!
//! [`Acks::watch`] puts a publish ([`Sent`], which Paho's completion callback marks), with where
//! to report a failure, at the back of a list kept in the order of publishing. While the list
//! is not empty, the `awsiotjobs-mqtt-acks` thread looks at it every `SETTLE`: from the front it
//! forgets the publishes Paho has completed, and stops at the first still waiting (PUBACKs come
//! back in order, so that one is almost always the oldest). Nothing is woken per publish: a
//! PUBACK costs neither a thread switch nor a note, and watching costs no allocation (the list
//! reuses its room). Every `SWEEP` the thread looks at the whole list, so that a failure behind
//! a publish still waiting, and a publish nobody hears of by its deadline (it fails with
//! `Timeout`), are seen within a sweep. One that failed because the link dropped is sent again
//! on the next link while its deadline allows (as a blocking publish would have been), and
//! otherwise its failure is reported, once, from that thread. Application code never runs
//! here: the report only hands the failure to the engine, which queues the completion for the
//! callback thread.

use std::collections::VecDeque;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use paho_mqtt as paho;
use parking_lot::Mutex;

use super::sent::{Polled, Sent};
use super::settings::classify;
use crate::core::queue::{give_back_room, Popped, Queue};
use crate::core::transport::{PublishFailed, TransportError};

/// What the acks thread is told.
enum Note {
    /// The list was empty and is no longer: look every `SETTLE` from now on.
    Watching,
    /// The transport is closing: fail everything and end.
    Stop,
}

struct Watched {
    sent: Arc<Sent>,
    failed: PublishFailed,
    deadline: Instant,
    /// The transport's count of lost links when the publish was handed to Paho.
    drops: u64,
}

/// How a failed publish is tried again: the transport's answer to "wait for the link until
/// `deadline`, then publish this message", or why not.
pub trait Resend: Send + Sync {
    /// Hands `sent` to Paho; the count of lost links ([`Resend::link_drops`]) read before
    /// publishing: a drop after the publish moves the count on.
    fn resend(&self, sent: &Arc<Sent>, deadline: Instant) -> Result<u64, TransportError>;
    /// True while the link is down (a failure then is worth trying again).
    fn link_down(&self) -> bool;
    /// How many times the link was lost so far (a failure after a loss is worth trying again,
    /// even once the link is back).
    fn link_drops(&self) -> u64;
}

struct Shared {
    /// Oldest first.
    watched: Mutex<VecDeque<Watched>>,
    notes: Queue<Note>,
}

/// The publishes of one connection in flight, and the thread that watches them.
pub struct Acks {
    shared: Arc<Shared>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

/// How often the thread looks for publishes past their deadline.
const SWEEP: Duration = Duration::from_millis(250);

/// How often the thread looks at the front of the list while publishes are watched.
const SETTLE: Duration = Duration::from_millis(2);

/// How a publish taken off the list ended, other than delivered.
enum Ended {
    Failed(paho::Error),
    Expired,
}

impl Acks {
    /// Starts the thread; `resend` is the transport (held weakly: the thread never keeps it
    /// alive).
    pub fn start(resend: Weak<dyn Resend>) -> std::io::Result<Acks> {
        let shared = Arc::new(Shared {
            watched: Mutex::new(VecDeque::new()),
            notes: Queue::default(),
        });
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("awsiotjobs-mqtt-acks".into())
            .spawn(move || run(&worker, &resend))?;
        Ok(Acks {
            shared,
            thread: Mutex::new(Some(thread)),
        })
    }

    /// Watches a publish Paho has taken. `failed` reports at most once, from the acks thread,
    /// if it fails for good.
    pub fn watch(&self, sent: Arc<Sent>, failed: PublishFailed, deadline: Instant, drops: u64) {
        watch(
            &self.shared,
            Watched {
                sent,
                failed,
                deadline,
                drops,
            },
        );
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

fn watch(shared: &Shared, publish: Watched) {
    let mut watched = shared.watched.lock();
    if watched.is_empty() {
        shared.notes.push(Note::Watching);
    }
    watched.push_back(publish);
}

fn run(shared: &Shared, resend: &Weak<dyn Resend>) {
    let mut swept = Instant::now();
    // While publishes are watched and none completes (a link that is down), the looks back off
    // from SETTLE to SWEEP; a completion, or a list that was empty, brings them back.
    let mut wait = SWEEP;
    loop {
        match shared.notes.pop_until(Instant::now() + wait) {
            Popped::Item(Note::Watching) => {
                wait = SETTLE;
                continue;
            }
            Popped::Item(Note::Stop) | Popped::Closed => {
                let all = std::mem::take(&mut *shared.watched.lock());
                for watched in all {
                    watched.failed.report(TransportError::NotConnected);
                }
                return;
            }
            Popped::TimedOut => {}
        }
        let now = Instant::now();
        let whole = now.duration_since(swept) >= SWEEP;
        if whole {
            swept = now;
        }
        let (taken, ended, left) = settle(shared, whole, now);
        for (watched, how) in ended {
            conclude(shared, watched, how, resend);
        }
        wait = match (left, taken) {
            (false, _) => SWEEP,
            (true, true) => SETTLE,
            (true, false) => (wait * 2).min(SWEEP),
        };
    }
}

/// Takes the completed publishes off the list: from the front up to the first still waiting,
/// or (`whole`) all through the list, expiring those past their deadline. Returns whether any
/// was taken, the ones that did not end delivered, and whether any is left.
fn settle(shared: &Shared, whole: bool, now: Instant) -> (bool, Vec<(Watched, Ended)>, bool) {
    let mut ended = Vec::new();
    let mut watched = shared.watched.lock();
    let before = watched.len();
    while let Some(front) = watched.front() {
        let how = match front.sent.poll() {
            Polled::Waiting => break,
            Polled::Delivered => None,
            Polled::Failed(e) => Some(Ended::Failed(e)),
        };
        if let (Some(front), Some(how)) = (watched.pop_front(), how) {
            ended.push((front, how));
        }
    }
    if whole {
        for w in std::mem::take(&mut *watched) {
            match w.sent.poll() {
                Polled::Waiting if w.deadline > now => watched.push_back(w),
                Polled::Waiting => ended.push((w, Ended::Expired)),
                Polled::Delivered => {}
                Polled::Failed(e) => ended.push((w, Ended::Failed(e))),
            }
        }
    }
    let taken = watched.len() < before;
    let left = !watched.is_empty();
    // What a burst (or a long outage) left.
    give_back_room(&mut watched);
    (taken, ended, left)
}

/// Deals with a publish that did not end delivered: sent again if the link took it and its
/// deadline allows, its failure reported if not.
fn conclude(shared: &Shared, entry: Watched, how: Ended, resend: &Weak<dyn Resend>) {
    let error = match how {
        Ended::Expired => {
            entry.failed.report(TransportError::Timeout);
            return;
        }
        Ended::Failed(error) => error,
    };
    let Some(transport) = resend.upgrade() else {
        entry.failed.report(TransportError::NotConnected);
        return;
    };
    // Lost with a link (Paho fails what was in flight when it cleans the session, which may be
    // only at the reconnection; and the thread may look only once the link is back): again on
    // the next link, as long as the deadline allows.
    let lost = matches!(
        error,
        paho::Error::OperationIncomplete | paho::Error::Disconnected
    ) || transport.link_down()
        || transport.link_drops() != entry.drops;
    if Instant::now() < entry.deadline && lost {
        entry.sent.rearm();
        match transport.resend(&entry.sent, entry.deadline) {
            Ok(drops) => watch(
                shared,
                Watched {
                    sent: entry.sent,
                    failed: entry.failed,
                    deadline: entry.deadline,
                    drops,
                },
            ),
            Err(e) => entry.failed.report(e),
        }
        return;
    }
    entry.failed.report(classify(error));
}
