//! Types of `platform/iot_network.h`: the network abstraction through which the v4 MQTT
//! library reaches a socket, and the server and credential descriptions of the OpenSSL stack.

use core::ffi::{c_char, c_void};

use super::platform::{IotNetworkConnection_t, IotNetworkCredentials_t, IotNetworkServerInfo_t};

/// Result of a network function. C values: the `IotNetworkError` enumerators.
pub type IotNetworkError_t = u32;

/// Why a network connection closed. C values: the `IotNetworkCloseReason` enumerators.
pub type IotNetworkCloseReason_t = u32;

/// The enumerators of `IotNetworkError_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotNetworkError {
    IOT_NETWORK_SUCCESS = 0,
    IOT_NETWORK_FAILURE = 1,
    IOT_NETWORK_BAD_PARAMETER = 2,
    IOT_NETWORK_NO_MEMORY = 3,
    IOT_NETWORK_SYSTEM_ERROR = 4,
}

/// The enumerators of `IotNetworkCloseReason_t`.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IotNetworkCloseReason {
    IOT_NETWORK_NOT_CLOSED = 0,
    IOT_NETWORK_SERVER_CLOSED = 1,
    IOT_NETWORK_TRANSPORT_FAILURE = 2,
    IOT_NETWORK_CLIENT_CLOSED = 3,
    IOT_NETWORK_UNKNOWN_CLOSED = 4,
}

/// Called by a network stack when data can be read from `pConnection`.
pub type IotNetworkReceiveCallback_t =
    Option<unsafe extern "C" fn(pConnection: IotNetworkConnection_t, pContext: *mut c_void)>;

/// Called by a network stack when `pConnection` closed.
pub type IotNetworkCloseCallback_t = Option<
    unsafe extern "C" fn(
        pConnection: IotNetworkConnection_t,
        reason: IotNetworkCloseReason_t,
        pContext: *mut c_void,
    ),
>;

/// Opens a connection to `pServerInfo` and stores its handle in `*pConnection`.
pub type IotNetworkCreate_t = Option<
    unsafe extern "C" fn(
        pServerInfo: IotNetworkServerInfo_t,
        pCredentialInfo: IotNetworkCredentials_t,
        pConnection: *mut IotNetworkConnection_t,
    ) -> IotNetworkError_t,
>;

/// Installs the function called when data arrives on `pConnection`.
pub type IotNetworkSetReceiveCallback_t = Option<
    unsafe extern "C" fn(
        pConnection: IotNetworkConnection_t,
        receiveCallback: IotNetworkReceiveCallback_t,
        pContext: *mut c_void,
    ) -> IotNetworkError_t,
>;

/// Installs the function called when `pConnection` closes.
pub type IotNetworkSetCloseCallback_t = Option<
    unsafe extern "C" fn(
        pConnection: IotNetworkConnection_t,
        closeCallback: IotNetworkCloseCallback_t,
        pContext: *mut c_void,
    ) -> IotNetworkError_t,
>;

/// Sends `messageLength` bytes; returns how many were sent.
pub type IotNetworkSend_t = Option<
    unsafe extern "C" fn(
        pConnection: IotNetworkConnection_t,
        pMessage: *const u8,
        messageLength: usize,
    ) -> usize,
>;

/// Blocks until `bytesRequested` bytes arrived in `pBuffer`; returns how many did.
pub type IotNetworkReceive_t = Option<
    unsafe extern "C" fn(
        pConnection: IotNetworkConnection_t,
        pBuffer: *mut u8,
        bytesRequested: usize,
    ) -> usize,
>;

/// Closes `pConnection` without releasing it.
pub type IotNetworkClose_t =
    Option<unsafe extern "C" fn(pConnection: IotNetworkConnection_t) -> IotNetworkError_t>;

/// Releases a closed `pConnection`.
pub type IotNetworkDestroy_t =
    Option<unsafe extern "C" fn(pConnection: IotNetworkConnection_t) -> IotNetworkError_t>;

/// The functions of one network stack.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotNetworkInterface_t {
    pub create: IotNetworkCreate_t,
    pub setReceiveCallback: IotNetworkSetReceiveCallback_t,
    pub setCloseCallback: IotNetworkSetCloseCallback_t,
    pub send: IotNetworkSend_t,
    pub receive: IotNetworkReceive_t,
    pub close: IotNetworkClose_t,
    pub destroy: IotNetworkDestroy_t,
}

/// The server a connection goes to.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotNetworkServerInfo {
    /// NUL-terminated host name.
    pub pHostName: *const c_char,
    /// Port, host byte order.
    pub port: u16,
}

/// TLS settings and credentials of a connection. The `*Size` members count bytes of PEM text.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct IotNetworkCredentials {
    /// ALPN protocol list in wire format, NUL-terminated; NULL for no ALPN.
    pub pAlpnProtos: *const c_char,
    /// Largest TLS record to send, 512 to 16384 bytes (the read buffer is sized to match); 0
    /// for OpenSSL's default.
    pub maxFragmentLength: usize,
    /// Leave the server name indication (SNI) out of the TLS handshake.
    pub disableSni: bool,
    pub pRootCa: *const c_char,
    pub rootCaSize: usize,
    pub pClientCert: *const c_char,
    pub clientCertSize: usize,
    pub pPrivateKey: *const c_char,
    pub privateKeySize: usize,
    pub pUserName: *const c_char,
    pub userNameSize: usize,
    pub pPassword: *const c_char,
    pub passwordSize: usize,
}
