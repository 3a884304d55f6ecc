//! Notify callbacks: the original's add/replace/remove rules, one subscription per thing and
//! kind taken with the first callback and dropped with the last, callbacks on the callback
//! thread with the raw message.

use crate::common::*;
use awsiotjobs::core::engine::{NotifyCallback, NotifyEvent};
use awsiotjobs::core::topics::Notify;
use awsiotjobs::core::JobsError;
use parking_lot::Mutex;
use std::sync::Arc;

const LIMIT: usize = 4;
const NEXT: &str = "$aws/things/T1/jobs/notify-next";
const PENDING: &str = "$aws/things/T1/jobs/notify";

/// What a notify callback saw.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    key: usize,
    thing: String,
    kind: Notify,
    document: Vec<u8>,
    in_callback: bool,
    thread_name: Option<String>,
}

#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Seen>>>);

impl Log {
    fn callback(&self, rig: &Rig, key: usize) -> NotifyCallback {
        let (log, rt) = (self.clone(), rig.rt.clone());
        Arc::new(move |e: &NotifyEvent<'_>| {
            log.0.lock().push(Seen {
                key,
                thing: e.thing.to_owned(),
                kind: e.kind,
                document: e.document.to_vec(),
                in_callback: rt.in_callback(),
                thread_name: std::thread::current().name().map(str::to_owned),
            })
        })
    }

    fn keys(&self) -> Vec<usize> {
        self.0.lock().iter().map(|s| s.key).collect()
    }

    fn take(&self) -> Vec<Seen> {
        std::mem::take(&mut *self.0.lock())
    }
}

fn add(rig: &Rig, log: &Log, thing: &str, kind: Notify, key: usize) -> Result<(), JobsError> {
    rig.engine.set_notify(
        thing,
        kind,
        None,
        Some((key, log.callback(rig, key))),
        LIMIT,
    )
}

fn remove(rig: &Rig, thing: &str, kind: Notify, key: usize) -> Result<(), JobsError> {
    rig.engine.set_notify(thing, kind, Some(key), None, LIMIT)
}

/// Delivers a notification through the broker and waits until its callbacks have run.
fn notify(rig: &Rig, topic: &str, payload: &[u8]) {
    rig.lb.inject(topic, payload);
    rig.settle();
    rig.drain_callbacks();
}

#[test]
fn the_first_callback_subscribes_and_receives_the_raw_message() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    assert_eq!(rig.lb.counts().subscribes, 1);
    assert_eq!(rig.lb.subscriptions(), vec![NEXT.to_owned()]);
    let raw = br#"{"timestamp":5, "execution" : {"jobId":"job1"}}"#;
    notify(&rig, NEXT, raw);
    let seen = log.take();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].thing, "T1");
    assert_eq!(seen[0].kind, Notify::Next);
    assert_eq!(seen[0].document, raw.to_vec());
}

#[test]
fn callbacks_run_on_the_callback_thread_never_on_the_receive_thread() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Pending, 1).unwrap();
    add(&rig, &log, "T1", Notify::Next, 2).unwrap();
    for _ in 0..10 {
        rig.lb.inject(PENDING, br#"{"jobs":{}}"#);
        rig.lb.inject(NEXT, br#"{"timestamp":1}"#);
    }
    rig.settle();
    rig.drain_callbacks();
    let seen = log.take();
    // Notifications that arrive while an older one of their kind waits coalesce: each kind
    // is seen at least once and at most ten times.
    for key in [1, 2] {
        let n = seen.iter().filter(|s| s.key == key).count();
        assert!((1..=10).contains(&n), "kind {key} seen {n} times");
    }
    for s in seen {
        assert!(s.in_callback);
        assert_ne!(s.thread_name.as_deref(), Some("loopback-receive"));
    }
}

#[test]
fn more_callbacks_share_the_subscription_and_run_in_slot_order() {
    let rig = Rig::new();
    let log = Log::default();
    for key in [1, 2, 3] {
        add(&rig, &log, "T1", Notify::Pending, key).unwrap();
    }
    assert_eq!(rig.lb.counts().subscribes, 1);
    notify(&rig, PENDING, br#"{"jobs":{}}"#);
    assert_eq!(log.keys(), vec![1, 2, 3]);
}

#[test]
fn adding_beyond_the_limit_is_no_memory() {
    let rig = Rig::new();
    let log = Log::default();
    for key in 0..LIMIT {
        add(&rig, &log, "T1", Notify::Next, key).unwrap();
    }
    assert_eq!(
        add(&rig, &log, "T1", Notify::Next, 99),
        Err(JobsError::NoMemory)
    );
    // The limit is per thing and kind.
    add(&rig, &log, "T1", Notify::Pending, 99).unwrap();
    add(&rig, &log, "T2", Notify::Next, 99).unwrap();
    // A freed slot can be used again.
    remove(&rig, "T1", Notify::Next, 0).unwrap();
    add(&rig, &log, "T1", Notify::Next, 99).unwrap();
}

#[test]
fn replacing_swaps_the_callback_without_touching_the_subscription() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    let before = rig.lb.counts();
    rig.engine
        .set_notify(
            "T1",
            Notify::Next,
            Some(1),
            Some((2, log.callback(&rig, 2))),
            LIMIT,
        )
        .unwrap();
    assert_eq!(rig.lb.counts(), before);
    notify(&rig, NEXT, b"{}");
    assert_eq!(log.keys(), vec![2]);
}

#[test]
fn removing_the_last_callback_unsubscribes() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Pending, 1).unwrap();
    add(&rig, &log, "T1", Notify::Pending, 2).unwrap();
    remove(&rig, "T1", Notify::Pending, 1).unwrap();
    assert_eq!(rig.lb.counts().unsubscribes, 0);
    notify(&rig, PENDING, b"{}");
    assert_eq!(log.take().len(), 1);
    remove(&rig, "T1", Notify::Pending, 2).unwrap();
    assert_eq!(rig.lb.counts().unsubscribes, 1);
    assert!(rig.lb.subscriptions().is_empty());
    rig.inject(PENDING, b"{}");
    rig.settle();
    rig.drain_callbacks();
    assert!(log.take().is_empty(), "a removed callback never runs");
}

