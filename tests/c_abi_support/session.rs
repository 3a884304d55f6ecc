//! What a test of the C ABI holds while it runs: the binary's lock (the library's state between
//! Init and Cleanup is global), a watchdog against a call that never returns, and the start of
//! the SDK, MQTT and Jobs libraries.

use super::*;
use std::sync::{Mutex, MutexGuard};

static SERIAL: Mutex<()> = Mutex::new(());

/// One test at a time per binary: the library's state between Init and Cleanup is global.
pub fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a test holds while it runs: the binary's lock and a watchdog.
pub struct Session {
    _watchdog: Watchdog,
    _serial: MutexGuard<'static, ()>,
}

/// Takes the lock, arms a watchdog for `limit`, and starts the libraries.
pub fn begin(what: &'static str, limit: Duration) -> Session {
    let session = Session {
        _serial: serial(),
        _watchdog: Watchdog::arm(limit, what),
    };
    init();
    session
}

/// Starts the SDK, MQTT and Jobs libraries (each a no-op when already running).
pub fn init() {
    check_mirrors();
    // SAFETY: no arguments.
    unsafe {
        assert!(IotSdk_Init());
        assert_eq!(IotMqtt_Init(), IOT_MQTT_SUCCESS);
        assert_eq!(AwsIotJobs_Init(0), SUCCESS);
    }
}

/// Ends the process, failing the test, unless dropped within `limit`: a guard against a call
/// that never returns (a deadlock would otherwise hang the test binary).
pub struct Watchdog {
    disarm: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    pub fn arm(limit: Duration, what: &'static str) -> Watchdog {
        let (disarm, disarmed) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = disarmed.recv_timeout(limit) {
                // Straight to stderr: the test harness's capture would swallow `eprintln!`
                // when the process ends here.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "watchdog: {what} did not finish within {limit:?}: a hang"
                );
                std::process::exit(101);
            }
        });
        Watchdog { disarm }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        let _ = self.disarm.send(());
    }
}
