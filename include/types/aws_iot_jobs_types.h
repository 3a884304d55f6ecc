/* Generated from src/ffi/types/jobs.rs by cargo xtask gen-headers with cbindgen: do not edit. */

#ifndef AWS_IOT_JOBS_TYPES_H_
#define AWS_IOT_JOBS_TYPES_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "types/iot_mqtt_types.h"

#ifndef AWS_IOT_JOBS_NOTIFY_CALLBACKS
#define AWS_IOT_JOBS_NOTIFY_CALLBACKS ( 1 )
#endif
#ifndef AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS
#define AWS_IOT_JOBS_DEFAULT_MQTT_TIMEOUT_MS ( 5000 )
#endif

#define AWS_IOT_JOBS_NEXT_JOB ( "$next" )
#define AWS_IOT_JOBS_CLIENT_TOKEN_AUTOGENERATE ( NULL )
#define AWS_IOT_JOBS_NO_STATUS_DETAILS ( NULL )

#define AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER { NULL, NULL, NULL }
#define AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER                               \
    { NULL, IOT_MQTT_QOS_0, 0, 0, NULL, NULL, 0, NULL, 0,                   \
      AWS_IOT_JOBS_CLIENT_TOKEN_AUTOGENERATE, 0 }
#define AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER                                \
    { AWS_IOT_JOB_STATE_IN_PROGRESS, AWS_IOT_JOBS_NO_VERSION,               \
      AWS_IOT_JOBS_NO_EXECUTION_NUMBER, AWS_IOT_JOBS_NO_TIMEOUT, false, false, \
      AWS_IOT_JOBS_NO_STATUS_DETAILS, 0 }
#define AWS_IOT_JOBS_OPERATION_INITIALIZER NULL
#define AWS_IOT_JOBS_RESPONSE_INITIALIZER { NULL, 0 }

typedef struct AwsIotJobsCallbackInfo AwsIotJobsCallbackInfo_t;
typedef struct AwsIotJobsCallbackParam AwsIotJobsCallbackParam_t;
typedef struct AwsIotJobsRequestInfo AwsIotJobsRequestInfo_t;
typedef struct AwsIotJobsResponse AwsIotJobsResponse_t;
typedef struct AwsIotJobsUpdateInfo AwsIotJobsUpdateInfo_t;

/**
 * Length of [`AWS_IOT_JOBS_NEXT_JOB`].
 */
#define AWS_IOT_JOBS_NEXT_JOB_LENGTH 5

/**
 * `expectedVersion`: send no expected version.
 */
#define AWS_IOT_JOBS_NO_VERSION 0

/**
 * `executionNumber`: send no execution number.
 */
#define AWS_IOT_JOBS_NO_EXECUTION_NUMBER ( -1 )

/**
 * `stepTimeoutInMinutes`: send no step timeout.
 */
#define AWS_IOT_JOBS_NO_TIMEOUT 0

/**
 * `stepTimeoutInMinutes`: cancel the current step timeout.
 */
#define AWS_IOT_JOBS_CANCEL_TIMEOUT ( -1 )

/**
 * Operation flag: the caller will `AwsIotJobs_Wait` for the result.
 */
#define AWS_IOT_JOBS_FLAG_WAITABLE 1

/**
 * Operation flag: keep the reply subscriptions after the operation completes.
 */
#define AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS 2

/**
 * `AwsIotJobs_RemovePersistentSubscriptions`: drop the get-pending reply subscriptions.
 */
#define AWS_IOT_JOBS_FLAG_REMOVE_GET_PENDING_SUBSCRIPTIONS 1

/**
 * `AwsIotJobs_RemovePersistentSubscriptions`: drop the start-next reply subscriptions.
 */
#define AWS_IOT_JOBS_FLAG_REMOVE_START_NEXT_SUBSCRIPTIONS 2

/**
 * `AwsIotJobs_RemovePersistentSubscriptions`: drop the describe reply subscriptions.
 */
#define AWS_IOT_JOBS_FLAG_REMOVE_DESCRIBE_SUBSCRIPTIONS 4

/**
 * `AwsIotJobs_RemovePersistentSubscriptions`: drop the update reply subscriptions.
 */
#define AWS_IOT_JOBS_FLAG_REMOVE_UPDATE_SUBSCRIPTIONS 8

/**
 * The enumerators of `AwsIotJobsError_t`.
 */
typedef enum AwsIotJobsError {
  AWS_IOT_JOBS_SUCCESS = 0,
  AWS_IOT_JOBS_STATUS_PENDING = 1,
  AWS_IOT_JOBS_INIT_FAILED = 2,
  AWS_IOT_JOBS_BAD_PARAMETER = 3,
  AWS_IOT_JOBS_NO_MEMORY = 4,
  AWS_IOT_JOBS_MQTT_ERROR = 5,
  AWS_IOT_JOBS_BAD_RESPONSE = 7,
  AWS_IOT_JOBS_TIMEOUT = 8,
  AWS_IOT_JOBS_NOT_INITIALIZED = 11,
  AWS_IOT_JOBS_INVALID_TOPIC = 12,
  AWS_IOT_JOBS_INVALID_JSON = 13,
  AWS_IOT_JOBS_INVALID_REQUEST = 14,
  AWS_IOT_JOBS_INVALID_STATE = 15,
  AWS_IOT_JOBS_NOT_FOUND = 16,
  AWS_IOT_JOBS_VERSION_MISMATCH = 17,
  /**
   * The service's `InternalError` rejection; also what every Jobs function but Init returns
   * when a panic inside the library was contained (logged with its location): a bug of the
   * library, never a caller's mistake.
   */
  AWS_IOT_JOBS_INTERNAL_ERROR = 18,
  AWS_IOT_JOBS_THROTTLED = 19,
  AWS_IOT_JOBS_TERMINAL_STATE = 20,
} AwsIotJobsError_t;

