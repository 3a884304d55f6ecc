//! Client tokens that are unique for the lifetime of the process.
//!
//! A token is a random per-process prefix and the operation's ID (never reused within a
//! process), so a late reply to an operation of an earlier run, or of an operation that already
//! timed out, can never complete another one; and a reply's token leads straight back to its
//! operation ([`id_of`]), with no index of tokens to keep.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;

fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        format!("{:08x}", hasher.finish() as u32)
    })
}

/// The longest token: the prefix, a dash and the longest `u64`.
pub const MAX_LEN: usize = 8 + 1 + 20;

/// Appends the token of operation `id`, at most [`MAX_LEN`] characters long (`xxxxxxxx-N`),
/// to `into` (where an operation keeps its names together).
pub fn write_for(into: &mut String, id: u64) {
    into.push_str(prefix());
    into.push('-');
    push_decimal(into, id);
}

/// The operation ID a token written by [`write_for`] in this process carries; `None` for any
/// other token (the application's own, another run's, or one that only looks like ours:
/// leading zeros, a sign, more digits than a `u64` holds).
pub fn id_of(token: &[u8]) -> Option<u64> {
    let digits = token
        .strip_prefix(prefix().as_bytes())?
        .strip_prefix(b"-")?;
    if digits.is_empty() || digits.len() > 20 || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// Appends `n` in decimal: a token per operation, without the formatting machinery.
fn push_decimal(into: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[start..] {
        into.push(char::from(d));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(id: u64) -> String {
        let mut token = String::new();
        write_for(&mut token, id);
        token
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 1_000_000, u64::MAX] {
            let mut s = String::from("x");
            push_decimal(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn a_token_leads_back_to_its_operation_and_no_other_does() {
        for id in [0, 1, 9, 10, 12_345, u64::MAX] {
            let t = token(id);
            assert!(t.len() <= MAX_LEN);
            assert_eq!(id_of(t.as_bytes()), Some(id), "{t}");
        }
        assert_ne!(token(1), token(10));
        let p = prefix();
        // Another run's prefix: ours with its first digit changed.
        let first = if p.starts_with('0') { "1" } else { "0" };
        let foreign = format!("{first}{}-1", &p[1..]);
        for other in [
            format!("{p}-"),
            format!("{p}-01"),
            format!("{p}-+1"),
            format!("{p}-1a"),
            format!("{p}-18446744073709551616"),
            format!("{p}1"),
            format!("{p}--1"),
            foreign,
            "1".to_owned(),
            String::new(),
        ] {
            assert_eq!(id_of(other.as_bytes()), None, "{other}");
        }
    }
}
