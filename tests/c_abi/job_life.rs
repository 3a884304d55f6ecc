//! A job's life through the C ABI against the jobs-emulator (in-process), the one Jobs service
//! of the tests (docs/testing.md); the C behaviour tests keep only the Sync forms on canned
//! replies. The four operations in Sync form and a waitable get-pending, with the versions and
//! states the service keeps (and the job document left out when not asked for); and a
//! notify-next callback that runs the classic agent loop (start-next, then update, from inside
//! the callback) until the queue is empty, on the library's callback thread.

use crate::c_abi_support::*;
use crate::emulator_support::Emu;
use serde_json::{json, Value};
use std::ffi::c_void;
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::Duration;

/// Only a hang waits this long.
const DEADLINE: Duration = Duration::from_secs(180);

static EVENTS: Recorder = Recorder::new();

fn mark(tag: &'static str, result: u32, thing: &str, document: Value) {
    EVENTS.push(Event {
        tag,
        callback_type: u32::MAX,
        result: Some(result),
        thing: thing.to_owned(),
        document,
    });
}

fn queued_ids(reply: &Value) -> Vec<&str> {
    reply["queuedJobs"]
        .as_array()
        .map(|jobs| jobs.iter().filter_map(|j| j["jobId"].as_str()).collect())
        .unwrap_or_default()
}

#[test]
fn a_job_goes_through_its_life_with_the_states_and_versions_the_service_keeps() {
    let _session = begin("a job's life", DEADLINE);
    let emu = Emu::start(60_000);
    let thing = "life-thing";
    emu.create_job("job1", thing, json!({"url": "https://example.com/fw.bin"}));
    emu.create_job("job2", thing, json!({}));
    let connection = connect_local(emu.mqtt.port(), "job-life");

    // A waitable get-pending lists both, in queue order.
    let request = request(connection, thing, None);
    let mut operation: Operation = std::ptr::null_mut();
    // SAFETY: valid pointers for the call; no callback with a waitable operation.
    let sent = unsafe {
        AwsIotJobs_GetPendingAsync(&request, FLAG_WAITABLE, std::ptr::null(), &mut operation)
    };
    assert_eq!(sent, STATUS_PENDING, "{}", name(sent));
    let (status, pending) = wait(operation);
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(queued_ids(&pending), ["job1", "job2"]);
    assert_eq!(pending["inProgressJobs"], json!([]));

    // Start-next takes the head, with the status details sent.
    let details = r#"{"step":"download"}"#;
    let mut start = update(IN_PROGRESS);
    start.pStatusDetails = details.as_ptr().cast();
    start.statusDetailsLength = details.len();
    start.stepTimeoutInMinutes = 30;
    let (status, started) = start_next_sync(connection, thing, &start);
    assert_eq!(status, SUCCESS, "{}", name(status));
    let execution = &started["execution"];
    assert_eq!(execution["jobId"], "job1");
    assert_eq!(execution["status"], "IN_PROGRESS");
    assert_eq!(execution["statusDetails"], json!({"step": "download"}));
    assert_eq!(
        execution["jobDocument"],
        json!({"url": "https://example.com/fw.bin"})
    );
    let version = execution["versionNumber"].as_u64().expect("a version");

    // Describe: `$next` is the execution in progress, job2 is still queued.
    let (status, next) = describe_sync(connection, thing, "$next");
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(next["execution"]["jobId"], "job1");
    let (status, second) = describe_sync(connection, thing, "job2");
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(second["execution"]["status"], "QUEUED");
    // Asked not to, the service leaves the job document out.
    let (status, bare) = describe_sync_with(connection, thing, "job2", false);
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(bare["execution"]["jobId"], "job2");
    assert!(bare["execution"].get("jobDocument").is_none(), "{bare}");

    // Update with the version start-next returned finishes it.
    let mut finish = update(SUCCEEDED);
    finish.expectedVersion = version as u32;
    finish.includeJobExecutionState = true;
    let (status, updated) = update_sync(connection, thing, "job1", &finish);
    assert_eq!(status, SUCCESS, "{}", name(status));
    assert_eq!(updated["executionState"]["status"], "SUCCEEDED");
    assert_eq!(
        updated["executionState"]["versionNumber"].as_u64(),
        Some(version + 1)
    );
    assert_eq!(emu.status(thing, "job1"), "SUCCEEDED");
    assert_eq!(emu.status(thing, "job2"), "QUEUED");

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}

