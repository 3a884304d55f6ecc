//! Inbound message routing: Jobs topics to the Jobs engine, everything else (and Jobs topics the
//! application subscribed to itself) to the application's subscriptions. Every transport hands
//! what it receives to a [`Router`].

use crate::core::log::{Level, Throttle};
use crate::core::topics::{split_level, topic_matches};
use parking_lot::RwLock;
use std::sync::Arc;

/// Receives one inbound message: topic and payload, both borrowed for the call only.
pub type InboundHandler = Arc<dyn Fn(&str, &[u8]) + Send + Sync>;

/// The per-connection table that a transport hands every inbound message to.
#[derive(Default)]
pub struct Router {
    jobs: RwLock<Option<InboundHandler>>,
    app: RwLock<Vec<(String, InboundHandler)>>,
}

impl Router {
    pub fn new() -> Arc<Router> {
        Arc::new(Router::default())
    }

    /// Installs (or with `None` removes) the Jobs engine's handler.
    pub fn set_jobs_handler(&self, handler: Option<InboundHandler>) {
        *self.jobs.write() = handler;
    }

    /// Adds an application handler for an MQTT topic filter (wildcards `+` and `#` allowed),
    /// replacing an earlier one for the same filter.
    pub fn set_app_handler(&self, filter: &str, handler: InboundHandler) {
        let mut app = self.app.write();
        app.retain(|(f, _)| f != filter);
        app.push((filter.to_owned(), handler));
    }

    /// Removes the application handler of `filter`; true if there was one.
    pub fn remove_app_handler(&self, filter: &str) -> bool {
        let mut app = self.app.write();
        let before = app.len();
        app.retain(|(f, _)| f != filter);
        app.len() != before
    }

    /// True if the application has a handler for exactly this filter.
    pub fn has_app_handler(&self, filter: &str) -> bool {
        self.app.read().iter().any(|(f, _)| f == filter)
    }

    /// Hands one inbound message to whoever wants it. Called on the transport's receive path;
    /// handlers must return quickly and never block on the network. A Jobs message larger than
    /// AWS IoT's message limit is refused with a log line: the service never sends one.
    pub fn deliver(&self, topic: &str, payload: &[u8]) {
        let jobs = is_jobs_topic(topic);
        if jobs && payload.len() > MAX_JOBS_MESSAGE {
            static OVERSIZED: Throttle = Throttle::new();
            OVERSIZED.line(Level::Error, || {
                format!(
                    "refused a {}-byte message on {topic}: Jobs messages are at most {} bytes",
                    payload.len(),
                    MAX_JOBS_MESSAGE
                )
            });
            return;
        }
        if jobs {
            let jobs = self.jobs.read().clone();
            if let Some(handler) = jobs {
                handler(topic, payload);
            }
        }
        let matching: Vec<InboundHandler> = self
            .app
            .read()
            .iter()
            .filter(|(f, _)| topic_matches(f, topic))
            .map(|(_, h)| h.clone())
            .collect();
        for handler in matching {
            handler(topic, payload);
        }
    }
}

/// AWS IoT's largest MQTT message (128 KiB): the most a Jobs message can be.
pub const MAX_JOBS_MESSAGE: usize = 128 * 1024;

/// True for topics under `$aws/things/{thing}/jobs/`.
pub fn is_jobs_topic(topic: &str) -> bool {
    topic
        .strip_prefix("$aws/things/")
        .and_then(split_level)
        .is_some_and(|(_, tail)| tail.starts_with("jobs/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_topics_are_recognised() {
        assert!(is_jobs_topic("$aws/things/T1/jobs/get/accepted"));
        assert!(!is_jobs_topic("$aws/things/T1/shadow/get"));
        assert!(!is_jobs_topic("things/T1/jobs/get"));
    }
}
