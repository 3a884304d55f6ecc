//! Input of the `requests` target: one request's fields, mostly from pools of edge values
//! (limits, `$next`, the step timeout bounds), otherwise raw.

use crate::{Reader, Writer};

pub const THINGS: [&str; 4] = ["T1", "a:b_c-D9", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "a/b"];
pub const JOBS: [&str; 5] = [
    "job1",
    "$next",
    "jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj",
    "",
    "j+1",
];
pub const TOKENS: [&str; 4] = [
    "tok-1",
    "tttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt",
    "a\"b\\c",
    "a b",
];
pub const DETAILS: [&str; 6] = [
    r#"{"a":"b"}"#,
    "{}",
    r#" {"progress":"50%","x":"\u00e9"} "#,
    r#"{"x":1}"#,
    r#"{"a":"b""#,
    r#"["a"]"#,
];
pub const STEPS: [i32; 7] = [0, -1, 1, 10080, 10081, -2, i32::MIN];
pub const EXECUTIONS: [i32; 5] = [-1, 0, 3, -2, i32::MAX];
const STR_MAX: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text {
    Absent,
    Pool(usize),
    Raw(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Details {
    Absent,
    Pool(usize),
    Raw(String),
    /// An object of these pairs, serialised by serde_json, padded with spaces; a `None`
    /// value is written as a number (which validation must refuse).
    Object {
        pairs: Vec<(String, Option<String>)>,
        pad: u8,
    },
    /// `{"k":"vvv…"}` of exactly this many bytes (the 32768 limit).
    Sized(u16),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Int {
    Pool(usize),
    Raw(i32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub thing: Text,
    pub operation: usize,
    pub job: Text,
    pub token: Text,
    /// A `JobState` (0..=7).
    pub status: usize,
    pub details: Details,
    pub expected_version: u32,
    pub execution_number: Int,
    pub include_state: bool,
    pub include_document: bool,
    pub step: Int,
}

fn read_text(r: &mut Reader, pool: usize) -> Text {
    match r.below(4) {
        0 => Text::Absent,
        1 | 2 => Text::Pool(r.below(pool)),
        _ => Text::Raw(r.string(STR_MAX)),
    }
}

fn write_text(w: &mut Writer, t: &Text, pool: usize) {
    match t {
        Text::Absent => w.below(0, 4),
        Text::Pool(i) => w.below(1, 4).below(*i, pool),
        Text::Raw(s) => w.below(3, 4).string(s, STR_MAX),
    };
}

fn read_int(r: &mut Reader, pool: usize) -> Int {
    if r.bool() {
        Int::Raw(r.i32())
    } else {
        Int::Pool(r.below(pool))
    }
}

fn write_int(w: &mut Writer, v: &Int, pool: usize) {
    match v {
        Int::Raw(n) => w.bool(true).i32(*n),
        Int::Pool(i) => w.bool(false).below(*i, pool),
    };
}

impl Input {
    pub fn decode(data: &[u8]) -> Input {
        let mut r = Reader::new(data);
        let thing = read_text(&mut r, THINGS.len());
        let operation = r.below(4);
        let job = read_text(&mut r, JOBS.len());
        let token = read_text(&mut r, TOKENS.len());
        let status = r.below(8);
        let details = match r.below(5) {
            0 => Details::Absent,
            1 => Details::Pool(r.below(DETAILS.len())),
            2 => Details::Raw(r.string(STR_MAX)),
            3 => {
                let n = r.below(4);
                let pairs = (0..n)
                    .map(|_| {
                        let key = r.string(40);
                        let value = r.bool().then(|| r.string(40));
                        (key, value)
                    })
                    .collect();
                Details::Object { pairs, pad: r.u8() }
            }
            _ => Details::Sized(r.u16()),
        };
        Input {
            thing,
            operation,
            job,
            token,
            status,
            details,
            expected_version: r.u32(),
            execution_number: read_int(&mut r, EXECUTIONS.len()),
            include_state: r.bool(),
            include_document: r.bool(),
            step: read_int(&mut r, STEPS.len()),
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        write_text(&mut w, &self.thing, THINGS.len());
        w.below(self.operation, 4);
        write_text(&mut w, &self.job, JOBS.len());
        write_text(&mut w, &self.token, TOKENS.len());
        w.below(self.status, 8);
        match &self.details {
            Details::Absent => w.below(0, 5),
            Details::Pool(i) => w.below(1, 5).below(*i, DETAILS.len()),
            Details::Raw(s) => w.below(2, 5).string(s, STR_MAX),
            Details::Object { pairs, pad } => {
                w.below(3, 5).below(pairs.len(), 4);
                for (k, v) in pairs {
                    w.string(k, 40);
                    match v {
                        Some(v) => w.bool(true).string(v, 40),
                        None => w.bool(false),
                    };
                }
                w.u8(*pad)
            }
            Details::Sized(n) => w.below(4, 5).u16(*n),
        };
        w.u32(self.expected_version);
        write_int(&mut w, &self.execution_number, EXECUTIONS.len());
        w.bool(self.include_state).bool(self.include_document);
        write_int(&mut w, &self.step, STEPS.len());
        w.out
    }

    /// The status details text, if any.
    pub fn details_text(&self) -> Option<String> {
        match &self.details {
            Details::Absent => None,
            Details::Pool(i) => Some(DETAILS[*i].to_owned()),
            Details::Raw(s) => Some(s.clone()),
            Details::Object { pairs, pad } => {
                let mut map = serde_json::Map::new();
                for (k, v) in pairs {
                    let v = match v {
                        Some(s) => serde_json::Value::String(s.clone()),
                        None => serde_json::Value::from(1),
                    };
                    map.insert(k.clone(), v);
                }
                let body = serde_json::Value::Object(map).to_string();
                let pad = " ".repeat((*pad % 4) as usize);
                Some(format!("{pad}{body}{pad}"))
            }
            Details::Sized(n) => {
                let n = (*n as usize).max(8);
                Some(format!("{{\"k\":\"{}\"}}", "v".repeat(n - 8)))
            }
        }
    }
}
