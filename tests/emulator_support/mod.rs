//! A jobs-emulator for the integration tests: started in-process on free loopback ports
//! (embedded broker, or attached to a test's mosquitto; HTTP control and data planes), stopped
//! when dropped, with the control-plane calls the tests make (CreateJob,
//! DescribeJobExecution) spoken over the emulator tests' raw HTTP client.
#![allow(dead_code)]

#[path = "../../emulator/tests/http_common/http_client.rs"]
mod http_client;

use jobs_emulator::app::Emulator;
use jobs_emulator::cli::Options;
use jobs_emulator::mqtt::external::ExternalBroker;
use serde_json::{json, Value};
use std::net::SocketAddr;

/// A running emulator.
pub struct Emu {
    pub mqtt: SocketAddr,
    pub control: SocketAddr,
    pub data: SocketAddr,
    _emulator: Emulator,
}

impl Emu {
    /// Starts an emulator whose minute lasts `minute_ms` real milliseconds.
    pub fn start(minute_ms: u64) -> Emu {
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let options = Options {
            mqtt: any,
            http: Some(any),
            data_http: Some(any),
            minute_ms,
            ..Options::default()
        };
        let emulator = Emulator::start(&options).expect("the emulator starts");
        Emu {
            mqtt: emulator.mqtt_addr.unwrap(),
            control: emulator.http_addr.unwrap(),
            data: emulator.data_http_addr.unwrap(),
            _emulator: emulator,
        }
    }

    /// Starts an emulator attached to the broker at 127.0.0.1:`port` (`--broker`, the
    /// external-broker mode) instead of embedding one; its `mqtt` is that broker's address.
    pub fn attached(port: u16) -> Emu {
        let any: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let options = Options {
            http: Some(any),
            data_http: Some(any),
            broker: Some(ExternalBroker {
                url: format!("mqtt://127.0.0.1:{port}"),
                ca: None,
                cert: None,
                key: None,
            }),
            ..Options::default()
        };
        let emulator = Emulator::start(&options).expect("the emulator attaches to the broker");
        Emu {
            mqtt: SocketAddr::from(([127, 0, 0, 1], port)),
            control: emulator.http_addr.unwrap(),
            data: emulator.data_http_addr.unwrap(),
            _emulator: emulator,
        }
    }

    /// CreateJob of `job_id` for `thing` with `document`.
    pub fn create_job(&self, job_id: &str, thing: &str, document: Value) {
        let body = json!({
            "targets": [format!("arn:aws:iot:us-east-1:123456789012:thing/{thing}")],
            "document": document.to_string(),
        });
        let reply = http_client::send_json(self.control, "PUT", &format!("/jobs/{job_id}"), &body);
        assert_eq!(reply.status, 200, "CreateJob {job_id}: {}", reply.text);
    }

    /// The control plane's DescribeJobExecution: the `execution` object.
    pub fn execution(&self, thing: &str, job_id: &str) -> Value {
        let path = format!("/things/{thing}/jobs/{job_id}");
        let reply = http_client::send(self.control, "GET", &path, None);
        assert_eq!(
            reply.status, 200,
            "DescribeJobExecution {job_id}: {}",
            reply.text
        );
        reply.json["execution"].clone()
    }

    /// The final status of an execution, as the control plane reports it.
    pub fn status(&self, thing: &str, job_id: &str) -> String {
        self.execution(thing, job_id)["status"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}
