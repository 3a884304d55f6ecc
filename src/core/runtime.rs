//! The two threads the library owns: one runs callbacks, one expires deadlines.
//!
//! Callbacks (operation completions and notifications) are queued and run one at a time, in
//! order, with no lock of the library held, so a callback may call any API, Sync ones
//! included. They run on the callback thread, or on a thread that routes inbound messages
//! and would otherwise wake the callback thread for the completions it just queued: such a
//! thread marks its routing with [`Helped::routing`], and may then run what it queued itself
//! ([`Helped::run`]), saving a wake-up and a thread crossing per reply. Whoever runs callbacks
//! holds the runtime's turn, so they still run one at a time and in order. A thread that helps
//! so must keep routing going while it does (the MQTT transport hands routing to a standby
//! thread), since a callback may wait for a reply. The timer thread sleeps until the earliest
//! deadline any engine reported and then asks each engine to expire what is due; it never runs
//! application code.

use crate::core::engine::{Callback, Done};
use crate::core::panics::contain;
use crate::core::queue::Queue;
pub use crate::core::queue::Task;
use crate::core::sync::{Mutex as TurnLock, MutexGuard as TurnGuard};
use parking_lot::{Condvar, Mutex};
use std::cell::Cell;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
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
    /// Held by whoever runs callbacks: the callback thread or a helping routing thread. Work is
    /// taken from `tasks` only under it, and run before it is released.
    turn: TurnLock<()>,
    timer: Mutex<TimerState>,
    timer_cv: Condvar,
    clients: Mutex<Vec<Weak<dyn Expiring>>>,
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
                turn: TurnLock::new(()),
                timer: Mutex::new(TimerState {
                    next_wake: None,
                    stopped: false,
                }),
                timer_cv: Condvar::new(),
                clients: Mutex::new(Vec::new()),
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
    /// closed and empty. The callback thread's whole life. It ends holding the turn, so no
    /// callback is still running on a helping thread when it has ended.
    pub fn serve_callbacks(&self) {
        let tasks = &self.inner.tasks;
        loop {
            tasks.wait_ready();
            let turn = self.inner.turn.lock();
            self.run_waiting(&turn);
            // Only the turn's holder takes work out, and a closed queue takes none in.
            if tasks.is_closed() && tasks.is_empty() {
                return;
            }
        }
    }

    /// Queues `task` to run as a callback. Returns false (dropping the task) once the runtime
    /// has stopped; a task accepted here runs before [`Runtime::shutdown`] returns.
    pub fn spawn(&self, task: Task) -> bool {
        self.queue(Work::Task(task))
    }

    /// Queues an operation's callback with its result, as [`Runtime::spawn`] queues a task.
    pub fn complete(&self, callback: Callback, done: Done) -> bool {
        self.queue(Work::Complete(callback, done))
    }

    /// Queues `work`: quietly, noted for the thread's [`Helped`], on a thread inside
    /// [`Helped::routing`]; otherwise waking the callback thread.
    fn queue(&self, work: Work) -> bool {
        let noted = NOTED.with(|noted| match noted.borrow_mut().as_mut() {
            Some(runtimes) => {
                if !runtimes.iter().any(|r| Arc::ptr_eq(&r.inner, &self.inner)) {
                    runtimes.push(self.clone());
                }
                true
            }
            None => false,
        });
        if noted {
            self.inner.tasks.push_quiet(work)
        } else {
            self.inner.tasks.push(work)
        }
    }

    /// Runs queued work on the calling thread while it can take the turn and work waits. If
    /// the turn is taken, its holder (the callback thread, or another helper) looks at the
    /// queue again after releasing it, so nothing is left behind.
    fn help(&self) {
        loop {
            let Some(turn) = self.inner.turn.try_lock() else {
                return;
            };
            self.run_waiting(&turn);
            drop(turn);
            if self.inner.tasks.is_empty() {
                return;
            }
        }
    }

    /// Runs the work that waits, in order, on the calling thread, which holds the turn.
    fn run_waiting(&self, _turn: &TurnGuard<'_, ()>) {
        while let Some(work) = self.inner.tasks.try_pop() {
            run(work);
        }
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

    /// True when called from a callback (on the callback thread, or on a helping thread).
    pub fn in_callback(&self) -> bool {
        IN_CALLBACK.with(Cell::get)
    }

    pub fn is_stopped(&self) -> bool {
        self.inner.tasks.is_closed()
    }

    /// Stops both threads: the timer first (so that a completion it is producing, an operation
    /// that just timed out, is queued), then the queue is closed and the callback thread runs
    /// what it holds and ends. Waits for both, except that called from a callback it does not
    /// wait for the callback thread, which ends after the current callback and the queued ones
    /// (it may be waiting for the turn this callback holds).
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
        if !self.in_callback() {
            for t in callbacks {
                let _ = t.join();
            }
        }
    }
}

// Not `const` initializers: loom's `thread_local!`, used in the model checker's builds, takes
// none.
#[allow(clippy::missing_const_for_thread_local)]
mod slots {
    use super::Runtime;
    use crate::core::sync::thread_local;
    use std::cell::{Cell, RefCell};
    thread_local! {
        /// Runtimes that got work from this thread inside [`Helped::routing`]; `None` outside
        /// it.
        pub static NOTED: RefCell<Option<Vec<Runtime>>> = RefCell::new(None);
        /// True while this thread runs a callback.
        pub static IN_CALLBACK: Cell<bool> = Cell::new(false);
    }
}
use slots::{IN_CALLBACK, NOTED};

