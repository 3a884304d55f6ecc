//! Who may connect and which topics a client may use on the embedded broker.
//!
//! `--authz open` (the default) lets any client connect with any client ID and use any
//! topic, as a development broker does. `--authz thing` applies what the usual AWS IoT Jobs
//! policy with `${iot:Connection.Thing.ThingName}` grants: a client connects only as a
//! registered thing (on `--mqtts`, a thing its certificate is attached to), subscribes only
//! to filters under `$aws/things/{its thing}/jobs/`, and publishes only Jobs requests there:
//! `notify`, `notify-next`, `.../accepted` and `.../rejected` are the service's alone.
//! As on AWS IoT, a refused publish closes the connection and a refused subscription gets a
//! failure return code in the SUBACK (the connection stays); every refusal is logged.
//! On `--mqtts` a certificate is checked in both modes: it must be registered and ACTIVE.

use crate::cli::AuthzMode;
use crate::identity::tls::TlsPeers;
use crate::service::JobsService;
use crate::wire::topic::{classify, TopicKind};
use async_trait::async_trait;
use rmqtt::codec::v5::SubscribeAckReason;
use rmqtt::hook::{Handler, HookResult, Parameter, ReturnType};
use rmqtt::types::{AuthResult, ConnectInfo, PublishAclResult, SubscribeAclResult};
use std::sync::Arc;

/// Listener id of the plain MQTT listener.
pub const PLAIN_LISTENER: u16 = 1;
/// Listener id of the loopback listener the `--mqtts` relay connects to.
pub const TLS_LISTENER: u16 = 2;

fn jobs_prefix_rest<'a>(thing: &str, topic: &'a str) -> Option<&'a str> {
    topic
        .strip_prefix("$aws/things/")?
        .strip_prefix(thing)?
        .strip_prefix("/jobs/")
}

/// Whether `thing` may subscribe to `filter` in thing mode.
pub fn may_subscribe(thing: &str, filter: &str) -> bool {
    jobs_prefix_rest(thing, filter).is_some()
}

/// Whether `thing` may publish to `topic` in thing mode: a request topic of its own thing
/// (a malformed one too, which the service answers with InvalidTopic), never a reply or a
/// notification topic.
pub fn may_publish(thing: &str, topic: &str) -> bool {
    jobs_prefix_rest(thing, topic).is_some() && classify(topic) != TopicKind::Ignored
}

/// The broker hook that enforces the mode.
pub struct Authz {
    pub svc: Arc<JobsService>,
    pub mode: AuthzMode,
    pub peers: Arc<TlsPeers>,
}

impl Authz {
    fn authenticate(&self, c: &ConnectInfo) -> Result<(), String> {
        let id = c.id();
        let client_id: &str = &id.client_id;
        if id.lid == TLS_LISTENER {
            let cert = id
                .remote_addr
                .and_then(|a| self.peers.certificate_of(a))
                .ok_or("not a relayed TLS connection")?;
            if self.mode == AuthzMode::Open {
                return Ok(());
            }
            return self.svc.connection_allowed(&cert, client_id);
        }
        if self.mode == AuthzMode::Thing && self.svc.describe_thing(client_id).is_err() {
            return Err(format!("client ID {client_id} is not a registered thing"));
        }
        Ok(())
    }
}

#[async_trait]
impl Handler for Authz {
    async fn hook(&self, param: &Parameter, acc: Option<HookResult>) -> ReturnType {
        match param {
            Parameter::ClientAuthenticate(c) => {
                let result = match self.authenticate(c) {
                    Ok(()) => AuthResult::Allow(false, None),
                    Err(why) => {
                        tracing::warn!(client = %c.id().client_id, "connection refused: {why}");
                        AuthResult::NotAuthorized
                    }
                };
                (false, Some(HookResult::AuthResult(result)))
            }
            Parameter::ClientSubscribeCheckAcl(s, sub) if self.mode == AuthzMode::Thing => {
                let thing: &str = &s.id.client_id;
                if may_subscribe(thing, &sub.topic_filter) {
                    return (true, acc);
                }
                tracing::warn!(client = thing, filter = %sub.topic_filter, "subscription refused");
                let refused = SubscribeAclResult::new_failure(SubscribeAckReason::NotAuthorized);
                (false, Some(HookResult::SubscribeAclResult(refused)))
            }
            Parameter::MessagePublishCheckAcl(s, p) if self.mode == AuthzMode::Thing => {
                let thing: &str = &s.id.client_id;
                if may_publish(thing, &p.topic) {
                    return (true, acc);
                }
                tracing::warn!(client = thing, topic = %p.topic, "publish refused; disconnecting");
                let refused = PublishAclResult::rejected(true, None);
                (false, Some(HookResult::PublishAclResult(refused)))
            }
            _ => (true, acc),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thing_uses_only_its_own_jobs_topics() {
        assert!(may_subscribe("t1", "$aws/things/t1/jobs/notify-next"));
        assert!(may_subscribe("t1", "$aws/things/t1/jobs/+/get/accepted"));
        assert!(may_subscribe("t1", "$aws/things/t1/jobs/#"));
        for f in [
            "$aws/#",
            "#",
            "$aws/things/+/jobs/notify",
            "$aws/things/t10/jobs/notify",
            "$aws/things/t1/shadow/get",
            "$aws/things/t1/#",
            "other/topic",
        ] {
            assert!(!may_subscribe("t1", f), "{f}");
        }
        assert!(may_publish("t1", "$aws/things/t1/jobs/get"));
        assert!(may_publish("t1", "$aws/things/t1/jobs/j1/update"));
        assert!(may_publish("t1", "$aws/things/t1/jobs/bogus"));
        for t in [
            "$aws/things/t1/jobs/notify",
            "$aws/things/t1/jobs/notify-next",
            "$aws/things/t1/jobs/get/accepted",
            "$aws/things/t1/jobs/j1/update/rejected",
            "$aws/things/t2/jobs/get",
            "devices/t1/hello",
        ] {
            assert!(!may_publish("t1", t), "{t}");
        }
    }
}
