//! Jobs MQTT topics: building request, reply and notify topics, and parsing inbound ones.
//!
//! All topics live under `$aws/things/{thingName}/jobs/`. Names are validated before they get
//! here (see `validate`), so building never has to escape anything.

/// The four request/reply operations of the Jobs MQTT API. The discriminants are the C
/// `AwsIotJobsCallbackType_t` values of their completion callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    GetPending = 0,
    StartNext = 1,
    Describe = 2,
    Update = 3,
}

impl Operation {
    pub const ALL: [Operation; 4] = [
        Operation::GetPending,
        Operation::StartNext,
        Operation::Describe,
        Operation::Update,
    ];

    /// True for the operations addressed to one job (describe and update).
    pub fn has_job_id(self) -> bool {
        matches!(self, Operation::Describe | Operation::Update)
    }

    /// A short name for logs.
    pub fn name(self) -> &'static str {
        match self {
            Operation::GetPending => "GET PENDING",
            Operation::StartNext => "START NEXT",
            Operation::Describe => "DESCRIBE",
            Operation::Update => "UPDATE",
        }
    }
}

/// The two notification streams a thing can subscribe to. Discriminants are the C callback
/// types (4 and 5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Notify {
    Pending = 4,
    Next = 5,
}

/// Which of the two reply topics a reply came on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    Rejected,
}

/// What an inbound Jobs topic is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Inbound<'a> {
    Reply {
        thing: &'a str,
        operation: Operation,
        job_id: Option<&'a str>,
        verdict: Verdict,
    },
    Notification {
        thing: &'a str,
        kind: Notify,
    },
}

const PREFIX: &str = "$aws/things/";

/// The request topic of an operation; `job_id` is used by describe and update only.
pub fn request_topic(thing: &str, operation: Operation, job_id: Option<&str>) -> String {
    let mut topic =
        String::with_capacity(PREFIX.len() + thing.len() + 32 + job_id.map_or(0, str::len));
    topic.push_str(PREFIX);
    topic.push_str(thing);
    topic.push_str("/jobs/");
    match operation {
        Operation::GetPending => topic.push_str("get"),
        Operation::StartNext => topic.push_str("start-next"),
        Operation::Describe | Operation::Update => {
            topic.push_str(job_id.unwrap_or_default());
            topic.push_str(if operation == Operation::Describe {
                "/get"
            } else {
                "/update"
            });
        }
    }
    topic
}

/// The reply topic of an operation for one verdict.
pub fn reply_topic(
    thing: &str,
    operation: Operation,
    job_id: Option<&str>,
    verdict: Verdict,
) -> String {
    let mut topic = request_topic(thing, operation, job_id);
    topic.push_str(match verdict {
        Verdict::Accepted => "/accepted",
        Verdict::Rejected => "/rejected",
    });
    topic
}

/// The MQTT topic filters that receive every Jobs reply of `thing`, and nothing else: the
/// get-pending and start-next replies (`jobs/get/accepted`: two levels below `jobs`, the last
/// `accepted` or `rejected`) and the describe and update replies (`jobs/{jobId}/get/accepted`:
/// the only topics three levels below `jobs`). No request topic (`jobs/get`,
/// `jobs/{jobId}/update`, ending in `get`, `start-next` or `update`) and no notification
/// (`jobs/notify`, one level) matches them, so a broker that echoes a client's own publishes
/// sends none back through them.
pub fn reply_filters(thing: &str) -> [String; 3] {
    let base = |tail: &str| {
        let mut filter = String::with_capacity(PREFIX.len() + thing.len() + 6 + tail.len());
        filter.push_str(PREFIX);
        filter.push_str(thing);
        filter.push_str("/jobs/");
        filter.push_str(tail);
        filter
    };
    [base("+/accepted"), base("+/rejected"), base("+/+/+")]
}

/// MQTT topic filter matching (`+` one level, `#` the rest). Filters starting with a wildcard
/// do not match topics starting with `$`, as MQTT requires.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// The topic a notification stream is published on.
pub fn notify_topic(thing: &str, kind: Notify) -> String {
    let suffix = match kind {
        Notify::Pending => "/jobs/notify",
        Notify::Next => "/jobs/notify-next",
    };
    let mut topic = String::with_capacity(PREFIX.len() + thing.len() + suffix.len());
    topic.push_str(PREFIX);
    topic.push_str(thing);
    topic.push_str(suffix);
    topic
}

/// Splits `s` at its first `/`. A byte loop: topic levels are shorter than what a string
/// search spends setting up, on a path every inbound message takes.
pub fn split_level(s: &str) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == b'/')?;
    Some((&s[..i], &s[i + 1..]))
}

