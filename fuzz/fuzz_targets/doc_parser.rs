//! `doc_parser::find_value` (`AwsIotDocParser_FindValue`) on arbitrary bytes. Input: one byte
//! `n`, then a key of `n % 16` bytes, then the document. It never panics and never reads
//! outside the document; a found span holds one whole value of the kind its first byte says
//! (a string closed by an unescaped quote, balanced brackets, a primitive without delimiters).
//! When the document is valid JSON (within `serde_json::Value`'s limits) and neither it nor the
//! key holds a backslash (so raw and unescaped key texts agree), the key is found exactly when
//! some object at any depth has it, and the span is itself valid JSON.
#![no_main]

use awsiotjobs::core::doc_parser::find_value;
use awsiotjobs_fuzz::beyond_value_limits;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn has_key(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&n, rest)) = data.split_first() else {
        return;
    };
    let key_length = usize::from(n % 16).min(rest.len());
    let (key, document) = rest.split_at(key_length);
    let found = find_value(document, key);
    if let Some(range) = &found {
        assert!(range.start < range.end && range.end <= document.len());
        let span = &document[range.clone()];
        let last = span[span.len() - 1];
        match span[0] {
            b'"' => assert!(last == b'"' && span.len() >= 2),
            b'{' => assert_eq!(last, b'}'),
            b'[' => assert_eq!(last, b']'),
            _ => assert!(!span
                .iter()
                .any(|b| matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r'))),
        }
    }
    if key.contains(&b'\\') || document.contains(&b'\\') || beyond_value_limits(document) {
        return;
    }
    let (Ok(value), Ok(key)) = (
        serde_json::from_slice::<Value>(document),
        std::str::from_utf8(key),
    ) else {
        return;
    };
    assert_eq!(
        found.is_some(),
        !key.is_empty() && has_key(&value, key),
        "{key:?} in {:?}",
        String::from_utf8_lossy(document)
    );
    if let Some(range) = found {
        assert!(
            serde_json::from_slice::<Value>(&document[range]).is_ok(),
            "{:?}",
            String::from_utf8_lossy(document)
        );
    }
});
