//! The embedded broker: rmqtt 0.24 on the emulator's tokio runtime, listener with TCP
//! nodelay. A `MessagePublish` hook hands every Jobs request to [`crate::wire::handle`] and
//! delivers the reply to the requesting client only (rmqtt's targeted forward, so the
//! client gets it without subscribing, like AWS IoT, and no one else sees it).
//! Notifications are routed to subscribers like any publish. The router is rmqtt's with `$`
//! levels beyond the first made routable ([`super::router`]).

use super::router::DollarRouter;
use crate::service::{Event, JobsService};
use crate::wire;
use async_trait::async_trait;
use rmqtt::codec::types::Publish as CodecPublish;
use rmqtt::context::ServerContext;
use rmqtt::hook::{Handler, HookResult, Parameter, ReturnType, Type};
use rmqtt::net::Builder;
use rmqtt::server::MqttServer;
use rmqtt::session::SessionState;
use rmqtt::types::{ClientId, From, Id, Publish, QoS};
use std::net::SocketAddr;
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
}

#[async_trait]
impl Handler for JobsHook {
    async fn hook(&self, param: &Parameter, acc: Option<HookResult>) -> ReturnType {
        if let Parameter::MessagePublish(Some(session), _, publish) = param {
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

/// Starts the broker on `addr` (port 0 picks a free port) inside the current tokio runtime
/// and returns the address it listens on.
pub async fn start(svc: Arc<JobsService>, addr: SocketAddr) -> anyhow::Result<SocketAddr> {
    let scx = ServerContext::new().build().await;
    *scx.extends.router_mut().await = Box::new(DollarRouter::new(&scx));
    let register = scx.extends.hook_mgr().register();
    register
        .add(
            Type::MessagePublish,
            Box::new(JobsHook {
                svc: svc.clone(),
                scx: scx.clone(),
            }),
        )
        .await;
    register.start().await;
    // The register must live as long as the broker.
    Box::leak(Box::new(register));

    let listener = Builder::new()
        .name("jobs/tcp")
        .laddr(addr)
        .nodelay(true)
        .reuseaddr(Some(true))
        .allow_anonymous(true)
        .bind()?
        .tcp()?;
    let local = listener.local_addr()?;
    MqttServer::new(scx.clone())
        .listener_by_id(listener, 1)
        .build()
        .start();

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
    Ok(local)
}
