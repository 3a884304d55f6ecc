//! `AwsIotJobs_Cleanup` called from inside a Jobs callback, through the C ABI, against a real
//! Jobs service (the jobs-emulator, in-process) over the library's own `IotMqtt_*` connection.
//! What `ffi::library::cleanup` and `Runtime::shutdown` document: called from a callback (on
//! the callback thread, or on the routing thread that routed its reply, where these run),
//! Cleanup returns without waiting for the callback thread; calls made after it returns get
//! `AWS_IOT_JOBS_NOT_INITIALIZED`; an operation still in flight is called back exactly once,
//! after the calling callback returned; notify callbacks are forgotten; and `AwsIotJobs_Init`
//! starts the library again on the same connection. A watchdog ends the test if anything hangs.

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::json;
use std::ffi::c_void;
use std::time::Duration;

/// Only a deadlock waits this long.
const DEADLINE: Duration = Duration::from_secs(120);

static EVENTS: Recorder = Recorder::new();

/// A marker event: something the callback did or saw besides its own call.
fn mark(tag: &'static str, result: u32) {
    EVENTS.push(Event {
        tag,
        callback_type: u32::MAX,
        result: Some(result),
        thing: String::new(),
        document: serde_json::Value::Null,
    });
}

fn count(events: &[Event], tag: &str) -> usize {
    events.iter().filter(|e| e.tag == tag).count()
}

fn position(events: &[Event], tag: &str) -> usize {
    events
        .iter()
        .position(|e| e.tag == tag)
        .unwrap_or_else(|| panic!("no {tag} in {events:#?}"))
}

unsafe extern "C" fn in_flight(_context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter.
    unsafe { EVENTS.record("in-flight", param) };
}

/// The completion of a get-pending: starts a describe, cleans the library up, and tries to
/// start another operation. `context` is the request (the test keeps it alive).
unsafe extern "C" fn cleanup_in_completion(context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter; the context is the test's request.
    unsafe {
        EVENTS.record("calling", param);
        let request = &*(context as *const RequestInfo);
        let later = callback(Some(in_flight), None);
        let mut operation: Operation = std::ptr::null_mut();
        mark(
            "describe-sent",
            AwsIotJobs_DescribeAsync(request, -1, false, 0, &later, &mut operation),
        );
        AwsIotJobs_Cleanup();
        mark(
            "call-after-cleanup",
            AwsIotJobs_GetPendingAsync(request, 0, &later, &mut operation),
        );
    }
    mark("calling-returns", SUCCESS);
}

#[test]
fn cleanup_from_an_operation_callback_returns_and_the_library_starts_again() {
    let _session = begin("cleanup from an operation callback", DEADLINE);
    EVENTS.clear();
    let emu = Emu::start(60_000);
    emu.create_job("job-1", "cleanup-thing", json!({"op": "one"}));
    let connection = connect_local(emu.mqtt.port(), "cleanup-op");
    let thing = "cleanup-thing";
    let job = "job-1";
    let request = request(connection, thing, Some(job));
    let calling = CallbackInfo {
        pCallbackContext: &request as *const RequestInfo as *mut c_void,
        function: Some(cleanup_in_completion),
        oldFunction: None,
    };
    let mut operation: Operation = std::ptr::null_mut();
    // SAFETY: valid pointers; `request` outlives the callback (waited for below).
    let sent = unsafe { AwsIotJobs_GetPendingAsync(&request, 0, &calling, &mut operation) };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));

    let events = EVENTS.wait_for("the in-flight describe's callback", |e| {
        count(e, "in-flight") > 0
    });
    let called = &events[position(&events, "calling")];
    assert_eq!(called.callback_type, GET_PENDING_COMPLETE);
    assert_eq!(called.result, Some(SUCCESS));
    assert_eq!(called.thing, thing);
    assert_eq!(called.document["queuedJobs"][0]["jobId"], job);
    let describe = &events[position(&events, "describe-sent")];
    assert_eq!(describe.result, Some(STATUS_PENDING));
    // Cleanup returned inside the callback, and what started after it was refused.
    let refused = &events[position(&events, "call-after-cleanup")];
    assert_eq!(refused.result, Some(NOT_INITIALIZED));
    // The operation in flight was called back after the calling callback returned, with its
    // reply if it came before Cleanup closed the engine, else with NOT_INITIALIZED.
    assert!(position(&events, "calling-returns") < position(&events, "in-flight"));
    let late = &events[position(&events, "in-flight")];
    assert_eq!(late.callback_type, DESCRIBE_COMPLETE);
    assert!(
        matches!(late.result, Some(SUCCESS | NOT_INITIALIZED)),
        "{late:?}"
    );

    let (stopped, _) = get_pending_sync(connection, thing);
    assert_eq!(stopped, NOT_INITIALIZED, "{}", name(stopped));

    // Init again: operations on the same connection work.
    init();
    let (again, pending) = get_pending_sync(connection, thing);
    assert_eq!(again, SUCCESS, "{}", name(again));
    assert_eq!(pending["queuedJobs"][0]["jobId"], job);
    let (described, execution) = describe_sync(connection, thing, job);
    assert_eq!(described, SUCCESS, "{}", name(described));
    assert_eq!(execution["execution"]["jobDocument"], json!({"op": "one"}));
    // Exactly once: nothing of the first run came back meanwhile.
    let events = EVENTS.events();
    assert_eq!(count(&events, "in-flight"), 1, "{events:#?}");
    assert_eq!(count(&events, "calling"), 1, "{events:#?}");

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}

