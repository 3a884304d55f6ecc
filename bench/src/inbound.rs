//! What each way of subscribing to Jobs replies costs in inbound traffic: the messages a client
//! subscribed with a given set of filters receives per operation of its thing, while several
//! devices work at once, on the emulator's embedded broker and on mosquitto.
//!
//! Passive observers stand in for the device: on mosquitto a client receives exactly what its
//! subscriptions match, its own publishes included (MQTT 3.1.1 has no "no local"), so an
//! observer with the device's filters receives what the device would. The schemes:
//! - the library's: the three reply filters of the thing (`jobs/+/accepted`, `jobs/+/rejected`,
//!   `jobs/+/+/+`);
//! - one filter per thing, `jobs/#`: also the thing's own requests and its notifications;
//! - the same three filters for every thing (`$aws/things/+/jobs/...`): one set for a gateway,
//!   but every other thing's replies too (and a typical AWS IoT device policy refuses it).

use crate::capi::{cstring, Conn, SUCCESS};
use crate::emulator::{thing, JOB};
use crate::report::Table;
use paho_mqtt as paho;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(10);
/// Devices working at once; the observers watch the first.
const DEVICES: usize = 4;

struct Observer {
    client: paho::AsyncClient,
    received: Arc<AtomicU64>,
}

impl Observer {
    fn start(port: u16, id: &str, filters: &[String]) -> Observer {
        let client = paho::CreateOptionsBuilder::new_v3()
            .server_uri(format!("tcp://127.0.0.1:{port}"))
            .client_id(id)
            .persistence(None)
            .create_client()
            .expect("create a Paho client");
        let received = Arc::new(AtomicU64::new(0));
        let counter = received.clone();
        client.set_message_callback(move |_, message| {
            if message.is_some() {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        });
        let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client.connect(options).wait_for(TIMEOUT).expect("connect");
        let qos = vec![1; filters.len()];
        client
            .subscribe_many(filters, &qos)
            .wait_for(TIMEOUT)
            .expect("subscribe");
        Observer { client, received }
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        let _ = self.client.disconnect(None).wait_for(TIMEOUT);
    }
}

fn schemes(watched: &str) -> Vec<(&'static str, Vec<String>)> {
    let any = |tail: &str| format!("$aws/things/+/jobs/{tail}");
    vec![
        (
            "the thing's 3 reply filters (the library's)",
            awsiotjobs::core::topics::reply_filters(watched).to_vec(),
        ),
        (
            "the thing's jobs/#",
            vec![format!("$aws/things/{watched}/jobs/#")],
        ),
        (
            "3 reply filters for all things (+)",
            vec![any("+/accepted"), any("+/rejected"), any("+/+/+")],
        ),
    ]
}

/// `brokers`: a label and the MQTT port of each broker (with the Jobs service behind it).
pub fn inbound(brokers: &[(&str, u16)], ops: usize) {
    let table = Table::new(
        &format!(
            "Inbound traffic per subscription scheme: messages a client with these filters \
             receives per operation of its thing, {DEVICES} devices doing {ops} UpdateSync each \
             at once"
        ),
        &["broker", "filters", "messages/op of the thing"],
    );
    for (b, (broker, port)) in brokers.iter().enumerate() {
        let things: Vec<String> = (0..DEVICES).map(|d| thing(200 + 10 * b + d)).collect();
        let watched = things[0].clone();
        let observers: Vec<(&str, Observer)> = schemes(&watched)
            .into_iter()
            .enumerate()
            .map(|(i, (name, filters))| {
                (
                    name,
                    Observer::start(*port, &format!("bench-observer-{b}-{i}"), &filters),
                )
            })
            .collect();
        std::thread::scope(|s| {
            for (d, name) in things.iter().enumerate() {
                s.spawn(move || {
                    let conn = Conn::mqtt("127.0.0.1", *port, &format!("bench-in-{b}-{d}"), false);
                    let (thing, job) = (cstring(name), cstring(JOB));
                    for _ in 0..ops {
                        assert_eq!(conn.update_sync(&thing, &job, 0, TIMEOUT), SUCCESS);
                    }
                });
            }
        });
        // Let deliveries still on the way arrive.
        std::thread::sleep(Duration::from_millis(300));
        for (name, observer) in &observers {
            let got = observer.received.load(Ordering::Relaxed);
            table.row(vec![
                (*broker).into(),
                (*name).into(),
                format!("{:.2}", got as f64 / ops as f64),
            ]);
        }
    }
}
