//! The Rust API: a Jobs client for Rust programs, on the same engine and MQTT transport as the
//! C API (never through it), in safe Rust and without an async runtime.
//!
//! [`Client::connect`] opens an MQTT connection ([`ConnectOptions`]: plain or mutual TLS, ALPN
//! for port 443, AWS IoT or a generic broker). The four operations of the Jobs data plane are
//! blocking calls that return typed replies ([`types`]) or an [`Error`], a rejection carrying
//! the service's [`ErrorCode`]: [`Client::get_pending`], [`Client::start_next`],
//! [`Client::describe`], [`Client::update`]. Each has a non-blocking form (`begin_*`) that
//! returns a [`PendingReply`] to poll or wait on. Notifications come as callbacks or iterators
//! ([`notify`]). The guarantees are the C API's: every operation ends exactly once (reply,
//! rejection or timeout), the link reconnects by itself and restores its subscriptions, and a
//! reply is matched to its request by a client token unique in the process.
//!
//! ```no_run
//! use awsiotjobs::client::{Client, ConnectOptions, JobStatus, StartNextRequest, UpdateRequest};
//!
//! let client = Client::connect(&ConnectOptions::new("127.0.0.1", 1883, "my-thing"))?;
//! let next = client.start_next("my-thing", &StartNextRequest::default())?;
//! if let Some(job) = next.execution {
//!     println!("running {} with {:?}", job.job_id, job.job_document);
//!     client.update("my-thing", &job.job_id, &UpdateRequest::new(JobStatus::Succeeded))?;
//! }
//! # Ok::<(), awsiotjobs::client::Error>(())
//! ```

mod diagnose;
pub mod error;
pub mod notify;
pub mod options;
pub mod pending;
pub mod requests;
pub mod types;

pub use error::{ConnectFailure, Error, ErrorCode, Rejection};
pub use notify::{Notifications, NotifySubscription};
pub use options::{ConnectOptions, Tls, AWS_IOT_ALPN};
pub use pending::PendingReply;
pub use requests::{DescribeRequest, StartNextRequest, UpdateRequest};
pub use types::{
    ExecutionReply, JobExecution, JobExecutionState, JobExecutionSummary, JobExecutionsChanged,
    JobStatus, NextJobExecutionChanged, PendingJobExecutions, StatusDetails, UpdateReply,
};

use crate::core::engine::{Completion, Engine, EngineConfig, Submission, Waiter};
use crate::core::request::Request;
use crate::core::router::Router;
use crate::core::runtime::Runtime;
use crate::core::topics::Notify;
use crate::core::transport::Transport;
use crate::core::JobsError;
use crate::transport::paho::tls_files;
use crate::transport::paho::{ConnectError, LinkEvents, PahoTransport};
use serde::de::DeserializeOwned;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Counts the link's drops, for [`Client::link_drops`].
#[derive(Default)]
struct LinkCounter {
    drops: AtomicU64,
}

impl LinkEvents for LinkCounter {
    fn lost(&self) {
        self.drops.fetch_add(1, Ordering::Relaxed);
    }
    fn restored(&self) {}
}

/// A connection to AWS IoT (or any MQTT broker with the Jobs topics, such as jobs-emulator)
/// speaking the Jobs data plane. Cheap to share between threads by reference; every method
/// takes `&self`. Dropping it disconnects: operations in flight end with [`Error::Closed`].
pub struct Client {
    transport: Arc<PahoTransport>,
    router: Arc<Router>,
    engine: Arc<Engine>,
    runtime: Runtime,
    options: ConnectOptions,
    link: Arc<LinkCounter>,
}

