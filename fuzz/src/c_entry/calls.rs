//! One call of the `c_entry_points` target: each `Call` of the input made through the C ABI
//! with its arguments built from the input, and its result checked against the model.

use super::abi::*;
use super::app::*;
use super::model::*;
use super::*;
use std::ffi::{c_char, c_void};
use std::sync::atomic::{AtomicUsize, Ordering};

#[allow(clippy::too_many_lines)]
pub(crate) fn call(state: &mut State, c: &Call) {
    let mut arena = Arena::default();
    match c {
        Call::Init(ms) => {
            // SAFETY: plain call.
            let r = unsafe { AwsIotJobs_Init(*ms) };
            assert_eq!(r, SUCCESS, "Init");
            state.initialized = true;
        }
        Call::Cleanup => {
            // SAFETY: plain call.
            unsafe { AwsIotJobs_Cleanup() };
            state.initialized = false;
            state.check_callbacks();
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
            let req = req.as_ref().map(|q| state.request(&mut arena, q));
            let upd = upd.as_ref().map(|u| {
                let (status_details, status_details_length) = arena.str(&u.details, &DETAILS);
                UpdateInfo {
                    new_status: u.status,
                    expected_version: u.version,
                    execution_number: u.execution,
                    step_timeout_in_minutes: u.step,
                    include_job_execution_state: u.include_state,
                    include_job_document: u.include_document,
                    status_details,
                    status_details_length,
                }
            });
            let rp = req
                .as_ref()
                .map_or(std::ptr::null(), |r| r as *const RequestInfo);
            let up = upd
                .as_ref()
                .map_or(std::ptr::null(), |u| u as *const UpdateInfo);
            if *sync {
                let mut response = Response {
                    response: 0x5a5a as *const c_char,
                    length: 77,
                };
                let rs = if *resp {
                    &mut response as *mut Response
                } else {
                    std::ptr::null_mut()
                };
                // SAFETY: every pointer is NULL or valid for the call.
                let r = unsafe {
                    match kind {
                        0 => AwsIotJobs_GetPendingSync(rp, *flags, *timeout, rs),
                        1 => AwsIotJobs_StartNextSync(rp, up, *flags, *timeout, rs),
                        2 => {
                            AwsIotJobs_DescribeSync(rp, *execution, *include, *flags, *timeout, rs)
                        }
                        _ => AwsIotJobs_UpdateSync(rp, up, *flags, *timeout, rs),
                    }
                };
                legal(r, &SYNC_CODES, "Sync");
                if !state.initialized {
                    assert_eq!(r, NOT_INITIALIZED);
                }
                if *resp && response.response as usize != 0x5a5a {
                    take_response(r, &response);
                } else if *resp {
                    // Untouched only when the call failed before doing anything.
                    assert!(!carries_document(r), "Sync {r} left the response unset");
                }
            } else {
                let info = cb.as_ref().map(cb_info);
                let cp = info
                    .as_ref()
                    .map_or(std::ptr::null(), |i| i as *const CallbackInfo);
                let mut handle: OperationHandle = std::ptr::null_mut();
                let hp = if *out {
                    &mut handle as *mut OperationHandle
                } else {
                    std::ptr::null_mut()
                };
                // SAFETY: every pointer is NULL or valid for the call.
                let r = unsafe {
                    match kind {
                        0 => AwsIotJobs_GetPendingAsync(rp, *flags, cp, hp),
                        1 => AwsIotJobs_StartNextAsync(rp, up, *flags, cp, hp),
                        2 => AwsIotJobs_DescribeAsync(rp, *execution, *include, *flags, cp, hp),
                        _ => AwsIotJobs_UpdateAsync(rp, up, *flags, cp, hp),
                    }
                };
                legal(r, &ASYNC_CODES, "Async");
                if !state.initialized {
                    assert_eq!(r, NOT_INITIALIZED);
                }
                if r == PENDING {
                    let waitable = flags & WAITABLE != 0;
                    if waitable {
                        assert!(*out && !handle.is_null(), "waitable without a handle");
                        assert!(info.is_none(), "waitable with a callback accepted");
                    }
                    if *out {
                        assert!(!handle.is_null());
                        state.handles.push((handle, waitable, false));
                    }
                    if !waitable && info.as_ref().is_some_and(|i| i.function.is_some()) {
                        state.callback_ops += 1;
                    }
                }
            }
        }
        Call::Wait {
            handle,
            timeout,
            resp,
        } => {
            let (h, index) = match handle {
                Handle::Returned(i) if !state.handles.is_empty() => {
                    let i = i % state.handles.len();
                    (state.handles[i].0, Some(i))
                }
                Handle::Returned(_) | Handle::Null => (std::ptr::null_mut(), None),
                Handle::Raw(v) => (*v as usize as OperationHandle, None),
            };
            let mut response = Response {
                response: std::ptr::null(),
                length: 0,
            };
            let rs = if *resp {
                &mut response as *mut Response
            } else {
                std::ptr::null_mut()
            };
            // SAFETY: `rs` is NULL or valid; the handle is only a value.
            let r = unsafe { AwsIotJobs_Wait(h, *timeout, rs) };
            legal(r, &SYNC_CODES, "Wait");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
            if let Some(i) = index {
                let (_, waitable, waited) = state.handles[i];
                if !waitable || waited {
                    assert!(
                        r == BAD_PARAMETER || r == NOT_INITIALIZED,
                        "Wait {r} on a spent handle"
                    );
                }
                if *resp && state.initialized {
                    state.handles[i].2 = true;
                }
            }
            if *resp {
                take_response(r, &response);
            }
        }
        Call::Remove { req, flags } => {
            let req = req.as_ref().map(|q| state.request(&mut arena, q));
            let rp = req
                .as_ref()
                .map_or(std::ptr::null(), |r| r as *const RequestInfo);
            // SAFETY: NULL or valid.
            let r = unsafe { AwsIotJobs_RemovePersistentSubscriptions(rp, *flags) };
            legal(r, &REMOVE_CODES, "RemovePersistentSubscriptions");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
        }
        Call::Notify {
            next,
            conn,
            thing,
            flags,
            cb,
        } => {
            let (t, len) = arena.str(thing, &THINGS);
            let info = cb.as_ref().map(cb_info);
            let cp = info
                .as_ref()
                .map_or(std::ptr::null(), |i| i as *const CallbackInfo);
            let connection = state.conn(conn);
            // SAFETY: NULL or valid.
            let r = unsafe {
                if *next {
                    AwsIotJobs_SetNotifyNextCallback(connection, t, len, *flags, cp)
                } else {
                    AwsIotJobs_SetNotifyPendingCallback(connection, t, len, *flags, cp)
                }
            };
            legal(r, &NOTIFY_CODES, "SetNotify");
            if !state.initialized {
                assert_eq!(r, NOT_INITIALIZED);
            }
        }
        Call::Text { which, value } => {
            // SAFETY: plain calls.
            let p = unsafe {
                match which {
                    0 => AwsIotJobs_strerror(*value),
                    1 => AwsIotJobs_StateName(*value),
                    2 => IotMqtt_strerror(*value),
                    _ => IotMqtt_OperationType(*value),
                }
            };
            text_ok(p);
        }
        Call::Receive {
            conn,
            topic,
            payload,
        } => {
            let last = LAST_REQUEST.lock().unwrap().clone();
            let (topic, payload) = {
                let t = match topic {
                    Topic::ReplyToLast { rejected } => Str::Raw(
                        last.as_ref()
                            .map(|(t, _)| {
                                format!("{t}/{}", if *rejected { "rejected" } else { "accepted" })
                            })
                            .unwrap_or_default()
                            .into_bytes(),
                        u16::MAX,
                    ),
                    Topic::Notify { thing, next } => Str::Raw(
                        format!(
                            "$aws/things/{}/jobs/{}",
                            THINGS[*thing],
                            if *next { "notify-next" } else { "notify" }
                        )
                        .into_bytes(),
                        u16::MAX,
                    ),
                    Topic::Raw(s) => s.clone(),
                };
                let p = match payload {
                    Payload::ReplyToLast { code } => {
                        let token = last.as_ref().and_then(|(_, t)| t.clone());
                        Str::Raw(
                            format!(
                                "{{\"clientToken\":{},\"code\":\"{}\"}}",
                                serde_json::to_string(&token).unwrap(),
                                code_text(*code)
                            )
                            .into_bytes(),
                            u16::MAX,
                        )
                    }
                    Payload::Raw(s) => s.clone(),
                };
                (t, p)
            };
            // A Raw string with length u16::MAX % (n + 1): make full-length ones full.
            let full = |s: Str| match s {
                Str::Raw(b, u16::MAX) => {
                    let n = b.len() as u16;
                    Str::Raw(b, n)
                }
                other => other,
            };
            let (tp, tl) = arena.str(&full(topic), &["$aws/things/T1/jobs/notify-next"]);
            let (pp, pl) = arena.str(&full(payload), &["{}"]);
            // SAFETY: NULL or valid for the lengths.
            let r = unsafe { AwsIotJobs_ReceiveMessage(state.conn(conn), tp, tl, pp.cast(), pl) };
            legal(r, &[SUCCESS, BAD_PARAMETER], "ReceiveMessage");
        }
        Call::Setting { limit, value } => {
            // SAFETY: plain calls.
            let r = unsafe {
                if *limit {
                    AwsIotJobs_SetNotifyCallbackLimit(*value as usize)
                } else {
                    AwsIotJobs_SetResponseTimeout(*value)
                }
            };
            legal(r, &[SUCCESS, BAD_PARAMETER], "Set*");
        }
        Call::Connect {
            aws_iot,
            missing,
            out,
        } => {
            if state.connections.len() >= 4 {
                return;
            }
            let ctx = Box::new(Ctx {
                connection: AtomicUsize::new(0),
                calls: AtomicUsize::new(0),
            });
            let vtable = TransportVtable {
                context: &*ctx as *const Ctx as *mut c_void,
                subscribe: (*missing != 0).then_some(t_subscribe as _),
                unsubscribe: (*missing != 1).then_some(t_unsubscribe as _),
                publish: (*missing != 2).then_some(t_publish as _),
                aws_iot_mqtt_mode: *aws_iot,
            };
            let mut connection: Connection = std::ptr::null_mut();
            let cp = if *out {
                &mut connection as *mut Connection
            } else {
                std::ptr::null_mut()
            };
            // SAFETY: valid or NULL.
            let r = unsafe { AwsIotJobs_CreateTransportConnection(&vtable, cp) };
            if *missing == 3 && *out {
                assert_eq!(r, SUCCESS);
                assert!(!connection.is_null());
                ctx.connection.store(connection as usize, Ordering::Relaxed);
                state.connections.push((connection, Some(ctx)));
            } else {
                assert_eq!(r, BAD_PARAMETER);
            }
        }
        Call::Destroy(conn) => {
            let connection = state.conn(conn);
            // SAFETY: any value is accepted.
            unsafe { AwsIotJobs_DestroyTransportConnection(connection) };
            if let Conn::Made(i) = conn {
                if let Some(c) = state.connections.get_mut(*i) {
                    c.1 = None;
                }
            }
        }
        Call::Knobs {
            subscribe,
            unsubscribe,
            publish,
            reply,
            code,
        } => {
            *KNOBS.lock().unwrap() = Knobs {
                subscribe: *subscribe,
                unsubscribe: *unsubscribe,
                publish: *publish,
                reply: *reply,
                code: *code,
            };
        }
    }
}
