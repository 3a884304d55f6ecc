//! The v4 OpenSSL network stack's entry points. In this library the network lives inside the
//! Paho client that `IotMqtt_Connect` creates, so `IotNetworkOpenssl_Init` and `_Cleanup` have
//! nothing to set up (Paho initialises OpenSSL itself), and `IotNetworkOpenssl_GetInterface`
//! returns a token interface: `IotMqtt_Connect` recognises it (it is what
//! `IOT_NETWORK_INTERFACE_OPENSSL` names) and refuses any other. Its function members exist so
//! that code which calls them gets an error instead of a crash; they never open a socket.

use crate::ffi::boundary::guard;
use crate::ffi::types::{
    IotNetworkCloseCallback_t, IotNetworkConnection_t, IotNetworkCredentials_t, IotNetworkError,
    IotNetworkError_t, IotNetworkInterface_t, IotNetworkReceiveCallback_t, IotNetworkServerInfo_t,
};
use core::ffi::c_void;

const FAILURE: IotNetworkError_t = IotNetworkError::IOT_NETWORK_FAILURE as IotNetworkError_t;

unsafe extern "C" fn create(
    _server: IotNetworkServerInfo_t,
    _credentials: IotNetworkCredentials_t,
    _connection: *mut IotNetworkConnection_t,
) -> IotNetworkError_t {
    FAILURE
}

unsafe extern "C" fn set_receive_callback(
    _connection: IotNetworkConnection_t,
    _callback: IotNetworkReceiveCallback_t,
    _context: *mut c_void,
) -> IotNetworkError_t {
    FAILURE
}

unsafe extern "C" fn set_close_callback(
    _connection: IotNetworkConnection_t,
    _callback: IotNetworkCloseCallback_t,
    _context: *mut c_void,
) -> IotNetworkError_t {
    FAILURE
}

unsafe extern "C" fn send(
    _connection: IotNetworkConnection_t,
    _data: *const u8,
    _len: usize,
) -> usize {
    0
}

unsafe extern "C" fn receive(
    _connection: IotNetworkConnection_t,
    _buffer: *mut u8,
    _len: usize,
) -> usize {
    0
}

unsafe extern "C" fn close_or_destroy(_connection: IotNetworkConnection_t) -> IotNetworkError_t {
    FAILURE
}

static INTERFACE: IotNetworkInterface_t = IotNetworkInterface_t {
    create: Some(create),
    setReceiveCallback: Some(set_receive_callback),
    setCloseCallback: Some(set_close_callback),
    send: Some(send),
    receive: Some(receive),
    close: Some(close_or_destroy),
    destroy: Some(close_or_destroy),
};

/// The address `IOT_NETWORK_INTERFACE_OPENSSL` stands for.
pub(super) fn interface() -> *const IotNetworkInterface_t {
    &INTERFACE
}

/// Prepares the network stack. Nothing to do here (Paho initialises OpenSSL on first use);
/// always `IOT_NETWORK_SUCCESS`. Any thread.
#[no_mangle]
pub extern "C" fn IotNetworkOpenssl_Init() -> IotNetworkError_t {
    IotNetworkError::IOT_NETWORK_SUCCESS as IotNetworkError_t
}

/// Releases the network stack. Nothing to do; connections stay usable until
/// `IotMqtt_Disconnect`. Any thread.
#[no_mangle]
pub extern "C" fn IotNetworkOpenssl_Cleanup() {}

/// The OpenSSL network interface to put in `IotMqttNetworkInfo_t.pNetworkInterface`. The
/// pointer is to a static object that lives for the whole process; the caller must not modify
/// or free it. Any thread.
#[no_mangle]
pub extern "C" fn IotNetworkOpenssl_GetInterface() -> *const IotNetworkInterface_t {
    guard(interface(), interface)
}
