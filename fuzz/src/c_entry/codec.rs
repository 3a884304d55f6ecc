//! The byte encoding of a `c_entry_points` [`Input`]: `decode` for the target, `encode` for
//! the seed corpus (each seed is checked to decode back to the value it was written from).

use super::*;
use crate::{Reader, Writer};

fn r_str(r: &mut Reader, pool: usize) -> Str {
    match r.below(4) {
        0 => Str::Null(r.u16()),
        1 | 2 => Str::Pool(r.below(pool)),
        _ => Str::Raw(r.bytes(RAW_MAX), r.u16()),
    }
}

fn w_str(w: &mut Writer, s: &Str, pool: usize) {
    match s {
        Str::Null(n) => w.below(0, 4).u16(*n),
        Str::Pool(i) => w.below(1, 4).below(*i, pool),
        Str::Raw(b, n) => w.below(3, 4).bytes(b, RAW_MAX).u16(*n),
    };
}

fn r_conn(r: &mut Reader) -> Conn {
    match r.below(8) {
        0..=4 => Conn::Made(r.below(4)),
        5 | 6 => Conn::Null,
        _ => Conn::Raw(r.u64()),
    }
}

fn w_conn(w: &mut Writer, c: &Conn) {
    match c {
        Conn::Made(i) => w.below(0, 8).below(*i, 4),
        Conn::Null => w.below(5, 8),
        Conn::Raw(v) => w.below(7, 8).u64(*v),
    };
}

/// A u32 from a pool (mostly) or raw.
fn r_pooled(r: &mut Reader, pool: &[u32]) -> u32 {
    if r.u8() < 200 {
        pool[r.below(pool.len())]
    } else {
        r.u32()
    }
}

fn w_pooled(w: &mut Writer, v: u32, pool: &[u32]) {
    match pool.iter().position(|p| *p == v) {
        Some(i) => w.u8(0).below(i, pool.len()),
        None => w.u8(255).u32(v),
    };
}

fn r_opt<T>(r: &mut Reader, f: impl FnOnce(&mut Reader) -> T) -> Option<T> {
    // Mostly present.
    (r.below(8) != 0).then(|| f(r))
}

fn w_opt<T>(w: &mut Writer, v: &Option<T>, f: impl FnOnce(&mut Writer, &T)) {
    match v {
        Some(v) => {
            w.below(1, 8);
            f(w, v);
        }
        None => {
            w.below(0, 8);
        }
    }
}

fn r_req(r: &mut Reader) -> Req {
    Req {
        conn: r_conn(r),
        qos: r_pooled(r, &[0, 1, 2]),
        retry_limit: r.u32(),
        retry_ms: r.u32(),
        malloc: [1, 1, 1, 0, 2][r.below(5)],
        thing: r_str(r, THINGS.len()),
        job: r_str(r, JOBS.len()),
        token: if r.bool() {
            r_str(r, TOKENS.len())
        } else {
            Str::Null(0)
        },
    }
}

fn w_req(w: &mut Writer, q: &Req) {
    w_conn(w, &q.conn);
    w_pooled(w, q.qos, &[0, 1, 2]);
    w.u32(q.retry_limit).u32(q.retry_ms);
    w.below([3, 0, 4][q.malloc], 5);
    w_str(w, &q.thing, THINGS.len());
    w_str(w, &q.job, JOBS.len());
    if q.token == Str::Null(0) {
        w.bool(false);
    } else {
        w.bool(true);
        w_str(w, &q.token, TOKENS.len());
    }
}

fn r_upd(r: &mut Reader) -> Upd {
    Upd {
        status: r_pooled(r, &[1, 2, 3, 6, 0, 4, 8]),
        version: r_pooled(r, &[0, 1, 7]),
        execution: r_pooled(r, &[-1i32 as u32, 0, 3]) as i32,
        step: r_pooled(r, &[0, -1i32 as u32, 10, 10080, 10081]) as i32,
        include_state: r.bool(),
        include_document: r.bool(),
        details: if r.bool() {
            r_str(r, DETAILS.len())
        } else {
            Str::Null(0)
        },
    }
}

