//! The Jobs engine's tests, one binary (so the suite links the library and Paho once for all
//! of them): the engine on the in-memory loopback broker of `awsiotjobs-testkit`, with its
//! canned Jobs responder (no job model), wired by `tests/common`. One module per subject.

#[path = "../common/mod.rs"]
mod common;

mod concurrency;
mod hostile;
mod notify;
mod operations;
mod reentrancy;
mod rejections;
mod subscriptions;
mod timeouts;
mod v4_defects;
