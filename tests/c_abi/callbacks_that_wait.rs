//! A Jobs callback that blocks, through the C ABI against the jobs-emulator: it does not hold
//! up the replies of other threads' operations. A callback runs on the callback thread or on
//! the routing thread that routed its reply, having stepped away from routing; either way,
//! another thread routes meanwhile. Without that (a routing thread that runs callbacks with no
//! standby in its place), the Sync call below gets no reply until its 20 s timeout: measured
//! when 1b2eae7 was tried (BENCHMARKS.md, issue 12). Sync calls made from inside a callback are
//! `job_life`'s agent test.

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::json;
use std::ffi::c_void;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Mutex;
use std::time::Duration;

/// Only a deadlock waits this long.
const DEADLINE: Duration = Duration::from_secs(120);

/// What the blocking callback gets as its context.
struct Context {
    /// It says here that it started ...
    started: Sender<()>,
    /// ... waits here until the test lets it go ...
    release: Mutex<Receiver<()>>,
    /// ... and then reports the thread it ran on.
    ended: Sender<Option<String>>,
}

/// A get-pending's completion that blocks until the test lets it go.
unsafe extern "C" fn block_inside(context: *mut c_void, _param: *mut CallbackParam) {
    // SAFETY: the test keeps its context alive until this callback reported.
    let context = unsafe { &*(context as *const Context) };
    let _ = context.started.send(());
    let _ = context.release.lock().unwrap().recv_timeout(DEADLINE);
    let _ = context
        .ended
        .send(std::thread::current().name().map(str::to_owned));
}

#[test]
fn a_blocked_callback_does_not_hold_up_another_threads_reply() {
    let _session = begin("a blocked callback", DEADLINE);
    let emu = Emu::start(60_000);
    emu.create_job("job-1", "blocked-thing", json!({"op": "one"}));
    let connection = connect_local(emu.mqtt.port(), "blocked-callback");
    let (started, started_rx) = channel();
    let (release, release_rx) = channel();
    let (ended, ended_rx) = channel();
    let context = Context {
        started,
        release: Mutex::new(release_rx),
        ended,
    };
    let request = request(connection, "blocked-thing", None);
    let info = CallbackInfo {
        pCallbackContext: &context as *const Context as *mut c_void,
        function: Some(block_inside),
        oldFunction: None,
    };
    let mut operation: Operation = std::ptr::null_mut();
    // SAFETY: valid pointers; the context outlives the callback (the test waits for it).
    let sent = unsafe { AwsIotJobs_GetPendingAsync(&request, 0, &info, &mut operation) };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
    started_rx
        .recv_timeout(DEADLINE)
        .expect("the blocking callback started");
    // The callback holds its thread until this Sync call returned.
    let (status, reply) = describe_sync(connection, "blocked-thing", "job-1");
    release.send(()).unwrap();
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(reply["execution"]["jobDocument"], json!({"op": "one"}));
    let thread = ended_rx.recv_timeout(DEADLINE).expect("the callback ended");
    // One of the library's threads ran it, never Paho's nor the caller's.
    let ours = ["awsiotjobs-callbacks", "awsiotjobs-mqtt-in"];
    assert!(
        ours.contains(&thread.as_deref().unwrap_or("")),
        "ran on {thread:?}"
    );
    disconnect(connection);
}
