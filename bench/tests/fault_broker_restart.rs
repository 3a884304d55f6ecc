//! The broker killed with a thousand operations in flight, then restarted on the same port,
//! through the C API on an `IotMqtt_Connect` connection (which reconnects by itself).
//!
//! mosquitto runs on a free port; the Jobs service is the emulator's, in this process, behind a
//! Paho client of its own that answers each request one second late (so that a burst of
//! requests is really in flight when the broker dies) and publishes the service's notifications.
//! Every operation must complete exactly once within its timeout (its reply, or a timeout for
//! those whose request or reply died with the broker); operations started during the outage
//! wait for the link and succeed; notify callbacks resume; and once everything is torn down the
//! heap is back where it started.

#[path = "../../tests/mqtt_support/mod.rs"]
mod mqtt_support;

use awsiotjobs_bench::alloc::{live_bytes, Counting};
use awsiotjobs_bench::capi::{self, cstring, Completion, Conn, STATE_IN_PROGRESS, STATUS_PENDING};
use crossbeam_channel::unbounded;
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::JobsService;
use jobs_emulator::wire;
use mqtt_support::{eventually, free_port, Broker, BOUND};
use paho_mqtt as paho;
use parking_lot::Mutex;
use std::ffi::CString;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const SUCCESS: i32 = 0;
const TIMEOUT: i32 = 8;
const THINGS: usize = 10;
const JOB: &str = "restart-job";
/// Things with a notify-next callback: one notified before the fault, one after.
const NOTIFIED: [&str; 2] = ["restart-notified-a", "restart-notified-b"];
const REPLY_DELAY: Duration = Duration::from_secs(1);

