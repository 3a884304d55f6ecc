//! The timers behind `IotClock_TimerCreate`, `IotClock_TimerArm` and `IotClock_TimerDestroy`:
//! one service thread keeps every timer's next expiry and starts each expiration routine on a
//! detached thread of its own, as v4's POSIX port did with `SIGEV_THREAD`.
//!
//! What this adds to v4, so that a timer is safe to destroy while it runs: a timer's routine
//! never runs twice at once (an expiry that comes while it still runs waits for it to return,
//! and the missed periods of a periodic timer coalesce into that one run), and once
//! [`TimerService::destroy`] returns the routine is neither running nor ever called again. A
//! routine may destroy or re-arm its own timer. Timers are known by a key (a `u64`, unique for
//! the process's lifetime), so a stale or garbage key is simply not found. The service thread
//! starts with the first timer and sleeps while no timer is armed.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

/// What a timer runs at each expiry.
pub type Routine = Arc<dyn Fn() + Send + Sync>;

/// Keys of every service, so a key never names a timer of another service.
static NEXT_KEY: AtomicU64 = AtomicU64::new(1);

thread_local! {
    /// The key of the timer whose routine this thread is running (0: none).
    static RUNNING_ROUTINE: Cell<u64> = const { Cell::new(0) };
}

/// A set of timers and the thread that fires them.
pub struct TimerService {
    shared: Arc<Shared>,
}

struct Shared {
    state: Mutex<State>,
    /// Signalled on every change: arming, a routine's return, a destroy, shutdown.
    changed: Condvar,
}

#[derive(Default)]
struct State {
    timers: HashMap<u64, Timer>,
    service_thread: bool,
    stopping: bool,
}

struct Timer {
    routine: Routine,
    due: Option<Instant>,
    period: Option<Duration>,
    running: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A routine runs with no lock held, so a poisoned lock only means a panic in this file's
        // own bookkeeping; the state stays consistent at every unlock.
        self.state
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

impl Default for TimerService {
    fn default() -> Self {
        Self::new()
    }
}

impl TimerService {
    /// A service with no timers; its thread starts with the first timer.
    pub fn new() -> Self {
        TimerService {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                changed: Condvar::new(),
            }),
        }
    }

    /// The process's service, used by the C functions.
    pub fn global() -> &'static TimerService {
        static GLOBAL: OnceLock<TimerService> = OnceLock::new();
        GLOBAL.get_or_init(TimerService::new)
    }

    /// A new, unarmed timer running `routine` at each expiry, or `None` if the service thread
    /// cannot be started.
    pub fn create(&self, routine: Routine) -> Option<u64> {
        let mut state = self.shared.lock();
        if !state.service_thread {
            let shared = Arc::clone(&self.shared);
            thread::Builder::new()
                .name("iot-clock-timers".into())
                .spawn(move || service(&shared))
                .ok()?;
            state.service_thread = true;
        }
        let key = NEXT_KEY.fetch_add(1, Ordering::Relaxed);
        state.timers.insert(
            key,
            Timer {
                routine,
                due: None,
                period: None,
                running: false,
            },
        );
        Some(key)
    }

    /// Arms (or re-arms) timer `key` to expire after `delay`, then every `period` if one is
    /// given. `false` if there is no such timer.
    pub fn arm(&self, key: u64, delay: Duration, period: Option<Duration>) -> bool {
        let mut state = self.shared.lock();
        let Some(timer) = state.timers.get_mut(&key) else {
            return false;
        };
        timer.due = Some(Instant::now() + delay);
        timer.period = period.filter(|p| !p.is_zero());
        drop(state);
        self.shared.changed.notify_all();
        true
    }

    /// Destroys timer `key`: when this returns its routine is not running (unless this is
    /// called from that routine, which then finishes) and is never called again. `false` if
    /// there is no such timer.
    pub fn destroy(&self, key: u64) -> bool {
        let mut state = self.shared.lock();
        if !state.timers.contains_key(&key) {
            return false;
        }
        if RUNNING_ROUTINE.with(Cell::get) != key {
            // Stop further expiries, then wait for a routine in progress.
            if let Some(timer) = state.timers.get_mut(&key) {
                timer.due = None;
            }
            while state.timers.get(&key).is_some_and(|timer| timer.running) {
                state = self
                    .shared
                    .changed
                    .wait(state)
                    .unwrap_or_else(|poison| poison.into_inner());
            }
        }
        let removed = state.timers.remove(&key).is_some();
        drop(state);
        self.shared.changed.notify_all();
        removed
    }

    /// How many timers exist (tests).
    pub fn len(&self) -> usize {
        self.shared.lock().timers.len()
    }

    /// Whether no timer exists.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Drop for TimerService {
    fn drop(&mut self) {
        self.shared.lock().stopping = true;
        self.shared.changed.notify_all();
    }
}

