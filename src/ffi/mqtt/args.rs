//! Reading the C arguments of the `IotMqtt_*` functions into owned Rust values, with the checks
//! of the v4 MQTT library (`iot_mqtt_validate.c`) and a few more where v4 let a bad value reach
//! the broker: topics and filters must be UTF-8 without NUL bytes, a published topic must not
//! hold a wildcard, and lengths must come with pointers. Everything here copies what it reads,
//! so nothing borrowed from C outlives the call that passed it.

use core::ffi::{c_char, c_void, CStr};
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::time::Duration;

use super::network_openssl;
use crate::core::transport::Qos;
use crate::ffi::boundary::{try_bytes, try_ref, SendPtr};
use crate::ffi::types::{
    IotMqttCallbackInfo_t, IotMqttCallbackParam_t, IotMqttConnectInfo_t, IotMqttError,
    IotMqttNetworkInfo_t, IotMqttPublishInfo_t, IotMqttSubscription_t, IotNetworkCredentials,
};
use crate::transport::paho::hooks::{TlsExtras, MAX_SEND_FRAGMENT};
use crate::transport::paho::{Settings, TlsSettings, Will};

/// The result of reading or doing something for an `IotMqtt_*` function.
pub type MqttResult<T> = Result<T, IotMqttError>;

pub const BAD_PARAMETER: IotMqttError = IotMqttError::IOT_MQTT_BAD_PARAMETER;

/// AWS IoT limits that v4 checked in `awsIotMqttMode`.
const AWS_IOT_MAX_TOPIC_LENGTH: usize = 256;
const AWS_IOT_MAX_FILTERS_PER_SUBSCRIBE: usize = 8;
const AWS_IOT_MAX_CLIENT_ID_LENGTH: usize = 128;
const AWS_IOT_MAX_PUBLISH_PAYLOAD: usize = 131_072;
/// MQTT 3.1.1 limits.
const MQTT_MAX_PUBLISH_PAYLOAD: usize = 268_435_455;
const MQTT_MAX_WILL_PAYLOAD: usize = u16::MAX as usize;

fn bad<E>(_: E) -> IotMqttError {
    BAD_PARAMETER
}

/// `IotMqttQos_t` from C: 0 or 1, as in v4 (QoS 2 is not supported).
pub fn qos(raw: u32) -> MqttResult<Qos> {
    match raw {
        0 => Ok(Qos::AtMostOnce),
        1 => Ok(Qos::AtLeastOnce),
        _ => Err(BAD_PARAMETER),
    }
}

/// A (pointer, length) string that must be present, non-empty, UTF-8 and free of NUL bytes.
///
/// # Safety
/// `p` is NULL or points to `len` readable bytes.
pub unsafe fn text(p: *const c_char, len: usize) -> MqttResult<String> {
    // SAFETY: forwarded contract.
    let bytes = unsafe { try_bytes(p.cast(), len) }
        .map_err(bad)?
        .ok_or(BAD_PARAMETER)?;
    let s = std::str::from_utf8(bytes).map_err(bad)?;
    if s.is_empty() || s.contains('\0') {
        return Err(BAD_PARAMETER);
    }
    Ok(s.to_owned())
}

/// A C function and context pointer from an `IotMqttCallbackInfo_t`, called on our threads.
#[derive(Clone, Copy)]
pub struct MqttCallback {
    pub function: unsafe extern "C" fn(*mut c_void, *mut IotMqttCallbackParam_t),
    pub context: SendPtr<c_void>,
}

impl MqttCallback {
    pub fn from_info(info: &IotMqttCallbackInfo_t) -> Option<MqttCallback> {
        info.function.map(|function| MqttCallback {
            function,
            context: SendPtr(info.pCallbackContext),
        })
    }