/// The emulator's Jobs service behind a Paho client that answers late.
struct LateService {
    client: paho::AsyncClient,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl LateService {
    fn start(port: u16, service: Arc<JobsService>) -> LateService {
        let client = paho::CreateOptionsBuilder::new_v3()
            .server_uri(format!("tcp://127.0.0.1:{port}"))
            .client_id(format!("late-service-{}", free_port()))
            .persistence(None)
            .max_buffered_messages(100_000)
            .create_client()
            .unwrap();
        let (tx, rx) = unbounded::<(Instant, String, Vec<u8>)>();
        client.set_message_callback(move |_, message| {
            if let Some(m) = message {
                let _ = tx.send((
                    Instant::now() + REPLY_DELAY,
                    m.topic().into(),
                    m.payload().into(),
                ));
            }
        });
        let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client.connect(options).wait_for(BOUND).expect("connect");
        client
            .subscribe(wire::topic::REQUEST_FILTER, 1)
            .wait_for(BOUND)
            .expect("subscribe");
        let (replier, svc) = (client.clone(), service.clone());
        let answers = std::thread::spawn(move || {
            for (due, topic, payload) in rx {
                std::thread::sleep(due.saturating_duration_since(Instant::now()));
                if let Some(reply) = wire::handle(&svc, &topic, &payload) {
                    // Lost if the broker is down: the operation then times out.
                    drop(replier.publish(paho::Message::new(
                        reply.topic.clone(),
                        reply.payload_bytes(),
                        1,
                    )));
                }
            }
        });
        let (notifier, events) = (client.clone(), service.subscribe());
        let notes = std::thread::spawn(move || {
            for event in events {
                drop(notifier.publish(paho::Message::new(event.topic(), event.payload_bytes(), 1)));
            }
        });
        LateService {
            client,
            threads: vec![answers, notes],
        }
    }
}

/// Reconnects (the broker was restarted) and subscribes again, before returning. Done by
/// hand rather than by Paho's automatic reconnection, so that the service is back before the
/// library (whose backoff doubles from 100 ms): a request reaching the restarted broker before
/// the service resubscribed would be lost, and its operation would time out.
fn reattach(client: &paho::AsyncClient) {
    let until = Instant::now() + BOUND;
    while client.reconnect().wait_for(BOUND).is_err() {
        assert!(Instant::now() < until, "the service could not reconnect");
        std::thread::sleep(Duration::from_millis(10));
    }
    client
        .subscribe(wire::topic::REQUEST_FILTER, 1)
        .wait_for(BOUND)
        .expect("subscribe again");
}

/// What each operation's completion saw: (result, when).
struct Outcomes {
    seen: Mutex<Vec<Vec<(i32, Instant)>>>,
    submitted: Mutex<Vec<Option<Instant>>>,
}

fn submit_burst(
    conn: &Conn,
    things: &[CString],
    job: &CString,
    completions: &[Completion],
    outcomes: &Outcomes,
    range: std::ops::Range<usize>,
) {
    let indices: Vec<usize> = range.collect();
    std::thread::scope(|scope| {
        for chunk in indices.chunks(indices.len().div_ceil(4)) {
            scope.spawn(move || {
                for &i in chunk {
                    let at = Instant::now();
                    let status = conn.update_async(
                        &things[i % THINGS],
                        job,
                        STATE_IN_PROGRESS,
                        0,
                        0,
                        &completions[i],
                    );
                    // A submission refused outright has no completion to wait for.
                    if status == STATUS_PENDING {
                        outcomes.submitted.lock()[i] = Some(at);
                    }
                }
            });
        }
    });
}

/// Queues `job` for `thing` (its queue was empty, so the service sends notify-next) and waits
/// for the notify callback to count it.
fn queue_and_expect_notify(
    service: &JobsService,
    notes: &AtomicUsize,
    job: &str,
    thing: &str,
    when: &str,
) {
    let before = notes.load(Ordering::SeqCst);
    let request = CreateJobRequest::new(job, &[thing], serde_json::json!({}));
    service.create_job(&request).unwrap();
    assert!(
        eventually(|| notes.load(Ordering::SeqCst) > before),
        "no notify-next callback {when}"
    );
}

#[test]
fn broker_killed_with_a_thousand_operations_in_flight_then_restarted() {
    let heap_before = live_bytes();
    let mut broker = Broker::plain();
    let service = JobsService::new();
    let names: Vec<String> = (0..THINGS).map(|i| format!("restart-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    service
        .create_job(&CreateJobRequest::new(JOB, &refs, serde_json::json!({})))
        .unwrap();
    let late = LateService::start(broker.port, service.clone());

    capi::init();
    let response_timeout = Duration::from_secs(5);
    capi::set_response_timeout(response_timeout);
    let conn = Conn::mqtt("127.0.0.1", broker.port, "restart-victim", false);
    let things: Vec<CString> = names.iter().map(|n| cstring(n)).collect();
    let job = cstring(JOB);

    // Notify-next before the fault.
    let notes = Arc::new(AtomicUsize::new(0));
    let n2 = notes.clone();
    let on_note = Completion::new(move |result, _| {
        assert_eq!(result, capi::NOTIFY);
        n2.fetch_add(1, Ordering::SeqCst);
    });
    for thing in NOTIFIED {
        assert_eq!(conn.set_notify_next(&cstring(thing), &on_note), SUCCESS);
    }
    std::thread::sleep(Duration::from_millis(200));
    queue_and_expect_notify(&service, &notes, "before", NOTIFIED[0], "before the fault");

    let in_flight = 1000;
    let during = 200;
    let after = 100;
    let total = in_flight + during + after;
    let outcomes = Arc::new(Outcomes {
        seen: Mutex::new(vec![Vec::new(); total]),
        submitted: Mutex::new(vec![None; total]),
    });
    let completions: Vec<Completion> = (0..total)
        .map(|i| {
            let outcomes = outcomes.clone();
            Completion::new(move |result, _| outcomes.seen.lock()[i].push((result, Instant::now())))
        })
        .collect();

    // A thousand requests out; their replies are a second away when the broker dies.
    submit_burst(&conn, &things, &job, &completions, &outcomes, 0..in_flight);
    let pending = outcomes.seen.lock()[..in_flight]
        .iter()
        .filter(|s| s.is_empty())
        .count();
    eprintln!("in flight when the broker is killed: {pending}");
    assert!(
        pending >= 900,
        "only {pending} operations in flight at the kill"
    );
    broker.kill();

    // More operations while the broker is down: they wait for the link.
    let service_client = late.client.clone();
    let restarter = std::thread::spawn(move || {
        let mut broker = broker;
        std::thread::sleep(Duration::from_millis(1000));
        broker.start();
        reattach(&service_client);
        broker
    });
    submit_burst(
        &conn,
        &things,
        &job,
        &completions,
        &outcomes,
        in_flight..in_flight + during,
    );
    let broker = restarter.join().unwrap();

    // Everything completes within its timeout.
    let deadline = Instant::now() + response_timeout + BOUND;
    let all_done = || {
        let seen = outcomes.seen.lock();
        let submitted = outcomes.submitted.lock();
        (0..in_flight + during).all(|i| submitted[i].is_none() || !seen[i].is_empty())
    };
    while !all_done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }

    // After the restart: operations succeed and notifications arrive again.
    submit_burst(
        &conn,
        &things,
        &job,
        &completions,
        &outcomes,
        in_flight + during..total,
    );
    queue_and_expect_notify(&service, &notes, "after", NOTIFIED[1], "after the restart");
    assert!(eventually(|| outcomes.seen.lock()[in_flight + during..]
        .iter()
        .all(|s| !s.is_empty())));
    std::thread::sleep(Duration::from_millis(500)); // late duplicates would land now

    let seen = outcomes.seen.lock();
    let submitted = outcomes.submitted.lock();
    let mut counts = std::collections::BTreeMap::<(&str, i32), usize>::new();
    for i in 0..total {
        let phase = match i {
            i if i < in_flight => "in flight",
            i if i < in_flight + during => "during",
            _ => "after",
        };
        let Some(at) = submitted[i] else {
            *counts.entry((phase, -100)).or_default() += 1;
            assert!(seen[i].is_empty(), "op {i} refused at submit yet completed");
            continue;
        };
        assert_eq!(
            seen[i].len(),
            1,
            "op {i} ({phase}) completed {} times",
            seen[i].len()
        );
        let (result, when) = seen[i][0];
        *counts.entry((phase, result)).or_default() += 1;
        assert!(
            when <= at + response_timeout + Duration::from_secs(2),
            "op {i} ({phase}) completed {:?} after submit",
            when - at
        );
        assert!(
            result == SUCCESS || result == TIMEOUT,
            "op {i} ({phase}): {result}"
        );
        if phase == "after" {
            assert_eq!(result, SUCCESS, "op {i} after the restart");
        }
    }
    eprintln!("outcomes by phase and result (-100: refused at submit): {counts:?}");
    assert!(
        counts.get(&("during", SUCCESS)).copied().unwrap_or(0) > 0,
        "operations started during the outage succeed once the link is back"
    );
    drop((seen, submitted));

    // Nothing leaks: tear everything down and compare the heap.
    drop(conn);
    capi::cleanup();
    drop(completions);
    drop(outcomes);
    drop(on_note);
    let LateService { client, threads } = late;
    client.remove_message_callback();
    let _ = client.disconnect(None).wait_for(Duration::from_secs(2));
    drop(client);
    drop(service);
    for t in threads {
        let _ = t.join();
    }
    drop(broker);
    std::thread::sleep(Duration::from_millis(300));
    let leaked = live_bytes() - heap_before;
    eprintln!("heap after teardown − before: {leaked} bytes");
    assert!(
        leaked < 256 * 1024,
        "{leaked} bytes still allocated after teardown"
    );
}
