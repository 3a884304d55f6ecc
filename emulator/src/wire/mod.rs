//! The MQTT face of the service: turns a request (topic + payload bytes) into the reply
//! (`.../accepted` or `.../rejected` topic + JSON payload, protocol doc §3), independent of
//! any broker. [`handle`] is what both the embedded broker hook and the external-broker
//! client call for every message they see.

pub mod request;
pub mod topic;

use crate::service::views::{execution_json, execution_state_json, summary_json};
use crate::service::{ErrorCode, JobsService, ServiceError};
use request::{Request, WireError};
use serde_json::{json, Map, Value};
use topic::{classify, Operation, TopicKind};

/// A reply to publish to the requesting client.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub topic: String,
    pub payload: Value,
}

impl Reply {
    /// The payload as bytes.
    pub fn payload_bytes(&self) -> Vec<u8> {
        self.payload.to_string().into_bytes()
    }

    /// True for an `.../accepted` reply.
    pub fn is_accepted(&self) -> bool {
        self.topic.ends_with("/accepted")
    }
}

/// Handles one message; `None` when the topic is not a Jobs request.
pub fn handle(svc: &JobsService, topic: &str, payload: &[u8]) -> Option<Reply> {
    let reply = match classify(topic) {
        TopicKind::Ignored => return None,
        TopicKind::Invalid => {
            let token = request::parse(payload).ok().and_then(|r| r.client_token);
            let err = ServiceError::new(ErrorCode::InvalidTopic, format!("Invalid topic: {topic}"));
            rejected(
                svc,
                topic,
                WireError {
                    error: err,
                    client_token: token,
                },
            )
        }
        TopicKind::Request { thing, op } => match answer(svc, &thing, &op, payload) {
            Ok((mut body, token)) => {
                finish(svc, &mut body, token);
                Reply {
                    topic: format!("{topic}/accepted"),
                    payload: Value::Object(body),
                }
            }
            Err(e) => rejected(svc, topic, e),
        },
    };
    tracing::info!(request = %topic, reply = %reply.topic, payload = %reply.payload, "jobs reply");
    Some(reply)
}

fn timestamp(svc: &JobsService) -> i64 {
    (svc.now_ms() / 1000) as i64
}

fn finish(svc: &JobsService, body: &mut Map<String, Value>, token: Option<String>) {
    body.insert("timestamp".into(), json!(timestamp(svc)));
    if let Some(t) = token {
        body.insert("clientToken".into(), json!(t));
    }
}

fn rejected(svc: &JobsService, topic: &str, e: WireError) -> Reply {
    let mut body = Map::new();
    body.insert("code".into(), json!(e.error.code.as_str()));
    body.insert("message".into(), json!(e.error.message));
    if let Some(state) = &e.error.execution_state {
        body.insert("executionState".into(), execution_state_json(state));
    }
    finish(svc, &mut body, e.client_token);
    Reply {
        topic: format!("{topic}/rejected"),
        payload: Value::Object(body),
    }
}

type Answer = Result<(Map<String, Value>, Option<String>), WireError>;

fn answer(svc: &JobsService, thing: &str, op: &Operation, payload: &[u8]) -> Answer {
    let req = request::parse(payload)?;
    let body = match op {
        Operation::GetPending => get_pending(svc, thing, &req)?,
        Operation::StartNext => start_next(svc, thing, &req)?,
        Operation::Describe(job) => describe(svc, thing, job, &req)?,
        Operation::Update(job) => update(svc, thing, job, &req)?,
    };
    Ok((body, req.client_token))
}

fn get_pending(
    svc: &JobsService,
    thing: &str,
    req: &Request,
) -> Result<Map<String, Value>, WireError> {
    let p = svc.get_pending_executions(thing).map_err(|e| req.wrap(e))?;
    let mut body = Map::new();
    body.insert(
        "inProgressJobs".into(),
        p.in_progress.iter().map(summary_json).collect(),
    );
    body.insert(
        "queuedJobs".into(),
        p.queued.iter().map(summary_json).collect(),
    );
    Ok(body)
}

fn execution_body(
    svc: &JobsService,
    found: Option<crate::service::device::ExecutionWithDocument>,
    with_doc: bool,
) -> Map<String, Value> {
    let mut body = Map::new();
    if let Some(x) = found {
        let doc = with_doc.then_some(Value::Object(x.document));
        body.insert(
            "execution".into(),
            execution_json(&x.execution, doc, svc.now_ms(), svc.minute_ms()),
        );
    }
    body
}

fn start_next(
    svc: &JobsService,
    thing: &str,
    req: &Request,
) -> Result<Map<String, Value>, WireError> {
    let params = req.start_next()?;
    let found = svc
        .start_next_execution(thing, &params)
        .map_err(|e| req.wrap(e))?;
    Ok(execution_body(svc, found, true))
}

fn describe(
    svc: &JobsService,
    thing: &str,
    job: &str,
    req: &Request,
) -> Result<Map<String, Value>, WireError> {
    let with_doc = req.bool_or("includeJobDocument", true)?;
    let number = req.int("executionNumber", true)?;
    let found = svc
        .describe_execution(thing, job, number)
        .map_err(|e| req.wrap(e))?;
    Ok(execution_body(svc, found, with_doc))
}

fn update(
    svc: &JobsService,
    thing: &str,
    job: &str,
    req: &Request,
) -> Result<Map<String, Value>, WireError> {
    let params = req.update()?;
    let with_state = req.bool_or("includeJobExecutionState", false)?;
    let with_doc = req.bool_or("includeJobDocument", false)?;
    let done = svc
        .update_execution(thing, job, &params)
        .map_err(|e| req.wrap(e))?;
    let mut body = Map::new();
    if with_state {
        let state = crate::service::views::execution_state(&done.execution);
        body.insert("executionState".into(), execution_state_json(&state));
    }
    if with_doc {
        body.insert("jobDocument".into(), Value::Object(done.document));
    }
    Ok(body)
}
