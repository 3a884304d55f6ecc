//! The Jobs product: the `AwsIotJobs_*` functions of `aws_iot_jobs.h` and `awsiotjobs.h`.
//!
//! `library` holds the state between Init and Cleanup (the runtime threads, one engine per
//! connection, the waitable operations); `init` starts and stops it; `operations` are the four
//! operations in Async and Sync forms, sharing `submit` (reading the request through
//! `request_info`, submitting to the engine) and `wait` (`AwsIotJobs_Wait` and the Sync wait);
//! `subscriptions` is RemovePersistentSubscriptions; `notify` the notify callbacks; `callbacks`
//! calls the application's C callbacks; `strings` the fixed texts; `transport` the
//! function-pointer transport through which firmware plugs in its own MQTT client; `settings`
//! our run-time settings. Nothing here depends on `ffi::mqtt`: a connection reaches the Jobs
//! library only through `boundary::handles`.

mod callbacks;
mod init;
pub(super) mod library;
mod notify;
mod operations;
mod request_info;
mod settings;
pub(super) mod strings;
mod submit;
mod subscriptions;
mod transport;
mod wait;
