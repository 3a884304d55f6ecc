//! Stand-ins for the Jobs service behind the loopback transport.
//!
//! [`Responder`] is anything that answers a published message with messages of its own; a
//! closure will do. [`FakeJobs`] is a small, scriptable Jobs service: queued executions per
//! thing, start-next, describe (including `$next`), update with version checks and terminal
//! states, and notify-next when the head of a queue changes. Its script makes the next
//! matching request get a rejection code, no reply, a reply without a token, a reply with a
//! foreign token, or its reply twice.

use awsiotjobs::core::topics::{self, Notify, Operation, Verdict};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};

/// Answers one published message with the messages the broker should deliver.
pub trait Responder: Send {
    fn respond(&mut self, topic: &str, payload: &[u8]) -> Vec<(String, Vec<u8>)>;
}

impl<F> Responder for F
where
    F: FnMut(&str, &[u8]) -> Vec<(String, Vec<u8>)> + Send,
{
    fn respond(&mut self, topic: &str, payload: &[u8]) -> Vec<(String, Vec<u8>)> {
        self(topic, payload)
    }
}

/// What the script does to the next request of an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scripted {
    /// Reject with this service code (e.g. "InvalidJson").
    Reject(String),
    /// Reject with this code and no `clientToken` (as the service does for InvalidJson).
    RejectWithoutToken(String),
    /// Send no reply at all.
    Silence,
    /// Answer with another client token.
    ForeignToken,
    /// Send the reply twice.
    Duplicate,
}

#[derive(Clone, Debug)]
struct Execution {
    job_id: String,
    status: &'static str,
    version: u64,
    execution_number: u64,
    queued_at: u64,
    document: Value,
    details: Map<String, Value>,
}

impl Execution {
    fn terminal(&self) -> bool {
        !matches!(self.status, "QUEUED" | "IN_PROGRESS")
    }

    fn to_json(&self, thing: &str, with_document: bool) -> Value {
        let mut v = json!({
            "jobId": self.job_id,
            "thingName": thing,
            "status": self.status,
            "statusDetails": self.details,
            "queuedAt": self.queued_at,
            "lastUpdatedAt": self.queued_at,
            "versionNumber": self.version,
            "executionNumber": self.execution_number,
        });
        if with_document {
            v["jobDocument"] = self.document.clone();
        }
        v
    }
}

/// A small in-memory Jobs service.
#[derive(Default)]
pub struct FakeJobs {
    things: HashMap<String, Vec<Execution>>,
    script: VecDeque<(Operation, Scripted)>,
    clock: u64,
    /// Every request received, as (topic, payload).
    pub requests: Vec<(String, Vec<u8>)>,
}

fn request_of(topic: &str) -> Option<(&str, Operation, Option<&str>)> {
    let rest = topic.strip_prefix("$aws/things/")?;
    let (thing, rest) = rest.split_once('/')?;
    let rest = rest.strip_prefix("jobs/")?;
    match rest {
        "get" => Some((thing, Operation::GetPending, None)),
        "start-next" => Some((thing, Operation::StartNext, None)),
        _ => {
            let (job, op) = rest.split_once('/')?;
            match op {
                "get" => Some((thing, Operation::Describe, Some(job))),
                "update" => Some((thing, Operation::Update, Some(job))),
                _ => None,
            }
        }
    }
}

impl FakeJobs {
    pub fn new() -> FakeJobs {
        FakeJobs::default()
    }

    /// Queues an execution of `job_id` for `thing`; returns the notify-next message to deliver
    /// if it became the head of the queue.
    pub fn add_job(
        &mut self,
        thing: &str,
        job_id: &str,
        document: Value,
    ) -> Option<(String, Vec<u8>)> {
        self.clock += 1;
        let before = self.head(thing);
        let queue = self.things.entry(thing.to_owned()).or_default();
        let number = queue.iter().filter(|e| e.job_id == job_id).count() as u64 + 1;
        queue.push(Execution {
            job_id: job_id.to_owned(),
            status: "QUEUED",
            version: 1,
            execution_number: number,
            queued_at: self.clock,
            document,
            details: Map::new(),
        });
        self.notify_next_if_changed(thing, before)
    }

