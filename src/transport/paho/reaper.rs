//! Where Paho clients are destroyed when their owner lets go of them.
//!
//! A paho-mqtt connect token holds a clone of its client, and Paho C keeps a reference to the
//! token until its own thread has run the token's completion. If that reference is the last
//! clone of the client when Paho drops it, `MQTTAsync_destroy` runs on Paho's thread with
//! Paho's global mutex held, and every Paho client of the process deadlocks: measured with an
//! `IotMqtt_Connect` that timed out before Paho gave up on the CONNECT (Paho keeps trying a
//! little longer than the caller's timeout), after which no connection of the process ever
//! worked again. So a client whose last CONNECT may still be referenced inside Paho is not
//! dropped by its owner but handed to [`retire`] with its CONNECT tokens: one reaper thread
//! (`awsiotjobs-paho-reaper`, started on first use) drops the client once each of them
//! completed at least [`GRACE`] ago, which leaves Paho's thread ample time to let go of its reference. A
//! client whose CONNECT finished long before is dropped at once, on the reaper thread.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use paho_mqtt as paho;
use parking_lot::{Condvar, Mutex};

/// How long after its completion a connect token may still be referenced by Paho's thread.
/// Paho drops it right after running the completion; this is a margin for a busy machine.
pub const GRACE: Duration = Duration::from_millis(500);
/// How often the reaper looks at clients still waiting.
const POLL: Duration = Duration::from_millis(50);

/// A CONNECT or DISCONNECT of a client that Paho may still hold: its token and when it was
/// seen to complete. (A DISCONNECT that Paho has not carried out when its client is destroyed
/// is freed without its completion, which leaks the token: so it is held here too.)
pub struct HeldToken {
    token: paho::Token,
    completed: Option<Instant>,
}

impl HeldToken {
    /// A CONNECT or DISCONNECT in flight.
    pub fn new(token: paho::Token) -> HeldToken {
        HeldToken {
            token,
            completed: None,
        }
    }

    /// The token, to wait on.
    pub fn token(&mut self) -> &mut paho::Token {
        &mut self.token
    }

    /// Records that the token has completed (now, unless recorded earlier).
    pub fn mark_completed(&mut self) {
        self.completed.get_or_insert_with(Instant::now);
    }

    /// When the token completed, looking again if it was not known yet.
    fn completed(&mut self) -> Option<Instant> {
        if self.completed.is_none() && self.token.try_wait().is_some() {
            self.completed = Some(Instant::now());
        }
        self.completed
    }

    /// True once Paho is surely done with the token: it completed at least [`GRACE`] ago.
    pub fn settled(&mut self, now: Instant) -> bool {
        self.completed().is_some_and(|at| now >= at + GRACE)
    }
}

struct Retired {
    /// Held until it is safe to drop.
    _client: paho::AsyncClient,
    connects: Vec<HeldToken>,
}

impl Retired {
    fn ripe(&mut self, now: Instant) -> bool {
        self.connects.iter_mut().all(|connect| connect.settled(now))
    }
}

struct Reaper {
    queue: Mutex<Vec<Retired>>,
    added: Condvar,
}

static REAPER: OnceLock<Option<&'static Reaper>> = OnceLock::new();

fn reaper() -> Option<&'static Reaper> {
    *REAPER.get_or_init(|| {
        let reaper: &'static Reaper = Box::leak(Box::new(Reaper {
            queue: Mutex::new(Vec::new()),
            added: Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("awsiotjobs-paho-reaper".into())
            .spawn(move || reap(reaper))
            .ok()
            .map(|_| reaper)
    })
}

fn reap(reaper: &'static Reaper) {
    loop {
        let ripe: Vec<Retired> = {
            let mut queue = reaper.queue.lock();
            while queue.is_empty() {
                reaper.added.wait(&mut queue);
            }
            let now = Instant::now();
            let mut ripe = Vec::new();
            let mut index = 0;
            while index < queue.len() {
                if queue[index].ripe(now) {
                    ripe.push(queue.swap_remove(index));
                } else {
                    index += 1;
                }
            }
            if ripe.is_empty() {
                reaper.added.wait_for(&mut queue, POLL);
            }
            ripe
        };
        // Outside the lock: destroying a client may take a moment.
        drop(ripe);
    }
}

/// Lets go of `client`, with every CONNECT and DISCONNECT of it that Paho may still hold: it is
/// dropped on the reaper thread as soon as that is safe. Never blocks.
pub fn retire(client: paho::AsyncClient, connects: Vec<HeldToken>) {
    let retired = Retired {
        _client: client,
        connects,
    };
    match reaper() {
        Some(reaper) => {
            reaper.queue.lock().push(retired);
            reaper.added.notify_one();
        }
        // No thread for the reaper: keeping the client is better than a deadlock.
        None => std::mem::forget(retired),
    }
}

/// How many retired clients wait to be dropped (for tests).
pub fn waiting() -> usize {
    reaper().map_or(0, |reaper| reaper.queue.lock().len())
}
