//! Reading the two fields of a reply that matching needs: `clientToken` and, for rejections,
//! `code`. The rest of the document is handed to the application untouched.

use serde::Deserialize;
use std::borrow::Cow;

/// What matching needs from a reply.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ReplyHead {
    pub client_token: Option<String>,
    pub code: Option<String>,
    /// True when a `clientToken` is present but not a string: such a reply belongs to no
    /// operation (it must not be taken for a tokenless one).
    pub token_unreadable: bool,
}

#[derive(Deserialize)]
struct Strict<'a> {
    #[serde(rename = "clientToken", borrow, default)]
    client_token: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    code: Option<Cow<'a, str>>,
}

/// Reads a reply. `None` when the payload is not a JSON object (such a reply can't be matched
/// and is dropped). A `code` of the wrong type counts as absent; a `clientToken` of the wrong
/// type sets `token_unreadable`.
pub fn parse(payload: &[u8]) -> Option<ReplyHead> {
    // serde reads a struct from an array too (`["token","code"]`): insist on an object.
    if payload.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    if let Ok(head) = serde_json::from_slice::<Strict<'_>>(payload) {
        return Some(ReplyHead {
            client_token: head.client_token.map(Cow::into_owned),
            code: head.code.map(Cow::into_owned),
            token_unreadable: false,
        });
    }
    // Slow path for odd but valid documents (wrong field types, duplicate keys).
    let value: serde_json::Value = serde_json::from_slice(payload).ok()?;
    let object = value.as_object()?;
    let field = |name: &str| object.get(name).and_then(|v| v.as_str()).map(str::to_owned);
    let client_token = field("clientToken");
    Some(ReplyHead {
        token_unreadable: client_token.is_none() && object.contains_key("clientToken"),
        client_token,
        code: field("code"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_token_and_code() {
        let head =
            parse(br#"{"code":"VersionMismatch","message":"m","clientToken":"t-1","timestamp":1}"#)
                .unwrap();
        assert_eq!(head.client_token.as_deref(), Some("t-1"));
        assert_eq!(head.code.as_deref(), Some("VersionMismatch"));
    }

    #[test]
    fn escaped_tokens_are_unescaped() {
        let head = parse(br#"{"clientToken":"a\"b"}"#).unwrap();
        assert_eq!(head.client_token.as_deref(), Some("a\"b"));
    }

    #[test]
    fn wrong_types_count_as_absent() {
        let head = parse(br#"{"clientToken":12,"code":"InvalidJson"}"#).unwrap();
        assert_eq!(head.client_token, None);
        assert!(head.token_unreadable);
        assert_eq!(head.code.as_deref(), Some("InvalidJson"));
        let head = parse(br#"{"code":"InvalidJson"}"#).unwrap();
        assert!(!head.token_unreadable);
    }

    #[test]
    fn non_objects_and_garbage_are_unreadable() {
        assert_eq!(parse(b"[1,2]"), None);
        assert_eq!(parse(br#"["t-1","InvalidJson"]"#), None);
        assert_eq!(parse(br#" ["t-1"]"#), None);
        assert_eq!(parse(b"\xff\xfe"), None);
        assert_eq!(parse(b"{\"clientToken\":\"\xff\"}"), None);
        assert_eq!(parse(b""), None);
        assert_eq!(parse(br#"{"clientToken":"x""#), None);
    }
}