    /// The callback of an optional `IotMqttCallbackInfo_t`: `Ok(None)` for NULL,
    /// `BAD_PARAMETER` for one without a function.
    ///
    /// # Safety
    /// `info` is NULL or valid.
    pub unsafe fn optional(info: *const IotMqttCallbackInfo_t) -> MqttResult<Option<MqttCallback>> {
        if info.is_null() {
            return Ok(None);
        }
        // SAFETY: non-NULL and valid (caller contract).
        let info = unsafe { try_ref(info) }.map_err(bad)?;
        MqttCallback::from_info(info).map(Some).ok_or(BAD_PARAMETER)
    }

    /// Calls the function with `param`, which lives for the call.
    pub fn call(self, mut param: IotMqttCallbackParam_t) {
        // SAFETY: the application registered this function and context for exactly this use.
        unsafe { (self.function)(self.context.get(), &mut param) }
    }

    pub fn info(self) -> IotMqttCallbackInfo_t {
        IotMqttCallbackInfo_t {
            pCallbackContext: self.context.get(),
            function: Some(self.function),
        }
    }
}

/// An owned `IotMqttPublishInfo_t`.
#[derive(Clone, Debug)]
pub struct Publish {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
    pub retry_ms: u32,
    pub retry_limit: u32,
}

impl Publish {
    /// How long an asynchronous publish may wait for the link and its PUBACK: the v4 retry
    /// budget when one is given, at least `floor`.
    pub fn patience(&self, floor: Duration) -> Duration {
        let retries = Duration::from_millis(self.retry_ms as u64) * (self.retry_limit + 1);
        floor.max(retries)
    }
}

fn read_publish(
    info: &IotMqttPublishInfo_t,
    aws_iot: bool,
    max_payload: usize,
) -> MqttResult<Publish> {
    // SAFETY: the C contract of the publish info: the topic spans `topicNameLength` bytes.
    let topic = unsafe { text(info.pTopicName, info.topicNameLength as usize) }?;
    if topic.contains(['+', '#']) {
        return Err(BAD_PARAMETER);
    }
    if info.payloadLength > max_payload {
        return Err(BAD_PARAMETER);
    }
    // SAFETY: the payload spans `payloadLength` bytes (caller contract).
    let payload = unsafe { try_bytes(info.pPayload.cast(), info.payloadLength) }
        .map_err(bad)?
        .unwrap_or_default()
        .to_vec();
    let qos = qos(info.qos)?;
    if info.retryLimit > 0 && info.retryMs == 0 {
        return Err(BAD_PARAMETER);
    }
    if aws_iot && (info.retain || topic.len() > AWS_IOT_MAX_TOPIC_LENGTH) {
        return Err(BAD_PARAMETER);
    }
    Ok(Publish {
        topic,
        payload,
        qos,
        retain: info.retain,
        retry_ms: info.retryMs,
        retry_limit: info.retryLimit,
    })
}

/// Reads the publish info of `IotMqtt_Publish*`.
///
/// # Safety
/// `info` is NULL or a valid publish info whose pointers span their lengths.
pub unsafe fn publish(info: *const IotMqttPublishInfo_t, aws_iot: bool) -> MqttResult<Publish> {
    // SAFETY: forwarded contract.
    let info = unsafe { try_ref(info) }.map_err(bad)?;
    let max = if aws_iot {
        AWS_IOT_MAX_PUBLISH_PAYLOAD
    } else {
        MQTT_MAX_PUBLISH_PAYLOAD
    };
    read_publish(info, aws_iot, max)
}

/// One entry of a subscription list.
#[derive(Clone)]
pub struct Subscription {
    pub filter: String,
    pub qos: Qos,
    /// Set for a subscribe (required there), `None` for an unsubscribe.
    pub callback: Option<MqttCallback>,
}

/// MQTT wildcard rules: `+` fills a whole level, `#` is the whole last level.
fn valid_filter(filter: &str) -> bool {
    let levels: Vec<&str> = filter.split('/').collect();
    levels.iter().enumerate().all(|(i, level)| match *level {
        "+" => true,
        "#" => i == levels.len() - 1,
        other => !other.contains(['+', '#']),
    })
}

