// The headers used from C++11 at link level: a plain (non-lambda) callback, the initializer
// macros, and the C transport interface implemented by the C fake broker; Async with a
// callback and Sync both complete.

#include <cstdlib>
#include <cstring>

#include "fake_broker.h"
#include "test_support.h"

namespace {

struct Completion {
    ts_recorder_t rec;
};

extern "C" void on_complete(void *pContext, AwsIotJobsCallbackParam_t *pParam)
{
    Completion *c = static_cast<Completion *>(pContext);
    ts_recorder_callback(&c->rec, pParam);
}

}  // namespace

int main()
{
    ts_init();
    fb_broker_t *b = fb_create(false, FB_THREADED);

    AwsIotJobsRequestInfo_t request = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    request.mqttConnection = fb_connection(b);
    request.mallocResponse = std::malloc;
    request.pThingName = "Cpp-Thing";
    request.thingNameLength = std::strlen(request.pThingName);
    request.pJobId = "job1";
    request.jobIdLength = 4;

    Completion completion;
    ts_recorder_init(&completion.rec);
    AwsIotJobsCallbackInfo_t callback = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
    callback.pCallbackContext = &completion;
    callback.function = on_complete;
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsOperation_t operation = AWS_IOT_JOBS_OPERATION_INITIALIZER;

    CHECK_EQ(AwsIotJobs_StartNextAsync(&request, &update, 0, &callback, &operation),
             AWS_IOT_JOBS_STATUS_PENDING);
    CHECK(ts_recorder_wait(&completion.rec, 1, TS_SOON_MS));
    const ts_event_t *e = ts_recorder_find(&completion.rec, operation);
    CHECK(e != nullptr);
    CHECK_EQ(e->callbackType, AWS_IOT_JOBS_START_NEXT_COMPLETE);
    CHECK_EQ(e->result, AWS_IOT_JOBS_SUCCESS);

    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    update.newStatus = AWS_IOT_JOB_STATE_SUCCEEDED;
    CHECK_EQ(AwsIotJobs_UpdateSync(&request, &update, 0, TS_SOON_MS, &response),
             AWS_IOT_JOBS_SUCCESS);
    CHECK(response.pJobsResponse != nullptr);
    std::free(const_cast<char *>(response.pJobsResponse));
    CHECK_STR(AwsIotJobs_strerror(AWS_IOT_JOBS_SUCCESS), "SUCCESS");

    AwsIotJobs_Cleanup();
    fb_destroy(b);
    ts_recorder_destroy(&completion.rec);
    return 0;
}
