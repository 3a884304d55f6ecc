//! One input of the `c_entry_points` target, from a fresh model to the checks at its end.

use super::abi::*;
use super::app::*;
use super::calls::call;
use super::model::State;
use super::{Call, Input};
use std::collections::{HashMap, HashSet};

/// Runs the calls of `data` (decoded as an [`Input`]) after one connection is made, then
/// cleans up and checks that every callback operation completed once and no `mallocResponse`
/// buffer is left over.
pub fn run(data: &[u8]) {
    let input = Input::decode(data);
    *KNOBS.lock().unwrap() = DEFAULT_KNOBS;
    *LAST_REQUEST.lock().unwrap() = None;
    *COMPLETIONS.lock().unwrap() = Some(Completions {
        operations: HashMap::new(),
        notifications: 0,
    });
    LIVE.lock()
        .unwrap()
        .get_or_insert_with(HashSet::new)
        .clear();
    let mut state = State {
        initialized: false,
        connections: Vec::new(),
        handles: Vec::new(),
        callback_ops: 0,
    };
    // One connection to start with; the input may make more.
    call(
        &mut state,
        &Call::Connect {
            aws_iot: false,
            missing: 3,
            out: true,
        },
    );
    for c in &input.calls {
        call(&mut state, c);
    }
    call(&mut state, &Call::Cleanup);
    for (connection, ctx) in state.connections.drain(..) {
        // SAFETY: our handle (destroying twice is allowed).
        unsafe { AwsIotJobs_DestroyTransportConnection(connection) };
        drop(ctx);
    }
    // SAFETY: plain calls restoring the defaults.
    unsafe {
        assert_eq!(AwsIotJobs_SetResponseTimeout(30_000), SUCCESS);
        assert_eq!(AwsIotJobs_SetNotifyCallbackLimit(4), SUCCESS);
    }
    let live = LIVE.lock().unwrap().as_ref().map_or(0, HashSet::len);
    assert_eq!(live, 0, "mallocResponse buffers left over");
    *COMPLETIONS.lock().unwrap() = None;
}
