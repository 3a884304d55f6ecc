//! Checks every type, enumerator and constant of this module against the reference facts in
//! `tests/reference/abi-x86_64-linux.json` (measured on the original C library; see
//! `tests/reference/README.md`). Each
//! entry of the JSON must have a Rust counterpart with the same size, alignment, field offsets,
//! field sizes and values; an entry without one fails the test.

use core::mem::{align_of, offset_of, size_of};
use std::collections::BTreeMap;

use serde_json::Value;

use super::*;

/// Entries of the JSON this crate does not reproduce, with the reason.
const NOT_REPRODUCED: &[(&str, &str)] = &[(
    "IotMqttNetworkInfo_t_with_IOT_MQTT_ENABLE_SERIALIZER_OVERRIDES_1",
    "the layout with serializer overrides compiled in; the library is built without them",
)];

fn reference() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/reference/abi-x86_64-linux.json"
    );
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("cannot read the reference {path}: {error}"));
    serde_json::from_str(&text).expect("the reference is JSON")
}

#[derive(Debug)]
struct Layout {
    size: usize,
    align: usize,
    /// Field path (`u.operation.result`) to (offset, size).
    fields: BTreeMap<String, (usize, usize)>,
}

/// The size of what a field projection points at; the projection is never called.
fn pointee_size<S, T>(_project: fn(*const S) -> *const T) -> usize {
    size_of::<T>()
}

/// `layout!(Type { a, b.c, ... })` measures a type and the listed (possibly nested) fields.
macro_rules! layout {
    ($name:expr, $t:ty { $($($f:ident).+),* $(,)? }) => {{
        let mut fields = BTreeMap::new();
        $(
            let path = stringify!($($f).+).replace(' ', "").replace("r#", "");
            let offset = offset_of!($t, $($f).+);
            // SAFETY: the projection only computes a field address and is never called.
            let size = pointee_size::<$t, _>(|p| unsafe { &raw const (*p).$($f).+ });
            fields.insert(path, (offset, size));
        )*
        ($name.to_string(), Layout { size: size_of::<$t>(), align: align_of::<$t>(), fields })
    }};
}

/// Every struct and union field of the public types, as their paths are written in C.
fn struct_layouts() -> BTreeMap<String, Layout> {
    BTreeMap::from([
        layout!("AwsIotJobsCallbackParam_t", AwsIotJobsCallbackParam_t {
            callbackType, pThingName, thingNameLength, mqttConnection, u,
            u.operation, u.operation.result, u.operation.reference, u.operation.pResponse,
            u.operation.responseLength,
            u.callback, u.callback.pDocument, u.callback.documentLength,
        }),
        layout!(
            "AwsIotJobsCallbackInfo_t",
            AwsIotJobsCallbackInfo_t {
                pCallbackContext,
                function,
                oldFunction,
            }
        ),
        layout!(
            "AwsIotJobsRequestInfo_t",
            AwsIotJobsRequestInfo_t {
                mqttConnection,
                qos,
                retryLimit,
                retryMs,
                mallocResponse,
                pThingName,
                thingNameLength,
                pJobId,
                jobIdLength,
                pClientToken,
                clientTokenLength,
            }
        ),
        layout!(
            "AwsIotJobsResponse_t",
            AwsIotJobsResponse_t {
                pJobsResponse,
                jobsResponseLength
            }
        ),
        layout!(
            "AwsIotJobsUpdateInfo_t",
            AwsIotJobsUpdateInfo_t {
                newStatus,
                expectedVersion,
                executionNumber,
                stepTimeoutInMinutes,
                includeJobExecutionState,
                includeJobDocument,
                pStatusDetails,
                statusDetailsLength,
            }
        ),
        layout!(
            "IotMqttPublishInfo_t",
            IotMqttPublishInfo_t {
                qos,
                retain,
                pTopicName,
                topicNameLength,
                pPayload,
                payloadLength,
                retryMs,
                retryLimit,
            }
        ),
        layout!("IotMqttCallbackParam_t", IotMqttCallbackParam_t {
            mqttConnection, u,
            u.operation, u.operation.r#type, u.operation.reference, u.operation.result,
            u.message, u.message.pTopicFilter, u.message.topicFilterLength, u.message.info,
            u.disconnectReason,
        }),
        layout!(
            "IotMqttCallbackInfo_t",
            IotMqttCallbackInfo_t {
                pCallbackContext,
                function
            }
        ),
        layout!("IotMqttSubscription_t", IotMqttSubscription_t {
            qos, pTopicFilter, topicFilterLength, callback, callback.pCallbackContext,
            callback.function,
        }),
        layout!(
            "IotMqttConnectInfo_t",
            IotMqttConnectInfo_t {
                awsIotMqttMode,
                cleanSession,
                pPreviousSubscriptions,
                previousSubscriptionCount,
                pWillInfo,
                keepAliveSeconds,
                pClientIdentifier,
                clientIdentifierLength,
                pUserName,
                userNameLength,
                pPassword,
                passwordLength,
            }
        ),
        layout!("IotMqttNetworkInfo_t", IotMqttNetworkInfo_t {
            createNetworkConnection, u, u.setup, u.setup.pNetworkServerInfo,
            u.setup.pNetworkCredentialInfo, u.pNetworkConnection, pNetworkInterface,
            disconnectCallback, disconnectCallback.pCallbackContext, disconnectCallback.function,
        }),
        layout!(
            "struct IotNetworkServerInfo",
            IotNetworkServerInfo { pHostName, port }
        ),
        layout!(
            "struct IotNetworkCredentials",
            IotNetworkCredentials {
                pAlpnProtos,
                maxFragmentLength,
                disableSni,
                pRootCa,
                rootCaSize,
                pClientCert,
                clientCertSize,
                pPrivateKey,
                privateKeySize,
                pUserName,
                userNameSize,
                pPassword,
                passwordSize,
            }
        ),
        layout!(
            "IotNetworkInterface_t",
            IotNetworkInterface_t {
                create,
                setReceiveCallback,
                setCloseCallback,
                send,
                receive,
                close,
                destroy,
            }
        ),
    ])
}

