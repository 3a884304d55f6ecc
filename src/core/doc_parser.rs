//! Finds the value of a key in an AWS IoT JSON document without allocating: the engine of
//! `AwsIotDocParser_FindValue` (`aws_iot_doc_parser.h`).
//!
//! As in v4, the search is for the first key, in document order and at any depth, whose raw
//! text between its quotes equals the given bytes, and the answer is the value's span: a string
//! with its quotes, an object or array with its brackets, or a primitive (`123`, `true`,
//! `null`) as written. v4's Jobs demo relies on the any-depth search: it reads `jobId` and
//! `jobDocument` from inside the `execution` object of a notify-next document. The document is
//! read as JSON tokens rather than v4's character scan, which makes these differences:
//! a string value equal to the key is never taken for the key; escaped backslashes before a
//! closing quote end the string; a primitive may be followed by whitespace, and by `]`; a value
//! whose brackets do not match (`[}`) or nest deeper than [`MAX_DEPTH`] is not found. Bad
//! input of any kind (unterminated strings, a missing value, a document cut short) makes the
//! search fail; it never reads past the document and runs in time linear in its length.

use std::ops::Range;

/// How deeply a found object or array value may nest (brackets inside it included); a deeper
/// value is not found. Jobs documents are at most 32 KB and nowhere near this.
pub const MAX_DEPTH: usize = 128;

/// The span of the value of the first key equal to `key` in `document`, or `None` when there is
/// no such key, `key` is empty, or that key's value is malformed.
pub fn find_value(document: &[u8], key: &[u8]) -> Option<Range<usize>> {
    if key.is_empty() {
        return None;
    }
    let mut at = 0;
    while at < document.len() {
        if document[at] != b'"' {
            at += 1;
            continue;
        }
        let close = string_end(document, at)?;
        let after = skip_whitespace(document, close + 1);
        if document.get(after) != Some(&b':') {
            // A string that is not a key (a value, or an array element).
            at = close + 1;
            continue;
        }
        if &document[at + 1..close] == key {
            let start = skip_whitespace(document, after + 1);
            let length = value_length(document, start)?;
            return Some(start..start + length);
        }
        at = after + 1;
    }
    None
}

fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r')
}

fn skip_whitespace(document: &[u8], mut at: usize) -> usize {
    while document.get(at).copied().is_some_and(is_whitespace) {
        at += 1;
    }
    at
}

/// The index of the quote that closes the string opened at `open`, or `None` if the document
/// ends first. A backslash escapes the byte after it.
fn string_end(document: &[u8], open: usize) -> Option<usize> {
    let mut at = open + 1;
    loop {
        match *document.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at),
            _ => at += 1,
        }
    }
}

/// The length of the value that starts at `start`.
fn value_length(document: &[u8], start: usize) -> Option<usize> {
    match *document.get(start)? {
        b'"' => Some(string_end(document, start)? - start + 1),
        b'{' | b'[' => Some(container_end(document, start)? - start + 1),
        b',' | b'}' | b']' | b':' => None,
        _ => {
            // A primitive ends at a delimiter; a document that ends first was cut short.
            let mut at = start;
            loop {
                let byte = *document.get(at)?;
                if matches!(byte, b',' | b'}' | b']') || is_whitespace(byte) {
                    return Some(at - start);
                }
                at += 1;
            }
        }
    }
}

