//! The embedded broker: rmqtt 0.24 on the emulator's tokio runtime, listener with TCP
//! nodelay. A `MessagePublish` hook hands every Jobs request to [`crate::wire::handle`] and
//! delivers the reply to the requesting client only (rmqtt's targeted forward, so the
//! client gets it without subscribing, like AWS IoT, and no one else sees it).
//! Notifications are routed to subscribers like any publish. The router is rmqtt's with `$`
//! levels beyond the first made routable ([`super::router`]).

use super::authz::{may_publish, Authz, PLAIN_LISTENER, TLS_LISTENER};
use super::router::DollarRouter;
use super::takeover::TakeoverShared;
use crate::cli::AuthzMode;
use crate::identity::ca::EmulatorCa;
use crate::identity::tls::{self, TlsPeers};
use crate::service::{Event, JobsService};
use crate::wire;
use async_trait::async_trait;
use rmqtt::codec::types::Publish as CodecPublish;
use rmqtt::context::ServerContext;
use rmqtt::hook::{Handler, HookResult, Parameter, ReturnType, Type};
use rmqtt::net::{Builder, Listener};
use rmqtt::server::MqttServer;
use rmqtt::session::SessionState;
use rmqtt::shared::DefaultShared;
use rmqtt::types::{ClientId, From, Id, Publish, QoS};
use std::net::SocketAddr;
use std::num::NonZeroU16;
use std::sync::Arc;

/// The service's identity as a message source.
fn service_from(scx: &ServerContext) -> From {
    From::from_system(Id::from(scx.node.id(), ClientId::from("aws-iot-jobs")))
}

fn publish_of(topic: String, payload: Vec<u8>) -> Publish {
    Publish::from(CodecPublish {
        dup: false,
        retain: false,
        qos: QoS::AtLeastOnce,
        topic: topic.into(),
        packet_id: None,
        payload: payload.into(),
        properties: None,
    })
}

struct JobsHook {
    svc: Arc<JobsService>,
    scx: ServerContext,
    mode: AuthzMode,
}

#[async_trait]
impl Handler for JobsHook {
    async fn hook(&self, param: &Parameter, acc: Option<HookResult>) -> ReturnType {
        if let Parameter::MessagePublish(Some(session), _, publish) = param {
            // rmqtt runs this hook before the publish ACL check, so a request the ACL will
            // refuse must not be answered (or acted on) here.
            if self.mode == AuthzMode::Thing && !may_publish(&session.id.client_id, &publish.topic)
            {
                return (true, acc);
            }
            if let Some(reply) = wire::handle(&self.svc, &publish.topic, &publish.payload) {
                let client_id = session.id.client_id.clone();
                let p = publish_of(reply.topic.clone(), reply.payload_bytes())
                    .target_clientid(client_id);
                let shared = self.scx.extends.shared().await;
                if let Err((_, errs)) = shared.forwards(None, service_from(&self.scx), p).await {
                    tracing::warn!(topic = %reply.topic, failures = errs.len(), "reply not delivered");
                }
            }
        }
        (true, acc)
    }
}

async fn publish_event(scx: &ServerContext, event: Event) {
    let p = publish_of(event.topic(), event.payload_bytes());
    if let Err(e) = SessionState::forwards(scx, service_from(scx), p, false, None).await {
        tracing::warn!(topic = %event.topic(), "notification not forwarded: {e}");
    }
}

/// What the embedded broker serves.
pub struct BrokerConfig<'a> {
    /// The plain listener (port 0 picks a free port).
    pub mqtt: SocketAddr,
    /// The mutual-TLS listener and the CA that signs its devices.
    pub mqtts: Option<(SocketAddr, &'a EmulatorCa)>,
    pub authz: AuthzMode,
}

/// Where the embedded broker listens.
#[derive(Debug, Clone, Copy)]
pub struct BrokerAddrs {
    pub mqtt: SocketAddr,
    pub mqtts: Option<SocketAddr>,
}

/// QoS 1 messages the broker sends one client before it waits for PUBACKs: AWS IoT's message
/// broker allows 100 unacknowledged outbound messages per client (its "in-flight unacknowledged
/// messages" limit), where rmqtt's own default is 16. With 16, a device with more than 16 Jobs
/// requests in flight had its replies held back in the broker's queue until its PUBACKs came,
/// which AWS IoT would have sent at once.
const OUTBOUND_IN_FLIGHT: NonZeroU16 = match NonZeroU16::new(100) {
    Some(n) => n,
    None => unreachable!(),
};

fn listener(name: &str, addr: SocketAddr, anonymous: bool) -> anyhow::Result<Listener> {
    Builder::new()
        .name(name)
        .laddr(addr)
        .nodelay(true)
        .max_inflight(OUTBOUND_IN_FLIGHT)
        .reuseaddr(Some(true))
        .allow_anonymous(anonymous)
        .bind()?
        .tcp()
}

/// Starts the broker inside the current tokio runtime and returns where it listens.
pub async fn start(svc: Arc<JobsService>, cfg: &BrokerConfig<'_>) -> anyhow::Result<BrokerAddrs> {
    let scx = ServerContext::new().build().await;
    *scx.extends.router_mut().await = Box::new(DollarRouter::new(&scx));
    // rmqtt's session registry, wrapped so that a CONNECT takes its client ID over as on
    // AWS IoT instead of being refused while another connection with it comes or goes.
    {
        let mut shared = scx.extends.shared_mut().await;
        let rmqtts = std::mem::replace(&mut *shared, Box::new(DefaultShared::new(None)));
        *shared = Box::new(TakeoverShared(rmqtts));
    }
    let register = scx.extends.hook_mgr().register();
    let peers = Arc::new(TlsPeers::default());
    for typ in [
        Type::ClientAuthenticate,
        Type::ClientSubscribeCheckAcl,
        Type::MessagePublishCheckAcl,
    ] {
        let authz = Authz {
            svc: svc.clone(),
            mode: cfg.authz,
            peers: peers.clone(),
        };
        register.add(typ, Box::new(authz)).await;
    }
    register
        .add(
            Type::MessagePublish,
            Box::new(JobsHook {
                svc: svc.clone(),
                scx: scx.clone(),
                mode: cfg.authz,
            }),
        )
        .await;
    register.start().await;
    // The register must live as long as the broker.
    Box::leak(Box::new(register));

    // Anonymous clients skip rmqtt's authentication hook, so only the open plain listener
    // allows them.
    let plain = listener("jobs/tcp", cfg.mqtt, cfg.authz == AuthzMode::Open)?;
    let local = plain.local_addr()?;
    let mut server = MqttServer::new(scx.clone()).listener_by_id(plain, PLAIN_LISTENER);
    let mut mqtts = None;
    if let Some((addr, ca)) = cfg.mqtts {
        let relayed = listener(
            "jobs/tls-relay",
            SocketAddr::from(([127, 0, 0, 1], 0)),
            false,
        )?;
        let backend = relayed.local_addr()?;
        server = server.listener_by_id(relayed, TLS_LISTENER);
        mqtts = Some(tls::start(addr, backend, ca, svc.clone(), peers.clone()).await?);
    }
    server.build().start();

    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let events = svc.subscribe();
    std::thread::Builder::new()
        .name("jobs-events".into())
        .spawn(move || {
            for event in events {
                if tx.send(event).is_err() {
                    break;
                }
            }
        })?;
    tokio::spawn(async move {
        while let Some(event) = rx.recv().await {
            publish_event(&scx, event).await;
        }
    });
    Ok(BrokerAddrs { mqtt: local, mqtts })
}