/// Size and alignment of the types the JSON describes without fields (enums and handles).
fn scalar_layouts() -> BTreeMap<&'static str, (usize, usize)> {
    macro_rules! scalar {
        ($($t:ident),* $(,)?) => { BTreeMap::from([$((stringify!($t), (size_of::<$t>(), align_of::<$t>()))),*]) };
    }
    scalar!(
        AwsIotJobsOperation_t,
        AwsIotJobsError_t,
        AwsIotJobState_t,
        AwsIotJobsCallbackType_t,
        IotMqttConnection_t,
        IotMqttOperation_t,
        IotMqttError_t,
        IotMqttQos_t,
        IotMqttOperationType_t,
        IotMqttDisconnectReason_t,
        IotNetworkServerInfo_t,
        IotNetworkCredentials_t,
        IotNetworkConnection_t,
        IotNetworkError_t,
    )
}

/// `enumerators!(Enum { A, B })` lists `(name, value)` of every variant; the `match` makes the
/// compiler reject a list that misses a variant.
macro_rules! enumerators {
    ($e:ident { $($v:ident),* $(,)? }) => {{
        let _exhaustive = |value: $e| match value { $($e::$v => ()),* };
        assert_eq!(size_of::<$e>(), 4, "{} is not 4 bytes", stringify!($e));
        (
            concat!(stringify!($e), "_t"),
            BTreeMap::from([$((stringify!($v).to_string(), $e::$v as u32 as i64)),*]),
        )
    }};
}

