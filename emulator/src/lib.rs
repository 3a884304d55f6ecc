//! The jobs emulator as a library: [`service`] is the Jobs service state model; the binary
//! adds the MQTT side and the HTTP planes on top. Tests and the HTTP planes use these
//! modules directly.

pub mod service;
