//! Step and in-progress timers. Deadlines live on the executions (milliseconds on the
//! service clock) and in a queue ordered by deadline ([`super::index`]); every operation
//! first pops what is due from that queue (executions whose deadline passed become
//! TIMED_OUT), and [`JobsService::start_timer_thread`] runs a thread that does the same as
//! soon as the earliest deadline passes, so notifications go out on time without traffic.

use super::JobsService;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Longest the timer thread sleeps without being woken.
const IDLE_WAIT: Duration = Duration::from_secs(3600);

/// The running timer thread; dropping it (or calling [`TimerHandle::stop`]) stops it.
pub struct TimerHandle {
    svc: Arc<JobsService>,
    thread: Option<JoinHandle<()>>,
}

impl TimerHandle {
    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        self.svc.state.lock().timer_stopped = true;
        self.svc.timer_wake.notify_all();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for TimerHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

impl JobsService {
    /// Moves every execution whose timer has passed to TIMED_OUT (and notifies).
    pub fn fire_due_timers(&self) {
        drop(self.begin());
    }

    /// The earliest running timer's deadline, in ms since the epoch.
    pub fn next_deadline_ms(&self) -> Option<u64> {
        self.state.lock().idx.next_deadline()
    }

    /// Starts the thread that fires timers when they are due.
    pub fn start_timer_thread(self: &Arc<Self>) -> TimerHandle {
        self.state.lock().timer_stopped = false;
        let svc = Arc::clone(self);
        let thread = std::thread::Builder::new()
            .name("jobs-timers".into())
            .spawn(move || svc.timer_loop())
            .expect("spawn timer thread");
        TimerHandle {
            svc: Arc::clone(self),
            thread: Some(thread),
        }
    }

    fn timer_loop(&self) {
        loop {
            self.fire_due_timers();
            let next = self.next_deadline_ms();
            let mut st = self.state.lock();
            if st.timer_stopped {
                return;
            }
            let wait = match next {
                Some(d) => Duration::from_millis(d.saturating_sub(self.clock.now_ms()) + 1),
                None => IDLE_WAIT,
            };
            self.timer_wake.wait_for(&mut st, wait);
            if st.timer_stopped {
                return;
            }
        }
    }
}