/// The index of the bracket that closes the object or array opened at `open`, checking that
/// every bracket inside closes with its own kind. One bit per level records the kind, so no
/// allocation is needed and nesting is limited to [`MAX_DEPTH`].
fn container_end(document: &[u8], open: usize) -> Option<usize> {
    // Bit `d` of `kinds` is set when the bracket open at depth `d` is `{`.
    let mut kinds: u128 = 0;
    let mut depth = 0usize;
    let mut at = open;
    loop {
        match *document.get(at)? {
            b'"' => at = string_end(document, at)?,
            opening @ (b'{' | b'[') => {
                if depth == MAX_DEPTH {
                    return None;
                }
                if opening == b'{' {
                    kinds |= 1 << depth;
                } else {
                    kinds &= !(1 << depth);
                }
                depth += 1;
            }
            closing @ (b'}' | b']') => {
                depth -= 1;
                let opened_brace = kinds & (1 << depth) != 0;
                if opened_brace != (closing == b'}') {
                    return None;
                }
                if depth == 0 {
                    return Some(at);
                }
            }
            _ => {}
        }
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'a>(document: &'a str, key: &str) -> Option<&'a str> {
        find_value(document.as_bytes(), key.as_bytes()).map(|range| &document[range])
    }

    const NOTIFY_NEXT: &str = r#"{"timestamp":1700000000,"execution":{"jobId":"job-1","status":"QUEUED","queuedAt":1,"versionNumber":1,"executionNumber":1,"jobDocument":{"action":"print","message":"hi [there]"}}}"#;

    #[test]
    fn finds_nested_keys_as_the_v4_jobs_demo_reads_them() {
        assert_eq!(value(NOTIFY_NEXT, "jobId"), Some(r#""job-1""#));
        assert_eq!(
            value(NOTIFY_NEXT, "jobDocument"),
            Some(r#"{"action":"print","message":"hi [there]"}"#)
        );
        assert_eq!(value(NOTIFY_NEXT, "timestamp"), Some("1700000000"));
        assert_eq!(value(NOTIFY_NEXT, "executionNumber"), Some("1"));
        assert_eq!(value(NOTIFY_NEXT, "missing"), None);
    }

    #[test]
    fn returns_the_first_occurrence_in_document_order() {
        let document = r#"{"a":{"id":1},"id":2}"#;
        assert_eq!(value(document, "id"), Some("1"));
    }

    #[test]
    fn every_kind_of_value_is_measured_with_its_delimiters() {
        let document = r#"{ "s" : "x\"y" , "o":{"k":[1,{"z":"}"}]}, "a":[ "]", [] ], "t":true, "n":null, "f":-1.5e3}"#;
        assert_eq!(value(document, "s"), Some(r#""x\"y""#));
        assert_eq!(value(document, "o"), Some(r#"{"k":[1,{"z":"}"}]}"#));
        assert_eq!(value(document, "a"), Some(r#"[ "]", [] ]"#));
        assert_eq!(value(document, "t"), Some("true"));
        assert_eq!(value(document, "n"), Some("null"));
        assert_eq!(value(document, "f"), Some("-1.5e3"));
    }

    #[test]
    fn a_string_value_equal_to_the_key_is_not_the_key() {
        let document = r#"{"first":"jobId","jobId":"real"}"#;
        assert_eq!(value(document, "jobId"), Some(r#""real""#));
        assert_eq!(value(r#"["jobId", 1]"#, "jobId"), None);
    }

    #[test]
    fn an_escaped_backslash_ends_a_string() {
        let document = r#"{"path":"C:\\","next":"v"}"#;
        assert_eq!(value(document, "path"), Some(r#""C:\\""#));
        assert_eq!(value(document, "next"), Some(r#""v""#));
    }

    #[test]
    fn primitives_may_be_followed_by_whitespace_or_a_closing_bracket() {
        assert_eq!(value("{\"a\": 1 }", "a"), Some("1"));
        assert_eq!(value("{\"a\":[{\"b\":2}]}", "b"), Some("2"));
        assert_eq!(value("{\"a\":\n\ttrue\r\n}", "a"), Some("true"));
    }

    #[test]
    fn keys_are_compared_as_raw_text() {
        assert_eq!(value(r#"{"a\"b":1}"#, r#"a\"b"#), Some("1"));
        assert_eq!(value(r#"{"ab":1}"#, "a"), None);
        assert_eq!(value(r#"{"a":1}"#, "ab"), None);
    }

    #[test]
    fn malformed_values_are_not_found() {
        for (document, key) in [
            (r#"{"a":"unterminated}"#, "a"),
            (r#"{"a":{"b":1"#, "a"),
            (r#"{"a":[1,2}"#, "a"),
            (r#"{"a":{"b":[}]}"#, "a"),
            (r#"{"a":}"#, "a"),
            (r#"{"a":,"b":1}"#, "a"),
            (r#"{"a":"#, "a"),
            (r#"{"a":   "#, "a"),
            (r#"{"a":12"#, "a"),
            (r#"{"a"#, "a"),
            (r#"{"a":::}"#, "a"),
        ] {
            assert_eq!(value(document, key), None, "{document}");
        }
    }

    #[test]
    fn only_the_value_is_checked_not_the_rest_of_the_document() {
        // As v4, the parser does not validate the document: a complete value is found even if
        // the document around it is cut short.
        assert_eq!(value(r#"{"a":{"b":1}"#, "a"), Some(r#"{"b":1}"#));
    }

    #[test]
    fn a_malformed_first_match_ends_the_search() {
        // As v4: the first occurrence decides.
        assert_eq!(value(r#"{"a":}, "a":1}"#, "a"), None);
    }

    #[test]
    fn empty_inputs_find_nothing() {
        assert_eq!(value("", "a"), None);
        assert_eq!(value(r#"{"":1}"#, ""), None);
        assert_eq!(find_value(b"\"", b"a"), None);
        assert_eq!(find_value(b"\"\\", b"a"), None);
    }

    #[test]
    fn nesting_is_limited_without_allocation() {
        let deep =
            |levels: usize| format!("{{\"v\":{}1{}}}", "[".repeat(levels), "]".repeat(levels));
        let ok = deep(MAX_DEPTH);
        assert_eq!(value(&ok, "v").map(str::len), Some(2 * MAX_DEPTH + 1));
        assert_eq!(value(&deep(MAX_DEPTH + 1), "v"), None);
        // Brackets inside strings do not count.
        let quoted = format!("{{\"v\":[\"{}\"]}}", "[".repeat(1000));
        assert_eq!(value(&quoted, "v").map(str::len), Some(1004));
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_spans_stay_inside() {
        // A deterministic sweep over short byte strings made of JSON's structural characters.
        let alphabet = b"{}[]\":,\\ a1";
        let mut input = Vec::new();
        for seed in 0u32..200_000 {
            input.clear();
            let mut state = seed;
            for _ in 0..(seed % 12) {
                input.push(alphabet[(state % alphabet.len() as u32) as usize]);
                state /= alphabet.len() as u32;
                state = state.wrapping_mul(2_654_435_761).rotate_left(7) ^ seed;
            }
            if let Some(range) = find_value(&input, b"a") {
                assert!(
                    range.start < range.end && range.end <= input.len(),
                    "{input:?}"
                );
            }
        }
    }
}