    /// Makes the next request of `operation` behave as `action`.
    pub fn script(&mut self, operation: Operation, action: Scripted) {
        self.script.push_back((operation, action));
    }

    /// The status of the newest execution of `job_id` on `thing`.
    pub fn status(&self, thing: &str, job_id: &str) -> Option<&'static str> {
        self.things
            .get(thing)?
            .iter()
            .rev()
            .find(|e| e.job_id == job_id)
            .map(|e| e.status)
    }

    fn head(&self, thing: &str) -> Option<String> {
        let queue = self.things.get(thing)?;
        queue
            .iter()
            .filter(|e| e.status == "IN_PROGRESS")
            .chain(queue.iter().filter(|e| e.status == "QUEUED"))
            .next()
            .map(|e| e.job_id.clone())
    }

    fn notify_next_if_changed(
        &self,
        thing: &str,
        before: Option<String>,
    ) -> Option<(String, Vec<u8>)> {
        let after = self.head(thing);
        if after == before {
            return None;
        }
        let mut body = json!({ "timestamp": self.clock });
        if let Some(job) = &after {
            let e = self.things[thing]
                .iter()
                .find(|e| &e.job_id == job && !e.terminal())?;
            body["execution"] = e.to_json(thing, true);
        }
        Some((
            topics::notify_topic(thing, Notify::Next),
            body.to_string().into_bytes(),
        ))
    }

    fn execution(&mut self, thing: &str, job: &str) -> Option<&mut Execution> {
        let queue = self.things.get_mut(thing)?;
        if job == "$next" {
            let idx = queue
                .iter()
                .position(|e| e.status == "IN_PROGRESS")
                .or_else(|| queue.iter().position(|e| e.status == "QUEUED"))?;
            return queue.get_mut(idx);
        }
        queue.iter_mut().rev().find(|e| e.job_id == job)
    }

    fn answer(
        &mut self,
        thing: &str,
        op: Operation,
        job: Option<&str>,
        request: &Value,
    ) -> (Verdict, Value, Vec<(String, Vec<u8>)>) {
        self.clock += 1;
        let now = self.clock;
        let before = self.head(thing);
        let reject = |code: &str| {
            (
                Verdict::Rejected,
                json!({ "code": code, "message": code, "timestamp": now }),
                Vec::new(),
            )
        };
        let (verdict, body) = match op {
            Operation::GetPending => {
                let queue = self.things.get(thing).cloned().unwrap_or_default();
                let summary = |s: &str| -> Vec<Value> {
                    queue
                        .iter()
                        .filter(|e| e.status == s)
                        .map(|e| json!({"jobId": e.job_id, "queuedAt": e.queued_at, "versionNumber": e.version, "executionNumber": e.execution_number}))
                        .collect()
                };
                (
                    Verdict::Accepted,
                    json!({ "inProgressJobs": summary("IN_PROGRESS"), "queuedJobs": summary("QUEUED"), "timestamp": now }),
                )
            }
            Operation::StartNext => {
                let details = request
                    .get("statusDetails")
                    .and_then(Value::as_object)
                    .cloned();
                match self.execution(thing, "$next") {
                    None => (Verdict::Accepted, json!({ "timestamp": now })),
                    Some(e) => {
                        if e.status == "QUEUED" {
                            e.status = "IN_PROGRESS";
                            e.version += 1;
                            if let Some(d) = details {
                                e.details = d;
                            }
                        }
                        (
                            Verdict::Accepted,
                            json!({ "execution": e.to_json(thing, true), "timestamp": now }),
                        )
                    }
                }
            }
            Operation::Describe => {
                let with_doc = request
                    .get("includeJobDocument")
                    .and_then(Value::as_bool)
                    .unwrap_or(true);
                match self.execution(thing, job.unwrap_or_default()) {
                    None => return reject("ResourceNotFound"),
                    Some(e) => (
                        Verdict::Accepted,
                        json!({ "execution": e.to_json(thing, with_doc), "timestamp": now }),
                    ),
                }
            }
            Operation::Update => {
                let status = match request.get("status").and_then(Value::as_str) {
                    Some(s @ ("IN_PROGRESS" | "SUCCEEDED" | "FAILED" | "REJECTED")) => s,
                    _ => return reject("InvalidRequest"),
                };
                let status: &'static str = match status {
                    "IN_PROGRESS" => "IN_PROGRESS",
                    "SUCCEEDED" => "SUCCEEDED",
                    "FAILED" => "FAILED",
                    _ => "REJECTED",
                };
                let expected = request.get("expectedVersion").and_then(|v| match v {
                    Value::String(s) => s.parse::<u64>().ok(),
                    other => other.as_u64(),
                });
                let details = request
                    .get("statusDetails")
                    .and_then(Value::as_object)
                    .cloned();
                let Some(e) = self.execution(thing, job.unwrap_or_default()) else {
                    return reject("ResourceNotFound");
                };
                if e.terminal() {
                    return reject("InvalidStateTransition");
                }
                if expected.is_some_and(|v| v != e.version) {
                    let state = json!({ "status": e.status, "versionNumber": e.version, "statusDetails": e.details });
                    return (
                        Verdict::Rejected,
                        json!({ "code": "VersionMismatch", "message": "version", "executionState": state, "timestamp": now }),
                        Vec::new(),
                    );
                }
                e.status = status;
                e.version += 1;
                if let Some(d) = details {
                    e.details = d;
                }
                let state = json!({ "status": e.status, "versionNumber": e.version, "statusDetails": e.details });
                (
                    Verdict::Accepted,
                    json!({ "executionState": state, "timestamp": now }),
                )
            }
        };
        let notices = self
            .notify_next_if_changed(thing, before)
            .into_iter()
            .collect();
        (verdict, body, notices)
    }
}

