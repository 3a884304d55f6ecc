//! Input of the `inbound` target: the operations to put in flight, the notify callbacks to
//! register, and the messages to hand to the engine.

use crate::{Reader, Writer};

pub const THINGS: [&str; 3] = ["T1", "thing-2", "a:b_c"];
pub const JOBS: [&str; 3] = ["job1", "j-2", "$next"];
pub const APP_TOKENS: [&str; 2] = ["tok-a", "tok-b"];
pub const FILTERS: [&str; 3] = ["$aws/things/+/jobs/#", "#", "$aws/things/T1/jobs/notify"];
pub const MAX_OPS: usize = 8;
pub const MAX_MESSAGES: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenSpec {
    /// Let the engine generate one.
    Auto,
    /// One of [`APP_TOKENS`] (so two operations may share a token).
    App(usize),
    /// Anything (may fail validation: then the operation is never started).
    Raw(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpSpec {
    pub thing: usize,
    /// 0 get-pending, 1 start-next, 2 describe, 3 update.
    pub operation: usize,
    pub job: usize,
    pub token: TokenSpec,
    pub waitable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameSpec {
    Pool(usize),
    Raw(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TopicSpec {
    /// The exact reply topic of operation `op`.
    ReplyOf {
        op: usize,
        rejected: bool,
    },
    /// A reply topic built from names.
    Built {
        thing: NameSpec,
        operation: usize,
        job: NameSpec,
        rejected: bool,
    },
    Notify {
        thing: usize,
        next: bool,
    },
    /// The reply topic of `op` with one byte replaced (mode 0), inserted (1) or removed (2).
    Mutated {
        op: usize,
        rejected: bool,
        at: u16,
        byte: u8,
        mode: usize,
    },
    Raw(String),
    /// The request topic of `op` (a broker echoing our own publish).
    RequestOf {
        op: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenField {
    OfOp(usize),
    Absent,
    Raw(String),
    Number,
    Null,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeField {
    Absent,
    Known(usize),
    Raw(String),
    Number,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadSpec {
    Raw(Vec<u8>),
    /// `{"clientToken":…,"code":…,"timestamp":1<extra>}`; `extra` goes in raw.
    Template {
        token: TokenField,
        code: CodeField,
        extra: Vec<u8>,
    },
    /// `prefix` + the JSON string of `op`'s token + `suffix`.
    Wrapped {
        prefix: Vec<u8>,
        op: usize,
        suffix: Vec<u8>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub via_router: bool,
    pub topic: TopicSpec,
    pub payload: PayloadSpec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterSpec {
    None,
    Pool(usize),
    Raw(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub aws_iot: bool,
    /// Empty means [`default_ops`].
    pub ops: Vec<OpSpec>,
    /// Bit 0: a notify-pending callback on T1; bit 1: notify-next on T1; bit 2: notify-pending
    /// on thing-2; bit 3: a second notify-pending callback on T1.
    pub notify_bits: u8,
    pub app_filter: FilterSpec,
    pub messages: Vec<Message>,
}

/// Several waitable and callback operations on a few things and jobs, two sharing a token.
pub fn default_ops() -> Vec<OpSpec> {
    let op = |thing, operation, job, token, waitable| OpSpec {
        thing,
        operation,
        job,
        token,
        waitable,
    };
    vec![
        op(0, 0, 0, TokenSpec::Auto, true),
        op(0, 1, 0, TokenSpec::Auto, false),
        op(0, 2, 0, TokenSpec::App(0), true),
        op(0, 3, 0, TokenSpec::App(0), false),
        op(0, 3, 1, TokenSpec::Auto, true),
        op(1, 2, 2, TokenSpec::App(1), false),
        op(1, 3, 1, TokenSpec::Auto, false),
        op(2, 0, 0, TokenSpec::App(1), true),
    ]
}

const RAW_MAX: usize = 256;
const NAME_MAX: usize = 80;

fn read_name(r: &mut Reader, pool: usize) -> NameSpec {
    match r.below(pool + 1) {
        i if i < pool => NameSpec::Pool(i),
        _ => NameSpec::Raw(r.string(NAME_MAX)),
    }
}

fn write_name(w: &mut Writer, n: &NameSpec, pool: usize) {
    match n {
        NameSpec::Pool(i) => {
            w.below(*i, pool + 1);
        }
        NameSpec::Raw(s) => {
            w.below(pool, pool + 1).string(s, NAME_MAX);
        }
    }
}

impl Input {
    pub fn decode(data: &[u8]) -> Input {
        let mut r = Reader::new(data);
        let aws_iot = r.bool();
        let n_ops = r.below(MAX_OPS + 1);
        let ops = (0..n_ops)
            .map(|_| OpSpec {
                thing: r.below(THINGS.len()),
                operation: r.below(4),
                job: r.below(JOBS.len()),
                token: match r.below(4) {
                    0 => TokenSpec::Auto,
                    1 => TokenSpec::App(0),
                    2 => TokenSpec::App(1),
                    _ => TokenSpec::Raw(r.string(NAME_MAX)),
                },
                waitable: r.bool(),
            })
            .collect();
        let notify_bits = r.u8();
        let app_filter = match r.below(5) {
            0 | 1 => FilterSpec::None,
            2 => FilterSpec::Pool(r.below(FILTERS.len())),
            _ => FilterSpec::Raw(r.string(NAME_MAX)),
        };
        let mut messages = Vec::new();
        while !r.is_empty() && messages.len() < MAX_MESSAGES {
            let via_router = r.bool();
            let topic = match r.below(6) {
                0 => TopicSpec::ReplyOf {
                    op: r.below(MAX_OPS),
                    rejected: r.bool(),
                },
                1 => TopicSpec::Built {
                    thing: read_name(&mut r, THINGS.len()),
                    operation: r.below(4),
                    job: read_name(&mut r, JOBS.len()),
                    rejected: r.bool(),
                },
                2 => TopicSpec::Notify {
                    thing: r.below(THINGS.len()),
                    next: r.bool(),
                },
                3 => TopicSpec::Mutated {
                    op: r.below(MAX_OPS),
                    rejected: r.bool(),
                    at: r.u16(),
                    byte: r.u8(),
                    mode: r.below(3),
                },
                4 => TopicSpec::Raw(r.string(RAW_MAX)),
                _ => TopicSpec::RequestOf {
                    op: r.below(MAX_OPS),
                },
            };
            let payload = match r.below(3) {
                0 => PayloadSpec::Raw(r.bytes(RAW_MAX)),
                1 => PayloadSpec::Template {
                    token: match r.below(5) {
                        0 => TokenField::OfOp(r.below(MAX_OPS)),
                        1 => TokenField::Absent,
                        2 => TokenField::Raw(r.string(NAME_MAX)),
                        3 => TokenField::Number,
                        _ => TokenField::Null,
                    },
                    code: match r.below(4) {
                        0 => CodeField::Absent,
                        1 => CodeField::Known(r.below(crate::SERVICE_CODES.len())),
                        2 => CodeField::Raw(r.string(NAME_MAX)),
                        _ => CodeField::Number,
                    },
                    extra: r.bytes(RAW_MAX),
                },
                _ => PayloadSpec::Wrapped {
                    prefix: r.bytes(NAME_MAX),
                    op: r.below(MAX_OPS),
                    suffix: r.bytes(NAME_MAX),
                },
            };
            messages.push(Message {
                via_router,
                topic,
                payload,
            });
        }
        Input {
            aws_iot,
            ops,
            notify_bits,
            app_filter,
            messages,
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        w.bool(self.aws_iot).below(self.ops.len(), MAX_OPS + 1);
        for op in &self.ops {
            w.below(op.thing, THINGS.len())
                .below(op.operation, 4)
                .below(op.job, JOBS.len());
            match &op.token {
                TokenSpec::Auto => w.below(0, 4),
                TokenSpec::App(i) => w.below(1 + i, 4),
                TokenSpec::Raw(s) => w.below(3, 4).string(s, NAME_MAX),
            };
            w.bool(op.waitable);
        }
        w.u8(self.notify_bits);
        match &self.app_filter {
            FilterSpec::None => w.below(0, 5),
            FilterSpec::Pool(i) => w.below(2, 5).below(*i, FILTERS.len()),
            FilterSpec::Raw(s) => w.below(3, 5).string(s, NAME_MAX),
        };
        for m in &self.messages {
            w.bool(m.via_router);
            match &m.topic {
                TopicSpec::ReplyOf { op, rejected } => {
                    w.below(0, 6).below(*op, MAX_OPS).bool(*rejected);
                }
                TopicSpec::Built {
                    thing,
                    operation,
                    job,
                    rejected,
                } => {
                    w.below(1, 6);
                    write_name(&mut w, thing, THINGS.len());
                    w.below(*operation, 4);
                    write_name(&mut w, job, JOBS.len());
                    w.bool(*rejected);
                }
                TopicSpec::Notify { thing, next } => {
                    w.below(2, 6).below(*thing, THINGS.len()).bool(*next);
                }
                TopicSpec::Mutated {
                    op,
                    rejected,
                    at,
                    byte,
                    mode,
                } => {
                    w.below(3, 6)
                        .below(*op, MAX_OPS)
                        .bool(*rejected)
                        .u16(*at)
                        .u8(*byte)
                        .below(*mode, 3);
                }
                TopicSpec::Raw(s) => {
                    w.below(4, 6).string(s, RAW_MAX);
                }
                TopicSpec::RequestOf { op } => {
                    w.below(5, 6).below(*op, MAX_OPS);
                }
            }
            match &m.payload {
                PayloadSpec::Raw(b) => {
                    w.below(0, 3).bytes(b, RAW_MAX);
                }
                PayloadSpec::Template { token, code, extra } => {
                    w.below(1, 3);
                    match token {
                        TokenField::OfOp(i) => w.below(0, 5).below(*i, MAX_OPS),
                        TokenField::Absent => w.below(1, 5),
                        TokenField::Raw(s) => w.below(2, 5).string(s, NAME_MAX),
                        TokenField::Number => w.below(3, 5),
                        TokenField::Null => w.below(4, 5),
                    };
                    match code {
                        CodeField::Absent => w.below(0, 4),
                        CodeField::Known(i) => w.below(1, 4).below(*i, crate::SERVICE_CODES.len()),
                        CodeField::Raw(s) => w.below(2, 4).string(s, NAME_MAX),
                        CodeField::Number => w.below(3, 4),
                    };
                    w.bytes(extra, RAW_MAX);
                }
                PayloadSpec::Wrapped { prefix, op, suffix } => {
                    w.below(2, 3)
                        .bytes(prefix, NAME_MAX)
                        .below(*op, MAX_OPS)
                        .bytes(suffix, NAME_MAX);
                }
            }
        }
        w.out
    }
}