/// Reads a subscription list: for a subscribe every entry needs QoS 0 or 1 and a callback.
///
/// # Safety
/// `list` is NULL or points to `count` valid subscriptions.
pub unsafe fn subscriptions(
    list: *const IotMqttSubscription_t,
    count: usize,
    subscribe: bool,
    aws_iot: bool,
) -> MqttResult<Vec<Subscription>> {
    if list.is_null() || count == 0 || count > isize::MAX as usize / 64 {
        return Err(BAD_PARAMETER);
    }
    if aws_iot && count > AWS_IOT_MAX_FILTERS_PER_SUBSCRIBE {
        return Err(BAD_PARAMETER);
    }
    // SAFETY: non-NULL and `count` entries long (caller contract).
    let entries = unsafe { std::slice::from_raw_parts(list, count) };
    entries
        .iter()
        .map(|entry| {
            // SAFETY: the filter spans `topicFilterLength` bytes (caller contract).
            let filter = unsafe { text(entry.pTopicFilter, entry.topicFilterLength as usize) }?;
            if !valid_filter(&filter) || (aws_iot && filter.len() > AWS_IOT_MAX_TOPIC_LENGTH) {
                return Err(BAD_PARAMETER);
            }
            let (qos, callback) = if subscribe {
                let callback = MqttCallback::from_info(&entry.callback).ok_or(BAD_PARAMETER)?;
                (qos(entry.qos)?, Some(callback))
            } else {
                (Qos::AtMostOnce, None)
            };
            Ok(Subscription {
                filter,
                qos,
                callback,
            })
        })
        .collect()
}

/// A credential member: a file path, given NUL-terminated or with its size.
///
/// # Safety
/// `p` is NULL, or points to `size` readable bytes, or (size 0) to a NUL-terminated string.
unsafe fn path(p: *const c_char, size: usize) -> MqttResult<Option<PathBuf>> {
    if p.is_null() {
        return if size == 0 {
            Ok(None)
        } else {
            Err(BAD_PARAMETER)
        };
    }
    let bytes = if size == 0 {
        // SAFETY: NUL-terminated (caller contract).
        unsafe { CStr::from_ptr(p) }.to_bytes()
    } else {
        // SAFETY: `size` readable bytes (caller contract).
        let all = unsafe { try_bytes(p.cast(), size) }
            .map_err(bad)?
            .unwrap_or_default();
        let end = all.iter().position(|&b| b == 0).unwrap_or(all.len());
        &all[..end]
    };
    if bytes.is_empty() {
        return Err(BAD_PARAMETER);
    }
    Ok(Some(PathBuf::from(std::ffi::OsStr::from_bytes(bytes))))
}

/// An ALPN list in wire format (length byte, name; repeated), NUL-terminated.
///
/// # Safety
/// `p` is NULL or NUL-terminated.
unsafe fn alpn(p: *const c_char) -> MqttResult<Vec<String>> {
    if p.is_null() {
        return Ok(Vec::new());
    }
    // SAFETY: NUL-terminated (caller contract).
    let mut rest = unsafe { CStr::from_ptr(p) }.to_bytes();
    let mut names = Vec::new();
    while let Some((&len, tail)) = rest.split_first() {
        let len = len as usize;
        if len == 0 || len > tail.len() {
            return Err(BAD_PARAMETER);
        }
        let name = std::str::from_utf8(&tail[..len]).map_err(bad)?;
        names.push(name.to_owned());
        rest = &tail[len..];
    }
    Ok(names)
}

