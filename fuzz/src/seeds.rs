//! The seed corpora, written from readable values:
//! `cargo +nightly test --lib -- --ignored write_seeds` (from `fuzz/`) rewrites
//! `corpus/<target>/seed-*`. Every seed is checked to decode back to the value it came from.

use crate::{c_entry, inbound, requests};
use std::path::Path;

/// Replies and notifications from the protocol, and odd documents.
const REPLIES: &[&str] = &[
    r#"{"inProgressJobs":[],"queuedJobs":[{"jobId":"job1","queuedAt":1,"lastUpdatedAt":1,"versionNumber":1,"executionNumber":1}],"timestamp":1,"clientToken":"91257680"}"#,
    r#"{"execution":{"jobId":"job1","thingName":"T1","jobDocument":{"op":"x"},"status":"IN_PROGRESS","statusDetails":{"a":"b"},"queuedAt":1,"startedAt":2,"lastUpdatedAt":2,"versionNumber":2,"executionNumber":1},"timestamp":2,"clientToken":"tok-start"}"#,
    r#"{"executionState":{"status":"SUCCEEDED","statusDetails":{},"versionNumber":3},"timestamp":3,"clientToken":"tok-upd"}"#,
    r#"{"code":"VersionMismatch","message":"m","clientToken":"tok-upd","timestamp":4,"executionState":{"status":"IN_PROGRESS","versionNumber":5}}"#,
    r#"{"code":"InvalidJson","message":"bad json","timestamp":5}"#,
    r#"{"code":"TerminalStateReached","clientToken":"t","timestamp":6}"#,
    r#"{"timestamp":7,"jobs":{"IN_PROGRESS":[],"QUEUED":[{"jobId":"job1","queuedAt":1}]}}"#,
    r#"{"timestamp":8}"#,
    r#"{"clientToken":12,"code":"InvalidJson"}"#,
    r#"{"clientToken":"a","clientToken":"b"}"#,
    r#"{"clientToken":"a\"b\u00e9"}"#,
    r#"["tok-1"]"#,
    "[1,2]",
    " \t{\"clientToken\":null}\r\n",
];

/// The requests the v4 library was seen to publish (abi-x86_64-linux.json observed_requests).
const OBSERVED: &[&str] = &[
    r#"{"clientToken":"91257680"}"#,
    r#"{"statusDetails":{"a":"b"},"stepTimeoutInMinutes":10,"clientToken":"tok-start"}"#,
    r#"{"includeJobDocument":false,"executionNumber":3,"clientToken":"91267296"}"#,
    r#"{"clientToken":"tok-d2"}"#,
    r#"{"status":"SUCCEEDED","statusDetails":{"x":1},"expectedVersion":"7","executionNumber":2,"includeJobExecutionState":true,"includeJobDocument":true,"stepTimeoutInMinutes":-1,"clientToken":"tok-upd"}"#,
    r#"{"status":"IN_PROGRESS","clientToken":"tok-upd"}"#,
];

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
}