/// The first expiry after `now` of a periodic timer that was due at `due`: missed periods
/// coalesce into the run that is starting.
fn next_expiry(due: Instant, period: Duration, now: Instant) -> Instant {
    let behind = now.saturating_duration_since(due).as_nanos();
    let periods = behind / period.as_nanos() + 1;
    let step = u64::try_from(period.as_nanos() * periods).unwrap_or(u64::MAX);
    due.checked_add(Duration::from_nanos(step))
        .unwrap_or(now + period)
}

/// The service thread: sleeps until the earliest expiry, starts the routines that are due.
fn service(shared: &Arc<Shared>) {
    let mut state = shared.lock();
    loop {
        if state.stopping {
            return;
        }
        let now = Instant::now();
        let mut earliest: Option<Instant> = None;
        let mut due_now = Vec::new();
        for (&key, timer) in state.timers.iter_mut() {
            // A running routine's timer is looked at again when the routine returns.
            let Some(due) = timer.due.filter(|_| !timer.running) else {
                continue;
            };
            if due <= now {
                timer.running = true;
                timer.due = timer.period.map(|period| next_expiry(due, period, now));
                due_now.push((key, Arc::clone(&timer.routine)));
            }
            if let Some(next) = timer.due {
                earliest = Some(earliest.map_or(next, |e| e.min(next)));
            }
        }
        if !due_now.is_empty() {
            drop(state);
            for (key, routine) in due_now {
                start_routine(shared, key, routine);
            }
            state = shared.lock();
            continue;
        }
        state = match earliest {
            None => shared
                .changed
                .wait(state)
                .unwrap_or_else(|poison| poison.into_inner()),
            Some(at) => {
                shared
                    .changed
                    .wait_timeout(state, at.saturating_duration_since(now))
                    .unwrap_or_else(|poison| poison.into_inner())
                    .0
            }
        };
    }
}

/// Runs one expiry of timer `key` on a detached thread of its own.
fn start_routine(shared: &Arc<Shared>, key: u64, routine: Routine) {
    let finished = Arc::clone(shared);
    let started = thread::Builder::new()
        .name("iot-timer-routine".into())
        .spawn(move || {
            RUNNING_ROUTINE.with(|running| running.set(key));
            routine();
            RUNNING_ROUTINE.with(|running| running.set(0));
            routine_returned(&finished, key);
        });
    if started.is_err() {
        // No thread for this expiry: it is skipped, and a periodic timer tries again next time.
        routine_returned(shared, key);
    }
}

