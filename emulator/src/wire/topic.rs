//! Jobs request topics (protocol doc §1): which of `$aws/things/{thing}/jobs/...` are
//! requests to the service, which are the service's own output (replies, notifications)
//! and which are malformed requests that deserve an `InvalidTopic` rejection.

use crate::service::device::NEXT_JOB_ID;
use crate::service::validate::{is_valid_job_id, is_valid_thing_name};

/// The topic filter that covers every Jobs request.
pub const REQUEST_FILTER: &str = "$aws/things/+/jobs/#";

/// A device operation named by a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Operation {
    GetPending,
    StartNext,
    /// Describe; the job id may be `$next`.
    Describe(String),
    Update(String),
}

/// What a topic is to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TopicKind {
    /// A request for a thing.
    Request { thing: String, op: Operation },
    /// Under a thing's jobs prefix but not a valid request: answer `InvalidTopic`.
    Invalid,
    /// Not for the service (other topics, replies, notifications).
    Ignored,
}

/// Classifies a topic.
pub fn classify(topic: &str) -> TopicKind {
    let Some(rest) = topic.strip_prefix("$aws/things/") else {
        return TopicKind::Ignored;
    };
    let parts: Vec<&str> = rest.split('/').collect();
    if parts.len() < 3 || parts[1] != "jobs" {
        return TopicKind::Ignored;
    }
    let thing = parts[0];
    let tail = &parts[2..];
    let last = tail[tail.len() - 1];
    if matches!(last, "accepted" | "rejected") || matches!(tail, ["notify"] | ["notify-next"]) {
        return TopicKind::Ignored;
    }
    if !is_valid_thing_name(thing) {
        return TopicKind::Invalid;
    }
    let op = match tail {
        ["get"] => Operation::GetPending,
        ["start-next"] => Operation::StartNext,
        [job, "get"] if *job == NEXT_JOB_ID || is_valid_job_id(job) => {
            Operation::Describe(job.to_string())
        }
        [job, "update"] if is_valid_job_id(job) => Operation::Update(job.to_string()),
        _ => return TopicKind::Invalid,
    };
    TopicKind::Request {
        thing: thing.to_string(),
        op,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(thing: &str, op: Operation) -> TopicKind {
        TopicKind::Request {
            thing: thing.into(),
            op,
        }
    }

    #[test]
    fn classifies() {
        assert_eq!(
            classify("$aws/things/t1/jobs/get"),
            req("t1", Operation::GetPending)
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/start-next"),
            req("t1", Operation::StartNext)
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/$next/get"),
            req("t1", Operation::Describe("$next".into()))
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/j1/update"),
            req("t1", Operation::Update("j1".into()))
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/$next/update"),
            TopicKind::Invalid
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/j1/get/accepted"),
            TopicKind::Ignored
        );
        assert_eq!(
            classify("$aws/things/t1/jobs/notify-next"),
            TopicKind::Ignored
        );
        assert_eq!(classify("$aws/things/t1/jobs/bogus"), TopicKind::Invalid);
        assert_eq!(classify("$aws/things/t 1/jobs/get"), TopicKind::Invalid);
        assert_eq!(classify("$aws/things/t1/shadow/get"), TopicKind::Ignored);
        assert_eq!(classify("other/topic"), TopicKind::Ignored);
    }
}