/// The TLS settings of `IotNetworkCredentials`: file paths, as the v4 OpenSSL port took them.
/// `maxFragmentLength` is 0 or 512 to 16384 (OpenSSL's range for the send fragment, which is
/// what v4 set with it). `pUserName` and `pPassword` are not used, as on v4's OpenSSL port: the
/// MQTT user name and password are those of `IotMqttConnectInfo_t`.
///
/// # Safety
/// `credentials` is valid, its pointers as documented on the struct.
unsafe fn tls(credentials: &IotNetworkCredentials) -> MqttResult<TlsSettings> {
    // SAFETY (all three): forwarded contract.
    let root_ca = unsafe { path(credentials.pRootCa, credentials.rootCaSize) }?;
    let client_cert = unsafe { path(credentials.pClientCert, credentials.clientCertSize) }?;
    let private_key = unsafe { path(credentials.pPrivateKey, credentials.privateKeySize) }?;
    if client_cert.is_some() != private_key.is_some() {
        return Err(BAD_PARAMETER);
    }
    let max_send_fragment = match u16::try_from(credentials.maxFragmentLength) {
        Ok(0) => 0,
        Ok(length) if MAX_SEND_FRAGMENT.contains(&length) => length,
        _ => return Err(BAD_PARAMETER),
    };
    Ok(TlsSettings {
        root_ca,
        client_cert,
        private_key,
        // SAFETY: forwarded contract.
        alpn: unsafe { alpn(credentials.pAlpnProtos) }?,
        extras: TlsExtras {
            disable_sni: credentials.disableSni,
            max_send_fragment,
        },
    })
}

/// What `IotMqtt_Connect` is asked to do.
pub struct ConnectRequest {
    pub settings: Settings,
    /// The session's subscriptions the broker already holds (`pPreviousSubscriptions`).
    pub previous: Vec<Subscription>,
    pub disconnect_callback: Option<MqttCallback>,
}

