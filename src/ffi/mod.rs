//! The C ABI: everything a C or C++ program sees, split by the product it exports.
//!
//! `types` mirrors every public type of the v4 headers as `repr(C)` Rust, checked against the
//! reference layout; `boundary` is the one place where raw pointers become references and
//! panics become error codes, and (`boundary::handles`) where the opaque handles given to C
//! become checked lookups, so a stale or foreign handle is an error; `jobs` is the Jobs product
//! (`AwsIotJobs_*`); `mqtt` the MQTT connection API over Paho (`IotMqtt_*`,
//! `IotNetworkOpenssl_*`, `IotSdk_*`); `platform` the v4 platform layer, logging and document
//! parser functions a v4 application links besides. `jobs`, `mqtt` and `platform` use
//! `boundary` and `types`; `mqtt` tells `jobs` when a connection closes; nothing points back, except
//! that the Paho transport publishes through `mqtt::paho_send` (calling C is unsafe).
//! The headers under `include/` are generated from these files by `build.rs`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(clippy::missing_safety_doc)]

mod boundary;
mod jobs;
pub(crate) mod mqtt;
mod platform;
pub mod types;
