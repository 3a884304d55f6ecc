//! Through the C ABI, against the jobs-emulator (in-process) rather than a fake: notify
//! callbacks replaced (`oldFunction` set) and removed (`function` NULL), checked by which
//! callback receives the `notify` and `notify-next` messages the service sends after each
//! change; and the service's rejections (ResourceNotFound, VersionMismatch,
//! InvalidStateTransition, TerminalStateReached, InvalidRequest) as `AwsIotJobsError_t` codes
//! with the service's reply document.

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::{json, Value};
use std::ffi::c_void;
use std::time::Duration;

/// Only a hang waits this long.
const DEADLINE: Duration = Duration::from_secs(180);

static EVENTS: Recorder = Recorder::new();

macro_rules! recording_callback {
    ($name:ident, $tag:literal) => {
        unsafe extern "C" fn $name(_context: *mut c_void, param: *mut CallbackParam) {
            // SAFETY: called by the library with a valid parameter.
            unsafe { EVENTS.record($tag, param) };
        }
    };
}

// Distinct functions: the library tells notify callbacks apart by their function pointer.
recording_callback!(next_a, "next-a");
recording_callback!(next_b, "next-b");
recording_callback!(next_witness, "next-witness");
recording_callback!(pending_a, "pending-a");
recording_callback!(pending_b, "pending-b");
recording_callback!(pending_witness, "pending-witness");
recording_callback!(completed, "completed");

