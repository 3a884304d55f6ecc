//! The embedded broker's router: rmqtt's [`DefaultRouter`] behind an encoding of `$` levels
//! beyond the first.
//!
//! rmqtt 0.24 parses every topic filter and topic name into levels (`rmqtt::topic::Topic`)
//! and calls a level starting with `$` a "metadata" level, which `Topic::is_valid` allows
//! only as the first level. So `DefaultRouter::add` refuses the filter
//! `$aws/things/T/jobs/$next/get/accepted` (the SUBACK carries a failure) and
//! `DefaultRouter::matches` fails for a publish to that topic (nobody gets it). MQTT
//! (§4.7.2) treats `$` specially in the first level only; AWS IoT and mosquitto accept such
//! filters, and `+` / `#` match a `$next` level.
//!
//! [`DollarRouter`] rewrites, in every filter and topic name it is given, each level after
//! the first that starts with `$` (or with NUL) by prefixing a NUL, which makes it an
//! ordinary level to rmqtt. MQTT forbids NUL in topics, and the NUL-prefixed levels are
//! escaped too, so the rewriting is injective. Filters it hands back are decoded again.

use async_trait::async_trait;
use rmqtt::context::ServerContext;
use rmqtt::router::{DefaultRouter, Router};
use rmqtt::types::{
    AllRelationsMap, HashMap, Id, NodeId, Route, SubRelationsMap, SubsSearchParams,
    SubsSearchResult, SubscriptionOptions, TopicFilter, TopicName,
};
use rmqtt::utils::Counter;
use rmqtt::Result;
use std::borrow::Cow;

const ESCAPE: char = '\0';

/// The form rmqtt sees: `$x` and `\0x` after the first level become `\0$x` and `\0\0x`.
pub fn encode(topic: &str) -> Cow<'_, str> {
    let needs = |level: &str| level.starts_with(['$', ESCAPE]);
    if !topic.split('/').skip(1).any(needs) {
        return Cow::Borrowed(topic);
    }
    let mut out = String::with_capacity(topic.len() + 4);
    for (i, level) in topic.split('/').enumerate() {
        if i > 0 {
            out.push('/');
            if needs(level) {
                out.push(ESCAPE);
            }
        }
        out.push_str(level);
    }
    Cow::Owned(out)
}

/// The inverse of [`encode`].
pub fn decode(topic: &str) -> Cow<'_, str> {
    if !topic.contains(ESCAPE) {
        return Cow::Borrowed(topic);
    }
    let mut out = String::with_capacity(topic.len());
    for (i, level) in topic.split('/').enumerate() {
        if i > 0 {
            out.push('/');
            out.push_str(level.strip_prefix(ESCAPE).unwrap_or(level));
        } else {
            out.push_str(level);
        }
    }
    Cow::Owned(out)
}

fn decode_filter(tf: &TopicFilter) -> TopicFilter {
    match decode(tf) {
        Cow::Borrowed(_) => tf.clone(),
        Cow::Owned(s) => TopicFilter::from(s),
    }
}

/// rmqtt's default router with `$` levels beyond the first made routable (see the module).
pub struct DollarRouter {
    inner: DefaultRouter,
}

impl DollarRouter {
    pub fn new(scx: &ServerContext) -> DollarRouter {
        DollarRouter {
            inner: DefaultRouter::new(Some(scx.clone())),
        }
    }
}

#[async_trait]
impl Router for DollarRouter {
    async fn add(&self, topic_filter: &str, id: Id, opts: SubscriptionOptions) -> Result<()> {
        self.inner.add(&encode(topic_filter), id, opts).await
    }

    async fn remove(&self, topic_filter: &str, id: Id) -> Result<bool> {
        self.inner.remove(&encode(topic_filter), id).await
    }

    async fn matches(&self, id: Id, topic: &TopicName) -> Result<SubRelationsMap> {
        let mut map = match encode(topic) {
            Cow::Borrowed(_) => self.inner.matches(id, topic).await?,
            Cow::Owned(t) => self.inner.matches(id, &TopicName::from(t)).await?,
        };
        for rels in map.values_mut() {
            for rel in rels.iter_mut() {
                rel.0 = decode_filter(&rel.0);
            }
        }
        Ok(map)
    }

    async fn is_online(&self, node_id: NodeId, client_id: &str) -> bool {
        self.inner.is_online(node_id, client_id).await
    }

    async fn gets(&self, limit: usize) -> Vec<Route> {
        let mut routes = self.inner.gets(limit).await;
        for r in &mut routes {
            r.topic = decode_filter(&r.topic);
        }
        routes
    }

    async fn get(&self, topic: &str) -> Result<Vec<Route>> {
        let mut routes = self.inner.get(&encode(topic)).await?;
        for r in &mut routes {
            r.topic = decode_filter(&r.topic);
        }
        Ok(routes)
    }

    async fn query_subscriptions(&self, q: &SubsSearchParams) -> Vec<SubsSearchResult> {
        let mut q = q.clone();
        q.topic = q.topic.map(|t| encode(&t).into_owned());
        q._match_topic = q._match_topic.map(|t| encode(&t).into_owned());
        let mut found = self.inner.query_subscriptions(&q).await;
        for r in &mut found {
            r.topic = decode_filter(&r.topic);
        }
        found
    }

    async fn topics_tree(&self) -> usize {
        self.inner.topics_tree().await
    }

    fn topics(&self) -> Counter {
        self.inner.topics()
    }

    fn routes(&self) -> Counter {
        self.inner.routes()
    }

    fn merge_topics(&self, topics_map: &HashMap<NodeId, Counter>) -> Counter {
        self.inner.merge_topics(topics_map)
    }

    fn merge_routes(&self, routes_map: &HashMap<NodeId, Counter>) -> Counter {
        self.inner.merge_routes(routes_map)
    }

    async fn list_topics(&self, top: usize) -> Vec<String> {
        self.inner
            .list_topics(top)
            .await
            .into_iter()
            .map(|t| decode(&t).into_owned())
            .collect()
    }

    async fn list_relations(&self, top: usize) -> Vec<serde_json::Value> {
        self.inner.list_relations(top).await
    }

    /// Keyed by the encoded filters.
    fn relations(&self) -> &AllRelationsMap {
        self.inner.relations()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rmqtt::topic::Topic;
    use std::str::FromStr;

    #[test]
    fn encoding_makes_dollar_levels_routable_and_round_trips() {
        for t in [
            "$aws/things/T/jobs/$next/get/accepted",
            "$aws/things/T/jobs/+/get/accepted",
            "a/\0b/$c/\0\0d/#",
            "$SYS/x",
            "plain/topic",
            "/$lead",
        ] {
            let e = encode(t);
            assert!(Topic::from_str(&e).is_ok(), "{t:?} -> {e:?}");
            assert_eq!(decode(&e), t);
        }
        assert!(matches!(encode("$aws/things/T/jobs/get"), Cow::Borrowed(_)));
        let filter = Topic::from_str(&encode("$aws/things/T/jobs/+/get/accepted")).unwrap();
        assert!(filter.matches_str(&*encode("$aws/things/T/jobs/$next/get/accepted")));
        let hash = Topic::from_str(&encode("#")).unwrap();
        assert!(!hash.matches_str(&*encode("$aws/things/T/jobs/$next/get")));
    }
}
