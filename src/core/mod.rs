//! The pure-Rust heart of the library: no `unsafe`, no C types.
//!
//! `topics` builds and parses the `$aws/things/{thing}/jobs/...` topics; `validate` checks thing
//! names, job IDs, client tokens and status details against the service's rules; `request`
//! encodes the JSON requests exactly as the v4 library laid them out; `reply` reads the fields
//! of a reply that matching needs; `token` issues client tokens unique for the process's
//! lifetime; `log` writes the library's own log lines and `panics` keeps a panic from going where it
//! must not; `engine` keeps the table of operations
//! in flight, the reply subscriptions and the notify callback registry of one connection;
//! `runtime` owns the threads on which callbacks run and operations time out, fed through
//! `queue`; `sync` names the locks that a model checker replaces in `tests/loom_lifecycle.rs`;
//! `doc_parser` finds a key's value in a JSON document without allocating
//! (`AwsIotDocParser_FindValue`) and `platform_timers` runs the timers of `IotClock_Timer*`.
//! `transport` is the port every MQTT client is adapted to, and `router` hands inbound messages
//! to the engine or the application. Everything here is usable from Rust directly and is what
//! the C layer calls into; nothing here names Paho, the FFI or C types.
#![deny(unsafe_code)]

pub mod doc_parser;
pub mod engine;
pub mod error;
pub mod log;
pub mod panics;
pub mod platform_timers;
pub mod queue;
pub mod reply;
pub mod request;
pub mod router;
pub mod runtime;
pub mod sync;
pub mod token;
pub mod topics;
pub mod transport;
pub mod validate;

pub use engine::Engine;
pub use error::JobsError;
