//! How long a pipelined run lasts: for a time (the rate benches) or for a number of operations
//! (the CPU bench, which subtracts two runs of different sizes and so needs exact counts).

use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug)]
pub enum Span {
    For(Duration),
    Ops(usize),
}

impl Span {
    /// True while a run that started at `start` and has started `started` operations may
    /// start another.
    pub fn more(self, start: Instant, started: usize) -> bool {
        match self {
            Span::For(duration) => start.elapsed() < duration,
            Span::Ops(ops) => started < ops,
        }
    }
}
