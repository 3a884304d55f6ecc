//! A canned Jobs responder behind the loopback transport, for the engine's unit tests. It knows
//! nothing of jobs: the one Jobs service of the integration tests is the jobs-emulator
//! (`emulator/`, in `tests/client_api.rs` and `tests/c_abi/`).
//!
//! [`Responder`] is anything that answers a published message with messages of its own; a
//! closure will do. [`CannedJobs`] answers every Jobs request on its `/accepted` topic with a
//! minimal valid document for the operation, echoing the request's `clientToken`, unless its
//! script says otherwise for the next request of that operation: a rejection code, no reply, a
//! reply without a token, a reply with a foreign token, the reply twice, or a given document.

use awsiotjobs::core::topics::{self, Operation, Verdict};
use serde_json::{json, Value};
use std::collections::VecDeque;

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
    /// Accept with this document (the request's token is added) instead of the canned one.
    Accept(Value),
}

/// The canned responder: a script, and every request received.
#[derive(Default)]
pub struct CannedJobs {
    script: VecDeque<(Operation, Scripted)>,
    /// Every request received, as (topic, payload).
    pub requests: Vec<(String, Vec<u8>)>,
}

/// The thing, operation and job (describe and update) of a Jobs request topic.
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

/// The minimal accepted document of an operation: empty lists, nothing to start, the named
/// execution as just queued (`$next`: none), an update without the execution state.
fn canned(thing: &str, op: Operation, job: Option<&str>) -> Value {
    match (op, job) {
        (Operation::GetPending, _) => json!({ "inProgressJobs": [], "queuedJobs": [] }),
        (Operation::Describe, Some(job)) if job != "$next" => json!({ "execution": {
            "jobId": job, "thingName": thing, "status": "QUEUED", "queuedAt": 1,
            "lastUpdatedAt": 1, "versionNumber": 1, "executionNumber": 1,
        }}),
        _ => json!({}),
    }
}

impl CannedJobs {
    pub fn new() -> CannedJobs {
        CannedJobs::default()
    }

    /// Makes the next request of `operation` behave as `action`.
    pub fn script(&mut self, operation: Operation, action: Scripted) {
        self.script.push_back((operation, action));
    }
}

impl Responder for CannedJobs {
    fn respond(&mut self, topic: &str, payload: &[u8]) -> Vec<(String, Vec<u8>)> {
        let Some((thing, op, job)) = request_of(topic) else {
            return Vec::new();
        };
        self.requests.push((topic.to_owned(), payload.to_vec()));
        let scripted = self
            .script
            .iter()
            .position(|(o, _)| *o == op)
            .and_then(|i| self.script.remove(i))
            .map(|(_, a)| a);
        let request: Option<Value> = serde_json::from_slice(payload).ok();
        let token = request.as_ref().and_then(|r| r.get("clientToken")).cloned();
        let reply_to = |verdict| topics::reply_topic(thing, op, job, verdict);
        if !request.as_ref().is_some_and(Value::is_object) {
            let body = json!({ "code": "InvalidJson", "message": "bad json", "timestamp": 1 });
            return vec![(reply_to(Verdict::Rejected), body.to_string().into_bytes())];
        }
        let (verdict, mut body) = match &scripted {
            Some(Scripted::Reject(code) | Scripted::RejectWithoutToken(code)) => (
                Verdict::Rejected,
                json!({ "code": code, "message": "scripted" }),
            ),
            Some(Scripted::Silence) => return Vec::new(),
            Some(Scripted::Accept(document)) => (Verdict::Accepted, document.clone()),
            _ => (Verdict::Accepted, canned(thing, op, job)),
        };
        body["timestamp"] = json!(1);
        match (&scripted, token) {
            (Some(Scripted::RejectWithoutToken(_)), _) | (_, None) => {}
            (Some(Scripted::ForeignToken), Some(_)) => body["clientToken"] = json!("someone-else"),
            (_, Some(t)) => body["clientToken"] = t,
        }
        let reply = (reply_to(verdict), body.to_string().into_bytes());
        if scripted == Some(Scripted::Duplicate) {
            vec![reply.clone(), reply]
        } else {
            vec![reply]
        }
    }
}
