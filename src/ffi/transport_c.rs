//! The C transport interface: how firmware plugs its own MQTT client into the Jobs library.

use core::ffi::{c_char, c_void};

use super::types::{IotMqttError_t, IotMqttQos_t};

/// The functions through which the Jobs library uses a firmware-provided MQTT client. Each
/// function gets `pContext` as its first argument.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
#[allow(dead_code)] // Until the functions that take it are written.
pub struct AwsIotJobsTransport_t {
    pub pContext: *mut c_void,
    pub subscribe: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopicFilters: *const *const c_char,
            pTopicFilterLengths: *const usize,
            count: usize,
            qos: IotMqttQos_t,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub unsubscribe: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopicFilters: *const *const c_char,
            pTopicFilterLengths: *const usize,
            count: usize,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub publish: Option<
        unsafe extern "C" fn(
            pContext: *mut c_void,
            pTopic: *const c_char,
            topicLength: usize,
            pPayload: *const c_void,
            payloadLength: usize,
            qos: IotMqttQos_t,
            timeoutMs: u32,
        ) -> IotMqttError_t,
    >,
    pub awsIotMqttMode: bool,
}
