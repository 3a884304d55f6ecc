//! The C ABI: everything a C or C++ program sees.
//!
//! `types` mirrors every public type of the v4 headers as `repr(C)` Rust, checked against the
//! reference layout; `boundary` is the one place where raw pointers become references and
//! panics become error codes; `handles` turns the opaque `IotMqttConnection_t` and
//! `AwsIotJobsOperation_t` values into checked lookups, so a stale or foreign handle is an error;
//! `library` holds the state between Init and Cleanup (the runtime threads, one engine per
//! connection); `request_info` reads the C request structures with every v4 check; `callbacks`
//! calls the application's C callbacks; `jobs_api` and `notify` are the sixteen `AwsIotJobs_*`
//! functions; `strings` the fixed texts; `transport_c` the function-pointer transport through
//! which firmware plugs in its own MQTT client; `settings` our run-time settings; `mqtt_api`
//! the `IotMqtt_*` connection API over Paho (with `mqtt_args` reading its C arguments,
//! `mqtt_connection` its connections and operations, `mqtt_serial` the per-connection threads),
//! `network_openssl` and `sdk_init` the v4 set-up calls around it, `paho_wraps` the two
//! Paho C calls redirected at link time (TLS extras, DISCONNECT left out); `platform` the v4
//! platform layer, logging and document parser functions a v4 application links besides. The
//! headers under `include/` are generated from these files by `build.rs`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(clippy::missing_safety_doc)]

mod boundary;
mod callbacks;
mod handles;
mod jobs_api;
mod library;
mod mqtt_api;
mod mqtt_args;
mod mqtt_connection;
mod mqtt_serial;
mod network_openssl;
mod notify;
mod paho_wraps;
mod platform;
mod request_info;
mod sdk_init;
mod settings;
mod strings;
mod transport_c;
pub mod types;
