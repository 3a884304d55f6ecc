//! The two threads the library owns: one runs callbacks, one expires deadlines.
//!
//! Callbacks (operation completions and notifications) are queued to the callback thread and
//! run there one at a time, in order, with no lock of the library held, so a callback may call
//! any API, Sync ones included. The timer thread sleeps until the earliest deadline any engine
//! reported and then asks each engine to expire what is due; it never runs application code.

use crate::core::engine::{Callback, Done};
use crate::core::panics::contain;
use crate::core::queue::Queue;
pub use crate::core::queue::Task;
use parking_lot::{Condvar, Mutex};
use std::sync::{Arc, Weak};
use std::thread::{JoinHandle, ThreadId};
use std::time::{Duration, Instant};

/// Something with deadlines: the timer thread calls it when one may be due.
pub trait Expiring: Send + Sync {
    /// Expires everything due at `now`; returns the next deadline still pending, if any.
    fn expire_due(&self, now: Instant) -> Option<Instant>;
}

struct TimerState {
    next_wake: Option<Instant>,
    stopped: bool,
}

/// What the callback thread runs.
enum Work {
    Task(Task),
    /// An operation's callback with its result, kept apart rather than boxed together into a
    /// task: one allocation fewer per operation.
    Complete(Callback, Done),
}

impl Work {
    fn run(self) {
        match self {
            Work::Task(task) => task(),
            Work::Complete(callback, done) => callback(done),
        }
    }
}

struct Inner {
    tasks: Queue<Work>,
    timer: Mutex<TimerState>,
    timer_cv: Condvar,
    clients: Mutex<Vec<Weak<dyn Expiring>>>,
    callback_thread: Mutex<Option<ThreadId>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// Handle to the running threads; cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

const TIMER_THREAD: &str = "awsiotjobs-timer";

/// How often idle engines are asked to tidy up (idle subscriptions) even without deadlines.
const HOUSEKEEPING: Duration = Duration::from_secs(1);

impl Runtime {
    /// A runtime whose threads are not started: tasks wait in the queue until a thread calls
    /// [`Runtime::serve_callbacks`], and nothing expires by itself. For tests that drive the
    /// runtime step by step (the loom model among them).
    pub fn without_threads() -> Runtime {
        Runtime {
            inner: Arc::new(Inner {
                tasks: Queue::default(),
                timer: Mutex::new(TimerState {
                    next_wake: None,
                    stopped: false,
                }),
                timer_cv: Condvar::new(),
                clients: Mutex::new(Vec::new()),
                callback_thread: Mutex::new(None),
                threads: Mutex::new(Vec::new()),
            }),
        }
    }

    /// Starts the callback thread and the timer thread.
    pub fn start() -> std::io::Result<Runtime> {
        let runtime = Runtime::without_threads();
        let inner = &runtime.inner;
        let served = runtime.clone();
        let callbacks = std::thread::Builder::new()
            .name("awsiotjobs-callbacks".into())
            .spawn(move || served.serve_callbacks())?;
        *inner.callback_thread.lock() = Some(callbacks.thread().id());
        let weak = Arc::downgrade(inner);
        let timer = std::thread::Builder::new()
            .name(TIMER_THREAD.into())
            .spawn(move || run_timer(weak));
        let timer = match timer {
            Ok(t) => t,
            Err(e) => {
                inner.tasks.close();
                let _ = callbacks.join();
                return Err(e);
            }
        };
        inner.threads.lock().extend([callbacks, timer]);
        Ok(runtime)
    }

    /// Runs queued tasks on the calling thread, one at a time and in order, until the queue is
    /// closed and empty. The callback thread's whole life.
    pub fn serve_callbacks(&self) {
        while let Some(work) = self.inner.tasks.pop() {
            // A panicking callback must not take the thread (and every later callback) down.
            contain("a callback", || work.run());
        }
    }

    /// Queues `task` for the callback thread. Returns false (dropping the task) once the
    /// runtime has stopped; a task accepted here runs before [`Runtime::shutdown`] returns.
    pub fn spawn(&self, task: Task) -> bool {
        self.inner.tasks.push(Work::Task(task))
    }

    /// Queues an operation's callback with its result, as [`Runtime::spawn`] queues a task.
    pub fn complete(&self, callback: Callback, done: Done) -> bool {
        self.inner.tasks.push(Work::Complete(callback, done))
    }

    /// How many tasks wait for the callback thread.
    pub fn queued(&self) -> usize {
        self.inner.tasks.len()
    }

    /// Registers an engine with the timer thread.
    pub fn register(&self, client: Weak<dyn Expiring>) {
        let mut clients = self.inner.clients.lock();
        clients.retain(|c| c.strong_count() > 0);
        clients.push(client);
    }

    /// Makes sure the timer thread wakes at `at` or earlier.
    pub fn wake_at(&self, at: Instant) {
        let mut timer = self.inner.timer.lock();
        if timer.next_wake.is_none_or(|current| at < current) {
            timer.next_wake = Some(at);
            self.inner.timer_cv.notify_one();
        }
    }

    /// True when called from the callback thread.
    pub fn on_callback_thread(&self) -> bool {
        *self.inner.callback_thread.lock() == Some(std::thread::current().id())
    }

    pub fn is_stopped(&self) -> bool {
        self.inner.tasks.is_closed()
    }

