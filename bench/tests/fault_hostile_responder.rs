//! A hostile Jobs responder through a real broker (mosquitto) and the C API: replies with
//! wrong, duplicate or unreadable tokens, wrong types, huge numbers, invalid UTF-8, oversized
//! payloads, wrong topics, unknown codes, and floods of replies to operations never sent. Each
//! operation must complete exactly once, with the right reply or a timeout, never with someone
//! else's reply; the library must keep working afterwards.

#[path = "../../tests/mqtt_support/mod.rs"]
mod mqtt_support;

use awsiotjobs_bench::capi::{self, cstring, Completion, Conn, STATE_IN_PROGRESS, STATUS_PENDING};
use mqtt_support::{free_port, Broker, BOUND};
use paho_mqtt as paho;
use parking_lot::Mutex;
use serde_json::json;
use std::time::{Duration, Instant};

const JOB: &str = "job";
/// Every good reply carries this marker; no hostile one does.
const GOOD: &str = r#""good":true"#;

const SUCCESS: i32 = 0;
const BAD_RESPONSE: i32 = 7;
const TIMEOUT: i32 = 8;
const INVALID_JSON: i32 = 13;
const VERSION_MISMATCH: i32 = 17;

/// What the responder sends for a request of thing `hostile-{scenario}` carrying `token`.
fn replies(scenario: &str, topic: &str, token: &str) -> Vec<(String, Vec<u8>)> {
    let accepted = format!("{topic}/accepted");
    let rejected = format!("{topic}/rejected");
    let good = || {
        (
            accepted.clone(),
            json!({ "clientToken": token, "timestamp": 1, "good": true })
                .to_string()
                .into_bytes(),
        )
    };
    let text =
        |topic: &str, body: serde_json::Value| (topic.to_owned(), body.to_string().into_bytes());
    let raw = |topic: &str, body: &[u8]| (topic.to_owned(), body.to_vec());
    let bad_utf8 = [
        br#"{"clientToken":""#.as_slice(),
        token.as_bytes(),
        br#"","x":""#,
        b"\xff\xfe\xc0\x80",
        br#""}"#,
    ]
    .concat();
    let sibling = topic.replace("/update", "/get");
    match scenario {
        "wrong-token" => vec![text(&accepted, json!({ "clientToken": "someone-else" }))],
        "wrong-token-then-good" => vec![
            text(&accepted, json!({ "clientToken": format!("{token}x") })),
            text(&rejected, json!({ "clientToken": "", "code": "InvalidJson" })),
            good(),
        ],
        "duplicate" => vec![
            good(),
            good(),
            text(&rejected, json!({ "clientToken": token, "code": "InternalError" })),
        ],
        "numeric-token" => vec![text(
            &rejected,
            json!({ "clientToken": 12345, "code": "InvalidJson" }),
        )],
        "wrong-types" => vec![text(
            &accepted,
            json!({
                "clientToken": token, "good": true, "timestamp": "yesterday",
                "executionState": [1, 2], "code": { "not": "a string" },
            }),
        )],
        "huge-numbers" => vec![raw(
            &accepted,
            format!(
                r#"{{"clientToken":"{token}","good":true,"timestamp":1e400,"executionState":{{"versionNumber":184467440737095516160000,"status":"IN_PROGRESS"}}}}"#
            )
            .as_bytes(),
        )],
        "huge-version-mismatch" => vec![raw(
            &rejected,
            format!(
                r#"{{"clientToken":"{token}","code":"VersionMismatch","good":true,"executionState":{{"versionNumber":-99999999999999999999999}}}}"#
            )
            .as_bytes(),
        )],
        "invalid-utf8" => vec![raw(&accepted, &bad_utf8)],
        "invalid-utf8-then-good" => vec![raw(&accepted, &bad_utf8), good()],
        "oversized" => vec![text(
            &accepted,
            json!({ "clientToken": token, "good": true, "pad": "x".repeat(2 << 20) }),
        )],
        "largest-allowed" => vec![text(
            &accepted,
            json!({ "clientToken": token, "good": true, "pad": "x".repeat(120 << 10) }),
        )],
        "oversized-garbage-then-good" => vec![
            raw(&accepted, &vec![b'{'; 3 << 20]),
            raw(&rejected, &vec![0u8; 1 << 20]),
            good(),
        ],
        "not-an-object" => vec![
            raw(&accepted, format!(r#"["{token}"]"#).as_bytes()),
            raw(&accepted, format!(r#""{token}""#).as_bytes()),
            raw(&accepted, b"null"),
            raw(&accepted, b""),
            raw(&rejected, format!(r#"["{token}","InvalidJson"]"#).as_bytes()),
        ],
        "wrong-operation-topic" => vec![text(
            &format!("{sibling}/accepted"),
            json!({ "clientToken": token }),
        )],
        "rejected-without-token" => vec![text(
            &rejected,
            json!({ "code": "InvalidJson", "good": true }),
        )],
        "unknown-code" => vec![text(
            &rejected,
            json!({ "clientToken": token, "code": "NoSuchCode", "good": true }),
        )],
        "non-string-code" => vec![text(
            &rejected,
            json!({ "clientToken": token, "code": 42, "good": true }),
        )],
        "flood-then-good" => {
            // mosquitto queues at most 1,000 messages for a client (max_queued_messages) and
            // drops the rest: keep the flood (×3 operations) below that.
            let mut out: Vec<(String, Vec<u8>)> = (0..200)
                .map(|i| {
                    let t = if i % 2 == 0 { &accepted } else { &rejected };
                    text(t, json!({ "clientToken": format!("never-sent-{i}"), "code": "InvalidJson" }))
                })
                .collect();
            out.push(good());
            out
        }
        "good" => vec![good()],
        other => panic!("unknown scenario {other}"),
    }
}

/// Each scenario, with the result its operation must complete with and whether the reply
/// handed over must be the good one.
const SCENARIOS: &[(&str, i32, bool)] = &[
    ("wrong-token", TIMEOUT, false),
    ("wrong-token-then-good", SUCCESS, true),
    ("duplicate", SUCCESS, true),
    ("numeric-token", TIMEOUT, false),
    ("wrong-types", SUCCESS, true),
    ("huge-numbers", SUCCESS, true),
    ("huge-version-mismatch", VERSION_MISMATCH, true),
    ("invalid-utf8", TIMEOUT, false),
    ("invalid-utf8-then-good", SUCCESS, true),
    // Beyond AWS IoT's 128 KiB message limit: refused, so the operation times out.
    ("oversized", TIMEOUT, false),
    ("largest-allowed", SUCCESS, true),
    ("oversized-garbage-then-good", SUCCESS, true),
    ("not-an-object", TIMEOUT, false),
    ("wrong-operation-topic", TIMEOUT, false),
    ("rejected-without-token", INVALID_JSON, true),
    ("unknown-code", BAD_RESPONSE, true),
    ("non-string-code", BAD_RESPONSE, true),
    ("flood-then-good", SUCCESS, true),
];

/// A Paho client answering Jobs requests with [`replies`].
struct Hostile {
    client: paho::AsyncClient,
}

impl Hostile {
    fn start(port: u16) -> Hostile {
        let client = paho::CreateOptionsBuilder::new_v3()
            .server_uri(format!("tcp://127.0.0.1:{port}"))
            .client_id(format!("hostile-{}", free_port()))
            .persistence(None)
            // Paho refuses a publish when 100 are queued unsent (its default); a flood needs more.
            .max_buffered_messages(10_000)
            .create_client()
            .unwrap();
        client.set_message_callback(|cli, message| {
            let Some(m) = message else { return };
            let topic = m.topic();
            if topic.ends_with("/accepted") || topic.ends_with("/rejected") {
                return;
            }
            let thing = topic.split('/').nth(2).unwrap_or("");
            let Some(scenario) = thing.strip_prefix("hostile-") else {
                return;
            };
            let scenario = scenario.rsplit_once('_').map_or(scenario, |(name, _)| name);
            let request: serde_json::Value =
                serde_json::from_slice(m.payload()).unwrap_or_default();
            let token = request["clientToken"].as_str().unwrap_or("").to_owned();
            for (t, p) in replies(scenario, topic, &token) {
                // Never wait on a token in a Paho callback.
                drop(cli.publish(paho::Message::new(t, p, 1)));
            }
        });
        let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client.connect(options).wait_for(BOUND).expect("connect");
        client
            .subscribe("$aws/things/+/jobs/+/update", 1)
            .wait_for(BOUND)
            .expect("subscribe");
        Hostile { client }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self
            .client
            .disconnect(None)
            .wait_for(Duration::from_secs(1));
    }
}

/// What each operation's completion saw: (result, was it the good reply, reply length).
type Seen = Mutex<Vec<Vec<(i32, bool, usize)>>>;

#[test]
fn a_hostile_responder_never_crashes_the_library_nor_completes_the_wrong_operation() {
    let broker = Broker::plain();
    let _hostile = Hostile::start(broker.port);
    capi::init();
    // Generous: the oversized replies (megabytes through a debug build) must arrive whole
    // even on a loaded CI machine; speed is the bench's business, not this test's.
    let response_timeout = Duration::from_millis(15_000);
    capi::set_response_timeout(response_timeout);
    let conn = Conn::mqtt("127.0.0.1", broker.port, "hostile-victim", false);
    let job = cstring(JOB);
    // Three operations per scenario at once, on things of their own.
    let per = 3;
    let ops: Vec<(usize, std::ffi::CString)> = SCENARIOS
        .iter()
        .enumerate()
        .flat_map(|(s, (name, _, _))| {
            (0..per).map(move |k| (s, cstring(&format!("hostile-{name}_{k}"))))
        })
        .collect();
    let seen: &'static Seen = Box::leak(Box::new(Mutex::new(vec![Vec::new(); ops.len()])));
    let completions: Vec<Completion> = (0..ops.len())
        .map(|i| {
            Completion::new(move |result, reply| {
                let good = String::from_utf8_lossy(reply).contains(GOOD);
                seen.lock()[i].push((result, good, reply.len()));
            })
        })
        .collect();
    let start = Instant::now();
    for (i, (_, thing)) in ops.iter().enumerate() {
        let status = conn.update_async(thing, &job, STATE_IN_PROGRESS, 0, 0, &completions[i]);
        assert_eq!(status, STATUS_PENDING, "{thing:?}");
    }
    // Everything ends within the response timeout (plus scheduling slack).
    let all_done = || seen.lock().iter().all(|s| !s.is_empty());
    while !all_done() && start.elapsed() < response_timeout + BOUND {
        std::thread::sleep(Duration::from_millis(20));
    }
    // Late duplicates would arrive now.
    std::thread::sleep(Duration::from_millis(500));
    let seen_now = seen.lock().clone();
    for (i, (s, thing)) in ops.iter().enumerate() {
        let (name, result, good) = SCENARIOS[*s];
        let got = &seen_now[i];
        assert_eq!(
            got.len(),
            1,
            "{thing:?} completed {} times: {got:?}",
            got.len()
        );
        assert_eq!(got[0].0, result, "{name}: result");
        assert_eq!(got[0].1, good, "{name}: was the good reply handed over");
        if name == "largest-allowed" {
            assert!(got[0].2 > 120 << 10, "the whole largest reply");
        }
    }
    // Still working: a normal operation completes.
    let done = Mutex::new(None);
    let done: &'static Mutex<Option<i32>> = Box::leak(Box::new(done));
    let last = Completion::new(move |result, _| *done.lock() = Some(result));
    let thing = cstring("hostile-good_0");
    assert_eq!(
        conn.update_async(&thing, &job, STATE_IN_PROGRESS, 0, 0, &last),
        STATUS_PENDING
    );
    let until = Instant::now() + BOUND;
    while done.lock().is_none() && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(*done.lock(), Some(SUCCESS));
    drop(conn);
    capi::cleanup();
    drop(completions);
}
