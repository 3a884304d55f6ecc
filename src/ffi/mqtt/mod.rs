//! The MQTT product: the `IotMqtt_*` functions of `iot_mqtt.h` over Paho, with the v4 set-up
//! calls around them (`IotNetworkOpenssl_*`, `IotSdk_*`).
//!
//! `api` holds the exported `IotMqtt_*` functions, `args` reads their C arguments with the v4
//! checks, `connection` is what a connection and an operation handle stand for, `serial` the
//! per-connection threads that run callbacks and operations, `strings` the fixed texts;
//! `network_openssl` and `sdk_init` are the v4 set-up calls; `paho_wraps` the two Paho C calls
//! redirected at link time (TLS extras, DISCONNECT left out); `paho_send` and `paho_inbound` the
//! Jobs engine's publishes handed to Paho C, and the messages Paho C hands back, without the
//! paho-mqtt crate's copies. A connection made here is also registered in `boundary::handles`,
//! so the Jobs functions accept it.

mod api;
mod args;
mod connection;
mod network_openssl;
pub(crate) mod paho_inbound;
pub(crate) mod paho_send;
mod paho_wraps;
mod sdk_init;
mod serial;
pub(super) mod strings;