/// Runs one piece of queued work, holding the turn, inside the panic boundary: a panicking
/// callback must not take its thread (and every later callback) down.
fn run(work: Work) {
    IN_CALLBACK.with(|c| c.set(true));
    contain("a callback", || work.run());
    IN_CALLBACK.with(|c| c.set(false));
}

/// Runtimes with callbacks queued quietly by [`Helped::routing`]. Dropped without
/// [`Helped::run`], it wakes their callback threads.
#[derive(Default)]
pub struct Helped(Vec<Runtime>);

impl Helped {
    /// Runs `route` (the routing of one inbound message) so that the callbacks it queues do
    /// not wake the callback thread, and notes the runtimes that got some, for the caller to
    /// run their callbacks ([`Helped::run`]) or to wake their callback threads (dropping it).
    pub fn routing(&mut self, route: impl FnOnce()) {
        let noted = std::mem::take(&mut self.0);
        NOTED.with(|slot| *slot.borrow_mut() = Some(noted));
        // Contained, so that the thread is never left noting.
        contain("routing a message", route);
        self.0 = NOTED
            .with(|slot| slot.borrow_mut().take())
            .unwrap_or_default();
    }

    /// Runs the queued callbacks on this thread, each runtime's while this thread can take its
    /// turn (its holder runs them otherwise). The thread must not be the only one routing:
    /// a callback may wait for a reply.
    pub fn run(&mut self) {
        for runtime in self.0.drain(..) {
            runtime.help();
        }
    }

    /// Leaves the queued callbacks to the callback threads, waking them.
    pub fn wake(&mut self) {
        for runtime in self.0.drain(..) {
            runtime.inner.tasks.wake();
        }
    }
}

impl Drop for Helped {
    fn drop(&mut self) {
        self.wake();
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
                assert!(rt2.in_callback());
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

    #[test]
    fn a_routing_thread_runs_the_callbacks_its_routing_queued() {
        let rt = Runtime::start().unwrap();
        let ran_on = Arc::new(Mutex::new(None));
        let mut helped = Helped::default();
        helped.routing(|| {
            let (ran_on, rt2) = (ran_on.clone(), rt.clone());
            assert!(rt.spawn(Box::new(move || {
                assert!(rt2.in_callback());
                *ran_on.lock() = Some(std::thread::current().id());
            })));
        });
        // Queued quietly: nothing ran yet, and the callback thread was not woken for it.
        assert_eq!(*ran_on.lock(), None);
        assert_eq!(rt.queued(), 1);
        helped.run();
        assert_eq!(*ran_on.lock(), Some(std::thread::current().id()));
        assert!(!rt.in_callback());
        rt.shutdown();
    }

    #[test]
    fn callbacks_from_a_helper_and_from_the_callback_thread_run_one_at_a_time_in_order() {
        const EACH: usize = 500;
        let rt = Runtime::start().unwrap();
        let running = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen_all = seen.clone();
        let task = move |source: usize, i: usize| -> Task {
            let (running, seen) = (running.clone(), seen.clone());
            Box::new(move || {
                assert!(
                    !running.swap(true, Ordering::SeqCst),
                    "two callbacks at once"
                );
                seen.lock().push((source, i));
                std::hint::spin_loop();
                running.store(false, Ordering::SeqCst);
            })
        };
        let helper = {
            let (rt, task) = (rt.clone(), task.clone());
            std::thread::spawn(move || {
                for i in 0..EACH {
                    let mut helped = Helped::default();
                    helped.routing(|| assert!(rt.spawn(task(1, i))));
                    if i % 2 == 0 {
                        helped.run();
                    }
                }
            })
        };
        for i in 0..EACH {
            assert!(rt.spawn(task(0, i)));
        }
        helper.join().unwrap();
        rt.shutdown();
        let seen = seen_all.lock();
        assert_eq!(seen.len(), 2 * EACH);
        for source in [0, 1] {
            let order: Vec<usize> = seen
                .iter()
                .filter(|(s, _)| *s == source)
                .map(|&(_, i)| i)
                .collect();
            assert_eq!(order, (0..EACH).collect::<Vec<_>>(), "source {source}");
        }
    }

    #[test]
    fn shutdown_from_a_callback_a_helper_runs_returns_and_the_queue_still_drains() {
        let rt = Runtime::start().unwrap();
        let after = Arc::new(AtomicUsize::new(0));
        let mut helped = Helped::default();
        helped.routing(|| {
            let rt2 = rt.clone();
            assert!(rt.spawn(Box::new(move || rt2.shutdown())));
            let after = after.clone();
            assert!(rt.spawn(Box::new(move || {
                after.fetch_add(1, Ordering::SeqCst);
            })));
        });
        // Without the in-callback rule, shutdown would join a callback thread waiting for the
        // turn this thread holds.
        helped.run();
        assert!(rt.is_stopped());
        assert_eq!(after.load(Ordering::SeqCst), 1);
        assert!(!rt.spawn(Box::new(|| {})));
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
