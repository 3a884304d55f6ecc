//! The quick reading of a reply: one pass over the bytes that checks the whole document's JSON
//! grammar and picks out the top-level `clientToken` and `code`. It answers only for the
//! documents the service sends every time: ASCII, no escapes, no duplicated field of the two
//! it reads, both of them strings when present, nesting at most [`MAX_DEPTH`] deep. For
//! anything else it returns `None` and the serde reading decides, so the two can never
//! disagree on a document this one accepts.

use super::ReplyHead;
use std::borrow::Cow;

/// Deeper documents are left to serde (which has its own limit of 128).
const MAX_DEPTH: usize = 32;

/// Reads `payload` when it is a plain document; `None` means "ask serde", not "unreadable".
pub fn plain_head(payload: &[u8]) -> Option<ReplyHead<'_>> {
    let mut c = Cursor { b: payload, i: 0 };
    c.space();
    c.expect(b'{')?;
    let (mut token, mut code) = (None, None);
    c.space();
    if c.peek()? == b'}' {
        c.i += 1;
    } else {
        loop {
            let key = c.string()?;
            let key = &c.b[key.0..key.1];
            c.space();
            c.expect(b':')?;
            c.space();
            match key {
                b"clientToken" if token.is_none() => token = Some(c.string()?),
                b"code" if code.is_none() => code = Some(c.string()?),
                b"clientToken" | b"code" => return None,
                _ => c.value(1)?,
            }
            if !c.next_member()? {
                if c.b[c.i - 1] != b'}' {
                    return None;
                }
                break;
            }
        }
    }
    c.space();
    if c.i != c.b.len() {
        return None;
    }
    // Every byte outside strings was grammar and every byte inside them ASCII: the payload is
    // valid UTF-8 without a second look.
    let field = |(start, end): (usize, usize)| &payload[start..end];
    Some(ReplyHead {
        client_token: token.map(|t| Cow::Borrowed(field(t))),
        code: match code {
            // Rejections only.
            Some(t) => Some(Cow::Borrowed(std::str::from_utf8(field(t)).ok()?)),
            None => None,
        },
        token_unreadable: false,
    })
}

/// Bytes that end the quick reading of a string: its closing quote, an escape or any byte
/// beyond ASCII (left to serde), or a control character (not allowed in JSON strings).
const STRING_STOP: [bool; 256] = {
    let mut t = [true; 256];
    let mut b = 0x20;
    while b < 0x80 {
        t[b] = false;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.i += 1)
    }

    /// Skips JSON white space (space, tab, line feed, carriage return; nothing else).
    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// After a member or an element: true at `,` (and the white space after it), false at the
    /// closing `}` or `]` (consumed).
    fn next_member(&mut self) -> Option<bool> {
        self.space();
        match self.peek()? {
            b',' => {
                self.i += 1;
                self.space();
                Some(true)
            }
            b'}' | b']' => {
                self.i += 1;
                Some(false)
            }
            _ => None,
        }
    }

    /// A string of printable ASCII without escapes; where its content starts and ends.
    fn string(&mut self) -> Option<(usize, usize)> {
        self.expect(b'"')?;
        let start = self.i;
        let len = self.b[start..]
            .iter()
            .position(|&b| STRING_STOP[b as usize])?;
        self.i = start + len;
        self.expect(b'"')?;
        Some((start, start + len))
    }

    /// Any value, checked and skipped.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' | b'[' if depth < MAX_DEPTH => self.container(depth),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// An object or an array, its opening byte not yet consumed. A closing byte of the wrong
    /// kind (`[1}`) is caught here.
    fn container(&mut self, depth: usize) -> Option<()> {
        let object = self.peek()? == b'{';
        self.i += 1;
        self.space();
        if self.peek()? == if object { b'}' } else { b']' } {
            self.i += 1;
            return Some(());
        }
        loop {
            if object {
                self.string()?;
                self.space();
                self.expect(b':')?;
                self.space();
            }
            self.value(depth + 1)?;
            if !self.next_member()? {
                let close = self.b[self.i - 1];
                return (close == if object { b'}' } else { b']' }).then_some(());
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek()? {
            b'0' => self.i += 1,
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.one_or_more_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.one_or_more_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        let rest = &self.b[self.i..];
        self.i += rest
            .iter()
            .position(|b| !b.is_ascii_digit())
            .unwrap_or(rest.len());
    }

    fn one_or_more_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Option<(Option<String>, Option<String>)> {
        plain_head(text.as_bytes()).map(|h| {
            (
                h.client_token
                    .map(|t| String::from_utf8(t.into_owned()).unwrap()),
                h.code.map(Cow::into_owned),
            )
        })
    }

    fn some(token: Option<&str>, code: Option<&str>) -> Option<(Option<String>, Option<String>)> {
        Some((token.map(str::to_owned), code.map(str::to_owned)))
    }

    #[test]
    fn reads_the_replies_the_service_sends() {
        assert_eq!(
            head(r#"{"timestamp":1733,"clientToken":"7"}"#),
            some(Some("7"), None)
        );
        assert_eq!(
            head(
                r#" { "executionState" : {"status":"IN_PROGRESS","statusDetails":{"a":"b"},
                "versionNumber":2}, "execution":{"queuedAt":-1.5e+3,"list":[1,[],{},true,false,null]},
                "timestamp":0.25,"clientToken":"t-1" } "#
            ),
            some(Some("t-1"), None)
        );
        assert_eq!(
            head(r#"{"code":"VersionMismatch","message":"m","clientToken":"c"}"#),
            some(Some("c"), Some("VersionMismatch"))
        );
        assert_eq!(head("{}"), some(None, None));
        assert_eq!(head(r#"{"jobs":[]}"#), some(None, None));
    }

    #[test]
    fn a_token_is_borrowed_from_the_payload() {
        let payload = br#"{"clientToken":"t-9"}"#;
        let h = plain_head(payload).unwrap();
        assert!(matches!(h.client_token, Some(Cow::Borrowed(b"t-9"))));
    }

    #[test]
    fn leaves_everything_unusual_to_serde() {
        for text in [
            // not the grammar
            "",
            "[]",
            "{",
            r#"{"clientToken":"x""#,
            r#"{"a":1,}"#,
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":1e}"#,
            r#"{"a":-}"#,
            r#"{"a":[1}"#,
            r#"{"a":{"b":1]}"#,
            r#"{"a":1]"#,
            r#"{"a":tru}"#,
            r#"{"a" 1}"#,
            r#"{"a":1}x"#,
            "{\"a\":1}\x0c",
            "\x0c{}",
            // plain grammar but not plain enough
            r#"{"clientToken":"a\"b"}"#,
            r#"{"x":"\u0041"}"#,
            "{\"x\":\"tab\there\"}",
            r#"{"clientToken":null}"#,
            r#"{"clientToken":12}"#,
            r#"{"code":null}"#,
            r#"{"clientToken":"a","clientToken":"b"}"#,
            r#"{"code":"a","code":"b"}"#,
        ] {
            assert_eq!(head(text), None, "{text:?}");
        }
        assert_eq!(plain_head(b"{\"x\":\"\xff\"}"), None);
        assert_eq!(head("{\"x\":\"caf\u{e9}\"}"), None);
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(40), "]".repeat(40));
        assert_eq!(head(&deep), None);
        let fits = format!("{{\"a\":{}1{}}}", "[".repeat(20), "]".repeat(20));
        assert_eq!(head(&fits), some(None, None));
    }
}
