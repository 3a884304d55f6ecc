//! The benchmarks of awsiotjobs and the rigs the fault and load tests share with them: the C
//! API driven from C (`c/jobs_client.c`) over connections made here, the emulator as a
//! process, a WAN proxy, plain Paho clients for the physical floor.
//!
//! `src/main.rs` is the bench command; `tests/` holds the fault and load tests.

pub mod alloc;
pub mod capi;
pub mod cpu;
pub mod disconnect;
pub mod emulator;
pub mod flood;
pub mod floor;
pub mod footprint;
pub mod inbound;
pub mod latency;
pub mod memory;
pub mod mosquitto;
pub mod proxy;
pub mod raw;
pub mod refill;
pub mod report;
pub mod span;
pub mod wan;
