//! A fleet of devices over MQTT, shared by the small fleet test (`soak_small`) and the soak
//! program (`examples/soak.rs`, run by `scripts/emulator-soak.sh`): worker connections each
//! serve a share of the things, and every thing runs start-next → update SUCCEEDED until
//! nothing is pending. Every completion is recorded, so a job executed twice (duplicated)
//! or never (lost) shows in the result; every request's round trip is timed.
#![allow(dead_code)]

use paho_mqtt as paho;
use parking_lot::Mutex;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Longest wait for one reply.
pub const REPLY_WAIT: Duration = Duration::from_secs(30);

/// One MQTT connection sending Jobs requests and waiting for each reply (matched by client
/// token; the broker delivers replies to the requester without a subscription).
pub struct Requester {
    client: paho::Client,
    rx: paho::SyncReceiver<Option<paho::Message>>,
    id: String,
    next: AtomicU64,
}

impl Requester {
    pub fn connect(mqtt: SocketAddr, id: &str) -> Result<Requester, String> {
        let create = paho::CreateOptionsBuilder::new()
            .server_uri(format!("tcp://{mqtt}"))
            .client_id(id)
            .persistence(None)
            .max_buffered_messages(1000)
            .finalize();
        let mut client = paho::Client::new(create).map_err(|e| e.to_string())?;
        client.set_timeout(REPLY_WAIT);
        let rx = client.start_consuming();
        let opts = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .keep_alive_interval(Duration::from_secs(60))
            .connect_timeout(REPLY_WAIT)
            .finalize();
        if let Err(e) = client.connect(opts) {
            drop_later(client);
            return Err(format!("{id}: connect: {e}"));
        }
        Ok(Requester {
            client,
            rx,
            id: id.to_string(),
            next: AtomicU64::new(0),
        })
    }

    /// Subscribes at QoS 1 (waiting for the SUBACK).
    pub fn subscribe(&self, filter: &str) {
        let _ = self.client.subscribe(filter, 1);
    }

    /// Waits at most `wait` for any message; true when one came.
    pub fn wait_message(&self, wait: Duration) -> bool {
        matches!(self.rx.recv_timeout(wait), Ok(Some(_)))
    }

    /// Sends `body` to `$aws/things/{thing}/jobs/{suffix}`; returns (accepted, reply, µs).
    pub fn call(
        &self,
        thing: &str,
        suffix: &str,
        mut body: Value,
    ) -> Result<(bool, Value, u64), String> {
        let token = format!("{}-{}", self.id, self.next.fetch_add(1, Ordering::Relaxed));
        body["clientToken"] = json!(token);
        let topic = format!("$aws/things/{thing}/jobs/{suffix}");
        let started = Instant::now();
        self.client
            .publish(paho::Message::new(&topic, body.to_string(), 1))
            .map_err(|e| format!("{topic}: publish: {e}"))?;
        let deadline = started + REPLY_WAIT;
        loop {
            let left = deadline
                .checked_duration_since(Instant::now())
                .ok_or_else(|| format!("{topic}: no reply within {REPLY_WAIT:?}"))?;
            let Ok(Some(m)) = self.rx.recv_timeout(left) else {
                continue;
            };
            let reply: Value = serde_json::from_slice(m.payload()).unwrap_or(Value::Null);
            if reply["clientToken"] != json!(token) {
                continue;
            }
            let us = started.elapsed().as_micros() as u64;
            return Ok((m.topic().ends_with("/accepted"), reply, us));
        }
    }
}

impl Drop for Requester {
    fn drop(&mut self) {
        let _ = self.client.disconnect(None);
        drop_later(self.client.clone());
    }
}

/// Paho must never destroy a client on its own thread (see mqtt_support): the last clone
/// goes on a thread of ours, a moment later.
fn drop_later(client: paho::Client) {
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(client);
    });
}

/// What a fleet run found.
#[derive(Debug, Default)]
pub struct FleetResult {
    /// Distinct (thing, job) executions driven to SUCCEEDED.
    pub completed: usize,
    /// Executions handed out again after they had succeeded.
    pub duplicates: usize,
    /// Request failures (rejections, timeouts), as text.
    pub errors: Vec<String>,
    /// Every request's round trip, µs.
    pub latencies_us: Vec<u64>,
    pub elapsed: Duration,
}

/// Drives every thing's pending jobs to SUCCEEDED with `workers` connections.
pub fn drive_fleet(mqtt: SocketAddr, things: &[String], workers: usize, tag: &str) -> FleetResult {
    let done = Arc::new(Mutex::new(HashSet::<(String, String)>::new()));
    let result = Arc::new(Mutex::new(FleetResult::default()));
    let started = Instant::now();
    let threads: Vec<_> = (0..workers.max(1))
        .map(|w| {
            let mine: Vec<String> = things
                .iter()
                .skip(w)
                .step_by(workers.max(1))
                .cloned()
                .collect();
            let (done, result) = (done.clone(), result.clone());
            let id = format!("{tag}-worker-{w}");
            std::thread::spawn(move || worker(mqtt, &id, &mine, &done, &result))
        })
        .collect();
    for t in threads {
        let _ = t.join();
    }
    let mut r = std::mem::take(&mut *result.lock());
    r.completed = done.lock().len();
    r.elapsed = started.elapsed();
    r
}

fn worker(
    mqtt: SocketAddr,
    id: &str,
    things: &[String],
    done: &Mutex<HashSet<(String, String)>>,
    result: &Mutex<FleetResult>,
) {
    let dev = match Requester::connect(mqtt, id) {
        Ok(d) => d,
        Err(e) => return result.lock().errors.push(e),
    };
    let mut latencies = Vec::new();
    let fail = |e: String| result.lock().errors.push(e);
    for thing in things {
        loop {
            let (ok, reply, us) = match dev.call(thing, "start-next", json!({})) {
                Ok(r) => r,
                Err(e) => {
                    fail(e);
                    break;
                }
            };
            latencies.push(us);
            let Some(job) = reply["execution"]["jobId"].as_str().filter(|_| ok) else {
                if !ok {
                    fail(format!("{thing}: start-next rejected: {reply}"));
                }
                break;
            };
            let job = job.to_string();
            match dev.call(
                thing,
                &format!("{job}/update"),
                json!({ "status": "SUCCEEDED" }),
            ) {
                Ok((true, _, us)) => {
                    latencies.push(us);
                    if !done.lock().insert((thing.clone(), job.clone())) {
                        result.lock().duplicates += 1;
                    }
                }
                Ok((false, reply, _)) => {
                    fail(format!("{thing}/{job}: update rejected: {reply}"));
                    break;
                }
                Err(e) => {
                    fail(e);
                    break;
                }
            }
        }
    }
    result.lock().latencies_us.extend(latencies);
}

/// The `p`-th percentile (0..=100) of `v` (sorted in place); 0 for none.
pub fn percentile(v: &mut [u64], p: f64) -> u64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i.min(v.len() - 1)]
}
