//! awsiotjobs: the AWS IoT Jobs client of the v4-beta Embedded C SDK, rewritten in Rust
//! behind the same C ABI.
//!
//! The crate has three layers, and a Rust API on top of the first two, each in its own folder:
//! - [`core`]: safe, pure Rust. Topics, request encoding, reply decoding, validation, and the
//!   operation engine that matches replies to requests and runs callbacks on a thread it owns.
//! - [`transport`]: how the engine reaches an MQTT broker: the adapters of the core's
//!   transport port (`core::transport`), paho-mqtt in `transport::paho`. The in-memory
//!   loopback the tests use is not shipped: it is in the `awsiotjobs-testkit` crate.
//! - [`client`]: the Rust API. A blocking (and pollable) Jobs client with typed replies and
//!   notifications, on the same engine and Paho transport as the C API, in safe Rust.
//! - `ffi`: the C ABI. `repr(C)` mirrors of the v4 types, the exported functions, and the one
//!   boundary where pointers become references and panics become error codes. All `unsafe`
//!   code of the crate lives there.
#![forbid(unsafe_op_in_unsafe_fn)]

pub mod client;
pub mod core;
pub mod transport;

mod ffi;
