//! Types of `types/iot_platform_types.h`: the network handle types as the POSIX port of the
//! v4 SDK configures them (pointers to the structs of `platform/iot_network.h` and an opaque
//! connection).

use super::network::{IotNetworkCredentials, IotNetworkServerInfo};

/// The incomplete type behind [`IotNetworkConnection_t`]. Never instantiated: a connection
/// handle is only ever an address chosen by the network stack.
pub struct _networkConnection {
    _opaque: [u8; 0],
}

/// Where to connect, as handed to `IotNetworkInterface_t.create`.
pub type IotNetworkServerInfo_t = *mut IotNetworkServerInfo;

/// The TLS credentials handed to `IotNetworkInterface_t.create`.
pub type IotNetworkCredentials_t = *mut IotNetworkCredentials;

/// A network connection created by a network stack.
pub type IotNetworkConnection_t = *mut _networkConnection;
