//! Calling the application's C callbacks from the callback thread.
//!
//! Completion and notify callbacks receive an `AwsIotJobsCallbackParam_t` built here; every
//! pointer in it (thing name, reply, document) points into memory the library owns and is valid
//! only for the duration of the call, as in v4. Strings are not NUL-terminated; use the lengths.

use crate::core::engine::{Completion, Done, NotifyCallback, NotifyEvent};
use crate::core::topics::Notify;
use crate::ffi::boundary::handles::operation_handle;
use crate::ffi::boundary::SendPtr;
use crate::ffi::types::{
    _mqttConnection, AwsIotJobsCallbackInfo_t, AwsIotJobsCallbackParamCallback,
    AwsIotJobsCallbackParamOperation, AwsIotJobsCallbackParamU, AwsIotJobsCallbackParam_t,
    IotMqttConnection_t,
};
use std::ffi::{c_char, c_void};
use std::sync::Arc;

pub type JobsCallbackFn = unsafe extern "C" fn(*mut c_void, *mut AwsIotJobsCallbackParam_t);

/// A C function and its context pointer.
#[derive(Clone, Copy)]
pub struct CCallback {
    pub function: JobsCallbackFn,
    pub context: SendPtr<c_void>,
}

impl CCallback {
    /// The callback of a callback info, or `None` when it names no function.
    pub fn from_info(info: &AwsIotJobsCallbackInfo_t) -> Option<CCallback> {
        info.function.map(|function| CCallback {
            function,
            context: SendPtr(info.pCallbackContext),
        })
    }

    fn call(self, mut param: AwsIotJobsCallbackParam_t) {
        // SAFETY: the application registered this function and context for exactly this call;
        // `param` lives on this stack frame for the whole call.
        unsafe { (self.function)(self.context.get(), &mut param) }
    }
}

fn base_param(
    callback_type: u32,
    thing: &str,
    connection: IotMqttConnection_t,
    u: AwsIotJobsCallbackParamU,
) -> AwsIotJobsCallbackParam_t {
    AwsIotJobsCallbackParam_t {
        callbackType: callback_type,
        pThingName: thing.as_ptr().cast::<c_char>(),
        thingNameLength: thing.len(),
        mqttConnection: connection,
        u,
    }
}

/// The completion of an asynchronous operation that has a callback. The operation and thing
/// name it passes are the ones the operation was made with, kept by the engine.
pub fn operation_completion(callback: CCallback, connection: IotMqttConnection_t) -> Completion {
    let connection = SendPtr::<_mqttConnection>(connection);
    Completion::Callback(Box::new(move |done: Done| {
        let Done { id, key, outcome } = done;
        let document = outcome.document.as_deref().unwrap_or_default();
        let u = AwsIotJobsCallbackParamU {
            operation: AwsIotJobsCallbackParamOperation {
                result: outcome.status as u32,
                reference: operation_handle(id),
                pResponse: if document.is_empty() {
                    std::ptr::null()
                } else {
                    document.as_ptr().cast()
                },
                responseLength: document.len(),
            },
        };
        callback.call(base_param(
            key.operation as u32,
            key.thing(),
            connection.get(),
            u,
        ));
    }))
}

/// A notify callback as the engine's registry holds it.
pub fn notify_callback(callback: CCallback, connection: IotMqttConnection_t) -> NotifyCallback {
    let connection = SendPtr::<_mqttConnection>(connection);
    Arc::new(move |event: &NotifyEvent<'_>| {
        let u = AwsIotJobsCallbackParamU {
            callback: AwsIotJobsCallbackParamCallback {
                pDocument: event.document.as_ptr().cast(),
                documentLength: event.document.len(),
            },
        };
        let callback_type = match event.kind {
            Notify::Pending => Notify::Pending as u32,
            Notify::Next => Notify::Next as u32,
        };
        callback.call(base_param(callback_type, event.thing, connection.get(), u));
    })
}