fn inbound_seeds() -> Vec<(String, inbound::Input)> {
    use inbound::*;
    let msg = |topic, payload| Message {
        via_router: false,
        topic,
        payload,
    };
    let of = |op| PayloadSpec::Template {
        token: TokenField::OfOp(op),
        code: CodeField::Absent,
        extra: Vec::new(),
    };
    let base = Input {
        aws_iot: false,
        ops: Vec::new(),
        notify_bits: 0b111,
        app_filter: FilterSpec::Pool(0),
        messages: Vec::new(),
    };
    let mut out = Vec::new();
    // Each default operation answered in turn, accepted or rejected.
    let mut answers = base.clone();
    for op in 0..MAX_OPS {
        answers.messages.push(Message {
            via_router: op % 2 == 0,
            topic: TopicSpec::ReplyOf {
                op,
                rejected: op % 3 == 0,
            },
            payload: if op % 3 == 0 {
                PayloadSpec::Template {
                    token: TokenField::OfOp(op),
                    code: CodeField::Known(op),
                    extra: Vec::new(),
                }
            } else {
                of(op)
            },
        });
    }
    out.push(("answers".into(), answers));
    // Duplicates, foreign tokens, missing tokens, notifications and raw replies.
    let mut odd = base.clone();
    odd.aws_iot = true;
    for (i, reply) in REPLIES.iter().enumerate() {
        odd.messages.push(msg(
            TopicSpec::ReplyOf {
                op: i % MAX_OPS,
                rejected: i % 2 == 1,
            },
            PayloadSpec::Raw(reply.as_bytes().to_vec()),
        ));
    }
    out.push(("protocol-replies".into(), odd));
    let mut tricky = base.clone();
    tricky.notify_bits = 0b1111;
    tricky.app_filter = FilterSpec::Pool(1);
    tricky.messages = vec![
        msg(
            TopicSpec::ReplyOf {
                op: 3,
                rejected: false,
            },
            of(3),
        ),
        msg(
            TopicSpec::ReplyOf {
                op: 3,
                rejected: false,
            },
            of(3),
        ),
        msg(
            TopicSpec::ReplyOf {
                op: 2,
                rejected: false,
            },
            of(3),
        ),
        msg(
            TopicSpec::ReplyOf {
                op: 4,
                rejected: true,
            },
            PayloadSpec::Template {
                token: TokenField::Absent,
                code: CodeField::Known(1),
                extra: Vec::new(),
            },
        ),
        msg(
            TopicSpec::ReplyOf {
                op: 0,
                rejected: false,
            },
            PayloadSpec::Template {
                token: TokenField::Absent,
                code: CodeField::Absent,
                extra: Vec::new(),
            },
        ),
        msg(
            TopicSpec::Notify {
                thing: 0,
                next: true,
            },
            PayloadSpec::Raw(REPLIES[7].as_bytes().to_vec()),
        ),
        msg(
            TopicSpec::Notify {
                thing: 0,
                next: false,
            },
            PayloadSpec::Raw(REPLIES[6].as_bytes().to_vec()),
        ),
        msg(TopicSpec::RequestOf { op: 1 }, of(1)),
        msg(
            TopicSpec::Mutated {
                op: 5,
                rejected: false,
                at: 14,
                byte: b'/',
                mode: 1,
            },
            of(5),
        ),
        msg(
            TopicSpec::Built {
                thing: NameSpec::Pool(1),
                operation: 2,
                job: NameSpec::Pool(2),
                rejected: true,
            },
            PayloadSpec::Wrapped {
                prefix: b"{\"code\":\"ResourceNotFound\",\"clientToken\":".to_vec(),
                op: 5,
                suffix: b"}".to_vec(),
            },
        ),
        msg(
            TopicSpec::Raw("$aws/things/T1/jobs/job1/update/accepted/".into()),
            of(3),
        ),
    ];
    out.push(("tricky".into(), tricky));
    // Own operations: shared tokens on one topic, a token validation refuses.
    let own = Input {
        aws_iot: false,
        ops: vec![
            OpSpec {
                thing: 0,
                operation: 3,
                job: 0,
                token: TokenSpec::App(0),
                waitable: true,
            },
            OpSpec {
                thing: 0,
                operation: 3,
                job: 0,
                token: TokenSpec::App(0),
                waitable: false,
            },
            OpSpec {
                thing: 1,
                operation: 3,
                job: 2,
                token: TokenSpec::Auto,
                waitable: true,
            },
            OpSpec {
                thing: 2,
                operation: 0,
                job: 0,
                token: TokenSpec::Raw("bad token".into()),
                waitable: false,
            },
        ],
        notify_bits: 0,
        app_filter: FilterSpec::None,
        messages: vec![
            msg(
                TopicSpec::ReplyOf {
                    op: 0,
                    rejected: false,
                },
                of(0),
            ),
            msg(
                TopicSpec::ReplyOf {
                    op: 1,
                    rejected: false,
                },
                of(1),
            ),
            msg(
                TopicSpec::ReplyOf {
                    op: 2,
                    rejected: true,
                },
                PayloadSpec::Wrapped {
                    prefix: b"[".to_vec(),
                    op: 2,
                    suffix: b"]".to_vec(),
                },
            ),
        ],
    };
    out.push(("shared-tokens".into(), own));
    out
}

