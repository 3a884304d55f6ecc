//! Where the service meets MQTT: [`embedded`] runs an rmqtt broker in-process and answers
//! requests through a broker hook; [`external`] attaches to another broker (mosquitto, AWS
//! IoT-like setups) as a paho-mqtt client. Both call [`crate::wire::handle`] per request and
//! publish [`crate::service::Event`]s as notifications. [`takeover`] makes the embedded broker
//! take a client ID over as AWS IoT does instead of refusing the CONNECT.

pub mod authz;
pub mod embedded;
pub mod external;
pub mod router;
pub mod takeover;
