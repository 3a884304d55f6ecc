// cpp_agent: the C headers used from C++17.
//
//   cpp_agent PORT [--thing NAME] [TLS options, see common.h]
//
// RAII owns the library (Init/Cleanup) and the connection (Connect/Disconnect); C++ lambdas
// become Jobs callbacks through the context pointer (a `JobsCallback` holds a
// std::function, its static trampoline is the C function pointer). It takes every queued job
// of the thing with StartNextAsync, prints its message, reports SUCCEEDED with UpdateAsync,
// and stops when the queue is empty.

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "aws_iot_jobs.h"
#include "awsiotjobs.h"
#include "common.h"
#include "iot_mqtt.h"

namespace {

// Init of the whole v4 stack for the lifetime of the object; Cleanup in reverse order.
class Library {
public:
    Library() {
        if (!example_init()) {
            throw std::runtime_error("initialisation failed");
        }
    }
    ~Library() { example_cleanup(); }
    Library(const Library &) = delete;
    Library &operator=(const Library &) = delete;
};

// An MQTT connection, disconnected when the object goes.
class Connection {
public:
    explicit Connection(const example_options_t &options) {
        if (example_connect(&options, &handle_) != IOT_MQTT_SUCCESS) {
            throw std::runtime_error("IotMqtt_Connect failed");
        }
    }
    ~Connection() { IotMqtt_Disconnect(handle_, 0); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;
    IotMqttConnection_t get() const { return handle_; }

private:
    IotMqttConnection_t handle_ = IOT_MQTT_CONNECTION_INITIALIZER;
};

// A C++ callable as a Jobs callback. The object must outlive every call the library may
// make: for an operation until its completion, for a notify callback until it is removed.
class JobsCallback {
public:
    explicit JobsCallback(std::function<void(const AwsIotJobsCallbackParam_t &)> function)
        : function_(std::move(function)) {}
    JobsCallback(const JobsCallback &) = delete;
    JobsCallback &operator=(const JobsCallback &) = delete;

