//! Pipelined UpdateAsync refilled from the completion callback: `window` operations are
//! started, and each completion starts the next one on the library's callback thread (a
//! callback may call the API), as firmware that chains its requests does. No thread of the
//! application stands between a reply and the next request, as in the raw Paho floor, whose
//! one thread publishes as soon as it has read a reply; the submitting threads of
//! `latency::pipelined` add a thread switch per operation of their own.

use crate::capi::{cstring, Completion, Conn, STATE_IN_PROGRESS, STATUS_PENDING, SUCCESS};
use crate::emulator::{thing, JOB};
use crate::latency::Window;
use crate::span::Span;
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

struct Chain {
    /// The connection and the completion, by address: both outlive every operation, since
    /// `refilled` drains the window before it returns.
    conn: usize,
    done: OnceLock<usize>,
    names: Vec<CString>,
    job: CString,
    flags: u32,
    /// Operations started so far (or refused for being past the span).
    next: AtomicUsize,
    span: Span,
    start: Instant,
    window: Arc<Window>,
    /// Callbacks running: the completion is dropped only once none is.
    inside: AtomicUsize,
}

impl Chain {
    fn submit(&self) {
        let Some(&done) = self.done.get() else {
            return;
        };
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        if !self.span.more(self.start, i) {
            return;
        }
        self.window.acquire();
        // SAFETY: see the fields' comment; `Conn` and `Completion` are Sync.
        let (conn, done) = unsafe { (&*(self.conn as *const Conn), &*(done as *const Completion)) };
        let status = conn.update_async(
            &self.names[i % self.names.len()],
            &self.job,
            STATE_IN_PROGRESS,
            0,
            self.flags,
            done,
        );
        if status != STATUS_PENDING {
            self.window.complete(false);
        }
    }
}

/// Runs for `span`; ops/s and failures.
pub fn refilled(conn: &Conn, window: usize, things: usize, span: Span, flags: u32) -> (f64, u64) {
    let chain = Arc::new(Chain {
        conn: conn as *const Conn as usize,
        done: OnceLock::new(),
        names: (0..things).map(|i| cstring(&thing(i))).collect(),
        job: cstring(JOB),
        flags,
        next: AtomicUsize::new(0),
        span,
        start: Instant::now(),
        window: Window::new(window),
        inside: AtomicUsize::new(0),
    });
    let on_done = chain.clone();
    let done = Completion::new(move |result, _| {
        on_done.inside.fetch_add(1, Ordering::SeqCst);
        on_done.window.complete(result == SUCCESS);
        on_done.submit();
        // The last use of what the closure holds: `refilled` may drop it from now on.
        on_done.inside.fetch_sub(1, Ordering::SeqCst);
    });
    let _ = chain.done.set(&done as *const Completion as usize);
    for _ in 0..window {
        chain.submit();
    }
    match span {
        Span::For(duration) => std::thread::sleep(duration),
        // Polled rarely: under callgrind this thread's instructions count too.
        Span::Ops(ops) => {
            while chain.next.load(Ordering::Relaxed) < ops {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    // The window can be empty for a moment while a callback that was let through before the
    // span ended is yet to start its operation: so drain, wait for the callbacks, and drain
    // again if one started an operation meanwhile (its own callback starts none).
    loop {
        let drained = chain.window.drain();
        while chain.inside.load(Ordering::SeqCst) > 0 {
            std::thread::yield_now();
        }
        if chain.window.drain() == drained {
            return chain.window.drain_rate(chain.start);
        }
    }
}