/// The job IDs a `notify` lists as queued.
fn queued(document: &Value) -> Vec<String> {
    document["jobs"]["QUEUED"]
        .as_array()
        .map(|jobs| {
            jobs.iter()
                .map(|j| j["jobId"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The head a `notify-next` names, or "" when the queue is empty.
fn head(document: &Value) -> String {
    document["execution"]["jobId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Whether callback `tag` received a notify-next naming `job` as the head ("" for none).
fn heard_next(events: &[Event], tag: &str, job: &str) -> bool {
    events
        .iter()
        .any(|e| e.tag == tag && head(&e.document) == job)
}

/// Whether callback `tag` received a notify listing exactly `jobs` as queued.
fn heard_pending(events: &[Event], tag: &str, jobs: &[&str]) -> bool {
    events
        .iter()
        .any(|e| e.tag == tag && e.document["jobs"].is_object() && queued(&e.document) == jobs)
}

fn silent(events: &[Event], tags: &[&str]) {
    for tag in tags {
        assert!(events.iter().all(|e| e.tag != *tag), "{tag}: {events:#?}");
    }
}

/// Callbacks of one kind run in registration order within one delivery, so once the witness
/// (registered last) has a message, every other callback registered then has it too.
#[test]
fn replaced_and_removed_notify_callbacks_receive_what_the_service_sends_after_each_change() {
    let _session = begin("notify replace and remove", DEADLINE);
    EVENTS.clear();
    let emu = Emu::start(60_000);
    let connection = connect_local(emu.mqtt.port(), "notify-replace");
    let thing = "replace-thing";
    let set = |kind, new: Option<JobsCallback>, old: Option<JobsCallback>| {
        set_notify(kind, connection, thing, &callback(new, old))
    };
    use Notify::{Next, Pending};
    for (kind, function) in [
        (Next, next_a as JobsCallback),
        (Next, next_witness),
        (Pending, pending_a),
        (Pending, pending_witness),
    ] {
        assert_eq!(set(kind, Some(function), None), SUCCESS, "{kind:?}");
    }

    // 1. The first callbacks and the witnesses hear of job-1.
    emu.create_job("job-1", thing, json!({"n": 1}));
    let events = EVENTS.wait_for("job-1 notified to both witnesses", |e| {
        heard_next(e, "next-witness", "job-1") && heard_pending(e, "pending-witness", &["job-1"])
    });
    assert!(heard_next(&events, "next-a", "job-1"), "{events:#?}");
    assert!(
        heard_pending(&events, "pending-a", &["job-1"]),
        "{events:#?}"
    );
    for e in &events {
        assert_eq!(e.thing, thing);
        let expected = if e.tag.starts_with("next") {
            NOTIFY_NEXT_CALLBACK
        } else {
            NOTIFY_PENDING_CALLBACK
        };
        assert_eq!(e.callback_type, expected, "{e:?}");
    }

    // 2. A replaced by B: job-2 queued behind job-1, then job-1 done makes job-2 the head.
    assert_eq!(set(Next, Some(next_b), Some(next_a)), SUCCESS);
    assert_eq!(set(Pending, Some(pending_b), Some(pending_a)), SUCCESS);
    // A is no longer registered: replacing or removing it again is refused.
    assert_eq!(set(Next, Some(next_b), Some(next_a)), BAD_PARAMETER);
    assert_eq!(set(Pending, None, Some(pending_a)), BAD_PARAMETER);
    EVENTS.clear();
    emu.create_job("job-2", thing, json!({"n": 2}));
    let (done, _) = update_sync(connection, thing, "job-1", &update(SUCCEEDED));
    assert_eq!(done, SUCCESS, "{}", name(done));
    let events = EVENTS.wait_for("job-2 as the head, notified to both witnesses", |e| {
        heard_next(e, "next-witness", "job-2") && heard_pending(e, "pending-witness", &["job-2"])
    });
    silent(&events, &["next-a", "pending-a"]);
    assert!(heard_next(&events, "next-b", "job-2"), "{events:#?}");
    assert!(
        heard_pending(&events, "pending-b", &["job-2"]),
        "{events:#?}"
    );

    // 3. B removed: job-2 done empties the queue, and only the witnesses hear of it.
    assert_eq!(set(Next, None, Some(next_b)), SUCCESS);
    assert_eq!(set(Pending, None, Some(pending_b)), SUCCESS);
    EVENTS.clear();
    let (done, _) = update_sync(connection, thing, "job-2", &update(SUCCEEDED));
    assert_eq!(done, SUCCESS, "{}", name(done));
    let events = EVENTS.wait_for("the empty queue notified to both witnesses", |e| {
        heard_next(e, "next-witness", "") && heard_pending(e, "pending-witness", &[])
    });
    silent(&events, &["next-a", "next-b", "pending-a", "pending-b"]);

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}

/// The rejected reply's code and message, and the execution state when the service sends one.
fn assert_rejected(document: &Value, code: &str) {
    assert_eq!(document["code"], code, "{document}");
    assert!(
        document["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{document}"
    );
    assert!(document["clientToken"].is_string(), "{document}");
}

#[test]
fn the_service_rejections_arrive_as_their_codes_with_the_reply() {
    let _session = begin("rejections", DEADLINE);
    EVENTS.clear();
    let emu = Emu::start(60_000);
    emu.create_job("job-r1", "reject-thing", json!({}));
    emu.create_job("job-r2", "reject-thing", json!({}));
    let connection = connect_local(emu.mqtt.port(), "rejections");
    let thing = "reject-thing";

    // ResourceNotFound, blocking and through a callback.
    let (status, document) = describe_sync(connection, thing, "no-such-job");
    assert_eq!(status, NOT_FOUND, "{}", name(status));
    assert_rejected(&document, "ResourceNotFound");
    let request = request(connection, thing, Some("no-such-job"));
    let mut operation: Operation = std::ptr::null_mut();
    let on_reply = callback(Some(completed), None);
    // SAFETY: valid pointers for the call.
    let sent =
        unsafe { AwsIotJobs_DescribeAsync(&request, -1, false, 0, &on_reply, &mut operation) };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
    let events = EVENTS.wait_for("the describe's callback", |e| !e.is_empty());
    assert_eq!(events[0].callback_type, DESCRIBE_COMPLETE);
    assert_eq!(events[0].result, Some(NOT_FOUND));
    assert_rejected(&events[0].document, "ResourceNotFound");

    // VersionMismatch, with the execution's state.
    let mut stale = update(IN_PROGRESS);
    stale.expectedVersion = 7;
    let (status, document) = update_sync(connection, thing, "job-r1", &stale);
    assert_eq!(status, VERSION_MISMATCH, "{}", name(status));
    assert_rejected(&document, "VersionMismatch");
    assert_eq!(document["executionState"]["status"], "QUEUED");

    // InvalidStateTransition: a terminal execution cannot be updated.
    let (status, _) = update_sync(connection, thing, "job-r1", &update(SUCCEEDED));
    assert_eq!(status, SUCCESS, "{}", name(status));
    let (status, document) = update_sync(connection, thing, "job-r1", &update(IN_PROGRESS));
    assert_eq!(status, INVALID_STATE, "{}", name(status));
    assert_rejected(&document, "InvalidStateTransition");
    assert_eq!(document["executionState"]["status"], "SUCCEEDED");

    // TerminalStateReached: nor described.
    let (status, document) = describe_sync(connection, thing, "job-r1");
    assert_eq!(status, TERMINAL_STATE, "{}", name(status));
    assert_rejected(&document, "TerminalStateReached");

    // InvalidJson cannot be provoked through the C ABI: malformed status details are refused
    // before anything is sent, and the service never sees them.
    let details = "{\"step\":";
    let mut malformed = update(IN_PROGRESS);
    malformed.pStatusDetails = details.as_ptr().cast();
    malformed.statusDetailsLength = details.len();
    let (status, document) = update_sync(connection, thing, "job-r2", &malformed);
    assert_eq!(status, BAD_PARAMETER, "{}", name(status));
    assert_eq!(document, Value::Null);
    assert_eq!(emu.status(thing, "job-r2"), "QUEUED");

    // InvalidRequest: cancelling a step timer when none runs. (A status a device may not set,
    // such as QUEUED, the library refuses itself with BAD_PARAMETER.)
    let (status, _) = update_sync(connection, thing, "job-r2", &update(QUEUED));
    assert_eq!(status, BAD_PARAMETER, "{}", name(status));
    let mut cancel = update(IN_PROGRESS);
    cancel.stepTimeoutInMinutes = -1;
    let (status, document) = update_sync(connection, thing, "job-r2", &cancel);
    assert_eq!(status, INVALID_REQUEST, "{}", name(status));
    assert_rejected(&document, "InvalidRequest");

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}
