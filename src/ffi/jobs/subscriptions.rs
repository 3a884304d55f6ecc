//! `AwsIotJobs_RemovePersistentSubscriptions`: dropping the reply subscriptions that
//! `AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS` kept.

use crate::core::topics::Operation;
use crate::core::JobsError;
use crate::ffi::boundary::{code, guard, required_str, try_ref, JOBS_PANIC};
use crate::ffi::jobs::library;
use crate::ffi::types::*;

/// Clears the marks `AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS` left on the thing's reply
/// subscription for the operations named by the `AWS_IOT_JOBS_FLAG_REMOVE_*` bits of `flags`, on
/// the request info's connection. Once no mark is left and no operation uses the subscription,
/// it is unsubscribed before this returns (blocking until the broker acknowledged); one still
/// in use goes after its last operation, within the usual lingering bounds.
/// The request info is read during the call only. Any thread, Jobs callbacks included.
#[no_mangle]
pub unsafe extern "C" fn AwsIotJobs_RemovePersistentSubscriptions(
    pRequestInfo: *const AwsIotJobsRequestInfo_t,
    flags: u32,
) -> AwsIotJobsError_t {
    guard(JOBS_PANIC, || {
        code((|| {
            let lib = library::get()?;
            // SAFETY: `pRequestInfo` is NULL or valid (caller contract).
            let info = unsafe { try_ref(pRequestInfo) }?;
            // SAFETY: as above.
            let thing = unsafe { required_str(info.pThingName, info.thingNameLength) }?;
            let engine = lib.engine(info.mqttConnection)?;
            let bits = [
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS,
                    Operation::GetPending,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS,
                    Operation::StartNext,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS,
                    Operation::Describe,
                ),
                (
                    AWS_IOT_JOBS_FLAG_REMOVE_UPDATE_SUBSCRIPTIONS,
                    Operation::Update,
                ),
            ];
            let operations: Vec<Operation> = bits
                .iter()
                .filter(|(bit, _)| flags & bit != 0)
                .map(|(_, op)| *op)
                .collect();
            engine
                .remove_persistent_subscriptions(thing, &operations)
                .map(|_| JobsError::Success)
        })())
    })
}
