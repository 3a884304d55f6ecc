//! Arbitrary request and update fields through validation, encoding and `Engine::submit`.
//!
//! Invariants:
//! - `Engine::validate` accepts exactly what the service's rules (written out again here)
//!   accept;
//! - accepted: `submit` publishes once, on the request topic; the payload is one JSON object
//!   holding exactly the expected fields (status, statusDetails equal as objects, the numbers,
//!   the flags, clientToken); the topic holds no `+`, `#` or NUL, is not itself a reply, and
//!   parses back with `topics::parse` as the right reply topic when suffixed;
//! - rejected: `submit` fails with BAD_PARAMETER and nothing is published;
//! - any token, even one validation refuses, is escaped into valid JSON by `encode`.
#![no_main]

use awsiotjobs::core::engine::{Completion, EngineConfig, Submission, Waiter};
use awsiotjobs::core::request::{JobState, Request, UpdateFields};
use awsiotjobs::core::runtime::Runtime;
use awsiotjobs::core::topics::{self, Inbound, Operation, Verdict};
use awsiotjobs::core::{Engine, JobsError};
use awsiotjobs::core::router::Router;
use awsiotjobs_fuzz::requests::*;
use awsiotjobs_fuzz::{recording_loopback, Published};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// One engine for the whole run, on an AWS IoT mode loopback (no subscriptions) that records
/// what is published and never answers.
fn engine() -> &'static (Arc<Engine>, Published) {
    static ENGINE: OnceLock<(Arc<Engine>, Published)> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let (loopback, published) = recording_loopback(Router::new(), true);
        let runtime = Runtime::start().expect("runtime");
        let engine = Engine::new(loopback, runtime, EngineConfig::default());
        (engine, published)
    })
}

fn name_ok(s: &str, max: usize, extra: &[u8]) -> bool {
    (1..=max).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
}

/// Status details: 1 to 32768 bytes, one JSON object, keys 1 to 128 of `[a-zA-Z0-9:_-]`,
/// values strings of 1 to 1024 characters without control characters.
fn details_ok(d: &str) -> bool {
    let pair_ok = |(k, v): (&String, &Value)| {
        name_ok(k, 128, b":_-")
            && v.as_str().is_some_and(|v| {
                (1..=1024).contains(&v.chars().count()) && !v.chars().any(char::is_control)
            })
    };
    (1..=32768).contains(&d.len())
        && serde_json::from_str::<Value>(d)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.iter().all(pair_ok)))
            .unwrap_or(false)
}

fn step_ok(s: i32) -> bool {
    s == 0 || s == -1 || (1..=10080).contains(&s)
}

fn text(t: &Text, pool: &[&str]) -> Option<String> {
    match t {
        Text::Absent => None,
        Text::Pool(i) => Some(pool[*i].to_owned()),
        Text::Raw(s) => Some(s.clone()),
    }
}

fn int(v: &Int, pool: &[i32]) -> i32 {
    match v {
        Int::Pool(i) => pool[*i],
        Int::Raw(n) => *n,
    }
}

