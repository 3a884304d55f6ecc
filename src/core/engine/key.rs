//! What an operation waits for: the thing, operation and job ID its reply comes back on, and
//! the client token the reply carries. The three names live in one string (they were four
//! allocations per operation: the thing, the job ID, the token and the token's shared copy for
//! the table's index), and the key moves on to the completion, so that a callback gets the
//! thing name without a copy of its own.

use super::OpId;
use crate::core::token;
use crate::core::topics::Operation;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyKey {
    /// The thing name, the job ID (empty when the operation has none) and the client token,
    /// one after the other.
    names: String,
    thing_end: usize,
    job_end: usize,
    has_job: bool,
    /// True when the token is the application's, false when it is ours (made from the ID).
    own_token: bool,
    pub operation: Operation,
}

impl ReplyKey {
    /// The key of operation `id` on `thing`; `client_token` `None` gives it the token made
    /// from the ID (unique in the process).
    pub fn new(
        id: OpId,
        thing: &str,
        operation: Operation,
        job_id: Option<&str>,
        client_token: Option<&str>,
    ) -> ReplyKey {
        let job = job_id.unwrap_or_default();
        let token_len = client_token.map_or(token::MAX_LEN, str::len);
        let mut names = String::with_capacity(thing.len() + job.len() + token_len);
        names.push_str(thing);
        let thing_end = names.len();
        names.push_str(job);
        let job_end = names.len();
        match client_token {
            Some(t) => names.push_str(t),
            None => token::write_for(&mut names, id),
        }
        ReplyKey {
            names,
            thing_end,
            job_end,
            has_job: job_id.is_some(),
            own_token: client_token.is_some(),
            operation,
        }
    }

    /// True when the application gave the token.
    pub fn own_token(&self) -> bool {
        self.own_token
    }

    pub fn thing(&self) -> &str {
        &self.names[..self.thing_end]
    }

    pub fn job_id(&self) -> Option<&str> {
        self.has_job
            .then(|| &self.names[self.thing_end..self.job_end])
    }

    pub fn token(&self) -> &str {
        &self.names[self.job_end..]
    }

    /// True when a reply on this thing, operation and job ID may be this operation's.
    pub fn answers(&self, thing: &str, operation: Operation, job_id: Option<&str>) -> bool {
        self.operation == operation && self.thing() == thing && self.job_id() == job_id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_back_apart() {
        let key = ReplyKey::new(1, "T1", Operation::Update, Some("job-7"), Some("tok"));
        assert!(key.own_token());
        assert_eq!(key.thing(), "T1");
        assert_eq!(key.job_id(), Some("job-7"));
        assert_eq!(key.token(), "tok");
        assert!(key.answers("T1", Operation::Update, Some("job-7")));
        assert!(!key.answers("T1", Operation::Describe, Some("job-7")));
        assert!(!key.answers("T1", Operation::Update, Some("job-")));
        assert!(!key.answers("T1j", Operation::Update, Some("ob-7")));
        assert!(!key.answers("T1", Operation::Update, None));
    }

    #[test]
    fn an_empty_job_id_is_not_no_job_id() {
        let none = ReplyKey::new(2, "T", Operation::GetPending, None, Some("a"));
        assert_eq!(none.job_id(), None);
        assert!(none.answers("T", Operation::GetPending, None));
        assert!(!none.answers("T", Operation::GetPending, Some("")));
    }

    #[test]
    fn a_generated_token_carries_the_id_and_fits_without_growing() {
        let key = ReplyKey::new(u64::MAX, "thing", Operation::StartNext, None, None);
        assert_eq!(key.thing(), "thing");
        assert!(!key.own_token());
        assert_eq!(token::id_of(key.token().as_bytes()), Some(u64::MAX));
        assert!(key.names.capacity() <= "thing".len() + token::MAX_LEN);
        let other = ReplyKey::new(7, "thing", Operation::StartNext, None, None);
        assert_ne!(key.token(), other.token());
    }
}
