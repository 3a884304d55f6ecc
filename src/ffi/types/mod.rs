//! `repr(C)` mirrors of every public type of the v4 headers, one file per header.
//!
//! Naming follows C, not Rust: each C typedef is a Rust type of the same name and each struct
//! field keeps its C name, so code here reads like the C it replaces and `build.rs` can render
//! the headers from these files with cbindgen. Anonymous nested structs and unions of the C
//! headers get names here (for example [`AwsIotJobsCallbackParamU`]); the field paths C uses
//! (`param.u.operation.result`) are unchanged.
//!
//! Every C enum type is a `u32` alias on the Rust side (`AwsIotJobsError_t`), because a C
//! caller may pass any integer: Rust code converts and checks it. The `#[repr(u32)]` enum named
//! by the C tag (`AwsIotJobsError`) carries the enumerators for the header and for Rust code
//! that wants the named values (`AwsIotJobsError::AWS_IOT_JOBS_SUCCESS as AwsIotJobsError_t`).
//!
//! The layout of everything here is checked against the reference JSON by the tests in
//! `layout_tests`.

// Several of these types only exist to be rendered into the headers (the Rust side never
// builds an `IotMqttConnectInfo_t`, for instance), and no enum variant is ever constructed.
#![allow(dead_code)]

mod jobs;
mod logging;
mod mqtt;
mod network;
mod platform;

// Some of these are used by no Rust code yet, only by the headers rendered from them.
#[allow(unused_imports)]
pub use jobs::*;
#[allow(unused_imports)]
pub use logging::*;
#[allow(unused_imports)]
pub use mqtt::*;
#[allow(unused_imports)]
pub use network::*;
#[allow(unused_imports)]
pub use platform::*;

#[cfg(test)]
mod layout_tests;