fuzz_target!(|data: &[u8]| {
    let input = Input::decode(data);
    let thing = text(&input.thing, &THINGS).unwrap_or_default();
    let job = text(&input.job, &JOBS).unwrap_or_default();
    let token = text(&input.token, &TOKENS);
    let details = input.details_text();
    let status = JobState::from_raw(input.status as u32).expect("0..=7");
    let execution_number = int(&input.execution_number, &EXECUTIONS);
    let step = int(&input.step, &STEPS);
    let operation = Operation::ALL[input.operation];

    let request = match operation {
        Operation::GetPending => Request::GetPending,
        Operation::StartNext => Request::StartNext {
            status_details: details.as_deref(),
            step_timeout_minutes: step,
        },
        Operation::Describe => Request::Describe {
            job_id: &job,
            execution_number,
            include_job_document: input.include_document,
        },
        Operation::Update => Request::Update {
            job_id: &job,
            fields: UpdateFields {
                status,
                status_details: details.as_deref(),
                expected_version: input.expected_version,
                execution_number,
                include_job_execution_state: input.include_state,
                include_job_document: input.include_document,
                step_timeout_minutes: step,
            },
        },
    };

    // The rules, independently.
    let job_ok = name_ok(&job, 64, b"_-");
    let ok = name_ok(&thing, 128, b":_-")
        && token.as_deref().is_none_or(|t| {
            (1..=64).contains(&t.len()) && t.bytes().all(|b| (0x21..=0x7e).contains(&b))
        })
        && match operation {
            Operation::GetPending => true,
            Operation::StartNext => details.as_deref().is_none_or(details_ok) && step_ok(step),
            Operation::Describe => (job_ok || job == "$next") && execution_number >= -1,
            Operation::Update => {
                job_ok
                    && matches!(
                        status,
                        JobState::InProgress
                            | JobState::Failed
                            | JobState::Succeeded
                            | JobState::Rejected
                    )
                    && details.as_deref().is_none_or(details_ok)
                    && step_ok(step)
                    && execution_number >= -1
            }
        };

    let submission = || Submission {
        thing: &thing,
        request: request.clone(),
        client_token: token.as_deref(),
        keep_subscriptions: false,
        deadline: Instant::now() + Duration::from_secs(3600),
    };
    let verdict = Engine::validate(&submission());
    assert_eq!(verdict.is_ok(), ok, "validate disagrees: {verdict:?}");

    // Whatever the token, encoding escapes it.
    if let Some(t) = &token {
        let v: Value = serde_json::from_slice(&Request::GetPending.encode(t)).expect("JSON");
        assert_eq!(v, json!({ "clientToken": t }));
    }

    let (engine, published) = engine();
    published.lock().unwrap().clear();
    let result = engine.submit(submission(), Completion::Waitable(Waiter::new()));
    let sent: Vec<_> = published.lock().unwrap().drain(..).collect();
    let id = match result {
        Err(e) => {
            assert!(!ok, "valid request refused: {e:?}");
            assert_eq!(e, JobsError::BadParameter);
            assert!(sent.is_empty(), "a refused request was published");
            return;
        }
        Ok(id) => {
            assert!(ok, "invalid request accepted");
            id
        }
    };
    assert!(engine.cancel(id), "operation vanished");
    assert_eq!(sent.len(), 1);
    let (topic, payload) = &sent[0];

    // Topic.
    let job_id = operation.has_job_id().then_some(job.as_str());
    assert_eq!(*topic, topics::request_topic(&thing, operation, job_id));
    assert!(!topic.contains(['+', '#', '\0']), "{topic:?}");
    assert_eq!(
        topics::parse(topic),
        None,
        "a request topic parsed as inbound"
    );
    for verdict in [Verdict::Accepted, Verdict::Rejected] {
        let reply = format!(
            "{topic}/{}",
            if verdict == Verdict::Accepted {
                "accepted"
            } else {
                "rejected"
            }
        );
        assert_eq!(
            reply,
            topics::reply_topic(&thing, operation, job_id, verdict)
        );
        assert_eq!(
            topics::parse(&reply),
            Some(Inbound::Reply {
                thing: &thing,
                operation,
                job_id,
                verdict
            })
        );
    }

    // Payload.
    let value: Value = serde_json::from_slice(payload).expect("request is JSON");
    let object = value.as_object().expect("request is an object");
    let sent_token = object
        .get("clientToken")
        .and_then(Value::as_str)
        .expect("clientToken");
    match &token {
        Some(t) => assert_eq!(sent_token, t),
        None => assert!((1..=64).contains(&sent_token.len()), "{sent_token:?}"),
    }
    let mut expected = Map::new();
    expected.insert("clientToken".into(), json!(sent_token));
    let details_value = || serde_json::from_str::<Value>(details.as_deref().unwrap()).unwrap();
    match operation {
        Operation::GetPending => {}
        Operation::StartNext => {
            if details.is_some() {
                expected.insert("statusDetails".into(), details_value());
            }
            if step != 0 {
                expected.insert("stepTimeoutInMinutes".into(), json!(step));
            }
        }
        Operation::Describe => {
            if !input.include_document {
                expected.insert("includeJobDocument".into(), json!(false));
            }
            if execution_number != -1 {
                expected.insert("executionNumber".into(), json!(execution_number));
            }
        }
        Operation::Update => {
            expected.insert("status".into(), json!(status.wire_name()));
            if details.is_some() {
                expected.insert("statusDetails".into(), details_value());
            }
            if input.expected_version != 0 {
                expected.insert(
                    "expectedVersion".into(),
                    json!(input.expected_version.to_string()),
                );
            }
            if execution_number != -1 {
                expected.insert("executionNumber".into(), json!(execution_number));
            }
            if input.include_state {
                expected.insert("includeJobExecutionState".into(), json!(true));
            }
            if input.include_document {
                expected.insert("includeJobDocument".into(), json!(true));
            }
            if step != 0 {
                expected.insert("stepTimeoutInMinutes".into(), json!(step));
            }
        }
    }
    assert_eq!(*object, expected);
    // No field twice: the object parsed from the text has as many keys as the text has
    // top-level members (a duplicate would have been silently merged).
    let mut members = 0usize;
    let mut de = serde_json::Deserializer::from_slice(payload);
    struct Count<'a>(&'a mut usize);
    impl<'de> serde::de::Visitor<'de> for Count<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while map
                .next_entry::<serde::de::IgnoredAny, serde::de::IgnoredAny>()?
                .is_some()
            {
                *self.0 += 1;
            }
            Ok(())
        }
    }
    serde::Deserializer::deserialize_map(&mut de, Count(&mut members)).expect("object");
    assert_eq!(members, object.len(), "a field written twice");
});