/**
 * The enumerators of `AwsIotJobState_t`.
 */
typedef enum AwsIotJobState {
  AWS_IOT_JOB_STATE_QUEUED = 0,
  AWS_IOT_JOB_STATE_IN_PROGRESS = 1,
  AWS_IOT_JOB_STATE_FAILED = 2,
  AWS_IOT_JOB_STATE_SUCCEEDED = 3,
  AWS_IOT_JOB_STATE_CANCELED = 4,
  AWS_IOT_JOB_STATE_TIMED_OUT = 5,
  AWS_IOT_JOB_STATE_REJECTED = 6,
  AWS_IOT_JOB_STATE_REMOVED = 7,
} AwsIotJobState_t;

/**
 * The enumerators of `AwsIotJobsCallbackType_t`.
 */
typedef enum AwsIotJobsCallbackType {
  AWS_IOT_JOBS_GET_PENDING_COMPLETE = 0,
  AWS_IOT_JOBS_START_NEXT_COMPLETE = 1,
  AWS_IOT_JOBS_DESCRIBE_COMPLETE = 2,
  AWS_IOT_JOBS_UPDATE_COMPLETE = 3,
  AWS_IOT_JOBS_NOTIFY_PENDING_CALLBACK = 4,
  AWS_IOT_JOBS_NOTIFY_NEXT_CALLBACK = 5,
} AwsIotJobsCallbackType_t;

/**
 * The incomplete type behind [`AwsIotJobsOperation_t`].
 */
struct _jobsOperation;

/**
 * A handle of a Jobs operation in progress. Only its value means anything: it is a key,
 * never dereferenced.
 */
typedef struct _jobsOperation *AwsIotJobsOperation_t;

/**
 * `AwsIotJobsCallbackParam_t.u.operation`: a completed Jobs operation and the service's reply.
 */
struct AwsIotJobsCallbackParamOperation {
  AwsIotJobsError_t result;
  AwsIotJobsOperation_t reference;
  const char *pResponse;
  size_t responseLength;
};

/**
 * `AwsIotJobsCallbackParam_t.u.callback`: the document of a notify-pending or notify-next
 * message.
 */
struct AwsIotJobsCallbackParamCallback {
  const char *pDocument;
  size_t documentLength;
};

/**
 * `AwsIotJobsCallbackParam_t.u`: `operation` for the `*_COMPLETE` callback types, `callback`
 * for the `NOTIFY_*` ones.
 */
union AwsIotJobsCallbackParamU {
  struct AwsIotJobsCallbackParamOperation operation;
  struct AwsIotJobsCallbackParamCallback callback;
};

/**
 * The second argument of a Jobs callback. Pointers in it are valid only during the call.
 */
struct AwsIotJobsCallbackParam {
  AwsIotJobsCallbackType_t callbackType;
  const char *pThingName;
  size_t thingNameLength;
  IotMqttConnection_t mqttConnection;
  union AwsIotJobsCallbackParamU u;
};

/**
 * A Jobs callback function, its first argument, and (for the notify setters) the function it
 * replaces.
 */
struct AwsIotJobsCallbackInfo {
  void *pCallbackContext;
  void (*function)(void *pCallbackContext, struct AwsIotJobsCallbackParam *pCallbackParam);
  void (*oldFunction)(void *pCallbackContext, struct AwsIotJobsCallbackParam *pCallbackParam);
};

/**
 * What every Jobs request says: the connection, the thing, the job and the client token.
 * Lengths exclude any NUL terminator.
 */
struct AwsIotJobsRequestInfo {
  IotMqttConnection_t mqttConnection;
  IotMqttQos_t qos;
  uint32_t retryLimit;
  uint32_t retryMs;
  /**
   * Allocates the buffer a waitable operation's reply is copied into.
   */
  void *(*mallocResponse)(size_t size);
  const char *pThingName;
  size_t thingNameLength;
  const char *pJobId;
  size_t jobIdLength;
  const char *pClientToken;
  size_t clientTokenLength;
};

/**
 * The reply of a blocking Jobs call, in a buffer from `mallocResponse` that the caller frees.
 */
struct AwsIotJobsResponse {
  const char *pJobsResponse;
  size_t jobsResponseLength;
};

/**
 * The status update that StartNext and Update send.
 */
struct AwsIotJobsUpdateInfo {
  AwsIotJobState_t newStatus;
  uint32_t expectedVersion;
  int32_t executionNumber;
  int32_t stepTimeoutInMinutes;
  bool includeJobExecutionState;
  bool includeJobDocument;
  const char *pStatusDetails;
  size_t statusDetailsLength;
};

#endif  /* AWS_IOT_JOBS_TYPES_H_ */
