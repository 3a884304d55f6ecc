//! A `Transport` over a real broker: the Eclipse Paho C client (through the `paho-mqtt`
//! crate), MQTT 3.1.1, plain TCP or TLS, one file per job.
//!
//! [`PahoTransport::connect`] opens the link and returns once the broker accepted it. From then
//! on the transport keeps the link alive by itself: when it drops, a supervisor thread of ours
//! (`awsiotjobs-mqtt-link`) reconnects with the [`Backoff`] policy (100 ms doubling to 5 s by
//! default, forever until [`PahoTransport::close`]), subscribes again to every filter anyone
//! holds (the Jobs engine's reply and notify topics, the application's own), and only then lets
//! waiting calls through. Subscribe, unsubscribe and publish wait for the link (up to their
//! timeout) and then for the broker's acknowledgement within what is left of it; a call whose
//! link drops under it is tried again on the next link while time remains. Inbound messages are
//! copied on Paho's receive thread into a hand-off and given to the connection's `Router` by a
//! routing thread of ours, which matches and enqueues: nothing here ever waits on a Paho token
//! from a Paho callback or while routing, and application code never runs on a Paho thread.
//! When no message waits, a routing thread may run the Jobs callbacks its routing queued,
//! while a second one routes in its place (`inbound`). The QoS and retain flag of the message
//! being delivered are available to router handlers through [`current_inbound`].
//!
//! The files, from the bottom up (each uses only those above it in this list): `settings`
//! (what a connection is made from, Paho's options and errors in our words), `hooks` (the safe
//! half of what the library changes inside Paho C at link time), `reaper` (where clients are
//! destroyed), `tls_files` (the TLS files checked before connecting), `handoff` (the queue
//! between Paho's receive thread and ours), `inbound` (messages to the router),
//! `subscriptions` (who holds which filter), `sent` (a publish handed to Paho C, and how it
//! stands), `acks` (publishes watched until acknowledged), `connection` (connect, reconnect,
//! close) and `calls` (subscribe, publish and the port's `Transport` over the link).

pub mod acks;
mod calls;
mod connection;
mod handoff;
pub mod hooks;
pub(crate) mod inbound;
pub mod reaper;
pub mod sent;
mod settings;
mod subscriptions;
pub mod tls_files;

pub use connection::{LinkEvents, PahoTransport};
pub use inbound::{current_inbound, InboundMeta};
pub use settings::{Backoff, ConnectError, Settings, TlsSettings, Will};
pub use subscriptions::Holder;
