//! Client ID takeover as on AWS IoT: a CONNECT with a client ID in use, or just left, is
//! accepted and the old connection dropped, even while the broker is still closing it.
//!
//! rmqtt refuses such a CONNECT with "server unavailable" (v3 return code 3, v5 reason 0x88) in
//! two races, both in its handshake (`v3.rs`/`v5.rs` `_handshake`):
//! - it takes the client ID's entry lock with a non-blocking `try_lock`, which fails while
//!   another handshake with that client ID holds it (for example while that one waits, up to
//!   5 s, for the old session to acknowledge its kick);
//! - its `kick` fails when the old session's event loop has already ended (a DISCONNECT or a
//!   closed socket, then the session's cleanup, which takes a while with many messages queued
//!   to it): the loop never answers the kick and drops it with its channel.
//!
//! [`TakeoverShared`] wraps rmqtt's session registry so that the entries it hands out wait for
//! the lock (polling `try_lock`, bounded by [`LOCK_WAIT`]) and kick again when a kick was
//! dropped: the old session is gone by then (its channel is closed), so the second kick only
//! removes what is left of it, as rmqtt's kick does once the old session has answered.
//!
//! A broker hook could not do this: the hooks of the handshake (`ClientConnect`,
//! `ClientAuthenticate`, which anonymous clients skip) run before the `try_lock`, so a wait
//! there leaves a gap before rmqtt's own `try_lock` that a concurrent CONNECT can fall into,
//! and no hook sees a failed kick.

use async_trait::async_trait;
use rmqtt::session::Session;
use rmqtt::shared::{Entry, Shared};
use rmqtt::types::{
    ForwardedCount, ForwardedRecipients, From, Id, IsAdmin, MsgID, OfflineSession, Publish, Reason,
    SessionStatus, SubRelations, SubRelationsMap, SubsSearchParams, SubsSearchResult, Subscribe,
    SubscribeReturn, To, Tx, Unsubscribe,
};
use rmqtt::Result;
use std::time::{Duration, Instant};

/// Longest a handshake waits for the client ID's lock and for the old session to go: longer
/// than rmqtt's own 5 s wait for a kicked session's answer (which the handshake holding the
/// lock may spend), well within rmqtt's 30 s handshake timeout and clients' connect timeouts.
pub const LOCK_WAIT: Duration = Duration::from_secs(10);
const RETRY_EVERY: Duration = Duration::from_millis(5);

/// rmqtt's session registry, with entries that wait instead of refusing (see the module doc).
pub struct TakeoverShared(pub Box<dyn Shared>);

/// One client ID's entry of [`TakeoverShared`].
struct TakeoverEntry(Box<dyn Entry>);

/// Whether to try again after `e`: yes, after a short sleep, until [`LOCK_WAIT`] has passed
/// since `start`.
async fn again(start: Instant, e: &rmqtt::Error) -> bool {
    if start.elapsed() >= LOCK_WAIT {
        return false;
    }
    tracing::debug!("client ID takeover tries again: {e}");
    tokio::time::sleep(RETRY_EVERY).await;
    true
}

#[async_trait]
impl Entry for TakeoverEntry {
    async fn try_lock(&self) -> Result<Box<dyn Entry>> {
        let start = Instant::now();
        loop {
            match self.0.try_lock().await {
                Ok(locked) => return Ok(Box::new(TakeoverEntry(locked))),
                Err(e) if !again(start, &e).await => return Err(e),
                Err(_) => {}
            }
        }
    }

    async fn kick(
        &mut self,
        clean_start: bool,
        clear_subscriptions: bool,
        is_admin: IsAdmin,
    ) -> Result<OfflineSession> {
        let start = Instant::now();
        loop {
            match self
                .0
                .kick(clean_start, clear_subscriptions, is_admin)
                .await
            {
                Ok(offline) => return Ok(offline),
                Err(e) if !again(start, &e).await => return Err(e),
                Err(_) => {}
            }
        }
    }

    fn id(&self) -> Id {
        self.0.id()
    }

    fn id_same(&self) -> Option<bool> {
        self.0.id_same()
    }

    async fn set(&mut self, session: Session, tx: Tx) -> Result<()> {
        self.0.set(session, tx).await
    }

    async fn remove(&mut self) -> Result<Option<(Session, Tx)>> {
        self.0.remove().await
    }

    async fn remove_with(&mut self, id: &Id) -> Result<Option<(Session, Tx)>> {
        self.0.remove_with(id).await
    }

    async fn online(&self) -> bool {
        self.0.online().await
    }

    async fn is_connected(&self) -> bool {
        self.0.is_connected().await
    }

    fn session(&self) -> Option<Session> {
        self.0.session()
    }

    fn exist(&self) -> bool {
        self.0.exist()
    }

    fn tx(&self) -> Option<Tx> {
        self.0.tx()
    }

    async fn subscribe(&self, subscribe: &Subscribe) -> Result<SubscribeReturn> {
        self.0.subscribe(subscribe).await
    }

    async fn unsubscribe(&self, unsubscribe: &Unsubscribe) -> Result<bool> {
        self.0.unsubscribe(unsubscribe).await
    }

    async fn publish(
        &self,
        from: From,
        p: Publish,
    ) -> std::result::Result<(), (From, Publish, Reason)> {
        self.0.publish(from, p).await
    }

    async fn subscriptions(&self) -> Option<Vec<SubsSearchResult>> {
        self.0.subscriptions().await
    }
}

type Failures = Vec<(To, From, Publish, Reason)>;

#[async_trait]
impl Shared for TakeoverShared {
    fn entry(&self, id: Id) -> Box<dyn Entry> {
        Box::new(TakeoverEntry(self.0.entry(id)))
    }

    fn exist(&self, client_id: &str) -> bool {
        self.0.exist(client_id)
    }

    async fn forwards(
        &self,
        msg_id: Option<MsgID>,
        from: From,
        publish: Publish,
    ) -> std::result::Result<ForwardedCount, (ForwardedCount, Failures)> {
        self.0.forwards(msg_id, from, publish).await
    }

    async fn forwards_and_get_shareds(
        &self,
        from: From,
        publish: Publish,
    ) -> std::result::Result<(SubRelationsMap, ForwardedRecipients), (ForwardedRecipients, Failures)>
    {
        self.0.forwards_and_get_shareds(from, publish).await
    }

    async fn forwards_to(
        &self,
        from: From,
        publish: &Publish,
        relations: SubRelations,
        msg_id: Option<MsgID>,
    ) -> std::result::Result<ForwardedRecipients, (ForwardedRecipients, Failures)> {
        self.0.forwards_to(from, publish, relations, msg_id).await
    }

    fn iter(&self) -> Box<dyn Iterator<Item = Box<dyn Entry>> + Sync + Send + '_> {
        self.0.iter()
    }

    fn random_session(&self) -> Option<Session> {
        self.0.random_session()
    }

    async fn session_status(&self, client_id: &str) -> Option<SessionStatus> {
        self.0.session_status(client_id).await
    }

    async fn client_states_count(&self) -> usize {
        self.0.client_states_count().await
    }

    fn sessions_count(&self) -> usize {
        self.0.sessions_count()
    }

    async fn query_subscriptions(&self, q: &SubsSearchParams) -> Vec<SubsSearchResult> {
        self.0.query_subscriptions(q).await
    }

    async fn subscriptions_count(&self) -> usize {
        self.0.subscriptions_count().await
    }
}