/// Reads an inbound topic. Returns `None` for anything that is not a Jobs reply or
/// notification (including our own request topics, which a broker may echo back).
pub fn parse(topic: &str) -> Option<Inbound<'_>> {
    let rest = topic.strip_prefix(PREFIX)?;
    let (thing, rest) = split_level(rest)?;
    let rest = rest.strip_prefix("jobs/")?;
    if thing.is_empty() {
        return None;
    }
    match rest {
        "notify" => {
            return Some(Inbound::Notification {
                thing,
                kind: Notify::Pending,
            })
        }
        "notify-next" => {
            return Some(Inbound::Notification {
                thing,
                kind: Notify::Next,
            })
        }
        _ => {}
    }
    let (head, verdict) = if let Some(h) = rest.strip_suffix("/accepted") {
        (h, Verdict::Accepted)
    } else if let Some(h) = rest.strip_suffix("/rejected") {
        (h, Verdict::Rejected)
    } else {
        return None;
    };
    let (operation, job_id) = match head {
        "get" => (Operation::GetPending, None),
        "start-next" => (Operation::StartNext, None),
        _ => {
            let (job, op) = split_level(head)?;
            if job.is_empty() {
                return None;
            }
            match op {
                "get" => (Operation::Describe, Some(job)),
                "update" => (Operation::Update, Some(job)),
                _ => return None,
            }
        }
    };
    Some(Inbound::Reply {
        thing,
        operation,
        job_id,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_topics_match_the_service() {
        assert_eq!(
            request_topic("T1", Operation::GetPending, None),
            "$aws/things/T1/jobs/get"
        );
        assert_eq!(
            request_topic("T1", Operation::StartNext, None),
            "$aws/things/T1/jobs/start-next"
        );
        assert_eq!(
            request_topic("T1", Operation::Describe, Some("$next")),
            "$aws/things/T1/jobs/$next/get"
        );
        assert_eq!(
            request_topic("T1", Operation::Update, Some("job1")),
            "$aws/things/T1/jobs/job1/update"
        );
        assert_eq!(
            notify_topic("T1", Notify::Next),
            "$aws/things/T1/jobs/notify-next"
        );
    }

    #[test]
    fn every_reply_topic_parses_back() {
        for op in Operation::ALL {
            let job = op.has_job_id().then_some("j-1");
            for verdict in [Verdict::Accepted, Verdict::Rejected] {
                let topic = reply_topic("thing:a_b-c", op, job, verdict);
                assert_eq!(
                    parse(&topic),
                    Some(Inbound::Reply {
                        thing: "thing:a_b-c",
                        operation: op,
                        job_id: job,
                        verdict
                    }),
                    "{topic}"
                );
            }
        }
    }

    #[test]
    fn requests_and_strangers_are_not_replies() {
        assert_eq!(parse("$aws/things/T/jobs/get"), None);
        assert_eq!(parse("$aws/things/T/jobs/j/update"), None);
        assert_eq!(parse("$aws/things/T/jobs/a/b/update/accepted"), None);
        assert_eq!(parse("$aws/things/T/jobs//update/accepted"), None);
        assert_eq!(parse("$aws/things/T/jobs/j/update/"), None);
        assert_eq!(parse("$aws/things//jobs/get/accepted"), None);
        assert_eq!(parse("$aws/things/T/shadow/get/accepted"), None);
        assert_eq!(parse("$aws/things/T/jobs/j/delete/accepted"), None);
        assert_eq!(
            parse("$aws/things/T/jobs/notify"),
            Some(Inbound::Notification {
                thing: "T",
                kind: Notify::Pending
            })
        );
    }

    #[test]
    fn reply_filters_match_every_reply_and_no_request_or_notification() {
        let filters = reply_filters("T1");
        let matched = |topic: &str| filters.iter().any(|f| topic_matches(f, topic));
        for op in Operation::ALL {
            for job in ["job1", "accepted", "rejected", "get", "update", "$next"] {
                let job = op.has_job_id().then_some(job);
                if op == Operation::Update && job == Some("$next") {
                    continue;
                }
                for verdict in [Verdict::Accepted, Verdict::Rejected] {
                    let reply = reply_topic("T1", op, job, verdict);
                    assert!(matched(&reply), "{reply}");
                    assert!(parse(&reply).is_some(), "{reply}");
                    assert!(
                        !matched(&reply.replace("T1", "T2")),
                        "{reply} of another thing"
                    );
                }
                let request = request_topic("T1", op, job);
                assert!(!matched(&request), "{request} is a request");
            }
        }
        for kind in [Notify::Pending, Notify::Next] {
            assert!(!matched(&notify_topic("T1", kind)));
        }
    }

    #[test]
    fn filters_match_like_mqtt() {
        assert!(topic_matches("a/+/c", "a/b/c"));
        assert!(topic_matches("a/#", "a/b/c"));
        assert!(topic_matches("a/#", "a"));
        assert!(!topic_matches("a/+", "a/b/c"));
        assert!(!topic_matches("#", "$aws/things/t/jobs/notify"));
        assert!(topic_matches(
            "$aws/things/+/jobs/#",
            "$aws/things/t/jobs/notify"
        ));
    }
}
