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
const MAX_LEN: usize = 8 + 1 + 20;

/// A fresh token, at most 29 characters long (`xxxxxxxx-N`), in one allocation (`format!`
/// grew its string twice on the way).
pub fn next() -> String {
    use std::fmt::Write as _;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut token = String::with_capacity(MAX_LEN);
    token.push_str(prefix());
    token.push('-');
    // Writing into a String cannot fail.
    let _ = write!(token, "{n}");
    token
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn tokens_never_repeat_across_threads() {
        let handles: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..10_000).map(|_| next()).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for h in handles {
            for t in h.join().unwrap() {
                assert!(t.len() <= 64);
                assert!(seen.insert(t), "a token repeated");
            }
        }
        assert_eq!(seen.len(), 40_000);
    }
}
