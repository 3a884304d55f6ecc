//! Shared set-up of the HTTP route tests: [`Planes`] runs both HTTP planes of
//! one in-memory service on free loopback ports, on a tokio runtime it owns,
//! and offers request helpers for each plane. Tests stay synchronous and speak
//! raw HTTP through [`http_client`].
#![allow(dead_code)]

pub mod http_client;

use std::net::SocketAddr;
use std::sync::Arc;

use jobs_emulator::http::{serve_control, serve_data};
use jobs_emulator::service::JobsService;
use serde_json::{json, Value};

pub use http_client::{send, send_json, Reply};

/// Both planes of one service, served until dropped.
pub struct Planes {
    pub service: Arc<JobsService>,
    pub control: SocketAddr,
    pub data: SocketAddr,
    _runtime: tokio::runtime::Runtime,
}

impl Planes {
    /// A fresh in-memory service.
    pub fn start() -> Planes {
        Self::with_service(JobsService::new())
    }

    /// Serves an existing service.
    pub fn with_service(service: Arc<JobsService>) -> Planes {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let (control, data) = runtime.block_on(async {
            let control = serve_control(any, service.clone()).await.unwrap();
            let data = serve_data(any, service.clone()).await.unwrap();
            (control, data)
        });
        Planes {
            service,
            control,
            data,
            _runtime: runtime,
        }
    }

    pub fn control(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        match body {
            Some(b) => send_json(self.control, method, path, &b),
            None => send(self.control, method, path, None),
        }
    }

    pub fn data(&self, method: &str, path: &str, body: Option<Value>) -> Reply {
        match body {
            Some(b) => send_json(self.data, method, path, &b),
            None => send(self.data, method, path, None),
        }
    }

    /// Creates a job for `things` through the control plane and checks it worked.
    pub fn create_job(&self, job_id: &str, things: &[&str]) -> Reply {
        let targets: Vec<String> = things
            .iter()
            .map(|t| format!("arn:aws:iot:us-east-1:123456789012:thing/{t}"))
            .collect();
        let body = json!({ "targets": targets, "document": "{\"op\":\"reboot\"}" });
        let reply = self.control("PUT", &format!("/jobs/{job_id}"), Some(body));
        assert_eq!(reply.status, 200, "create {job_id}: {}", reply.text);
        reply
    }
}

/// Asserts an AWS-shaped error: status, `x-amzn-ErrorType`, a message.
pub fn assert_error(reply: &Reply, status: u16, error_type: &str) {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(reply.error_type(), error_type, "{}", reply.text);
    assert!(
        reply.json["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "error without message: {}",
        reply.text
    );
}