    /// Stops both threads: the timer first (so that a completion it is producing, an operation
    /// that just timed out, is queued), then the queue is closed and the callback thread runs
    /// what it holds and ends. Waits for both, except that called from the callback thread it
    /// does not wait for that thread, which ends after the current task and the queued ones.
    /// Tasks pushed after this call are refused. Idempotent.
    pub fn shutdown(&self) {
        {
            let mut timer = self.inner.timer.lock();
            if timer.stopped {
                return;
            }
            timer.stopped = true;
            self.inner.timer_cv.notify_all();
        }
        let threads: Vec<_> = self.inner.threads.lock().drain(..).collect();
        let (timer, callbacks): (Vec<_>, Vec<_>) = threads
            .into_iter()
            .partition(|t| t.thread().name() == Some(TIMER_THREAD));
        for t in timer {
            let _ = t.join();
        }
        self.inner.tasks.close();
        let here = std::thread::current().id();
        for t in callbacks {
            if t.thread().id() != here {
                let _ = t.join();
            }
        }
    }
}

fn run_timer(inner: Weak<Inner>) {
    let mut last_sweep = Instant::now();
    loop {
        let Some(rt) = inner.upgrade() else { return };
        {
            let mut timer = rt.timer.lock();
            // Wake for the earliest deadline, and at least every HOUSEKEEPING even when a
            // (possibly stale, far) deadline is set, so idle subscriptions are always swept.
            loop {
                if timer.stopped {
                    return;
                }
                let sweep = last_sweep + HOUSEKEEPING;
                let wake = timer.next_wake.map_or(sweep, |w| w.min(sweep));
                if Instant::now() >= wake {
                    break;
                }
                rt.timer_cv.wait_until(&mut timer, wake);
            }
            timer.next_wake = None;
        }
        let clients: Vec<Arc<dyn Expiring>> =
            rt.clients.lock().iter().filter_map(Weak::upgrade).collect();
        let now = Instant::now();
        let mut next: Option<Instant> = None;
        for client in clients {
            if let Some(Some(at)) = contain("expiring deadlines", || client.expire_due(now)) {
                next = Some(next.map_or(at, |n| n.min(at)));
            }
        }
        last_sweep = Instant::now();
        if let Some(at) = next {
            Runtime { inner: rt.clone() }.wake_at(at);
        }
        drop(rt);
    }
}

#[cfg(all(test, not(feature = "loom")))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn tasks_run_in_order_on_the_callback_thread() {
        let rt = Runtime::start().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        for i in 0..100 {
            let seen = seen.clone();
            let rt2 = rt.clone();
            assert!(rt.spawn(Box::new(move || {
                assert!(rt2.on_callback_thread());
                seen.lock().push(i);
            })));
        }
        rt.shutdown();
        assert_eq!(*seen.lock(), (0..100).collect::<Vec<_>>());
        assert!(!rt.spawn(Box::new(|| {})));
    }

    #[test]
    fn a_panicking_task_does_not_stop_later_ones() {
        let rt = Runtime::start().unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        rt.spawn(Box::new(|| panic!("callback bug")));
        let r = ran.clone();
        rt.spawn(Box::new(move || {
            r.fetch_add(1, Ordering::SeqCst);
        }));
        rt.shutdown();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }

    struct Deadline {
        at: Mutex<Option<Instant>>,
        fired: AtomicUsize,
    }

    impl Expiring for Deadline {
        fn expire_due(&self, now: Instant) -> Option<Instant> {
            let mut at = self.at.lock();
            match *at {
                Some(t) if t <= now => {
                    self.fired.fetch_add(1, Ordering::SeqCst);
                    *at = None;
                    None
                }
                other => other,
            }
        }
    }

    #[test]
    fn the_timer_expires_registered_deadlines() {
        let rt = Runtime::start().unwrap();
        let d = Arc::new(Deadline {
            at: Mutex::new(None),
            fired: AtomicUsize::new(0),
        });
        let weak: Weak<dyn Expiring> = Arc::downgrade(&(d.clone() as Arc<dyn Expiring>));
        rt.register(weak);
        let at = Instant::now() + Duration::from_millis(20);
        *d.at.lock() = Some(at);
        rt.wake_at(at);
        let give_up = Instant::now() + Duration::from_secs(10);
        while d.fired.load(Ordering::SeqCst) == 0 && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(d.fired.load(Ordering::SeqCst), 1);
        rt.shutdown();
    }

    struct SlowExpiry {
        runtime: Runtime,
        entered: AtomicUsize,
        ran: Arc<AtomicUsize>,
    }

    impl Expiring for SlowExpiry {
        fn expire_due(&self, _now: Instant) -> Option<Instant> {
            if self.entered.fetch_add(1, Ordering::SeqCst) == 0 {
                std::thread::sleep(Duration::from_millis(100));
                let ran = self.ran.clone();
                self.runtime.spawn(Box::new(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                }));
            }
            None
        }
    }

    #[test]
    fn a_completion_the_timer_is_producing_during_shutdown_still_runs() {
        let rt = Runtime::start().unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let client = Arc::new(SlowExpiry {
            runtime: rt.clone(),
            entered: AtomicUsize::new(0),
            ran: ran.clone(),
        });
        let weak: Weak<dyn Expiring> = Arc::downgrade(&(client.clone() as Arc<dyn Expiring>));
        rt.register(weak);
        rt.wake_at(Instant::now());
        let give_up = Instant::now() + Duration::from_secs(10);
        while client.entered.load(Ordering::SeqCst) == 0 && Instant::now() < give_up {
            std::thread::sleep(Duration::from_millis(1));
        }
        assert!(
            client.entered.load(Ordering::SeqCst) > 0,
            "the timer never ran"
        );
        rt.shutdown();
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
