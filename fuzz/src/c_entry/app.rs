//! The application side of the `c_entry_points` target: the counting `mallocResponse`, the
//! Jobs callbacks and the completions they record, and a C-shaped transport whose replies the
//! input's knobs choose.

use super::abi::*;
use crate::LEGAL_CODES;
use std::collections::{HashMap, HashSet};
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Live allocations made through `counting_malloc`.
pub(crate) static LIVE: Mutex<Option<HashSet<usize>>> = Mutex::new(None);

pub(crate) unsafe extern "C" fn counting_malloc(size: usize) -> *mut c_void {
    // SAFETY: plain malloc.
    let p = unsafe { libc::malloc(size) };
    if !p.is_null() {
        LIVE.lock()
            .unwrap()
            .get_or_insert_with(HashSet::new)
            .insert(p as usize);
    }
    p
}

pub(crate) unsafe extern "C" fn failing_malloc(_size: usize) -> *mut c_void {
    std::ptr::null_mut()
}

/// Checks and frees a response handed over with `code`.
pub(crate) fn take_response(code: u32, resp: &Response) {
    if resp.response.is_null() {
        assert_eq!(resp.length, 0);
        assert!(!carries_document(code), "code {code} without its reply");
        return;
    }
    assert!(
        carries_document(code),
        "a buffer handed over with code {code}"
    );
    let live = LIVE
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .remove(&(resp.response as usize));
    assert!(live, "response buffer not from mallocResponse");
    // SAFETY: the library promises `length` bytes and a NUL.
    unsafe {
        let bytes = std::slice::from_raw_parts(resp.response.cast::<u8>(), resp.length + 1);
        assert_eq!(bytes[resp.length], 0);
        libc::free(resp.response as *mut c_void);
    }
}

pub(crate) static CONTEXT: u8 = 0;

pub(crate) struct Completions {
    /// Operation callbacks seen, by reference.
    pub(crate) operations: HashMap<usize, usize>,
    pub(crate) notifications: usize,
}

pub(crate) static COMPLETIONS: Mutex<Option<Completions>> = Mutex::new(None);

pub(crate) unsafe extern "C" fn callback(context: *mut c_void, param: *mut CallbackParam) {
    assert!(context.is_null() || context == &CONTEXT as *const u8 as *mut c_void);
    // SAFETY: the library passes a valid parameter for the call.
    let p = unsafe { &*param };
    // SAFETY: the thing name is readable for its length.
    let thing = unsafe { std::slice::from_raw_parts(p.thing.cast::<u8>(), p.thing_length) };
    assert!(!thing.is_empty());
    let read = |ptr: *const c_char, len: usize| {
        if len > 0 {
            // SAFETY: the library's pointers are readable for their lengths.
            let b = unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) };
            std::hint::black_box(b.iter().map(|x| *x as usize).sum::<usize>());
        }
    };
    let mut guard = COMPLETIONS.lock().unwrap();
    let c = guard.as_mut().expect("callback outside an input");
    match p.callback_type {
        0..=3 => {
            // SAFETY: operation types use `u.operation`.
            let op = unsafe { p.u.operation };
            assert!(
                LEGAL_CODES.contains(&op.result) && op.result != PENDING,
                "{}",
                op.result
            );
            read(op.response, op.response_length);
            *c.operations.entry(op.reference as usize).or_default() += 1;
        }
        4 | 5 => {
            // SAFETY: notify types use `u.callback`.
            let n = unsafe { p.u.callback };
            read(n.document, n.document_length);
            c.notifications += 1;
        }
        other => panic!("callback type {other}"),
    }
}

pub(crate) unsafe extern "C" fn callback_b(context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: forwarded.
    unsafe { callback(context, param) }
}

#[derive(Clone, Copy)]
pub(crate) struct Knobs {
    pub(crate) subscribe: u32,
    pub(crate) unsubscribe: u32,
    pub(crate) publish: u32,
    pub(crate) reply: usize,
    pub(crate) code: usize,
}

pub(crate) const DEFAULT_KNOBS: Knobs = Knobs {
    subscribe: 0,
    unsubscribe: 0,
    publish: 0,
    reply: 1,
    code: 0,
};

pub(crate) static KNOBS: Mutex<Knobs> = Mutex::new(DEFAULT_KNOBS);
/// The last request published: (topic, clientToken).
pub(crate) static LAST_REQUEST: Mutex<Option<(String, Option<String>)>> = Mutex::new(None);

/// What the transport's functions get as `pContext`.
pub(crate) struct Ctx {
    pub(crate) connection: AtomicUsize,
    pub(crate) calls: AtomicUsize,
}

