//! The Paho transport against a real mosquitto (started by `tests/mqtt_support`), one binary
//! so the suite links the library and Paho once for these: connections, subscriptions and
//! reconnection (`transport`), what the library does inside Paho C (`tls_extras`), closing
//! (`disconnect`), and the vendored Paho fix (`publish_reset`, which re-runs this binary under
//! AddressSanitizer's allocator). `mqtt_tls_errors` and `mqtt_connect_timeout` stay binaries of
//! their own: the first names the log file in the environment before anything of the process
//! logs, the second counts every client of the process waiting in the reaper.

#[path = "../mqtt_support/cutter.rs"]
mod cutter;
#[path = "../emulator_support/mod.rs"]
mod emulator_support;
#[path = "../mqtt_support/mod.rs"]
mod mqtt_support;

mod disconnect;
mod inbound;
mod publish_reset;
mod tls_extras;
mod transport;