    AwsIotJobsCallbackInfo_t info() {
        AwsIotJobsCallbackInfo_t info = AWS_IOT_JOBS_CALLBACK_INFO_INITIALIZER;
        info.pCallbackContext = this;
        info.function = &JobsCallback::trampoline;
        return info;
    }
    static void trampoline(void *context, AwsIotJobsCallbackParam_t *param) {
        static_cast<JobsCallback *>(context)->function_(*param);
    }

private:
    std::function<void(const AwsIotJobsCallbackParam_t &)> function_;
};

// A notify-next callback set for the lifetime of the object.
class NotifyNext {
public:
    NotifyNext(IotMqttConnection_t connection, std::string thing,
               std::function<void(const AwsIotJobsCallbackParam_t &)> function)
        : connection_(connection), thing_(std::move(thing)), callback_(std::move(function)) {
        AwsIotJobsCallbackInfo_t info = callback_.info();
        AwsIotJobsError_t status = AwsIotJobs_SetNotifyNextCallback(
            connection_, thing_.c_str(), thing_.size(), 0, &info);
        if (status != AWS_IOT_JOBS_SUCCESS) {
            throw std::runtime_error(AwsIotJobs_strerror(status));
        }
    }
    ~NotifyNext() {
        AwsIotJobsCallbackInfo_t info = callback_.info();
        info.oldFunction = info.function;
        info.function = nullptr;
        AwsIotJobs_SetNotifyNextCallback(connection_, thing_.c_str(), thing_.size(), 0, &info);
    }
    NotifyNext(const NotifyNext &) = delete;
    NotifyNext &operator=(const NotifyNext &) = delete;

private:
    IotMqttConnection_t connection_;
    std::string thing_;
    JobsCallback callback_;
};

// The outcome of an asynchronous Jobs operation: its result and a copy of the reply.
struct Outcome {
    AwsIotJobsError_t result = AWS_IOT_JOBS_STATUS_PENDING;
    std::string reply;
};

// Runs an *Async call whose completion a lambda records, and waits for it. The library
// completes every callback operation, at the latest with AWS_IOT_JOBS_TIMEOUT after the
// response timeout, so the wait is bounded and the callback never outlives `done`.
template <typename Send> Outcome await(Send send) {
    std::mutex mutex;
    std::condition_variable completed;
    std::optional<Outcome> outcome;
    JobsCallback done([&](const AwsIotJobsCallbackParam_t &param) {
        Outcome o;
        o.result = param.u.operation.result;
        if (param.u.operation.pResponse != nullptr) {
            o.reply.assign(param.u.operation.pResponse, param.u.operation.responseLength);
        }
        std::lock_guard<std::mutex> lock(mutex);
        outcome = std::move(o);
        completed.notify_all();
    });
    AwsIotJobsCallbackInfo_t info = done.info();
    AwsIotJobsOperation_t operation = AWS_IOT_JOBS_OPERATION_INITIALIZER;
    AwsIotJobsError_t sent = send(&info, &operation);
    if (sent != AWS_IOT_JOBS_STATUS_PENDING) {
        return Outcome{sent, {}};
    }
    std::unique_lock<std::mutex> lock(mutex);
    completed.wait(lock, [&] { return outcome.has_value(); });
    return *outcome;
}

std::string json_string(const std::string &json, const char *path) {
    char value[512];
    if (!example_json_string(json.data(), json.size(), path, value, sizeof value)) {
        return {};
    }
    return value;
}

int run(const example_options_t &options) {
    Library library;
    // Async operations complete (with a timeout if need be) within the blocking timeout.
    AwsIotJobs_SetResponseTimeout(options.timeout_ms);
    Connection connection(options);
    const std::string thing = options.thing;

    NotifyNext notify(connection.get(), thing, [](const AwsIotJobsCallbackParam_t &param) {
        std::string document(param.u.callback.pDocument, param.u.callback.documentLength);
        std::string next = json_string(document, "execution.jobId");
        std::printf("notify-next: %s\n", next.empty() ? "queue empty" : next.c_str());
    });

    AwsIotJobsRequestInfo_t request = example_request(&options, connection.get(), nullptr);
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    const std::string details = "{\"by\":\"cpp_agent\"}";
    update.pStatusDetails = details.c_str();
    update.statusDetailsLength = details.size();

    int done = 0;
    for (;;) {
        Outcome next = await([&](const AwsIotJobsCallbackInfo_t *info, AwsIotJobsOperation_t *op) {
            return AwsIotJobs_StartNextAsync(&request, &update, 0, info, op);
        });
        if (next.result != AWS_IOT_JOBS_SUCCESS) {
            std::printf("start-next failed: %s\n", AwsIotJobs_strerror(next.result));
            return 1;
        }
        const std::string job = json_string(next.reply, "execution.jobId");
        if (job.empty()) {
            break;
        }
        std::printf("job %s says: %s\n", job.c_str(),
                    json_string(next.reply, "execution.jobDocument.message").c_str());

        AwsIotJobsRequestInfo_t jobRequest = request;
        jobRequest.pJobId = job.c_str();
        jobRequest.jobIdLength = job.size();
        AwsIotJobsUpdateInfo_t succeeded = update;
        succeeded.newStatus = AWS_IOT_JOB_STATE_SUCCEEDED;
        Outcome reported =
            await([&](const AwsIotJobsCallbackInfo_t *info, AwsIotJobsOperation_t *op) {
                return AwsIotJobs_UpdateAsync(&jobRequest, &succeeded, 0, info, op);
            });
        std::printf("job %s: SUCCEEDED -> %s\n", job.c_str(), AwsIotJobs_strerror(reported.result));
        if (reported.result != AWS_IOT_JOBS_SUCCESS) {
            return 1;
        }
        done++;
    }
    std::printf("cpp_agent: %d jobs done, queue empty\n", done);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    example_options_t options;
    example_parse_args(argc, argv, "cpp-thing", nullptr, nullptr, nullptr, &options);
    try {
        return run(options);
    } catch (const std::exception &error) {
        std::fprintf(stderr, "cpp_agent: %s\n", error.what());
        return 1;
    }
}