fn enum_values() -> BTreeMap<&'static str, BTreeMap<String, i64>> {
    BTreeMap::from([
        enumerators!(AwsIotJobsError {
            AWS_IOT_JOBS_SUCCESS,
            AWS_IOT_JOBS_STATUS_PENDING,
            AWS_IOT_JOBS_INIT_FAILED,
            AWS_IOT_JOBS_BAD_PARAMETER,
            AWS_IOT_JOBS_NO_MEMORY,
            AWS_IOT_JOBS_MQTT_ERROR,
            AWS_IOT_JOBS_BAD_RESPONSE,
            AWS_IOT_JOBS_TIMEOUT,
            AWS_IOT_JOBS_NOT_INITIALIZED,
            AWS_IOT_JOBS_INVALID_TOPIC,
            AWS_IOT_JOBS_INVALID_JSON,
            AWS_IOT_JOBS_INVALID_REQUEST,
            AWS_IOT_JOBS_INVALID_STATE,
            AWS_IOT_JOBS_NOT_FOUND,
            AWS_IOT_JOBS_VERSION_MISMATCH,
            AWS_IOT_JOBS_INTERNAL_ERROR,
            AWS_IOT_JOBS_THROTTLED,
            AWS_IOT_JOBS_TERMINAL_STATE,
        }),
        enumerators!(AwsIotJobState {
            AWS_IOT_JOB_STATE_QUEUED,
            AWS_IOT_JOB_STATE_IN_PROGRESS,
            AWS_IOT_JOB_STATE_FAILED,
            AWS_IOT_JOB_STATE_SUCCEEDED,
            AWS_IOT_JOB_STATE_CANCELED,
            AWS_IOT_JOB_STATE_TIMED_OUT,
            AWS_IOT_JOB_STATE_REJECTED,
            AWS_IOT_JOB_STATE_REMOVED,
        }),
        enumerators!(AwsIotJobsCallbackType {
            AWS_IOT_JOBS_GET_PENDING_COMPLETE,
            AWS_IOT_JOBS_START_NEXT_COMPLETE,
            AWS_IOT_JOBS_DESCRIBE_COMPLETE,
            AWS_IOT_JOBS_UPDATE_COMPLETE,
            AWS_IOT_JOBS_NOTIFY_PENDING_CALLBACK,
            AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK,
        }),
        enumerators!(IotMqttError {
            IOT_MQTT_SUCCESS,
            IOT_MQTT_STATUS_PENDING,
            IOT_MQTT_INIT_FAILED,
            IOT_MQTT_BAD_PARAMETER,
            IOT_MQTT_NO_MEMORY,
            IOT_MQTT_NETWORK_ERROR,
            IOT_MQTT_SCHEDULING_ERROR,
            IOT_MQTT_BAD_RESPONSE,
            IOT_MQTT_TIMEOUT,
            IOT_MQTT_SERVER_REFUSED,
            IOT_MQTT_RETRY_NO_RESPONSE,
            IOT_MQTT_NOT_INITIALIZED,
        }),
        enumerators!(IotMqttQos {
            IOT_MQTT_QOS_0,
            IOT_MQTT_QOS_1,
            IOT_MQTT_QOS_2
        }),
        enumerators!(IotMqttOperationType {
            IOT_MQTT_CONNECT,
            IOT_MQTT_PUBLISH_TO_SERVER,
            IOT_MQTT_PUBACK,
            IOT_MQTT_SUBSCRIBE,
            IOT_MQTT_UNSUBSCRIBE,
            IOT_MQTT_PINGREQ,
            IOT_MQTT_DISCONNECT,
        }),
        enumerators!(IotMqttDisconnectReason {
            IOT_MQTT_DISCONNECT_CALLED,
            IOT_MQTT_BAD_PACKET_RECEIVED,
            IOT_MQTT_KEEP_ALIVE_TIMEOUT,
        }),
        enumerators!(IotNetworkError {
            IOT_NETWORK_SUCCESS,
            IOT_NETWORK_FAILURE,
            IOT_NETWORK_BAD_PARAMETER,
            IOT_NETWORK_NO_MEMORY,
            IOT_NETWORK_SYSTEM_ERROR,
        }),
    ])
}

/// The numeric constants the Rust side defines, by C name.
fn numeric_constants() -> BTreeMap<&'static str, i64> {
    macro_rules! constants {
        ($($c:ident),* $(,)?) => { BTreeMap::from([$((stringify!($c), $c as i64)),*]) };
    }
    constants!(
        AWS_IOT_JOBS_NEXT_JOB_LENGTH,
        AWS_IOT_JOBS_NO_VERSION,
        AWS_IOT_JOBS_NO_EXECUTION_NUMBER,
        AWS_IOT_JOBS_NO_TIMEOUT,
        AWS_IOT_JOBS_CANCEL_TIMEOUT,
        AWS_IOT_JOBS_FLAG_WAITABLE,
        AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS,
        AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS,
        AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS,
        AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS,
        AWS_IOT_JOBS_FLAG_REMOVE_UPDATE_SUBSCRIPTIONS,
        AWS_IOT_JOBS_NOTIFY_CALLBACKS,
        AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS,
        IOT_MQTT_FLAG_WAITABLE,
        IOT_MQTT_FLAG_CLEANUP_ONLY,
    )
}

fn object<'a>(reference: &'a Value, key: &str) -> &'a serde_json::Map<String, Value> {
    reference[key]
        .as_object()
        .unwrap_or_else(|| panic!("the reference has no object {key}"))
}

fn number(value: &Value) -> usize {
    value.as_u64().expect("a size or offset") as usize
}

