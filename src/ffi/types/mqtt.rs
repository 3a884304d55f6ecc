//! Types of `types/iot_mqtt_types.h`: the MQTT handles, enums and parameter structs that the
//! Jobs API takes and that the `IotMqtt_*` API is written in.

use core::ffi::{c_char, c_void};

use super::network::IotNetworkInterface_t;
use super::platform::{IotNetworkConnection_t, IotNetworkCredentials_t, IotNetworkServerInfo_t};

/// The incomplete type behind [`IotMqttConnection_t`].
pub struct _mqttConnection {
    _opaque: [u8; 0],
}

/// The incomplete type behind [`IotMqttOperation_t`].
pub struct _mqttOperation {
    _opaque: [u8; 0],
}

/// An MQTT connection handle. Only its value means anything: it is a key, never dereferenced.
pub type IotMqttConnection_t = *mut _mqttConnection;

/// A handle of an MQTT operation in progress.
pub type IotMqttOperation_t = *mut _mqttOperation;

/// Result of an MQTT function. C values: the `IotMqttError` enumerators.
pub type IotMqttError_t = u32;

/// Type of an MQTT operation. C values: the `IotMqttOperationType` enumerators.
pub type IotMqttOperationType_t = u32;

/// MQTT quality of service. C values: the `IotMqttQos` enumerators.
pub type IotMqttQos_t = u32;

/// Why an MQTT connection closed. C values: the `IotMqttDisconnectReason` enumerators.
pub type IotMqttDisconnectReason_t = u32;

/// The enumerators of `IotMqttError_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotMqttError {
    IOT_MQTT_SUCCESS = 0,
    IOT_MQTT_STATUS_PENDING = 1,
    IOT_MQTT_INIT_FAILED = 2,
    IOT_MQTT_BAD_PARAMETER = 3,
    IOT_MQTT_NO_MEMORY = 4,
    IOT_MQTT_NETWORK_ERROR = 5,
    /// The library could not carry the call or operation out: a panic inside it was contained
    /// (logged with its location). A bug of the library, never a caller's mistake.
    IOT_MQTT_SCHEDULING_ERROR = 6,
    IOT_MQTT_BAD_RESPONSE = 7,
    IOT_MQTT_TIMEOUT = 8,
    IOT_MQTT_SERVER_REFUSED = 9,
    IOT_MQTT_RETRY_NO_RESPONSE = 10,
    IOT_MQTT_NOT_INITIALIZED = 11,
}

/// The enumerators of `IotMqttOperationType_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotMqttOperationType {
    IOT_MQTT_CONNECT = 0,
    IOT_MQTT_PUBLISH_TO_SERVER = 1,
    IOT_MQTT_PUBACK = 2,
    IOT_MQTT_SUBSCRIBE = 3,
    IOT_MQTT_UNSUBSCRIBE = 4,
    IOT_MQTT_PINGREQ = 5,
    IOT_MQTT_DISCONNECT = 6,
}

/// The enumerators of `IotMqttQos_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotMqttQos {
    IOT_MQTT_QOS_0 = 0,
    IOT_MQTT_QOS_1 = 1,
    IOT_MQTT_QOS_2 = 2,
}

/// The enumerators of `IotMqttDisconnectReason_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotMqttDisconnectReason {
    IOT_MQTT_DISCONNECT_CALLED = 0,
    IOT_MQTT_BAD_PACKET_RECEIVED = 1,
    IOT_MQTT_KEEP_ALIVE_TIMEOUT = 2,
}

/// `IotMqtt_SubscribeAsync` and friends: allow `IotMqtt_Wait` on the operation.
pub const IOT_MQTT_FLAG_WAITABLE: u32 = 0x0000_0001;

/// `IotMqtt_Disconnect`: release the connection without sending DISCONNECT.
pub const IOT_MQTT_FLAG_CLEANUP_ONLY: u32 = 0x0000_0001;

/// An outgoing or incoming PUBLISH. Lengths exclude any NUL terminator.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttPublishInfo_t {
    pub qos: IotMqttQos_t,
    pub retain: bool,
    pub pTopicName: *const c_char,
    pub topicNameLength: u16,
    pub pPayload: *const c_void,
    pub payloadLength: usize,
    pub retryMs: u32,
    pub retryLimit: u32,
}

/// `IotMqttCallbackParam_t.u.operation`: a completed operation.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttCallbackParamOperation {
    pub r#type: IotMqttOperationType_t,
    pub reference: IotMqttOperation_t,
    pub result: IotMqttError_t,
}

/// `IotMqttCallbackParam_t.u.message`: an incoming PUBLISH and the filter it matched.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttCallbackParamMessage {
    pub pTopicFilter: *const c_char,
    pub topicFilterLength: u16,
    pub info: IotMqttPublishInfo_t,
}

/// `IotMqttCallbackParam_t.u`: which member is valid depends on why the callback runs.
#[repr(C)]
#[derive(Clone, Copy)]
pub union IotMqttCallbackParamU {
    pub operation: IotMqttCallbackParamOperation,
    pub message: IotMqttCallbackParamMessage,
    pub disconnectReason: IotMqttDisconnectReason_t,
}

/// The second argument of an MQTT callback.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IotMqttCallbackParam_t {
    pub mqttConnection: IotMqttConnection_t,
    pub u: IotMqttCallbackParamU,
}

/// A callback function and its first argument.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttCallbackInfo_t {
    pub pCallbackContext: *mut c_void,
    pub function: Option<
        unsafe extern "C" fn(
            pCallbackContext: *mut c_void,
            pCallbackParam: *mut IotMqttCallbackParam_t,
        ),
    >,
}

/// One topic filter to subscribe to or unsubscribe from.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttSubscription_t {
    pub qos: IotMqttQos_t,
    pub pTopicFilter: *const c_char,
    pub topicFilterLength: u16,
    pub callback: IotMqttCallbackInfo_t,
}

/// The contents of a CONNECT packet and the session to restore.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttConnectInfo_t {
    pub awsIotMqttMode: bool,
    pub cleanSession: bool,
    pub pPreviousSubscriptions: *const IotMqttSubscription_t,
    pub previousSubscriptionCount: usize,
    pub pWillInfo: *const IotMqttPublishInfo_t,
    pub keepAliveSeconds: u16,
    pub pClientIdentifier: *const c_char,
    pub clientIdentifierLength: u16,
    pub pUserName: *const c_char,
    pub userNameLength: u16,
    pub pPassword: *const c_char,
    pub passwordLength: u16,
}

/// `IotMqttNetworkInfo_t.u.setup`: what a new network connection is created from.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotMqttNetworkInfoSetup {
    pub pNetworkServerInfo: IotNetworkServerInfo_t,
    pub pNetworkCredentialInfo: IotNetworkCredentials_t,
}

/// `IotMqttNetworkInfo_t.u`: `setup` if `createNetworkConnection`, else `pNetworkConnection`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union IotMqttNetworkInfoU {
    pub setup: IotMqttNetworkInfoSetup,
    pub pNetworkConnection: IotNetworkConnection_t,
}

/// How an MQTT connection reaches the network.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IotMqttNetworkInfo_t {
    pub createNetworkConnection: bool,
    pub u: IotMqttNetworkInfoU,
    pub pNetworkInterface: *const IotNetworkInterface_t,
    pub disconnectCallback: IotMqttCallbackInfo_t,
}