impl Client {
    /// Connects as `options` say; returns once the broker accepted the connection. A failure
    /// says what failed ([`ConnectFailure`]): a TLS file is checked before anything is sent,
    /// and a TLS connection that fails is tried once more without MQTT to tell a failed
    /// handshake ([`ConnectFailure::Handshake`]: which certificate, and why) from the network.
    ///
    /// ```no_run
    /// use awsiotjobs::client::{Client, ConnectFailure, ConnectOptions, Error};
    /// match Client::connect(&ConnectOptions::new("127.0.0.1", 1883, "my-thing")) {
    ///     Ok(_client) => println!("connected"),
    ///     Err(Error::Connect(ConnectFailure::Network(why))) => eprintln!("no broker: {why}"),
    ///     Err(other) => eprintln!("{other}"),
    /// }
    /// ```
    pub fn connect(options: &ConnectOptions) -> Result<Client, Error> {
        let settings = options.settings();
        if let Some(tls) = &settings.tls {
            tls_files::check(tls)
                .map_err(|why| Error::Connect(ConnectFailure::CertificateFile(why)))?;
        }
        let router = Router::new();
        let link = Arc::new(LinkCounter::default());
        let transport = PahoTransport::connect(
            &settings,
            router.clone(),
            link.clone(),
            options.connect_timeout,
        )
        .map_err(|e| {
            Error::Connect(match (e, &options.tls) {
                (ConnectError::Network(why), Some(tls)) => diagnose::tls_failure(options, tls, why),
                (other, _) => other.into(),
            })
        })?;
        let runtime = match Runtime::start() {
            Ok(runtime) => runtime,
            Err(e) => {
                transport.close(true);
                return Err(Error::Connect(ConnectFailure::InvalidOptions(format!(
                    "cannot start a thread: {e}"
                ))));
            }
        };
        let config = EngineConfig {
            mqtt_timeout: options.mqtt_timeout,
            ..EngineConfig::default()
        };
        let engine = Engine::new(
            transport.clone() as Arc<dyn Transport>,
            runtime.clone(),
            config,
        );
        let weak = Arc::downgrade(&engine);
        router.set_jobs_handler(Some(Arc::new(move |topic: &str, payload: &[u8]| {
            if let Some(engine) = weak.upgrade() {
                engine.handle_inbound(topic, payload);
            }
        })));
        Ok(Client {
            transport,
            router,
            engine,
            runtime,
            options: options.clone(),
            link,
        })
    }

    /// The options the client was made with.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// True while the link is up.
    pub fn is_connected(&self) -> bool {
        self.transport.is_up()
    }

    /// How many times the link dropped (each followed by reconnection attempts).
    pub fn link_drops(&self) -> u64 {
        self.link.drops.load(Ordering::Relaxed)
    }

    /// GetPendingJobExecutions: the executions of `thing` in progress and queued.
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// let pending = client.get_pending("my-thing")?;
    /// for job in pending.in_progress_jobs.iter().chain(&pending.queued_jobs) {
    ///     println!("{}", job.job_id);
    /// }
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn get_pending(&self, thing: &str) -> Result<PendingJobExecutions, Error> {
        self.begin_get_pending(thing)?.wait()
    }

    /// The non-blocking form of [`Client::get_pending`].
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// let mut pending = client.begin_get_pending("my-thing")?;
    /// loop {
    ///     if let Some(reply) = pending.try_take() {
    ///         println!("{} queued", reply?.queued_jobs.len());
    ///         break;
    ///     }
    ///     // ... other work ...
    /// }
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn begin_get_pending(
        &self,
        thing: &str,
    ) -> Result<PendingReply<PendingJobExecutions>, Error> {
        self.submit(thing, Request::GetPending)
    }

    /// StartNextPendingJobExecution: takes the next pending execution of `thing` (IN_PROGRESS
    /// ones first, then the oldest QUEUED one) and sets it IN_PROGRESS. `execution` is `None`
    /// when nothing is pending.
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// use awsiotjobs::client::StartNextRequest;
    /// let request = StartNextRequest { step_timeout_in_minutes: Some(5), ..Default::default() };
    /// match client.start_next("my-thing", &request)?.execution {
    ///     Some(job) => println!("started {}", job.job_id),
    ///     None => println!("nothing to do"),
    /// }
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn start_next(
        &self,
        thing: &str,
        request: &StartNextRequest,
    ) -> Result<ExecutionReply, Error> {
        self.begin_start_next(thing, request)?.wait()
    }

    /// The non-blocking form of [`Client::start_next`].
    pub fn begin_start_next(
        &self,
        thing: &str,
        request: &StartNextRequest,
    ) -> Result<PendingReply<ExecutionReply>, Error> {
        let details = requests::details_json(&request.status_details);
        let step_timeout_minutes = requests::step_timeout(request.step_timeout_in_minutes)?;
        self.submit(
            thing,
            Request::StartNext {
                status_details: details.as_deref(),
                step_timeout_minutes,
            },
        )
    }

    /// DescribeJobExecution: one execution of `thing` (`job_id` may be `$next`).
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// use awsiotjobs::client::{DescribeRequest, Error, ErrorCode};
    /// match client.describe("my-thing", "job-1", &DescribeRequest::default()) {
    ///     Ok(reply) => println!("{:?}", reply.execution.map(|e| e.status)),
    ///     Err(Error::Rejected(r)) if r.code == ErrorCode::ResourceNotFound => println!("no such job"),
    ///     Err(other) => return Err(other),
    /// }
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn describe(
        &self,
        thing: &str,
        job_id: &str,
        request: &DescribeRequest,
    ) -> Result<ExecutionReply, Error> {
        self.begin_describe(thing, job_id, request)?.wait()
    }