impl Responder for FakeJobs {
    fn respond(&mut self, topic: &str, payload: &[u8]) -> Vec<(String, Vec<u8>)> {
        let Some((thing, op, job)) = request_of(topic) else {
            return Vec::new();
        };
        self.requests.push((topic.to_owned(), payload.to_vec()));
        let (thing, job) = (thing.to_owned(), job.map(str::to_owned));
        let scripted = self
            .script
            .iter()
            .position(|(o, _)| *o == op)
            .and_then(|i| self.script.remove(i))
            .map(|(_, a)| a);
        let request: Option<Value> = serde_json::from_slice(payload).ok();
        let token = request.as_ref().and_then(|r| r.get("clientToken")).cloned();
        let reply_to = |verdict| topics::reply_topic(&thing, op, job.as_deref(), verdict);
        let Some(request) = request.filter(Value::is_object) else {
            let body =
                json!({ "code": "InvalidJson", "message": "bad json", "timestamp": self.clock });
            return vec![(reply_to(Verdict::Rejected), body.to_string().into_bytes())];
        };
        let (verdict, mut body, notices) = match &scripted {
            Some(Scripted::Reject(code) | Scripted::RejectWithoutToken(code)) => (
                Verdict::Rejected,
                json!({ "code": code, "message": "scripted", "timestamp": self.clock }),
                Vec::new(),
            ),
            Some(Scripted::Silence) => return Vec::new(),
            _ => self.answer(&thing, op, job.as_deref(), &request),
        };
        match (&scripted, token) {
            (Some(Scripted::RejectWithoutToken(_)), _) | (_, None) => {}
            (Some(Scripted::ForeignToken), Some(_)) => body["clientToken"] = json!("someone-else"),
            (_, Some(t)) => body["clientToken"] = t,
        }
        let reply = (reply_to(verdict), body.to_string().into_bytes());
        let mut out = vec![reply.clone()];
        if scripted == Some(Scripted::Duplicate) {
            out.push(reply);
        }
        out.extend(notices);
        out
    }
}