impl Ctx {
    /// The context a transport function was given, with the call counted.
    ///
    /// # Safety
    /// `ctx` is the `Ctx` made for the connection, alive until the connection is destroyed.
    unsafe fn called<'a>(ctx: *mut c_void) -> &'a Ctx {
        // SAFETY: caller contract.
        let ctx = unsafe { &*(ctx as *const Ctx) };
        ctx.calls.fetch_add(1, Ordering::Relaxed);
        ctx
    }
}

pub(crate) unsafe fn read_filters(filters: Filters, lengths: *const usize, count: usize) {
    assert!(count > 0 && !filters.is_null() && !lengths.is_null());
    for i in 0..count {
        // SAFETY: arrays of `count`, each filter readable for its length.
        let f =
            unsafe { std::slice::from_raw_parts((*filters.add(i)).cast::<u8>(), *lengths.add(i)) };
        let f = std::str::from_utf8(f).expect("UTF-8 filter");
        assert!(f.starts_with("$aws/things/"), "{f}");
    }
}

pub(crate) unsafe extern "C" fn t_subscribe(
    ctx: *mut c_void,
    filters: Filters,
    lengths: *const usize,
    count: usize,
    qos: u32,
    _timeout: u32,
) -> u32 {
    // SAFETY: our context, alive until the connection is destroyed.
    unsafe { Ctx::called(ctx) };
    assert!(qos <= 1);
    // SAFETY: forwarded.
    unsafe { read_filters(filters, lengths, count) };
    KNOBS.lock().unwrap().subscribe
}

pub(crate) unsafe extern "C" fn t_unsubscribe(
    ctx: *mut c_void,
    filters: Filters,
    lengths: *const usize,
    count: usize,
    _timeout: u32,
) -> u32 {
    // SAFETY: as above.
    unsafe { Ctx::called(ctx) };
    // SAFETY: forwarded.
    unsafe { read_filters(filters, lengths, count) };
    KNOBS.lock().unwrap().unsubscribe
}

pub(crate) fn receive(connection: Connection, topic: &[u8], payload: &[u8]) -> u32 {
    // SAFETY: valid buffers for their lengths.
    let r = unsafe {
        AwsIotJobs_ReceiveMessage(
            connection,
            topic.as_ptr().cast(),
            topic.len(),
            payload.as_ptr().cast(),
            payload.len(),
        )
    };
    assert!(r == SUCCESS || r == BAD_PARAMETER, "ReceiveMessage {r}");
    r
}

pub(crate) unsafe extern "C" fn t_publish(
    ctx: *mut c_void,
    topic: *const c_char,
    topic_length: usize,
    payload: *const c_void,
    payload_length: usize,
    qos: u32,
    _timeout: u32,
) -> u32 {
    // SAFETY: as above.
    let ctx = unsafe { Ctx::called(ctx) };
    assert!(qos <= 1);
    // SAFETY: readable for their lengths.
    let (topic, payload) = unsafe {
        (
            std::slice::from_raw_parts(topic.cast::<u8>(), topic_length),
            std::slice::from_raw_parts(payload.cast::<u8>(), payload_length),
        )
    };
    let topic = std::str::from_utf8(topic).expect("UTF-8 topic").to_owned();
    assert!(!topic.contains(['+', '#', '\0']), "{topic}");
    let request: serde_json::Value = serde_json::from_slice(payload).expect("request JSON");
    let token = request["clientToken"].as_str().map(str::to_owned);
    assert!(token.is_some(), "request without token");
    *LAST_REQUEST.lock().unwrap() = Some((topic.clone(), token.clone()));
    let knobs = *KNOBS.lock().unwrap();
    if knobs.publish != 0 {
        return knobs.publish;
    }
    let connection = ctx.connection.load(Ordering::Relaxed) as Connection;
    let accepted = format!("{topic}/accepted");
    let rejected = format!("{topic}/rejected");
    let token = serde_json::to_string(&token).unwrap();
    let code = code_text(knobs.code);
    match knobs.reply {
        1 | 4 => {
            let body = format!("{{\"clientToken\":{token},\"timestamp\":1}}");
            for _ in 0..(knobs.reply / 4 + 1) {
                receive(connection, accepted.as_bytes(), body.as_bytes());
            }
        }
        2 => {
            let body = format!("{{\"code\":\"{code}\",\"clientToken\":{token}}}");
            receive(connection, rejected.as_bytes(), body.as_bytes());
        }
        3 => {
            let body = format!("{{\"code\":\"{code}\"}}");
            receive(connection, rejected.as_bytes(), body.as_bytes());
        }
        5 => {
            receive(connection, accepted.as_bytes(), b"[\"\xff");
        }
        _ => {}
    }
    SUCCESS
}

pub(crate) fn code_text(i: usize) -> &'static str {
    crate::SERVICE_CODES.get(i).map_or(
        if i.is_multiple_of(2) { "Weird" } else { "" },
        |(name, _)| name,
    )
}