#[test]
fn every_type_has_the_reference_size_alignment_and_field_offsets() {
    let reference = reference();
    let structs = struct_layouts();
    let scalars = scalar_layouts();
    let mut problems = Vec::new();
    let mut checked = 0;
    for section in ["jobs_types", "mqtt_types"] {
        for (name, facts) in object(&reference, section) {
            if NOT_REPRODUCED.iter().any(|(skipped, _)| skipped == name) {
                continue;
            }
            let (size, align) = (number(&facts["size"]), number(&facts["align"]));
            match facts.get("fields").and_then(Value::as_array) {
                Some(fields) => {
                    let Some(ours) = structs.get(name) else {
                        problems.push(format!("{name}: no Rust struct measured"));
                        continue;
                    };
                    if (ours.size, ours.align) != (size, align) {
                        problems.push(format!(
                            "{name}: size/align {}/{} instead of {size}/{align}",
                            ours.size, ours.align
                        ));
                    }
                    for field in fields {
                        let path = field["name"].as_str().expect("a field name");
                        let expected = (number(&field["offset"]), number(&field["size"]));
                        match ours.fields.get(path) {
                            Some(&actual) if actual == expected => checked += 1,
                            Some(&actual) => problems.push(format!(
                                "{name}.{path}: offset/size {actual:?} instead of {expected:?}"
                            )),
                            None => problems.push(format!("{name}.{path}: not measured")),
                        }
                    }
                }
                None => match scalars.get(name.as_str()) {
                    Some(&actual) if actual == (size, align) => checked += 1,
                    Some(&actual) => problems.push(format!(
                        "{name}: size/align {actual:?} instead of {:?}",
                        (size, align)
                    )),
                    None => problems.push(format!("{name}: no Rust type measured")),
                },
            }
        }
    }
    assert!(
        problems.is_empty(),
        "layout differs from the reference:\n{}",
        problems.join("\n")
    );
    assert!(checked > 100, "only {checked} facts checked");
}

#[test]
fn every_enum_has_exactly_the_reference_enumerators() {
    let reference = reference();
    let ours = enum_values();
    let mut seen = 0;
    for section in ["jobs_enums", "mqtt_enums"] {
        for (name, enumerators) in object(&reference, section) {
            let expected: BTreeMap<String, i64> = enumerators
                .as_object()
                .expect("enumerators")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_i64().expect("an enumerator value")))
                .collect();
            assert_eq!(
                ours.get(name.as_str()),
                Some(&expected),
                "enumerators of {name}"
            );
            seen += 1;
        }
    }
    assert_eq!(
        seen,
        ours.len(),
        "the reference and the Rust side list different enums"
    );
}

#[test]
fn numeric_constants_have_the_reference_values() {
    let reference = reference();
    let ours = numeric_constants();
    let mut checked = 0;
    for section in ["jobs_constants", "jobs_config_defaults", "mqtt_constants"] {
        for (name, value) in object(&reference, section) {
            let Some(expected) = value.as_i64() else {
                continue;
            };
            // Keys such as `..._in_tests_iot_config_h` describe other configurations.
            if name.chars().any(|c| c.is_ascii_lowercase()) {
                continue;
            }
            assert_eq!(ours.get(name.as_str()), Some(&expected), "value of {name}");
            checked += 1;
        }
    }
    assert_eq!(
        checked,
        ours.len(),
        "a Rust constant has no reference value"
    );
    assert_eq!(
        reference["jobs_constants"]["AWS_IOT_JOBS_NEXT_JOB"],
        AWS_IOT_JOBS_NEXT_JOB
    );
}

#[test]
fn texts_are_the_reference_texts() {
    use crate::ffi::jobs::strings::{AwsIotJobs_StateName, AwsIotJobs_strerror};
    use crate::ffi::mqtt::strings::IotMqtt_strerror;
    let reference = reference();
    let functions: [(&str, extern "C" fn(u32) -> *const core::ffi::c_char); 3] = [
        ("jobs_strerror", AwsIotJobs_strerror),
        ("jobs_statename", AwsIotJobs_StateName),
        ("mqtt_strerror", IotMqtt_strerror),
    ];
    for (section, function) in functions {
        for (key, text) in object(&reference, section) {
            // C passes -1 as the enum's unsigned representation.
            let code = key.parse::<i64>().expect("a numeric key") as u32;
            // SAFETY: the text functions return static NUL-terminated strings.
            let actual = unsafe { core::ffi::CStr::from_ptr(function(code)) };
            assert_eq!(actual.to_str().ok(), text.as_str(), "{section}[{key}]");
        }
    }
}
