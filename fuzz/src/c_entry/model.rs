//! The model of the `c_entry_points` target: the per-call buffers (`Arena`), the state of
//! one input (connections, handles, callback operations) with its end-of-epoch check, and
//! the helpers turning input specs into C arguments and checking what comes back.

use super::abi::*;
use super::app::*;
use super::{Cb, Conn, Req, Str, JOBS, THINGS, TOKENS};
use std::ffi::{c_char, c_void, CStr};

/// Buffers that live for one call.
#[derive(Default)]
pub(crate) struct Arena {
    pub(crate) buffers: Vec<Vec<u8>>,
}

impl Arena {
    pub(crate) fn str(&mut self, s: &Str, pool: &[&str]) -> (*const c_char, usize) {
        match s {
            Str::Null(len) => (std::ptr::null(), *len as usize % 3),
            Str::Pool(i) => {
                let b = pool[*i].as_bytes().to_vec();
                let len = b.len();
                self.buffers.push(b);
                (self.buffers.last().unwrap().as_ptr().cast(), len)
            }
            Str::Raw(bytes, len) => {
                let len = *len as usize % (bytes.len() + 1);
                self.buffers.push(bytes.clone());
                (self.buffers.last().unwrap().as_ptr().cast(), len)
            }
        }
    }
}

pub(crate) struct State {
    pub(crate) initialized: bool,
    /// Connections made: handle and context (dropped, so freed, when destroyed: a library
    /// calling the transport afterwards would be caught by AddressSanitizer).
    pub(crate) connections: Vec<(Connection, Option<Box<Ctx>>)>,
    /// Operation handles returned: (handle, waitable, waited).
    pub(crate) handles: Vec<(OperationHandle, bool, bool)>,
    /// Callback operations started since Init.
    pub(crate) callback_ops: usize,
}

impl State {
    pub(crate) fn conn(&self, c: &Conn) -> Connection {
        match c {
            Conn::Made(i) => self
                .connections
                .get(*i)
                .map_or(std::ptr::null_mut(), |c| c.0),
            Conn::Null => std::ptr::null_mut(),
            Conn::Raw(v) => *v as usize as Connection,
        }
    }

    pub(crate) fn request(&self, arena: &mut Arena, q: &Req) -> RequestInfo {
        let (thing, thing_length) = arena.str(&q.thing, &THINGS);
        let (job_id, job_id_length) = arena.str(&q.job, &JOBS);
        let (client_token, client_token_length) = arena.str(&q.token, &TOKENS);
        RequestInfo {
            mqtt_connection: self.conn(&q.conn),
            qos: q.qos,
            retry_limit: q.retry_limit,
            retry_ms: q.retry_ms,
            malloc_response: match q.malloc {
                0 => None,
                1 => Some(counting_malloc),
                _ => Some(failing_malloc),
            },
            thing,
            thing_length,
            job_id,
            job_id_length,
            client_token,
            client_token_length,
        }
    }

    /// Checks the end of an Init epoch: every callback operation completed exactly once.
    pub(crate) fn check_callbacks(&mut self) {
        let mut guard = COMPLETIONS.lock().unwrap();
        let c = guard.as_mut().unwrap();
        assert!(
            c.operations.values().all(|n| *n == 1),
            "a callback ran twice"
        );
        assert_eq!(
            c.operations.len(),
            self.callback_ops,
            "a callback never ran"
        );
        c.operations.clear();
        self.callback_ops = 0;
    }
}

pub(crate) fn cb_info(c: &Cb) -> CallbackInfo {
    let f = |i: usize| match i {
        0 => None,
        1 => Some(callback as JobsCallback),
        _ => Some(callback_b as JobsCallback),
    };
    CallbackInfo {
        context: if c.context {
            &CONTEXT as *const u8 as *mut c_void
        } else {
            std::ptr::null_mut()
        },
        function: f(c.function),
        old_function: f(c.old),
    }
}

pub(crate) fn text_ok(p: *const c_char) {
    assert!(!p.is_null());
    // SAFETY: the library returns static NUL-terminated strings.
    let s = unsafe { CStr::from_ptr(p) }.to_str().expect("ASCII text");
    assert!(!s.is_empty() && s.len() < 64 && s.is_ascii(), "{s:?}");
}

pub(crate) fn legal(code: u32, allowed: &[u32], what: &str) {
    assert!(allowed.contains(&code), "{what} returned {code}");
}

pub(crate) const ASYNC_CODES: [u32; 5] = [1, 3, 4, 5, 11];
pub(crate) const SYNC_CODES: [u32; 16] = [0, 3, 4, 5, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
pub(crate) const NOTIFY_CODES: [u32; 5] = [0, 3, 4, 5, 11];
pub(crate) const REMOVE_CODES: [u32; 4] = [0, 3, 5, 11];
