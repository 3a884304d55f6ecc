//! Shared pieces of the awsiotjobs fuzz targets.
//!
//! Every structured target reads its input with [`Reader`], a thin layer over
//! `arbitrary::Unstructured` that only uses fixed-width little-endian integers and
//! length-prefixed byte strings. [`Writer`] writes the same encoding, so the seed corpora under
//! `corpus/` are built from readable Rust values (see `seeds.rs`, run by
//! `cargo test --lib -- --ignored write_seeds`) and each seed is checked to decode back to the
//! value it was written from.

use arbitrary::Unstructured;
use awsiotjobs_testkit::loopback::Loopback;
use awsiotjobs::core::router::Router;
use std::sync::{Arc, Mutex};

pub mod c_entry;
pub mod inbound;
pub mod requests;
#[cfg(test)]
mod seeds;

/// Reads fuzz input. Reads past the end yield zeros and empty strings, never errors.
pub struct Reader<'a> {
    u: Unstructured<'a>,
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader {
            u: Unstructured::new(data),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.u.is_empty()
    }

    pub fn u8(&mut self) -> u8 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn u16(&mut self) -> u16 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn u32(&mut self) -> u32 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn i32(&mut self) -> i32 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn u64(&mut self) -> u64 {
        self.u.arbitrary().unwrap_or(0)
    }

    pub fn bool(&mut self) -> bool {
        self.u8() & 1 == 1
    }

    /// A choice among `n` (1..=256) alternatives.
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!((1..=256).contains(&n));
        self.u8() as usize % n
    }

    /// Up to `max` bytes, length-prefixed with a u16.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let want = self.u16() as usize % (max + 1);
        let n = want.min(self.u.len());
        self.u.bytes(n).map(<[u8]>::to_vec).unwrap_or_default()
    }

    /// Up to `max` bytes as text (invalid UTF-8 replaced).
    pub fn string(&mut self, max: usize) -> String {
        String::from_utf8_lossy(&self.bytes(max)).into_owned()
    }
}

/// Writes what [`Reader`] reads (for seeds).
#[derive(Default)]
pub struct Writer {
    pub out: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }

    pub fn u16(&mut self, v: u16) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }

    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(v as u8)
    }

    pub fn below(&mut self, choice: usize, n: usize) -> &mut Self {
        assert!(choice < n && n <= 256);
        self.u8(choice as u8)
    }

    pub fn bytes(&mut self, b: &[u8], max: usize) -> &mut Self {
        assert!(b.len() <= max && max < 65535, "{} > {max}", b.len());
        self.u16(b.len() as u16);
        self.out.extend_from_slice(b);
        self
    }

    pub fn string(&mut self, s: &str, max: usize) -> &mut Self {
        self.bytes(s.as_bytes(), max)
    }
}

/// The rejection codes of the service and the `AwsIotJobsError_t` each maps to, written out
/// here independently of `JobsError::from_service_code`.
pub const SERVICE_CODES: [(&str, u32); 9] = [
    ("InvalidTopic", 12),
    ("InvalidJson", 13),
    ("InvalidRequest", 14),
    ("InvalidStateTransition", 15),
    ("ResourceNotFound", 16),
    ("VersionMismatch", 17),
    ("InternalError", 18),
    ("RequestThrottled", 19),
    ("TerminalStateReached", 20),
];

/// `AWS_IOT_JOBS_BAD_RESPONSE`: a rejection with a missing or unknown code.
pub const BAD_RESPONSE: u32 = 7;

/// The code a rejection carrying `code` must complete with.
pub fn expected_rejection(code: Option<&str>) -> u32 {
    SERVICE_CODES
        .iter()
        .find(|(name, _)| Some(*name) == code)
        .map_or(BAD_RESPONSE, |(_, c)| *c)
}

/// What matching reads from a reply, computed with `serde_json::Value` only: `None` unless the
/// payload is one JSON object; a `clientToken` or `code` of another type than string counts as
/// absent, and a `clientToken` present with another type makes the reply unreadable
/// (`token_unreadable`: it belongs to no operation).
pub fn value_head(payload: &[u8]) -> Option<Head> {
    let value: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let object = value.as_object()?;
    let field = |name: &str| object.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let client_token = field("clientToken");
    Some(Head {
        token_unreadable: client_token.is_none() && object.contains_key("clientToken"),
        client_token,
        code: field("code"),
    })
}

/// The fields of a reply that matching uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub client_token: Option<String>,
    pub code: Option<String>,
    pub token_unreadable: bool,
}

/// True when `serde_json::Value` refuses `payload` for one of its own limits rather than for
/// not being JSON: nesting deeper than 128, a number beyond `f64` (`1e400`), or an escaped
/// lone surrogate (`"\uD803"`: JSON's grammar allows it, a Rust string cannot hold it; serde
/// says "lone … surrogate" or, when no escape follows a leading one, "unexpected end of hex
/// escape"). A reader that skips the unused fields accepts such documents.
pub fn beyond_value_limits(payload: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(payload).is_err_and(|e| {
        let e = e.to_string();
        ["recursion limit", "number out of range", "surrogate", "end of hex escape"]
            .iter()
            .any(|limit| e.contains(limit))
    })
}

/// Every `AwsIotJobsError_t` value the library may return.
pub const LEGAL_CODES: [u32; 18] = [
    0, 1, 2, 3, 4, 5, 7, 8, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
];

/// Messages a loopback saw published: (topic, payload).
pub type Published = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A loopback delivering to `router` whose responder records every publish and never answers.
pub fn recording_loopback(router: Arc<Router>, aws_iot: bool) -> (Arc<Loopback>, Published) {
    let loopback = Loopback::new(router, aws_iot);
    let published: Published = Arc::default();
    let record = published.clone();
    loopback.set_responder(move |topic: &str, payload: &[u8]| {
        record
            .lock()
            .unwrap()
            .push((topic.to_owned(), payload.to_vec()));
        Vec::new()
    });
    (loopback, published)
}
