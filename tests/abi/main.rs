//! The libraries as shipped, checked from the outside with binutils: what they export
//! (`symbols`) and that no test code is in them (`fakes_not_shipped`). One test binary for
//! both, so the suite links Paho once for them. Run `cargo build` first: the tests read
//! `target/<profile>/libawsiotjobs.{a,so}`.

mod fakes_not_shipped;
mod symbols;
