//! Jobs callbacks that wait, through the C ABI against the jobs-emulator: a callback may make
//! a Sync call and gets its reply, and a callback that blocks does not hold up the replies of
//! other threads' operations. Both hold because callbacks run on the callback thread, apart
//! from the thread that routes replies: a change that ran them where replies are routed,
//! with nothing routing in its place meanwhile, would leave both Sync calls below without a
//! reply until their 20 s timeout (tried and measured in 1b2eae7, which kept a standby
//! routing thread; BENCHMARKS.md, issue 12).

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::json;
use std::ffi::c_void;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;

/// Only a deadlock waits this long.
const DEADLINE: Duration = Duration::from_secs(120);

/// What a callback of these tests saw: the thread it ran on, and its Sync call's status.
struct Seen {
    thread: Option<String>,
    sync: u32,
}

/// What the callbacks get as their context.
struct Context {
    connection: Connection,
    thing: &'static str,
    job: &'static str,
    /// The blocking callback says here that it started ...
    started: Option<Sender<()>>,
    /// ... and waits here until the test lets it go.
    release: Option<Mutex<Receiver<()>>>,
    seen: Sender<Seen>,
}

/// A get-pending's completion that makes a DescribeSync call from inside the callback.
unsafe extern "C" fn describe_inside(context: *mut c_void, _param: *mut CallbackParam) {
    // SAFETY: the test keeps its context alive until this callback reported.
    let context = unsafe { &*(context as *const Context) };
    let thread = std::thread::current().name().map(str::to_owned);
    let (sync, _) = describe_sync(context.connection, context.thing, context.job);
    let _ = context.seen.send(Seen { thread, sync });
}

/// A get-pending's completion that blocks until the test lets it go.
unsafe extern "C" fn block_inside(context: *mut c_void, _param: *mut CallbackParam) {
    // SAFETY: the test keeps its context alive until this callback reported.
    let context = unsafe { &*(context as *const Context) };
    let thread = std::thread::current().name().map(str::to_owned);
    if let Some(started) = &context.started {
        let _ = started.send(());
    }
    if let Some(release) = &context.release {
        let _ = release.lock().unwrap().recv_timeout(DEADLINE);
    }
    let _ = context.seen.send(Seen {
        thread,
        sync: SUCCESS,
    });
}

fn get_pending_async(context: &Context, function: JobsCallback) {
    let request = request(context.connection, context.thing, None);
    let info = CallbackInfo {
        pCallbackContext: context as *const Context as *mut c_void,
        function: Some(function),
        oldFunction: None,
    };
    let mut operation: Operation = std::ptr::null_mut();
    // SAFETY: valid pointers; the context outlives the callback (the test waits for it).
    let sent = unsafe { AwsIotJobs_GetPendingAsync(&request, 0, &info, &mut operation) };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
}

/// The emulator with `job-1` queued for `thing`, and a connection to it.
fn emulator_with_a_job(thing: &str, client_id: &str) -> (Emu, Connection) {
    let emu = Emu::start(60_000);
    emu.create_job("job-1", thing, json!({"op": "one"}));
    let connection = connect_local(emu.mqtt.port(), client_id);
    (emu, connection)
}

#[test]
fn a_callback_gets_the_reply_of_its_own_sync_call() {
    let _session = begin("a Sync call inside a callback", DEADLINE);
    let (_emu, connection) = emulator_with_a_job("routed-thing", "routed-sync");
    let (seen, seen_rx) = channel();
    let context = Context {
        connection,
        thing: "routed-thing",
        job: "job-1",
        started: None,
        release: None,
        seen,
    };
    get_pending_async(&context, describe_inside);
    let seen = seen_rx.recv_timeout(DEADLINE).expect("the callback ran");
    assert_eq!(seen.thread.as_deref(), Some("awsiotjobs-callbacks"));
    assert_eq!(seen.sync, SUCCESS, "{}", name(seen.sync));
    disconnect(connection);
}

#[test]
fn a_blocked_callback_does_not_hold_up_another_threads_reply() {
    let _session = begin("a blocked callback", DEADLINE);
    let (_emu, connection) = emulator_with_a_job("blocked-thing", "routed-blocked");
    let (seen, seen_rx) = channel();
    let (started, started_rx) = channel();
    let (release, release_rx) = channel();
    let context = Context {
        connection,
        thing: "blocked-thing",
        job: "job-1",
        started: Some(started),
        release: Some(Mutex::new(release_rx)),
        seen,
    };
    get_pending_async(&context, block_inside);
    started_rx
        .recv_timeout(DEADLINE)
        .expect("the blocking callback started");
    // The callback holds its thread until this Sync call returned.
    let (status, reply) = describe_sync(connection, "blocked-thing", "job-1");
    release.send(()).unwrap();
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(reply["execution"]["jobDocument"], json!({"op": "one"}));
    let seen = seen_rx.recv_timeout(DEADLINE).expect("the callback ended");
    assert_eq!(seen.thread.as_deref(), Some("awsiotjobs-callbacks"));
    disconnect(connection);
}
