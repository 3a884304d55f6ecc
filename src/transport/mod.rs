//! Adapters of the core's transport port (`core::transport`) to real MQTT clients: the
//! paho-mqtt client behind `IotMqtt_Connect` and the Rust API, with the pieces that keep it
//! safe and lean (in `paho/`: `acks` watches queued publishes, `reaper` destroys clients off
//! Paho's threads, `hooks` applies TLS options Paho C has no setting for, `tls_files`
//! checks the TLS files first). The C function-pointer transport is an adapter too, in the FFI
//! layer since calling C is `unsafe`; the in-memory loopback of the tests is not shipped (it is
//! in the `awsiotjobs-testkit` crate).

pub mod paho;