fn requests_seeds() -> Vec<(String, requests::Input)> {
    use requests::*;
    let base = Input {
        thing: Text::Pool(0),
        operation: 0,
        job: Text::Pool(0),
        token: Text::Absent,
        status: 1,
        details: Details::Absent,
        expected_version: 0,
        execution_number: Int::Pool(0),
        include_state: false,
        include_document: true,
        step: Int::Pool(0),
    };
    let mut out = vec![("get-pending".to_owned(), base.clone())];
    out.push((
        "start-next".into(),
        Input {
            operation: 1,
            token: Text::Raw("tok-start".into()),
            details: Details::Pool(0),
            step: Int::Raw(10),
            ..base.clone()
        },
    ));
    out.push((
        "describe".into(),
        Input {
            operation: 2,
            execution_number: Int::Raw(3),
            include_document: false,
            ..base.clone()
        },
    ));
    out.push((
        "describe-next".into(),
        Input {
            operation: 2,
            job: Text::Pool(1),
            token: Text::Raw("tok-d2".into()),
            ..base.clone()
        },
    ));
    out.push((
        "update-full".into(),
        Input {
            operation: 3,
            status: 3,
            token: Text::Raw("tok-upd".into()),
            details: Details::Pool(3),
            expected_version: 7,
            execution_number: Int::Raw(2),
            include_state: true,
            include_document: true,
            step: Int::Pool(1),
            ..base.clone()
        },
    ));
    out.push((
        "update-object".into(),
        Input {
            operation: 3,
            status: 2,
            token: Text::Pool(2),
            details: Details::Object {
                pairs: vec![
                    ("progress".into(), Some("50%".into())),
                    ("step:a_b-C".into(), Some("\u{e9}".into())),
                ],
                pad: 3,
            },
            expected_version: u32::MAX,
            step: Int::Pool(3),
            ..base.clone()
        },
    ));
    out.push((
        "update-object-bad".into(),
        Input {
            operation: 1,
            details: Details::Object {
                pairs: vec![
                    ("quote\"d".into(), Some("line\n".into())),
                    ("n".into(), None),
                ],
                pad: 0,
            },
            ..base.clone()
        },
    ));
    out.push((
        "update-limits".into(),
        Input {
            thing: Text::Pool(2),
            operation: 3,
            job: Text::Pool(2),
            token: Text::Pool(1),
            details: Details::Sized(32768),
            ..base.clone()
        },
    ));
    out.push((
        "update-bad".into(),
        Input {
            thing: Text::Raw("T 1".into()),
            operation: 3,
            job: Text::Pool(1),
            status: 4,
            details: Details::Raw(r#"{"a":"b"} x"#.into()),
            step: Int::Pool(4),
            ..base.clone()
        },
    ));
    out
}

fn c_entry_seeds() -> Vec<(String, c_entry::Input)> {
    use c_entry::*;
    let req = |job| Req {
        conn: Conn::Made(0),
        qos: 1,
        retry_limit: 0,
        retry_ms: 0,
        malloc: 1,
        thing: Str::Pool(0),
        job: Str::Pool(job),
        token: Str::Null(0),
    };
    let upd = Upd {
        status: 1,
        version: 0,
        execution: -1,
        step: 0,
        include_state: false,
        include_document: false,
        details: Str::Pool(0),
    };
    let op = |kind, sync, flags, cb: Option<Cb>| Call::Operation {
        kind,
        sync,
        req: Some(req(0)),
        upd: Some(upd.clone()),
        execution: -1,
        include: true,
        flags,
        cb,
        out: true,
        timeout: 5,
        resp: true,
    };
    let cb = Cb {
        context: true,
        function: 1,
        old: 0,
    };
    let mut out = vec![(
        "sync-each".to_owned(),
        Input {
            calls: vec![
                Call::Init(0),
                op(0, true, 0, None),
                op(1, true, 0, None),
                op(2, true, 0, None),
                op(3, true, 2, None),
                Call::Remove {
                    req: Some(req(0)),
                    flags: 0xf,
                },
            ],
        },
    )];
    out.push((
        "async-wait".to_owned(),
        Input {
            calls: vec![
                Call::Init(5000),
                Call::Knobs {
                    subscribe: 0,
                    unsubscribe: 0,
                    publish: 0,
                    reply: 0,
                    code: 0,
                },
                op(3, false, 1, None),
                op(2, false, 0, Some(cb.clone())),
                Call::Receive {
                    conn: Conn::Made(0),
                    topic: Topic::ReplyToLast { rejected: false },
                    payload: Payload::ReplyToLast { code: 10 },
                },
                Call::Wait {
                    handle: Handle::Returned(0),
                    timeout: 1,
                    resp: true,
                },
                Call::Wait {
                    handle: Handle::Returned(0),
                    timeout: 1,
                    resp: true,
                },
                Call::Wait {
                    handle: Handle::Returned(1),
                    timeout: 0,
                    resp: true,
                },
                Call::Wait {
                    handle: Handle::Raw(0xdead_beef),
                    timeout: 0,
                    resp: true,
                },
                Call::Cleanup,
            ],
        },
    ));
    out.push((
        "rejections".to_owned(),
        Input {
            calls: vec![
                Call::Init(1),
                Call::Knobs {
                    subscribe: 0,
                    unsubscribe: 0,
                    publish: 0,
                    reply: 2,
                    code: 5,
                },
                op(3, true, 0, None),
                Call::Knobs {
                    subscribe: 0,
                    unsubscribe: 0,
                    publish: 0,
                    reply: 3,
                    code: 1,
                },
                op(0, false, 0, Some(cb.clone())),
                Call::Knobs {
                    subscribe: 9,
                    unsubscribe: 8,
                    publish: 0,
                    reply: 4,
                    code: 10,
                },
                op(1, true, 0, None),
                Call::Knobs {
                    subscribe: 0,
                    unsubscribe: 0,
                    publish: 8,
                    reply: 5,
                    code: 0,
                },
                op(2, true, 0, None),
            ],
        },
    ));
    out.push((
        "notify".to_owned(),
        Input {
            calls: vec![
                Call::Init(0),
                Call::Notify {
                    next: true,
                    conn: Conn::Made(0),
                    thing: Str::Pool(0),
                    flags: 0,
                    cb: Some(cb.clone()),
                },
                Call::Notify {
                    next: false,
                    conn: Conn::Made(0),
                    thing: Str::Pool(0),
                    flags: 0,
                    cb: Some(Cb {
                        context: false,
                        function: 2,
                        old: 0,
                    }),
                },
                Call::Receive {
                    conn: Conn::Made(0),
                    topic: Topic::Notify {
                        thing: 0,
                        next: true,
                    },
                    payload: Payload::Raw(Str::Raw(br#"{"timestamp":8}"#.to_vec(), 15)),
                },
                Call::Notify {
                    next: true,
                    conn: Conn::Made(0),
                    thing: Str::Pool(0),
                    flags: 0,
                    cb: Some(Cb {
                        context: true,
                        function: 0,
                        old: 1,
                    }),
                },
                Call::Setting {
                    limit: true,
                    value: 1,
                },
                Call::Destroy(Conn::Made(0)),
                Call::Receive {
                    conn: Conn::Made(0),
                    topic: Topic::Notify {
                        thing: 0,
                        next: false,
                    },
                    payload: Payload::Raw(Str::Pool(0)),
                },
            ],
        },
    ));
    out.push((
        "bad-params".to_owned(),
        Input {
            calls: vec![
                op(0, true, 0, None),
                Call::Remove {
                    req: None,
                    flags: 1,
                },
                Call::Init(0),
                Call::Operation {
                    kind: 3,
                    sync: false,
                    req: Some(Req {
                        conn: Conn::Raw(0x00c0_ffee_0000_0010),
                        qos: 2,
                        retry_limit: 1,
                        retry_ms: 1,
                        malloc: 2,
                        thing: Str::Raw(b"T\xff1".to_vec(), 3),
                        job: Str::Pool(1),
                        token: Str::Raw(vec![b'x'; 70], 65),
                    }),
                    upd: None,
                    execution: -2,
                    include: false,
                    flags: 3,
                    cb: Some(cb.clone()),
                    out: false,
                    timeout: 0,
                    resp: false,
                },
                Call::Operation {
                    kind: 1,
                    sync: true,
                    req: Some(req(1)),
                    upd: Some(Upd {
                        status: 9,
                        step: 10081,
                        details: Str::Raw(br#"{"x":1}"#.to_vec(), 7),
                        ..upd.clone()
                    }),
                    execution: 0,
                    include: false,
                    flags: 0,
                    cb: None,
                    out: true,
                    timeout: 0,
                    resp: true,
                },
                Call::Text {
                    which: 0,
                    value: 21,
                },
                Call::Text { which: 1, value: 7 },
                Call::Text {
                    which: 2,
                    value: u32::MAX,
                },
                Call::Text { which: 3, value: 3 },
                Call::Connect {
                    aws_iot: true,
                    missing: 1,
                    out: true,
                },
                Call::Connect {
                    aws_iot: true,
                    missing: 3,
                    out: true,
                },
                Call::Wait {
                    handle: Handle::Null,
                    timeout: 0,
                    resp: false,
                },
            ],
        },
    ));
    out
}

#[test]
fn seeds_decode_to_what_they_were_written_from() {
    for (name, input) in inbound_seeds() {
        assert_eq!(inbound::Input::decode(&input.encode()), input, "{name}");
    }
    for (name, input) in requests_seeds() {
        assert_eq!(requests::Input::decode(&input.encode()), input, "{name}");
    }
    for (name, input) in c_entry_seeds() {
        assert_eq!(c_entry::Input::decode(&input.encode()), input, "{name}");
    }
}

#[test]
#[ignore = "writes corpus/: run explicitly to regenerate the seeds"]
fn write_seeds() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for (name, input) in inbound_seeds() {
        write(&corpus.join("inbound"), &name, &input.encode());
    }
    for (name, input) in requests_seeds() {
        write(&corpus.join("requests"), &name, &input.encode());
    }
    for (name, input) in c_entry_seeds() {
        write(&corpus.join("c_entry_points"), &name, &input.encode());
    }
    for (i, reply) in REPLIES.iter().chain(OBSERVED).enumerate() {
        write(
            &corpus.join("reply_head"),
            &format!("{i:02}"),
            reply.as_bytes(),
        );
    }
}
