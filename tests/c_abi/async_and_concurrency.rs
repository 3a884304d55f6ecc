//! The four operations in Async form, and many threads at once, through the C ABI against the
//! jobs-emulator (in-process), the one Jobs service of the tests (docs/testing.md); the C
//! behaviour tests async_operations.c and concurrency.c keep the same calls on canned replies.
//! Each callback gets its callback type, SUCCESS, the handle its call wrote as `reference`, the
//! connection, the thing and the service's reply, and the service's state follows; operations
//! of several threads on jobs of one shared thing and on things of their own each complete
//! once with their own reply (client token), and every execution ends as its update said.

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::ffi::c_void;
use std::sync::Mutex;
use std::time::Duration;

/// Only a hang waits this long.
const DEADLINE: Duration = Duration::from_secs(180);

static EVENTS: Recorder = Recorder::new();
/// `reference` and `mqttConnection` of each completion, as addresses.
static HANDLES: Mutex<Vec<(usize, usize)>> = Mutex::new(Vec::new());

unsafe extern "C" fn completed(_context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter of a completion.
    unsafe {
        let seen = (reference(param) as usize, (*param).mqttConnection as usize);
        HANDLES.lock().unwrap().push(seen);
        EVENTS.record("completed", param);
    }
}

/// An Async call given its callback info and where to write the handle.
type AsyncCall<'a> = Box<dyn FnOnce(&CallbackInfo, &mut Operation) -> u32 + 'a>;

/// Starts one Async operation with `start` and waits for its callback; returns the handle the
/// call wrote and what the callback saw.
fn complete(start: AsyncCall<'_>) -> (Operation, Event) {
    let before = EVENTS.events().len();
    let mut operation: Operation = std::ptr::null_mut();
    let sent = start(&callback(Some(completed), None), &mut operation);
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
    let events = EVENTS.wait_for("the operation's callback", |e| e.len() > before);
    assert_eq!(events.len(), before + 1, "one callback: {events:#?}");
    (operation, events[before].clone())
}

#[test]
fn each_async_operation_calls_back_with_its_type_handle_connection_and_the_reply() {
    let _session = begin("async operations", DEADLINE);
    EVENTS.clear();
    HANDLES.lock().unwrap().clear();
    let emu = Emu::start(60_000);
    let thing = "async-thing";
    emu.create_job("job1", thing, json!({"operation": "reboot"}));
    let connection = connect_local(emu.mqtt.port(), "async-ops");
    let request = request(connection, thing, Some("job1"));
    let in_progress = update(IN_PROGRESS);
    let succeeded = update(SUCCEEDED);

    // SAFETY (all four): valid pointers for the call; the library copies what it keeps.
    let calls: [(u32, AsyncCall); 4] = [
        (
            GET_PENDING_COMPLETE,
            Box::new(|c, o| unsafe { AwsIotJobs_GetPendingAsync(&request, 0, c, o) }),
        ),
        (
            START_NEXT_COMPLETE,
            Box::new(|c, o| unsafe { AwsIotJobs_StartNextAsync(&request, &in_progress, 0, c, o) }),
        ),
        (
            DESCRIBE_COMPLETE,
            Box::new(|c, o| unsafe { AwsIotJobs_DescribeAsync(&request, -1, true, 0, c, o) }),
        ),
        (
            UPDATE_COMPLETE,
            Box::new(|c, o| unsafe { AwsIotJobs_UpdateAsync(&request, &succeeded, 0, c, o) }),
        ),
    ];
    let mut replies: Vec<Value> = Vec::new();
    for (i, (callback_type, call)) in calls.into_iter().enumerate() {
        let (operation, event) = complete(call);
        assert!(!operation.is_null());
        assert_eq!(event.callback_type, callback_type);
        assert_eq!(event.result, Some(SUCCESS), "{event:?}");
        assert_eq!(event.thing, thing);
        assert_eq!(
            HANDLES.lock().unwrap()[i],
            (operation as usize, connection as usize),
            "reference and connection of {callback_type}"
        );
        assert!(event.document["clientToken"].is_string(), "{event:?}");
        replies.push(event.document);
    }
    assert_eq!(replies[0]["queuedJobs"][0]["jobId"], "job1");
    assert_eq!(replies[1]["execution"]["jobId"], "job1");
    assert_eq!(replies[1]["execution"]["status"], "IN_PROGRESS");
    assert_eq!(
        replies[2]["execution"]["jobDocument"],
        json!({"operation": "reboot"})
    );
    assert_eq!(replies[2]["execution"]["status"], "IN_PROGRESS");
    assert_eq!(emu.status(thing, "job1"), "SUCCEEDED");

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}

const THREADS: usize = 4;
const SHARED_PER_THREAD: usize = 2;

/// One thread's work: describe (waitable) its own thing's job, and move its jobs of the shared
/// thing to IN_PROGRESS (Sync). Returns the client tokens of the replies it got.
fn worker(connection: usize, i: usize) -> Vec<String> {
    let connection = connection as Connection;
    let own = format!("own-{i}");
    let own_job = format!("own-job-{i}");
    let mut tokens = Vec::new();

    let request = request(connection, &own, Some(&own_job));
    let mut operation: Operation = std::ptr::null_mut();
    // SAFETY: valid pointers for the call.
    let sent = unsafe {
        AwsIotJobs_DescribeAsync(
            &request,
            -1,
            true,
            FLAG_WAITABLE,
            std::ptr::null(),
            &mut operation,
        )
    };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
    for k in 0..SHARED_PER_THREAD {
        let job = format!("shared-{}", i + k * THREADS);
        let mut start = update(IN_PROGRESS);
        start.includeJobExecutionState = true;
        let (status, reply) = update_sync(connection, "shared", &job, &start);
        assert_eq!(status, SUCCESS, "{job}: {}", name(status));
        assert_eq!(reply["executionState"]["status"], "IN_PROGRESS", "{job}");
        tokens.push(reply["clientToken"].as_str().unwrap().to_owned());
    }
    let (status, described) = wait(operation);
    assert_eq!(status, SUCCESS, "{own}: {}", name(status));
    assert_eq!(described["execution"]["jobId"], own_job.as_str());
    assert_eq!(described["execution"]["jobDocument"], json!({ "owner": i }));
    tokens.push(described["clientToken"].as_str().unwrap().to_owned());
    tokens
}

#[test]
fn threads_on_a_shared_thing_and_their_own_each_get_their_own_reply_once() {
    let _session = begin("concurrency", DEADLINE);
    let emu = Emu::start(60_000);
    for j in 0..THREADS * SHARED_PER_THREAD {
        emu.create_job(&format!("shared-{j}"), "shared", json!({ "n": j }));
    }
    for i in 0..THREADS {
        emu.create_job(
            &format!("own-job-{i}"),
            &format!("own-{i}"),
            json!({ "owner": i }),
        );
    }
    let connection = connect_local(emu.mqtt.port(), "concurrency") as usize;

    let tokens: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..THREADS)
            .map(|i| scope.spawn(move || worker(connection, i)))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().expect("a worker"))
            .collect()
    });
    let distinct: HashSet<&String> = tokens.iter().collect();
    assert_eq!(tokens.len(), THREADS * (SHARED_PER_THREAD + 1));
    assert_eq!(
        distinct.len(),
        tokens.len(),
        "a reply given twice: {tokens:?}"
    );
    for j in 0..THREADS * SHARED_PER_THREAD {
        assert_eq!(emu.status("shared", &format!("shared-{j}")), "IN_PROGRESS");
    }

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection as Connection);
}
