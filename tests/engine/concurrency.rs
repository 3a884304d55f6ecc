//! Many threads, many things, several jobs of one thing at once: every operation completes
//! exactly once, with its own outcome.

use crate::common::*;
use awsiotjobs::core::engine::{OpId, Submission};
use awsiotjobs::core::request::{JobState, Request};
use awsiotjobs::core::JobsError;
use awsiotjobs_testkit::responder::Responder;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const THREADS: usize = 8;
const THINGS: usize = 6;
const JOBS: [&str; 3] = ["job-a", "job-b", "job-c"];

fn thing(i: usize) -> String {
    format!("thing-{i}")
}

/// Answers as the canned responder does, except that a request whose token contains "reject" is
/// rejected with InternalError and one whose token contains "silent" gets no reply.
fn install_selective_service(rig: &Rig) {
    let jobs = rig.jobs.clone();
    rig.lb.set_responder(move |topic: &str, payload: &[u8]| {
        let request: Value = serde_json::from_slice(payload).unwrap();
        let token = request["clientToken"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if token.contains("silent") {
            return Vec::new();
        }
        if token.contains("reject") {
            let body = json!({ "code": "InternalError", "clientToken": token });
            return vec![(format!("{topic}/rejected"), body.to_string().into_bytes())];
        }
        jobs.lock().respond(topic, payload)
    });
}

/// The requests a worker makes on each thing: every operation, for every job.
fn every_request() -> Vec<Request<'static>> {
    let mut out = vec![get_pending(), start_next(), describe("$next")];
    for job in JOBS {
        out.push(describe(job));
        out.push(update(job, JobState::InProgress));
    }
    out
}

fn setup(aws_iot: bool) -> Rig {
    let rig = if aws_iot { Rig::aws_iot() } else { Rig::new() };
    install_selective_service(&rig);
    rig
}

/// Runs `THREADS` workers each submitting every request on every thing as callback operations
/// with a token naming the worker and the request; returns (id, token) of each.
fn submit_everything(
    rig: &Rig,
    done: &Completions,
    kind: impl Fn(usize) -> &'static str + Sync,
) -> Vec<(OpId, String)> {
    let things: Vec<String> = (0..THINGS).map(thing).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|w| {
                let (things, kind) = (&things, &kind);
                s.spawn(move || {
                    let mut mine = Vec::new();
                    let mut n = 0;
                    for t in things {
                        for request in every_request() {
                            n += 1;
                            let token = format!("w{w}-{n}-{}", kind(n));
                            let sub = Submission {
                                deadline: if kind(n) == "silent" {
                                    Instant::now() + Duration::from_millis(50)
                                } else {
                                    far()
                                },
                                ..with_token(&token, t, request)
                            };
                            let id = rig.submit_sub_cb(sub, done).unwrap();
                            mine.push((id, token));
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    })
}

fn check_each_once(rig: &Rig, done: &Completions, ops: &[(OpId, String)]) {
    done.wait_for(ops.len());
    rig.settle();
    rig.drain_callbacks();
    assert_eq!(done.total(), ops.len(), "an operation completed twice");
    assert_eq!(done.off_thread(), 0);
    for (id, token) in ops {
        let outcomes = done.of(*id);
        assert_eq!(outcomes.len(), 1, "{token}");
        let out = &outcomes[0];
        let expected = if token.ends_with("silent") {
            JobsError::Timeout
        } else if token.ends_with("reject") {
            JobsError::InternalError
        } else {
            JobsError::Success
        };
        assert_eq!(out.status, expected, "{token}");
        if expected != JobsError::Timeout {
            assert_eq!(
                doc(out)["clientToken"],
                token.as_str(),
                "matched to its own reply"
            );
        }
    }
    assert_eq!(rig.engine.stats().in_flight, 0);
}

#[test]
fn many_threads_on_many_things_each_complete_once_with_their_own_reply() {
    let rig = setup(false);
    let done = Completions::new();
    let ops = submit_everything(&rig, &done, |_| "ok");
    assert_eq!(ops.len(), THREADS * THINGS * (3 + 2 * JOBS.len()));
    check_each_once(&rig, &done, &ops);
}

#[test]
fn many_threads_in_aws_iot_mode_each_complete_once_with_their_own_reply() {
    let rig = setup(true);
    let done = Completions::new();
    let ops = submit_everything(&rig, &done, |_| "ok");
    check_each_once(&rig, &done, &ops);
    // Replies are subscribed to in awsIotMqttMode too: one subscribe per thing.
    assert_eq!(rig.lb.counts().subscribes, THINGS);
}

#[test]
fn accepted_rejected_and_timed_out_operations_mixed_each_get_their_own_outcome() {
    let rig = setup(false);
    let done = Completions::new();
    let ops = submit_everything(&rig, &done, |n| match n % 3 {
        0 => "silent",
        1 => "reject",
        _ => "ok",
    });
    check_each_once(&rig, &done, &ops);
}

#[test]
fn concurrent_updates_of_every_job_of_one_thing_all_complete() {
    let rig = Rig::new();
    let jobs: Vec<String> = (0..16).map(|j| format!("job{j}")).collect();
    let ids: Vec<&str> = jobs.iter().map(String::as_str).collect();
    std::thread::scope(|s| {
        for job in &ids {
            let rig = &rig;
            s.spawn(move || {
                for status in [
                    JobState::InProgress,
                    JobState::InProgress,
                    JobState::Succeeded,
                ] {
                    let out = rig.run("T1", update(job, status)).unwrap();
                    assert_eq!(out.status, JobsError::Success, "{job}");
                }
            });
        }
    });
    // One subscription for the thing, whatever the job, taken once.
    assert_eq!(rig.lb.counts().subscribes, 1);
}

#[test]
fn waitable_and_callback_operations_interleave_across_threads() {
    let rig = setup(false);
    let done = Completions::new();
    let cb_ops = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for w in 0..THREADS {
            let (rig, done, cb_ops) = (&rig, &done, &cb_ops);
            s.spawn(move || {
                for i in 0..THINGS {
                    let t = thing(i);
                    if (w + i) % 2 == 0 {
                        let out = rig.run(&t, describe("$next")).unwrap();
                        assert_eq!(out.status, JobsError::Success);
                    } else {
                        let id = rig.submit_cb(&t, get_pending(), done).unwrap();
                        cb_ops.lock().unwrap().push(id);
                    }
                }
            });
        }
    });
    let cb_ops = cb_ops.into_inner().unwrap();
    done.wait_for(cb_ops.len());
    for id in cb_ops {
        assert_eq!(done.once(&rig, id).status, JobsError::Success);
    }
}
