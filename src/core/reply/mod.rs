//! Reading the two fields of a reply that matching needs: `clientToken` and, for rejections,
//! `code`. The rest of the document is handed to the application untouched. The replies the
//! service sends every time are read by [`scan`] in one pass; serde reads the rest.

mod scan;

use serde::de::{Deserializer, Error, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

/// What matching needs from a reply; the token is borrowed from it when it has no escapes.
/// The token is kept as bytes (it is only ever compared): always valid UTF-8, since a reply
/// that is not is unreadable.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReplyHead<'a> {
    pub client_token: Option<Cow<'a, [u8]>>,
    pub code: Option<Cow<'a, str>>,
    /// True when a `clientToken` is present but not a string: such a reply belongs to no
    /// operation (it must not be taken for a tokenless one).
    pub token_unreadable: bool,
}

#[derive(Deserialize)]
struct Strict<'a> {
    /// `None` when absent, `Some(None)` when `null` (a token of the wrong type).
    #[serde(rename = "clientToken", borrow, default, deserialize_with = "present")]
    client_token: Option<Option<Cow<'a, str>>>,
    #[serde(borrow, default)]
    code: Option<Cow<'a, str>>,
}

/// Reads a field that is present, so that `null` is told apart from absent: a string (borrowed
/// when it has no escapes) or `null`; anything else is an error.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<Cow<'de, str>>>, D::Error> {
    struct StringOrNull;
    impl<'de> Visitor<'de> for StringOrNull {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<S: Deserializer<'de>>(self, d: S) -> Result<Self::Value, S::Error> {
            d.deserialize_str(self)
        }
    }
    d.deserialize_option(StringOrNull).map(Some)
}

/// Reads a reply. `None` when the payload is not a JSON object (such a reply can't be matched
/// and is dropped). A `code` of the wrong type counts as absent; a `clientToken` of the wrong
/// type sets `token_unreadable`.
pub fn parse(payload: &[u8]) -> Option<ReplyHead<'_>> {
    scan::plain_head(payload).or_else(|| parse_with_serde(payload))
}

/// [`parse`] without the quick reading: what decides every document the quick one leaves.
pub fn parse_with_serde(payload: &[u8]) -> Option<ReplyHead<'_>> {
    // serde reads a struct from an array too (`["token","code"]`): insist on an object.
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    // JSON is UTF-8 throughout; serde_json checks only the strings it keeps, so a reply with
    // invalid UTF-8 in a skipped field would otherwise be read.
    let text = std::str::from_utf8(payload).ok()?;
    if let Ok(head) = serde_json::from_str::<Strict<'_>>(text) {
        return Some(ReplyHead {
            token_unreadable: matches!(head.client_token, Some(None)),
            client_token: head.client_token.flatten().map(bytes),
            code: head.code,
        });
    }
    // Slow path for odd but valid documents (wrong field types, duplicate keys).
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let object = value.as_object()?;
    let field = |name: &str| {
        object
            .get(name)
            .and_then(|v| v.as_str())
            .map(|s| Cow::Owned(s.to_owned()))
    };
    let client_token = field("clientToken");
    Some(ReplyHead {
        token_unreadable: client_token.is_none() && object.contains_key("clientToken"),
        client_token: client_token.map(bytes),
        code: field("code"),
    })
}

fn bytes(text: Cow<'_, str>) -> Cow<'_, [u8]> {
    match text {
        Cow::Borrowed(s) => Cow::Borrowed(s.as_bytes()),
        Cow::Owned(s) => Cow::Owned(s.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_token_and_code() {
        let head =
            parse(br#"{"code":"VersionMismatch","message":"m","clientToken":"t-1","timestamp":1}"#)
                .unwrap();
        assert_eq!(head.client_token.as_deref(), Some(&b"t-1"[..]));
        assert_eq!(head.code.as_deref(), Some("VersionMismatch"));
    }

    #[test]
    fn escaped_tokens_are_unescaped() {
        let head = parse(br#"{"clientToken":"a\"b"}"#).unwrap();
        assert_eq!(head.client_token.as_deref(), Some(&b"a\"b"[..]));
    }

    #[test]
    fn a_plain_token_is_borrowed_from_the_reply() {
        // Read for every reply; `code` (rejections only) may be a copy.
        let head = parse(br#"{"clientToken":"t-9","code":"InvalidJson"}"#).unwrap();
        assert!(matches!(head.client_token, Some(Cow::Borrowed(b"t-9"))));
        assert_eq!(head.code.as_deref(), Some("InvalidJson"));
    }

    #[test]
    fn wrong_types_count_as_absent() {
        let head = parse(br#"{"clientToken":12,"code":"InvalidJson"}"#).unwrap();
        assert_eq!(head.client_token, None);
        assert!(head.token_unreadable);
        assert_eq!(head.code.as_deref(), Some("InvalidJson"));
        let head = parse(br#"{"code":"InvalidJson"}"#).unwrap();
        assert!(!head.token_unreadable);
        // Found by fuzz/reply_head: a null token was taken for no token.
        let head = parse(br#"{"clientToken":null,"code":"InvalidJson"}"#).unwrap();
        assert_eq!(head.client_token, None);
        assert!(head.token_unreadable);
    }

    #[test]
    fn a_lone_surrogate_in_a_skipped_field_is_skipped() {
        // Found by fuzz/reply_head: JSON's grammar allows `\uD803` alone; the values matching
        // does not need are checked, not decoded.
        let head = parse(br#"{"x":{"y\uD803":"\uDC00"},"clientToken":"t"}"#).unwrap();
        assert_eq!(head.client_token.as_deref(), Some(&b"t"[..]));
    }

    #[test]
    fn non_objects_and_garbage_are_unreadable() {
        assert_eq!(parse(b"[1,2]"), None);
        assert_eq!(parse(br#"["t-1","InvalidJson"]"#), None);
        assert_eq!(parse(br#" ["t-1"]"#), None);
        assert_eq!(parse(b"\xff\xfe"), None);
        assert_eq!(parse(b"{\"clientToken\":\"\xff\"}"), None);
        // Found by fuzz/reply_head: invalid UTF-8 in a field matching skips.
        assert_eq!(
            parse(b"{\"x\":{\"sta\x94tus\":1},\"clientToken\":\"t\"}"),
            None
        );
        assert_eq!(parse(b""), None);
        assert_eq!(parse(br#"{"clientToken":"x""#), None);
    }
}