fn w_upd(w: &mut Writer, u: &Upd) {
    w_pooled(w, u.status, &[1, 2, 3, 6, 0, 4, 8]);
    w_pooled(w, u.version, &[0, 1, 7]);
    w_pooled(w, u.execution as u32, &[-1i32 as u32, 0, 3]);
    w_pooled(w, u.step as u32, &[0, -1i32 as u32, 10, 10080, 10081]);
    w.bool(u.include_state).bool(u.include_document);
    if u.details == Str::Null(0) {
        w.bool(false);
    } else {
        w.bool(true);
        w_str(w, &u.details, DETAILS.len());
    }
}

fn r_cb(r: &mut Reader) -> Cb {
    Cb {
        context: r.bool(),
        function: r.below(3),
        old: r.below(3),
    }
}

fn w_cb(w: &mut Writer, c: &Cb) {
    w.bool(c.context).below(c.function, 3).below(c.old, 3);
}

const TIMEOUTS: [u32; 4] = [0, 1, 2, 5];

impl Input {
    pub fn decode(data: &[u8]) -> Input {
        let mut r = Reader::new(data);
        let mut calls = Vec::new();
        while !r.is_empty() && calls.len() < MAX_CALLS {
            let call = match r.below(13) {
                0 => Call::Init(r_pooled(&mut r, &[0, 1, 5000])),
                1 => Call::Cleanup,
                2 => {
                    let kind = r.below(4);
                    let sync = r.bool();
                    Call::Operation {
                        kind,
                        sync,
                        req: r_opt(&mut r, r_req),
                        upd: r_opt(&mut r, r_upd),
                        execution: r_pooled(&mut r, &[-1i32 as u32, 0, 3, -2i32 as u32]) as i32,
                        include: r.bool(),
                        flags: r_pooled(&mut r, &FLAGS),
                        cb: if r.bool() { Some(r_cb(&mut r)) } else { None },
                        out: r.below(8) != 0,
                        timeout: TIMEOUTS[r.below(TIMEOUTS.len())],
                        resp: r.below(8) != 0,
                    }
                }
                3 => Call::Wait {
                    handle: match r.below(6) {
                        0..=3 => Handle::Returned(r.below(16)),
                        4 => Handle::Null,
                        _ => Handle::Raw(r.u64()),
                    },
                    timeout: TIMEOUTS[r.below(TIMEOUTS.len())],
                    resp: r.below(8) != 0,
                },
                4 => Call::Remove {
                    req: r_opt(&mut r, r_req),
                    flags: r.u32(),
                },
                5 => Call::Notify {
                    next: r.bool(),
                    conn: r_conn(&mut r),
                    thing: r_str(&mut r, THINGS.len()),
                    flags: r.u32(),
                    cb: r_opt(&mut r, r_cb),
                },
                6 => Call::Text {
                    which: r.below(4),
                    value: r.u32(),
                },
                7 => Call::Receive {
                    conn: r_conn(&mut r),
                    topic: match r.below(3) {
                        0 => Topic::ReplyToLast { rejected: r.bool() },
                        1 => Topic::Notify {
                            thing: r.below(2),
                            next: r.bool(),
                        },
                        _ => Topic::Raw(r_str(&mut r, 1)),
                    },
                    payload: match r.below(2) {
                        0 => Payload::ReplyToLast {
                            code: r.below(crate::SERVICE_CODES.len() + 2),
                        },
                        _ => Payload::Raw(r_str(&mut r, 1)),
                    },
                },
                8 => Call::Setting {
                    limit: r.bool(),
                    value: r_pooled(&mut r, &[0, 1, 2, 1025, 5]),
                },
                9 => Call::Connect {
                    aws_iot: r.bool(),
                    missing: r.below(4),
                    out: r.below(8) != 0,
                },
                10 => Call::Destroy(r_conn(&mut r)),
                11 => Call::Knobs {
                    subscribe: r_pooled(&mut r, &[0, 8, 9, 5]),
                    unsubscribe: r_pooled(&mut r, &[0, 8, 9, 5]),
                    publish: r_pooled(&mut r, &[0, 8, 9, 5]),
                    reply: r.below(6),
                    code: r.below(crate::SERVICE_CODES.len() + 2),
                },
                _ => Call::Cleanup,
            };
            calls.push(call);
        }
        Input { calls }
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        for call in &self.calls {
            match call {
                Call::Init(ms) => {
                    w.below(0, 13);
                    w_pooled(&mut w, *ms, &[0, 1, 5000]);
                }
                Call::Cleanup => {
                    w.below(1, 13);
                }
                Call::Operation {
                    kind,
                    sync,
                    req,
                    upd,
                    execution,
                    include,
                    flags,
                    cb,
                    out,
                    timeout,
                    resp,
                } => {
                    w.below(2, 13).below(*kind, 4).bool(*sync);
                    w_opt(&mut w, req, w_req);
                    w_opt(&mut w, upd, w_upd);
                    w_pooled(
                        &mut w,
                        *execution as u32,
                        &[-1i32 as u32, 0, 3, -2i32 as u32],
                    );
                    w.bool(*include);
                    w_pooled(&mut w, *flags, &FLAGS);
                    match cb {
                        Some(c) => {
                            w.bool(true);
                            w_cb(&mut w, c);
                        }
                        None => {
                            w.bool(false);
                        }
                    }
                    w.below(*out as usize, 8);
                    w.below(
                        TIMEOUTS.iter().position(|t| t == timeout).unwrap(),
                        TIMEOUTS.len(),
                    );
                    w.below(*resp as usize, 8);
                }
                Call::Wait {
                    handle,
                    timeout,
                    resp,
                } => {
                    w.below(3, 13);
                    match handle {
                        Handle::Returned(i) => w.below(0, 6).below(*i, 16),
                        Handle::Null => w.below(4, 6),
                        Handle::Raw(v) => w.below(5, 6).u64(*v),
                    };
                    w.below(
                        TIMEOUTS.iter().position(|t| t == timeout).unwrap(),
                        TIMEOUTS.len(),
                    );
                    w.below(*resp as usize, 8);
                }
                Call::Remove { req, flags } => {
                    w.below(4, 13);
                    w_opt(&mut w, req, w_req);
                    w.u32(*flags);
                }
                Call::Notify {
                    next,
                    conn,
                    thing,
                    flags,
                    cb,
                } => {
                    w.below(5, 13).bool(*next);
                    w_conn(&mut w, conn);
                    w_str(&mut w, thing, THINGS.len());
                    w.u32(*flags);
                    w_opt(&mut w, cb, w_cb);
                }
                Call::Text { which, value } => {
                    w.below(6, 13).below(*which, 4).u32(*value);
                }
                Call::Receive {
                    conn,
                    topic,
                    payload,
                } => {
                    w.below(7, 13);
                    w_conn(&mut w, conn);
                    match topic {
                        Topic::ReplyToLast { rejected } => w.below(0, 3).bool(*rejected),
                        Topic::Notify { thing, next } => w.below(1, 3).below(*thing, 2).bool(*next),
                        Topic::Raw(s) => {
                            w.below(2, 3);
                            w_str(&mut w, s, 1);
                            &mut w
                        }
                    };
                    match payload {
                        Payload::ReplyToLast { code } => {
                            w.below(0, 2).below(*code, crate::SERVICE_CODES.len() + 2);
                        }
                        Payload::Raw(s) => {
                            w.below(1, 2);
                            w_str(&mut w, s, 1);
                        }
                    }
                }
                Call::Setting { limit, value } => {
                    w.below(8, 13).bool(*limit);
                    w_pooled(&mut w, *value, &[0, 1, 2, 1025, 5]);
                }
                Call::Connect {
                    aws_iot,
                    missing,
                    out,
                } => {
                    w.below(9, 13)
                        .bool(*aws_iot)
                        .below(*missing, 4)
                        .below(*out as usize, 8);
                }
                Call::Destroy(c) => {
                    w.below(10, 13);
                    w_conn(&mut w, c);
                }
                Call::Knobs {
                    subscribe,
                    unsubscribe,
                    publish,
                    reply,
                    code,
                } => {
                    w.below(11, 13);
                    w_pooled(&mut w, *subscribe, &[0, 8, 9, 5]);
                    w_pooled(&mut w, *unsubscribe, &[0, 8, 9, 5]);
                    w_pooled(&mut w, *publish, &[0, 8, 9, 5]);
                    w.below(*reply, 6)
                        .below(*code, crate::SERVICE_CODES.len() + 2);
                }
            }
        }
        w.out
    }
}
