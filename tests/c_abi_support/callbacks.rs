//! What a Jobs callback is given, read as C reads it (the document, result, operation and thing
//! of an `AwsIotJobsCallbackParam_t`), a recorder the callbacks write to and the test thread
//! waits on, and the notify callbacks' set-up.

use super::*;
use std::sync::Mutex;

/// The document of a callback: the reply of an operation or the notification, parsed.
///
/// # Safety
/// `param` is the parameter of a Jobs callback, during the call.
pub unsafe fn document(param: *const CallbackParam) -> serde_json::Value {
    // SAFETY: caller contract.
    let param = unsafe { &*param };
    let (pointer, length) = if param.callbackType >= NOTIFY_PENDING_CALLBACK {
        (param.u[0] as *const u8, param.u[1])
    } else {
        (param.u[2] as *const u8, param.u[3])
    };
    if pointer.is_null() {
        return serde_json::Value::Null;
    }
    // SAFETY: the library's document, valid during the callback.
    let bytes = unsafe { std::slice::from_raw_parts(pointer, length) };
    serde_json::from_slice(bytes).expect("the document is JSON")
}

/// The `result` of an operation's callback.
///
/// # Safety
/// As [`document`], for a `*_COMPLETE` callback.
pub unsafe fn result(param: *const CallbackParam) -> u32 {
    // SAFETY: caller contract; `result` is the first member of `u.operation`.
    (unsafe { &*param }).u[0] as u32
}

/// The `reference` (the operation's handle) of an operation's callback.
///
/// # Safety
/// As [`result`].
pub unsafe fn reference(param: *const CallbackParam) -> Operation {
    // SAFETY: caller contract; `reference` is the second member of `u.operation`.
    (unsafe { &*param }).u[1] as Operation
}

/// The thing name of a callback.
///
/// # Safety
/// As [`document`].
pub unsafe fn thing(param: *const CallbackParam) -> String {
    // SAFETY: caller contract.
    let param = unsafe { &*param };
    // SAFETY: the library's thing name, valid during the callback.
    let bytes =
        unsafe { std::slice::from_raw_parts(param.pThingName.cast::<u8>(), param.thingNameLength) };
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// What one callback saw.
#[derive(Clone, Debug)]
pub struct Event {
    /// Which of the test's callbacks ran.
    pub tag: &'static str,
    pub callback_type: u32,
    /// The operation's result (`*_COMPLETE` callbacks only).
    pub result: Option<u32>,
    pub thing: String,
    pub document: serde_json::Value,
}

/// The callbacks' record, which the test thread waits on.
pub struct Recorder {
    events: Mutex<Vec<Event>>,
    changed: std::sync::Condvar,
}

impl Recorder {
    pub const fn new() -> Recorder {
        Recorder {
            events: Mutex::new(Vec::new()),
            changed: std::sync::Condvar::new(),
        }
    }

    /// Records the call of callback `tag` with `param`.
    ///
    /// # Safety
    /// As [`document`].
    pub unsafe fn record(&self, tag: &'static str, param: *const CallbackParam) {
        // SAFETY: caller contract.
        let event = unsafe {
            let callback_type = (*param).callbackType;
            Event {
                tag,
                callback_type,
                result: (callback_type < NOTIFY_PENDING_CALLBACK).then(|| result(param)),
                thing: thing(param),
                document: document(param),
            }
        };
        self.push(event);
    }

    pub fn push(&self, event: Event) {
        self.events.lock().unwrap().push(event);
        self.changed.notify_all();
    }

    pub fn events(&self) -> Vec<Event> {
        self.events.lock().unwrap().clone()
    }

    pub fn clear(&self) {
        self.events.lock().unwrap().clear();
    }

    /// Waits (up to [`PATIENCE`]) until `done` holds for the events; returns them.
    pub fn wait_for(&self, what: &str, done: impl Fn(&[Event]) -> bool) -> Vec<Event> {
        let events = self.events.lock().unwrap();
        let (events, _) = self
            .changed
            .wait_timeout_while(events, PATIENCE, |e| !done(e))
            .unwrap();
        assert!(done(&events), "waited for {what}; got {events:#?}");
        events.clone()
    }
}

/// A callback info: `function` replacing `old` (or added when `old` is None, removing `old`
/// when `function` is None).
pub fn callback(function: Option<JobsCallback>, old: Option<JobsCallback>) -> CallbackInfo {
    CallbackInfo {
        pCallbackContext: std::ptr::null_mut(),
        function,
        oldFunction: old,
    }
}

/// The two kinds of notify callbacks.
#[derive(Clone, Copy, Debug)]
pub enum Notify {
    Next,
    Pending,
}

/// `AwsIotJobs_SetNotifyNextCallback` or `AwsIotJobs_SetNotifyPendingCallback`.
pub fn set_notify(kind: Notify, connection: Connection, thing: &str, info: &CallbackInfo) -> u32 {
    let setter = match kind {
        Notify::Next => AwsIotJobs_SetNotifyNextCallback,
        Notify::Pending => AwsIotJobs_SetNotifyPendingCallback,
    };
    // SAFETY: valid pointers for the call; the library copies the info.
    unsafe { setter(connection, thing.as_ptr().cast(), thing.len(), 0, info) }
}
