//! `IotSdk_Init` and `IotSdk_Cleanup` of `iot_init.h`. The v4 SDK started its task pool here;
//! this library starts its threads where they are needed (the Jobs runtime in
//! `AwsIotJobs_Init`, threads per MQTT connection in `IotMqtt_Connect`), so both calls only keep
//! the v4 calling sequence valid.

/// Initialises the SDK: always succeeds and may be called again. Any thread.
#[no_mangle]
pub extern "C" fn IotSdk_Init() -> bool {
    true
}

/// Cleans up the SDK; call it after every other library's cleanup. Nothing is released that
/// another call still needs. Any thread.
#[no_mangle]
pub extern "C" fn IotSdk_Cleanup() {}