/// The test's own thread, which no callback may run on.
static TEST_THREAD: Mutex<Option<ThreadId>> = Mutex::new(None);

/// The agent: on each notify-next naming a job, start-next and then update it to SUCCEEDED,
/// both Sync, from inside the callback.
unsafe extern "C" fn agent(_context: *mut c_void, param: *mut CallbackParam) {
    // SAFETY: called by the library with a valid parameter.
    let (head, thing, connection) = unsafe {
        EVENTS.record("notify-next", param);
        (
            document(param),
            crate::c_abi_support::thing(param),
            (*param).mqttConnection,
        )
    };
    let here = Some(std::thread::current().id());
    mark(
        "on-test-thread",
        u32::from(*TEST_THREAD.lock().unwrap() == here),
        &thing,
        Value::Null,
    );
    if head["execution"].is_null() {
        return;
    }
    let (status, started) = start_next_sync(connection, &thing, &update(IN_PROGRESS));
    let Some(job) = started["execution"]["jobId"].as_str() else {
        mark("start-next", status, &thing, started);
        return;
    };
    let (status, _) = update_sync(connection, &thing, job, &update(SUCCEEDED));
    mark("done", status, job, Value::Null);
}

#[test]
fn a_notify_next_callback_runs_the_agent_loop_until_the_queue_is_empty() {
    let _session = begin("the agent loop", DEADLINE);
    EVENTS.clear();
    *TEST_THREAD.lock().unwrap() = Some(std::thread::current().id());
    let emu = Emu::start(60_000);
    let thing = "agent-thing";
    let connection = connect_local(emu.mqtt.port(), "agent-loop");
    let info = callback(Some(agent), None);
    assert_eq!(set_notify(Notify::Next, connection, thing, &info), SUCCESS);
    let jobs = ["job-a", "job-b", "job-c"];
    for job in jobs {
        emu.create_job(job, thing, json!({ "job": job }));
    }

    // The last update empties the queue, and the service says so with an empty notify-next.
    let events = EVENTS.wait_for("three jobs done, then an empty notify-next", |e| {
        let done = e.iter().filter(|e| e.tag == "done").count();
        let third = e.iter().rposition(|e| e.tag == "done");
        let empty = e.iter().rposition(|e| {
            e.tag == "notify-next" && e.document.is_object() && e.document["execution"].is_null()
        });
        done == jobs.len() && matches!((third, empty), (Some(t), Some(n)) if n > t)
    });
    let done: Vec<(&str, Option<u32>)> = events
        .iter()
        .filter(|e| e.tag == "done")
        .map(|e| (e.thing.as_str(), e.result))
        .collect();
    assert_eq!(
        done,
        jobs.iter().map(|j| (*j, Some(SUCCESS))).collect::<Vec<_>>(),
        "in queue order, each once: {events:#?}"
    );
    for e in &events {
        match e.tag {
            "on-test-thread" => assert_eq!(e.result, Some(0), "a callback on the test's thread"),
            "notify-next" => {
                assert_eq!(e.callback_type, NOTIFY_NEXT_CALLBACK);
                assert_eq!(e.thing, thing);
            }
            "start-next" => panic!("start-next found nothing to start: {e:?}"),
            _ => {}
        }
    }
    for job in jobs {
        assert_eq!(emu.status(thing, job), "SUCCEEDED", "{job}");
    }

    // SAFETY: no arguments.
    unsafe { AwsIotJobs_Cleanup() };
    disconnect(connection);
}
