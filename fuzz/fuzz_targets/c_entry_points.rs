//! Every `AwsIotJobs_*` entry point, called through its C ABI with structs built from fuzzed
//! fields. Pointers are always NULL or valid: strings point into buffers owned by this target
//! (freed right after the call, so a library that kept one would be caught by AddressSanitizer),
//! lengths never exceed their buffers, function pointers are NULL or real functions, and
//! connection handles are real ones (from `AwsIotJobs_CreateTransportConnection` over a
//! C-shaped transport written here, live or destroyed), NULL, or any integer.
//!
//! Invariants: no crash and no panic; every return code is one the function may return;
//! NOT_INITIALIZED before Init; a response buffer comes from the request's `mallocResponse`,
//! holds `length` bytes and a NUL, and is handed over only with a code that carries a reply;
//! a handle can be waited for once; each callback operation completes exactly once by Cleanup
//! and every callback gets a legal type, result and readable pointers; no allocation from
//! `mallocResponse` is left over at the end (plus LeakSanitizer for the library's own memory).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| awsiotjobs_fuzz::c_entry::run(data));
