//! Arbitrary bytes into `reply::parse`: it never panics, and it reads exactly what a
//! `serde_json::Value` reading of the same bytes finds (`None` unless the payload is one JSON
//! object; `clientToken` and `code` only when they are strings; a non-string `clientToken`
//! makes the reply unreadable). Documents beyond `Value`'s own limits (nesting deeper than 128,
//! numbers beyond `f64`) are checked only against the serde reading: the quick one-pass reading
//! must never disagree with it on any input.
#![no_main]

use awsiotjobs::core::reply;
use awsiotjobs_fuzz::{beyond_value_limits, value_head, Head};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let read = reply::parse(data);
    assert_eq!(
        read,
        reply::parse_with_serde(data),
        "{:?}",
        String::from_utf8_lossy(data)
    );
    let head = read.map(|h| Head {
        client_token: h
            .client_token
            .map(|t| String::from_utf8(t.into_owned()).expect("a token of a UTF-8 reply")),
        code: h.code.map(Into::into),
        token_unreadable: h.token_unreadable,
    });
    if beyond_value_limits(data) {
        return;
    }
    assert_eq!(
        head,
        value_head(data),
        "{:?}",
        String::from_utf8_lossy(data)
    );
});
