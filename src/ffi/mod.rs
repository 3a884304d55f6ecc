//! The C ABI: everything a C or C++ program sees.
//!
//! `types` mirrors every public type of the v4 headers as `repr(C)` Rust, checked against the
//! reference layout; `boundary` is the one place where raw pointers become references and
//! panics become error codes; `handles` turns the opaque `IotMqttConnection_t` and
//! `AwsIotJobsOperation_t` values into checked lookups, so a stale or foreign handle is an error;
//! `jobs_api` and `notify` are the sixteen `AwsIotJobs_*` functions; `strings` the fixed texts;
//! `transport_c` the function-pointer transport through which firmware plugs in its own MQTT
//! client. The headers under `include/` are generated from these files by `build.rs`.
#![allow(non_camel_case_types, non_snake_case, non_upper_case_globals)]
#![allow(clippy::missing_safety_doc)]

mod strings;
pub mod types;
mod settings;
mod transport_c;