fn routine_returned(shared: &Shared, key: u64) {
    if let Some(timer) = shared.lock().timers.get_mut(&key) {
        timer.running = false;
    }
    shared.changed.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;

    /// A routine that counts its runs and reports each on a channel.
    fn counting() -> (Routine, Arc<AtomicUsize>, mpsc::Receiver<usize>) {
        let count = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let counter = Arc::clone(&count);
        let routine: Routine = Arc::new(move || {
            let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
            let _ = tx.lock().unwrap().send(n);
        });
        (routine, count, rx)
    }

    const HANG_GUARD: Duration = Duration::from_secs(10);

    #[test]
    fn an_unarmed_timer_never_fires_and_a_one_shot_fires_once() {
        let service = TimerService::new();
        let (routine, count, rx) = counting();
        let key = service.create(routine).unwrap();
        thread::sleep(Duration::from_millis(50));
        assert_eq!(count.load(Ordering::SeqCst), 0);
        assert!(service.arm(key, Duration::from_millis(10), None));
        assert_eq!(rx.recv_timeout(HANG_GUARD), Ok(1));
        thread::sleep(Duration::from_millis(60));
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(service.destroy(key));
        assert!(service.is_empty());
    }

    #[test]
    fn re_arming_moves_the_expiry_and_a_timer_can_fire_again() {
        let service = TimerService::new();
        let (routine, count, rx) = counting();
        let key = service.create(routine).unwrap();
        assert!(service.arm(key, Duration::from_secs(3600), None));
        assert!(service.arm(key, Duration::from_millis(5), None));
        assert_eq!(rx.recv_timeout(HANG_GUARD), Ok(1));
        assert!(service.arm(key, Duration::ZERO, None));
        assert_eq!(rx.recv_timeout(HANG_GUARD), Ok(2));
        assert_eq!(count.load(Ordering::SeqCst), 2);
        service.destroy(key);
    }

    #[test]
    fn a_periodic_timer_keeps_firing_until_destroyed_and_never_after() {
        let service = TimerService::new();
        let (routine, count, rx) = counting();
        let key = service.create(routine).unwrap();
        assert!(service.arm(
            key,
            Duration::from_millis(1),
            Some(Duration::from_millis(2))
        ));
        for expected in 1..=5 {
            assert_eq!(rx.recv_timeout(HANG_GUARD), Ok(expected));
        }
        assert!(service.destroy(key));
        let after_destroy = count.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(50));
        assert_eq!(count.load(Ordering::SeqCst), after_destroy);
        assert!(!service.arm(key, Duration::ZERO, None));
        assert!(!service.destroy(key));
    }

    #[test]
    fn destroy_waits_for_a_running_routine_and_runs_never_overlap() {
        let service = TimerService::new();
        let inside = Arc::new(AtomicUsize::new(0));
        let most_inside = Arc::new(AtomicUsize::new(0));
        let runs = Arc::new(AtomicUsize::new(0));
        let (entered_tx, entered_rx) = mpsc::channel();
        let entered_tx = Mutex::new(entered_tx);
        let routine: Routine = {
            let (inside, most_inside, runs) = (inside.clone(), most_inside.clone(), runs.clone());
            Arc::new(move || {
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most_inside.fetch_max(now, Ordering::SeqCst);
                let _ = entered_tx.lock().unwrap().send(());
                thread::sleep(Duration::from_millis(30));
                runs.fetch_add(1, Ordering::SeqCst);
                inside.fetch_sub(1, Ordering::SeqCst);
            })
        };
        let key = service.create(routine).unwrap();
        // Period far shorter than the routine: expiries must wait, not overlap.
        assert!(service.arm(key, Duration::ZERO, Some(Duration::from_millis(1))));
        entered_rx.recv_timeout(HANG_GUARD).unwrap();
        entered_rx.recv_timeout(HANG_GUARD).unwrap();
        assert!(service.destroy(key));
        // The routine in progress has returned, and no other starts.
        assert_eq!(inside.load(Ordering::SeqCst), 0);
        let after_destroy = runs.load(Ordering::SeqCst);
        thread::sleep(Duration::from_millis(80));
        assert_eq!(runs.load(Ordering::SeqCst), after_destroy);
        assert_eq!(most_inside.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn a_routine_may_re_arm_and_then_destroy_its_own_timer() {
        let service = Arc::new(TimerService::new());
        let key_cell = Arc::new(AtomicU64::new(0));
        let runs = Arc::new(AtomicUsize::new(0));
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let routine: Routine = {
            let weak = Arc::downgrade(&service);
            let (key_cell, runs) = (Arc::clone(&key_cell), Arc::clone(&runs));
            Arc::new(move || {
                let (Some(service), key) = (weak.upgrade(), key_cell.load(Ordering::SeqCst)) else {
                    return;
                };
                let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
                // The first run re-arms its timer, the second destroys it.
                let done = if run == 1 {
                    service.arm(key, Duration::from_millis(1), None)
                } else {
                    service.destroy(key)
                };
                let _ = tx.lock().unwrap().send((run, done));
            })
        };
        let key = service.create(routine).unwrap();
        key_cell.store(key, Ordering::SeqCst);
        assert!(service.arm(key, Duration::ZERO, None));
        assert_eq!(rx.recv_timeout(HANG_GUARD), Ok((1, true)));
        assert_eq!(rx.recv_timeout(HANG_GUARD), Ok((2, true)));
        assert!(service.is_empty());
        thread::sleep(Duration::from_millis(30));
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn missed_periods_coalesce() {
        let start = Instant::now();
        let period = Duration::from_millis(10);
        assert_eq!(next_expiry(start, period, start), start + period);
        let late = start + Duration::from_millis(35);
        assert_eq!(
            next_expiry(start, period, late),
            start + Duration::from_millis(40)
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        let service = TimerService::new();
        assert!(!service.arm(0, Duration::ZERO, None));
        assert!(!service.arm(u64::MAX, Duration::ZERO, None));
        assert!(!service.destroy(12345));
    }
}
