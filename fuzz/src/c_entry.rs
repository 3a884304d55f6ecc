//! The `c_entry_points` target: its input, a sequence of C API calls whose structs are built
//! from fuzzed fields (pointers always NULL or valid), defined here; its encoding in `codec`;
//! and the parts that run it: `abi` (the C declarations), `app` (allocator, callbacks,
//! transport), `model` (the state of one input and its checks), `calls` (one call) and `run`
//! (one input, what the fuzz target calls).

mod abi;
mod app;
mod calls;
mod codec;
mod model;
mod run;

pub use run::run;

pub const THINGS: [&str; 3] = ["T1", "thing-2", "a/b"];
pub const JOBS: [&str; 3] = ["job1", "$next", "j-2"];
pub const TOKENS: [&str; 2] = ["tok-1", "tok-2"];
pub const DETAILS: [&str; 3] = [r#"{"a":"b"}"#, "{}", r#"{"x":1}"#];
pub const FLAGS: [u32; 4] = [0, 1, 2, 3];
pub const MAX_CALLS: usize = 24;
const RAW_MAX: usize = 160;

/// A (pointer, length) string argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Str {
    /// NULL with this length.
    Null(u16),
    /// A pool string, full length.
    Pool(usize),
    /// These bytes; the length passed is `len % (bytes.len() + 1)`.
    Raw(Vec<u8>, u16),
}

/// Which connection handle to pass.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Conn {
    /// The n-th connection made (live or destroyed).
    Made(usize),
    Null,
    Raw(u64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Req {
    pub conn: Conn,
    pub qos: u32,
    pub retry_limit: u32,
    pub retry_ms: u32,
    /// 0 NULL, 1 a counting malloc, 2 a malloc that fails.
    pub malloc: usize,
    pub thing: Str,
    pub job: Str,
    pub token: Str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Upd {
    pub status: u32,
    pub version: u32,
    pub execution: i32,
    pub step: i32,
    pub include_state: bool,
    pub include_document: bool,
    pub details: Str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cb {
    pub context: bool,
    /// 0 NULL, 1 callback A, 2 callback B.
    pub function: usize,
    pub old: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Handle {
    /// The n-th operation handle returned.
    Returned(usize),
    Null,
    Raw(u64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Topic {
    /// The reply topic of the last request published.
    ReplyToLast {
        rejected: bool,
    },
    Notify {
        thing: usize,
        next: bool,
    },
    Raw(Str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// `{"clientToken":<last request's token>,"code":<code>}`.
    ReplyToLast {
        code: usize,
    },
    Raw(Str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    Init(u32),
    Cleanup,
    /// `kind` 0 get-pending, 1 start-next, 2 describe, 3 update.
    Operation {
        kind: usize,
        sync: bool,
        req: Option<Req>,
        upd: Option<Upd>,
        execution: i32,
        include: bool,
        flags: u32,
        cb: Option<Cb>,
        out: bool,
        timeout: u32,
        resp: bool,
    },
    Wait {
        handle: Handle,
        timeout: u32,
        resp: bool,
    },
    Remove {
        req: Option<Req>,
        flags: u32,
    },
    Notify {
        next: bool,
        conn: Conn,
        thing: Str,
        flags: u32,
        cb: Option<Cb>,
    },
    /// 0 strerror, 1 StateName, 2 IotMqtt_strerror, 3 IotMqtt_OperationType.
    Text {
        which: usize,
        value: u32,
    },
    Receive {
        conn: Conn,
        topic: Topic,
        payload: Payload,
    },
    /// false: SetResponseTimeout, true: SetNotifyCallbackLimit.
    Setting {
        limit: bool,
        value: u32,
    },
    /// `missing` 0..=2 leaves that transport function NULL, 3 none; `out` false passes NULL.
    Connect {
        aws_iot: bool,
        missing: usize,
        out: bool,
    },
    Destroy(Conn),
    /// How every transport behaves from now on. `reply`: 0 none, 1 accepted, 2 rejected with
    /// `SERVICE_CODES[code]` (or an unknown code), 3 rejected without token, 4 accepted twice,
    /// 5 garbage.
    Knobs {
        subscribe: u32,
        unsubscribe: u32,
        publish: u32,
        reply: usize,
        code: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub calls: Vec<Call>,
}
