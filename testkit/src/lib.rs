//! Test fakes of awsiotjobs, built only for tests, benches and fuzz targets (a dev-dependency:
//! `libawsiotjobs.{a,so}` carries none of it, which `tests/abi/fakes_not_shipped.rs` checks
//! with `nm`). [`loopback::Loopback`] is an in-memory broker implementing the core's transport
//! port, and [`responder::CannedJobs`] a scripted responder with canned replies (no job model: the
//! one Jobs service of the integration tests is the jobs-emulator) answering behind it; both use
//! only the public `awsiotjobs::core` API.

pub mod loopback;
pub mod responder;