#[test]
fn unknown_old_callbacks_and_empty_changes_are_bad_parameters() {
    let rig = Rig::new();
    let log = Log::default();
    assert_eq!(
        rig.engine.set_notify("T1", Notify::Next, None, None, LIMIT),
        Err(JobsError::BadParameter)
    );
    assert_eq!(
        remove(&rig, "T1", Notify::Next, 5),
        Err(JobsError::BadParameter)
    );
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    assert_eq!(
        rig.engine.set_notify(
            "T1",
            Notify::Next,
            Some(5),
            Some((6, log.callback(&rig, 6))),
            LIMIT
        ),
        Err(JobsError::BadParameter)
    );
    assert_eq!(
        remove(&rig, "T1", Notify::Pending, 1),
        Err(JobsError::BadParameter),
        "a callback belongs to one kind"
    );
    assert_eq!(
        add(&rig, &log, "bad/thing", Notify::Next, 1),
        Err(JobsError::BadParameter)
    );
    assert_eq!(rig.lb.counts().subscribes, 1);
}

#[test]
fn a_failed_subscribe_adds_nothing() {
    let rig = Rig::new();
    let log = Log::default();
    rig.lb.fail_subscribes(1);
    assert_eq!(
        add(&rig, &log, "T1", Notify::Next, 1),
        Err(JobsError::MqttError)
    );
    assert_eq!(
        remove(&rig, "T1", Notify::Next, 1),
        Err(JobsError::BadParameter),
        "nothing was registered"
    );
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    assert_eq!(rig.lb.counts().subscribes, 2);
}

#[test]
fn notifications_reach_only_their_thing_and_kind() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    add(&rig, &log, "T2", Notify::Pending, 2).unwrap();
    rig.inject("$aws/things/T2/jobs/notify-next", b"{}");
    rig.inject(PENDING, b"{}");
    notify(&rig, "$aws/things/T2/jobs/notify", b"{}");
    let seen = log.take();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].key, seen[0].thing.as_str()), (2, "T2"));
}

#[test]
fn shutdown_forgets_notify_callbacks_and_refuses_new_ones() {
    let rig = Rig::new();
    let log = Log::default();
    add(&rig, &log, "T1", Notify::Next, 1).unwrap();
    rig.engine.shutdown(JobsError::NotInitialized);
    rig.inject(NEXT, b"{}");
    rig.settle();
    rig.drain_callbacks();
    assert!(log.take().is_empty());
    assert_eq!(
        add(&rig, &log, "T1", Notify::Next, 2),
        Err(JobsError::NotInitialized)
    );
}

#[test]
fn a_panicking_notify_callback_does_not_stop_later_ones() {
    let rig = Rig::new();
    let log = Log::default();
    rig.engine
        .set_notify(
            "T1",
            Notify::Next,
            None,
            Some((1, Arc::new(|_: &NotifyEvent<'_>| panic!("application bug")))),
            LIMIT,
        )
        .unwrap();
    add(&rig, &log, "T1", Notify::Next, 2).unwrap();
    notify(&rig, NEXT, b"{}");
    notify(&rig, NEXT, b"{}");
    assert_eq!(log.keys(), vec![2, 2]);
}

/// A flood of notifications while the callback is busy keeps one document per thing and kind
/// waiting: the callback then sees the newest, not every one.
#[test]
fn notifications_that_arrive_while_the_callback_is_busy_coalesce_to_the_newest() {
    let rig = Rig::new();
    let (entered, release) = (
        crossbeam_channel::bounded::<()>(1),
        crossbeam_channel::bounded::<()>(1),
    );
    let seen = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let (s, entered_tx, release_rx) = (seen.clone(), entered.0.clone(), release.1.clone());
    let busy: NotifyCallback = Arc::new(move |e: &NotifyEvent<'_>| {
        s.lock().push(e.document.to_vec());
        if s.lock().len() == 1 {
            // Hold the callback thread on the first notification.
            entered_tx.send(()).unwrap();
            release_rx.recv().unwrap();
        }
    });
    rig.engine
        .set_notify("T1", Notify::Next, None, Some((1, busy)), LIMIT)
        .unwrap();
    rig.inject(NEXT, b"{\"n\":0}");
    entered.1.recv_timeout(BOUND).unwrap();
    for n in 1..=1000 {
        rig.inject(NEXT, format!("{{\"n\":{n}}}").as_bytes());
        rig.inject(PENDING, b"{\"ignored\":true}");
    }
    rig.settle();
    assert_eq!(rig.engine.stats().notifications_waiting, 1);
    release.0.send(()).unwrap();
    rig.drain_callbacks();
    assert_eq!(
        *seen.lock(),
        vec![b"{\"n\":0}".to_vec(), b"{\"n\":1000}".to_vec()]
    );
    assert_eq!(rig.engine.stats().notifications_waiting, 0);
}
