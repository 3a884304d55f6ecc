//! The jobs emulator as a library: [`service`] is the Jobs service state model, [`wire`]
//! its MQTT request/reply format, [`mqtt`] the brokers it serves on. The binary adds the
//! CLI and the HTTP planes; tests and the HTTP planes use these modules directly.

pub mod app;
pub mod cli;
pub mod http;
pub mod identity;
pub mod mqtt;
pub mod seed;
pub mod service;
pub mod store;
pub mod wire;
