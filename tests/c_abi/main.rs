//! The library through its C ABI against real services, one binary: the exported `AwsIotJobs_*`
//! and `IotMqtt_*` functions called as a C program calls them (declared in `tests/c_abi_support`
//! from the reference layouts, not from the library's own types), over the library's own MQTT
//! connection to the jobs-emulator started in-process, or to a TLS listener of the test's own.
//! The library's state is global, so every test that calls Init or Cleanup takes
//! `c_abi_support::serial()` first; a watchdog ends the binary if anything hangs.

// The exported C symbols come with the library: keep it linked though nothing names it in Rust.
extern crate awsiotjobs;

#[path = "../c_abi_support/mod.rs"]
mod c_abi_support;
#[path = "../emulator_support/mod.rs"]
mod emulator_support;

mod alpn_on_the_wire;
mod async_and_concurrency;
mod callbacks_that_wait;
mod cleanup_in_callback;
mod job_life;
mod notify_and_rejections;