unsafe extern "C" fn witness(_context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter.
    unsafe { EVENTS.record("witness", param) };
}

/// A notify-next callback that cleans the library up, then tries to register another.
unsafe extern "C" fn cleanup_in_notify(_context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter.
    unsafe {
        EVENTS.record("notified", param);
        AwsIotJobs_Cleanup();
        let info = callback(Some(witness), None);
        let p = &*param;
        mark(
            "call-after-cleanup",
            AwsIotJobs_SetNotifyNextCallback(
                p.mqttConnection,
                p.pThingName,
                p.thingNameLength,
                0,
                &info,
            ),
        );
    }
    mark("calling-returns", SUCCESS);
}

#[test]
fn cleanup_from_a_notify_callback_forgets_the_callbacks_and_the_library_starts_again() {
    let _session = begin("cleanup from a notify callback", DEADLINE);
    EVENTS.clear();
    let emu = Emu::start(60_000);
    let connection = connect_local(emu.mqtt.port(), "cleanup-notify");
    let thing = "notify-cleanup-thing";
    let calling = callback(Some(cleanup_in_notify), None);
    assert_eq!(
        set_notify(Notify::Next, connection, thing, &calling),
        SUCCESS
    );
    emu.create_job("job-n1", thing, json!({"n": 1}));

    let events = EVENTS.wait_for("the notify callback to return", |e| {
        count(e, "calling-returns") > 0
    });
    let notified = &events[position(&events, "notified")];
    assert_eq!(notified.callback_type, NOTIFY_NEXT_CALLBACK);
    assert_eq!(notified.thing, thing);
    assert_eq!(notified.document["execution"]["jobId"], "job-n1");
    let refused = &events[position(&events, "call-after-cleanup")];
    assert_eq!(refused.result, Some(NOT_INITIALIZED));

    // Init again: the old callback is forgotten, a new one is called, operations work.
    init();
    let info = callback(Some(witness), None);
    assert_eq!(set_notify(Notify::Next, connection, thing, &info), SUCCESS);
    let (done, _) = update_sync(connection, thing, "job-n1", &update(SUCCEEDED));
    assert_eq!(done, SUCCESS, "{}", name(done));
    emu.create_job("job-n2", thing, json!({"n": 2}));
    let events = EVENTS.wait_for("the new callback's notify-next of job-n2", |e| {
        e.iter()
            .any(|e| e.tag == "witness" && e.document["execution"]["jobId"] == "job-n2")
    });
    assert_eq!(count(&events, "notified"), 1, "{events:#?}");
    assert_eq!(emu.status(thing, "job-n1"), "SUCCEEDED");

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}