/// Reads the network and connect infos of `IotMqtt_Connect`. Only new network connections
/// through `IOT_NETWORK_INTERFACE_OPENSSL` are supported.
///
/// # Safety
/// Both are NULL or valid, with every pointer in them valid as the v4 API documents.
pub unsafe fn connect(
    network: *const IotMqttNetworkInfo_t,
    connect: *const IotMqttConnectInfo_t,
) -> MqttResult<ConnectRequest> {
    // SAFETY: forwarded contract.
    let network = unsafe { try_ref(network) }.map_err(bad)?;
    // SAFETY: forwarded contract.
    let info = unsafe { try_ref(connect) }.map_err(bad)?;
    if !network.createNetworkConnection || network.pNetworkInterface != network_openssl::interface()
    {
        return Err(BAD_PARAMETER);
    }
    // SAFETY: `createNetworkConnection` says `setup` is the valid member of the union.
    let setup = unsafe { network.u.setup };
    // SAFETY: NULL or a valid server info (caller contract).
    let server = unsafe { try_ref(setup.pNetworkServerInfo) }.map_err(bad)?;
    if server.pHostName.is_null() || server.port == 0 {
        return Err(BAD_PARAMETER);
    }
    // SAFETY: the host name is NUL-terminated (caller contract).
    let host = unsafe { CStr::from_ptr(server.pHostName) }
        .to_str()
        .map_err(bad)?;
    if host.is_empty() {
        return Err(BAD_PARAMETER);
    }
    let tls = if setup.pNetworkCredentialInfo.is_null() {
        None
    } else {
        // SAFETY: non-NULL and valid (caller contract).
        Some(unsafe { tls(&*setup.pNetworkCredentialInfo) }?)
    };

    if info.pClientIdentifier.is_null() {
        return Err(BAD_PARAMETER);
    }
    let id_len = info.clientIdentifierLength as usize;
    if id_len == 0 && info.cleanSession {
        return Err(BAD_PARAMETER);
    }
    if info.awsIotMqttMode && id_len > AWS_IOT_MAX_CLIENT_ID_LENGTH {
        return Err(BAD_PARAMETER);
    }
    let client_id = if id_len == 0 {
        String::new()
    } else {
        // SAFETY: the identifier spans its length (caller contract).
        unsafe { text(info.pClientIdentifier, id_len) }?
    };
    let user_name = if info.pUserName.is_null() && info.userNameLength == 0 {
        None
    } else {
        // SAFETY: the user name spans its length (caller contract).
        Some(unsafe { text(info.pUserName, info.userNameLength as usize) }?)
    };
    // SAFETY: the password spans its length (caller contract).
    let password = unsafe { try_bytes(info.pPassword.cast(), info.passwordLength as usize) }
        .map_err(bad)?
        .map(<[u8]>::to_vec);
    let will = if info.pWillInfo.is_null() {
        None
    } else {
        // SAFETY: non-NULL and valid (caller contract).
        let will = read_publish(
            unsafe { &*info.pWillInfo },
            info.awsIotMqttMode,
            MQTT_MAX_WILL_PAYLOAD,
        )?;
        Some(Will {
            topic: will.topic,
            payload: will.payload,
            qos: will.qos,
            retain: will.retain,
        })
    };
    let previous = if info.pPreviousSubscriptions.is_null() {
        Vec::new()
    } else {
        // SAFETY: `previousSubscriptionCount` valid entries (caller contract).
        unsafe {
            subscriptions(
                info.pPreviousSubscriptions,
                info.previousSubscriptionCount,
                true,
                info.awsIotMqttMode,
            )
        }?
    };

    let mut settings = Settings::new(host, server.port, &client_id);
    settings.tls = tls;
    settings.keep_alive = Duration::from_secs(info.keepAliveSeconds as u64);
    settings.clean_session = info.cleanSession;
    settings.will = will;
    settings.user_name = user_name;
    settings.password = password;
    settings.aws_iot = info.awsIotMqttMode;
    Ok(ConnectRequest {
        settings,
        previous,
        disconnect_callback: MqttCallback::from_info(&network.disconnectCallback),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_follow_the_mqtt_rules() {
        for good in [
            "a/b",
            "a/+/c",
            "+",
            "#",
            "a/#",
            "+/+/#",
            "$aws/things/+/jobs/#",
        ] {
            assert!(valid_filter(good), "{good}");
        }
        for bad in ["a+/b", "a/#/c", "a#", "#/a", "a/b+", "a/+b"] {
            assert!(!valid_filter(bad), "{bad}");
        }
    }

    #[test]
    fn alpn_lists_are_read_in_wire_format() {
        // SAFETY: NUL-terminated literals.
        unsafe {
            assert_eq!(
                alpn(c"\x0ex-amzn-mqtt-ca".as_ptr()),
                Ok(vec!["x-amzn-mqtt-ca".into()])
            );
            assert_eq!(
                alpn(c"\x02h2\x04mqtt".as_ptr()),
                Ok(vec!["h2".into(), "mqtt".into()])
            );
            assert_eq!(alpn(std::ptr::null()), Ok(Vec::new()));
            assert_eq!(alpn(c"\x09short".as_ptr()), Err(BAD_PARAMETER));
        }
    }

    #[test]
    fn credential_paths_are_read_with_or_without_a_size() {
        // SAFETY: NUL-terminated literals; sizes within them.
        unsafe {
            assert_eq!(path(c"/a/ca.pem".as_ptr(), 0), Ok(Some("/a/ca.pem".into())));
            assert_eq!(path(c"/a/ca.pem".as_ptr(), 9), Ok(Some("/a/ca.pem".into())));
            assert_eq!(
                path(c"/a/ca.pem".as_ptr(), 10),
                Ok(Some("/a/ca.pem".into()))
            );
            assert_eq!(path(std::ptr::null(), 0), Ok(None));
            assert_eq!(path(std::ptr::null(), 3), Err(BAD_PARAMETER));
            assert_eq!(path(c"".as_ptr(), 0), Err(BAD_PARAMETER));
        }
    }
}