    /// The non-blocking form of [`Client::describe`].
    pub fn begin_describe(
        &self,
        thing: &str,
        job_id: &str,
        request: &DescribeRequest,
    ) -> Result<PendingReply<ExecutionReply>, Error> {
        self.submit(
            thing,
            Request::Describe {
                job_id,
                execution_number: request.execution_number.unwrap_or(-1),
                include_job_document: request.include_job_document,
            },
        )
    }

    /// UpdateJobExecution: reports progress or the outcome of a job.
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// use awsiotjobs::client::{JobStatus, UpdateRequest};
    /// let mut progress = UpdateRequest::new(JobStatus::InProgress);
    /// progress.step_timeout_in_minutes = Some(10);
    /// progress.include_job_execution_state = true;
    /// let reply = client.update("my-thing", "job-1", &progress)?;
    /// println!("now at version {:?}", reply.execution_state.and_then(|s| s.version_number));
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn update(
        &self,
        thing: &str,
        job_id: &str,
        request: &UpdateRequest,
    ) -> Result<UpdateReply, Error> {
        self.begin_update(thing, job_id, request)?.wait()
    }

    /// The non-blocking form of [`Client::update`].
    pub fn begin_update(
        &self,
        thing: &str,
        job_id: &str,
        request: &UpdateRequest,
    ) -> Result<PendingReply<UpdateReply>, Error> {
        let details = requests::details_json(&request.status_details);
        let fields = request.fields(details.as_deref())?;
        self.submit(thing, Request::Update { job_id, fields })
    }

    /// Calls `callback` with every notify-next message of `thing` (the new head of its
    /// queue) until the returned registration is dropped.
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// let _registration = client.on_notify_next("my-thing", |next| {
    ///     if let Some(job) = next.execution {
    ///         println!("next up: {}", job.job_id);
    ///     }
    /// })?;
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn on_notify_next(
        &self,
        thing: &str,
        callback: impl Fn(NextJobExecutionChanged) + Send + Sync + 'static,
    ) -> Result<NotifySubscription, Error> {
        notify::register(&self.engine, thing, Notify::Next, callback)
    }

    /// Calls `callback` with every notify (pending executions changed) message of `thing`.
    pub fn on_notify_pending(
        &self,
        thing: &str,
        callback: impl Fn(JobExecutionsChanged) + Send + Sync + 'static,
    ) -> Result<NotifySubscription, Error> {
        notify::register(&self.engine, thing, Notify::Pending, callback)
    }

    /// The notify-next messages of `thing` as an iterator.
    ///
    /// ```no_run
    /// # let client = awsiotjobs::client::Client::connect(
    /// #     &awsiotjobs::client::ConnectOptions::new("127.0.0.1", 1883, "t"))?;
    /// for next in client.notify_next("my-thing")? {
    ///     println!("{:?}", next.execution.map(|job| job.job_id));
    /// }
    /// # Ok::<(), awsiotjobs::client::Error>(())
    /// ```
    pub fn notify_next(
        &self,
        thing: &str,
    ) -> Result<Notifications<NextJobExecutionChanged>, Error> {
        self.notifications(thing, Notify::Next)
    }

    /// The notify (pending executions changed) messages of `thing` as an iterator.
    pub fn notify_pending(
        &self,
        thing: &str,
    ) -> Result<Notifications<JobExecutionsChanged>, Error> {
        self.notifications(thing, Notify::Pending)
    }

    fn notifications<T: DeserializeOwned + Send + 'static>(
        &self,
        thing: &str,
        kind: Notify,
    ) -> Result<Notifications<T>, Error> {
        let (sender, receiver) = std::sync::mpsc::channel();
        let registration = notify::register(&self.engine, thing, kind, move |message: T| {
            let _ = sender.send(message);
        })?;
        Ok(Notifications::new(registration, receiver))
    }

    fn submit<T: DeserializeOwned>(
        &self,
        thing: &str,
        request: Request<'_>,
    ) -> Result<PendingReply<T>, Error> {
        let deadline = Instant::now() + self.options.operation_timeout;
        let waiter = Waiter::new();
        let submission = Submission {
            thing,
            request,
            client_token: None,
            keep_subscriptions: false,
            deadline,
        };
        let id = self
            .engine
            .submit(submission, Completion::Waitable(waiter.clone()))
            .map_err(|status| match status {
                JobsError::BadParameter => Error::InvalidRequest(
                    "a name, number or status detail breaks the service's rules",
                ),
                other => Error::from_outcome(other, None),
            })?;
        Ok(PendingReply::new(self.engine.clone(), id, waiter, deadline))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.router.set_jobs_handler(None);
        self.engine.shutdown(JobsError::NotInitialized);
        self.transport.close(true);
        self.runtime.shutdown();
    }
}
