//! Paho C, QoS 1 publishes in flight when the connection is reset: every publish's topic and
//! payload must be freed exactly once.
//!
//! In Paho C 1.3.16 a QoS 1 publish whose write fails (`SOCKET_ERROR` in
//! `MQTTAsync_processCommand`) had its topic and payload freed with its command
//! (`MQTTAsync_freeCommand`) although the message stored for retries
//! (`MQTTProtocol_storePublication`) still owned them; the next clean-up of the session
//! (`MQTTAsync_cleanSession` -> `MQTTProtocol_emptyMessageList` ->
//! `MQTTProtocol_removePublication`) freed them again: "free(): double free detected" (upstream
//! eclipse-paho/paho.mqtt.c#1532, #1621, #1622). vendor/paho-mqtt-sys carries the fix
//! (patches/0001-publish-write-failure-double-free.patch).
//!
//! The test drives Paho directly (no library code in between): bursts of QoS 1 publishes
//! through a relay that resets the connection mid-burst, so that Paho's send thread writes into
//! a reset socket. To see a double free whatever the allocator happens to do, it re-runs itself
//! with AddressSanitizer's allocator preloaded (gcc's libasan, which the C test suite uses
//! anyway), which reports the second free of any block.

use crate::cutter::Cutter;
use crate::mqtt_support::Broker;
use paho_mqtt as paho;
use std::process::Command;
use std::time::Duration;

const ROUNDS: usize = 20;
const BURST: usize = 1500;

fn libasan() -> Option<String> {
    let out = Command::new("gcc")
        .arg("-print-file-name=libasan.so")
        .output()
        .ok()?;
    let path = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    std::path::Path::new(&path).is_absolute().then_some(path)
}

fn bursts_cut_by_resets() {
    let broker = Broker::plain();
    let cutter = Cutter::start(broker.port);
    for round in 0..ROUNDS {
        let client = paho::CreateOptionsBuilder::new_v3()
            .server_uri(format!("tcp://127.0.0.1:{}", cutter.port))
            .client_id(format!("reset-{round}"))
            .persistence(None)
            .max_buffered_messages(100_000)
            .create_client()
            .unwrap();
        let options = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1)
            .clean_session(true)
            .finalize();
        client
            .connect(options)
            .wait_for(Duration::from_secs(10))
            .expect("connect through the relay");
        let tokens = std::thread::scope(|s| {
            let publisher = s.spawn(|| {
                (0..BURST)
                    .map(|i| {
                        let payload = format!(
                            "{{\"round\":{round},\"i\":{i},\"pad\":\"{}\"}}",
                            "x".repeat(200)
                        );
                        client.publish(paho::Message::new("reset/test", payload, 1))
                    })
                    .collect::<Vec<_>>()
            });
            // Let the burst get going, then reset the connection under it.
            std::thread::sleep(Duration::from_micros(500 + 300 * (round as u64 % 10)));
            cutter.cut();
            publisher.join().unwrap()
        });
        // Delivered before the cut, or failed with it; the ones still queued inside Paho when the
        // link went stay queued (nothing reconnects this client) and go with it.
        let until = std::time::Instant::now() + Duration::from_secs(3);
        for token in tokens {
            let left = until.saturating_duration_since(std::time::Instant::now());
            let _ = token.wait_for(left.max(Duration::from_millis(1)));
        }
        let _ = client.disconnect(None).wait_for(Duration::from_secs(2));
    }
}

#[test]
fn qos1_publishes_in_flight_when_the_connection_is_reset_are_freed_once() {
    if std::env::var_os("PAHO_RESET_CHILD").is_some() {
        bursts_cut_by_resets();
        return;
    }
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([
            "--exact",
            "publish_reset::qos1_publishes_in_flight_when_the_connection_is_reset_are_freed_once",
            "--nocapture",
        ])
        .env("PAHO_RESET_CHILD", "1");
    match libasan() {
        Some(asan) => {
            child
                .env("LD_PRELOAD", asan)
                .env("ASAN_OPTIONS", "detect_leaks=0:halt_on_error=1");
        }
        None => eprintln!("no libasan: relying on glibc's own double-free checks"),
    }
    let out = child.output().expect("run the child");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the child failed ({}):\n{}",
        out.status,
        stderr.lines().take(60).collect::<Vec<_>>().join("\n")
    );
    // The child filters by this test's path in the binary: it must have run it, not nothing.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test:\n{stdout}"
    );
}
