//! Client tokens that are unique for the lifetime of the process.
//!
//! A token is a random per-process prefix and a counter, so a late reply to an operation of an
//! earlier run, or of an operation that already timed out, can never complete another one.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

static COUNTER: AtomicU64 = AtomicU64::new(1);

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

/// Appends a fresh token, at most [`MAX_LEN`] characters long (`xxxxxxxx-N`), to `into`
/// (where an operation keeps its names together).
pub fn write_next(into: &mut String) {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    into.push_str(prefix());
    into.push('-');
    push_decimal(into, n);
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
    use std::collections::HashSet;

    fn next() -> String {
        let mut token = String::new();
        write_next(&mut token);
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
    fn tokens_never_repeat_across_threads() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..10_000).map(|_| next()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for h in handles {
            for t in h.join().unwrap() {
                assert!(t.len() <= MAX_LEN);
                assert!(seen.insert(t), "a token repeated");
            }
        }
        assert_eq!(seen.len(), 40_000);
    }
}
