//! The operation engine of one connection.
//!
//! `submit` validates a request, makes sure its reply can reach us (a reply subscription on
//! brokers that need one, nothing on AWS IoT), records the operation and publishes the request.
//! `handle_inbound`, called on the transport's receive path, matches a reply to its operation
//! by thing, operation, job ID and client token (a rejection without a token, as the service
//! sends for InvalidJson, goes to the oldest matching operation), and hands the outcome to the
//! operation's completion: a waiter for waitable operations, or a task on the callback thread.
//! Every operation completes exactly once: with its reply, with `Timeout` at its deadline, or
//! with the reason given to `shutdown`.

mod deadlines;
mod key;
mod mailbox;
mod notify;
mod notifying;
mod operations;
mod subscribing;
mod subscriptions;
mod waiter;

pub use key::ReplyKey;
pub use notify::{NotifyCallback, NotifyEvent};
pub use subscriptions::Bounds;
pub use waiter::Waiter;

use crate::core::request::Request;
use crate::core::runtime::{Expiring, Runtime};
use crate::core::sync::{AtomicBool, Condvar, Mutex, MutexGuard};
use crate::core::topics::{self, Inbound, Operation, Verdict};
use crate::core::transport::{PublishFailed, PublishSink, Qos, Transport, TransportError};
use crate::core::{log, reply, validate, JobsError};
use mailbox::Mailbox;
use notify::Registry;
use operations::{OpTable, Pending};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use subscriptions::SubTable;

/// The AWS IoT Core quota of subscriptions per connection (a default the account may raise).
pub const AWS_IOT_SUBSCRIPTIONS_PER_CONNECTION: usize = 50;

/// Identifies an operation for its whole life; never reused within a process.
pub type OpId = u64;

static NEXT_OP: AtomicU64 = AtomicU64::new(1);

/// A fresh operation ID. IDs are never reused within a process.
fn next_op_id() -> OpId {
    NEXT_OP.fetch_add(1, Ordering::Relaxed)
}

/// How an operation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: JobsError,
    /// The raw reply, when there was one.
    pub document: Option<Vec<u8>>,
}

/// A finished operation, as its callback receives it.
pub struct Done {
    pub id: OpId,
    /// What the operation was made with: its thing, operation, job ID and client token.
    pub key: ReplyKey,
    pub outcome: Outcome,
}

/// The callback of an operation.
pub type Callback = Box<dyn FnOnce(Done) + Send>;

/// What happens when an operation completes.
pub enum Completion {
    /// Runs on the callback thread.
    Callback(Callback),
    /// Stores the outcome in the waiter.
    Waitable(Arc<Waiter>),
}

/// One request to make.
pub struct Submission<'a> {
    pub thing: &'a str,
    pub request: Request<'a>,
    /// The application's token; `None` generates a unique one.
    pub client_token: Option<&'a str>,
    /// `AWS_IOT_JOBS_FLAG_KEEP_SUBSCRIPTIONS`.
    pub keep_subscriptions: bool,
    /// When the operation times out if no reply came.
    pub deadline: Instant,
}

/// Settings of an engine.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// How long a subscribe, unsubscribe or publish may take (`AwsIotJobs_Init`'s argument).
    pub mqtt_timeout: Duration,
    /// At most this many things keep an unused reply subscription.
    pub linger_max: usize,
    /// An unused reply subscription is dropped after this long.
    pub linger_idle: Duration,
    /// Over the bounds (`linger_max`, `aws_iot_max_things`), an unused subscription is dropped
    /// only once it was unused this long: so that going round many things does not
    /// unsubscribe and subscribe again on every operation.
    pub linger_grace: Duration,
    /// In awsIotMqttMode, the things that keep reply subscriptions are brought back to this
    /// many once the others have been unused `linger_grace`: each takes three of the
    /// connection's subscriptions, and AWS IoT allows [`AWS_IOT_SUBSCRIPTIONS_PER_CONNECTION`].
    /// More things in use at once subscribe anyway; a subscription the broker refuses is gone
    /// around (AWS IoT delivers a reply to its requester regardless) and the refusal
    /// remembered for `linger_idle`.
    pub aws_iot_max_things: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            mqtt_timeout: Duration::from_millis(5000),
            linger_max: 64,
            linger_idle: Duration::from_secs(60),
            linger_grace: Duration::from_secs(1),
            // 24 subscriptions, leaving 26 for notifications and the application's own.
            aws_iot_max_things: 8,
        }
    }
}

/// Counters for tests and benchmarks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EngineStats {
    pub in_flight: usize,
    /// Things with a reply subscription (three filters each).
    pub reply_subscriptions: usize,
    /// Of those, the ones no operation uses now.
    pub lingering: usize,
    /// Notifications waiting for the callback thread (at most one per thing and kind).
    pub notifications_waiting: usize,
}

pub struct Engine {
    transport: Arc<dyn Transport>,
    runtime: Runtime,
    config: EngineConfig,
    bounds: Bounds,
    ops: Mutex<OpTable>,
    subs: Mutex<SubTable>,
    subs_changed: Condvar,
    notify: Mutex<Registry>,
    notify_change: Mutex<()>,
    mailbox: Mutex<Mailbox>,
    closed: AtomicBool,
    me: Weak<Engine>,
}

impl Engine {
    /// A new engine over `transport`, registered with `runtime`'s timer.
    pub fn new(
        transport: Arc<dyn Transport>,
        runtime: Runtime,
        config: EngineConfig,
    ) -> Arc<Engine> {
        let bounds = Bounds {
            linger_max: config.linger_max,
            linger_idle: config.linger_idle,
            max_things: if transport.is_aws_iot() {
                config.aws_iot_max_things
            } else {
                usize::MAX
            },
            grace: config.linger_grace,
        };
        let engine = Arc::new_cyclic(|me| Engine {
            transport,
            runtime: runtime.clone(),
            config,
            bounds,
            ops: Mutex::new(OpTable::default()),
            subs: Mutex::new(SubTable::default()),
            subs_changed: Condvar::new(),
            notify: Mutex::new(Registry::default()),
            notify_change: Mutex::new(()),
            mailbox: Mutex::new(Mailbox::default()),
            closed: AtomicBool::new(false),
            me: me.clone(),
        });
        let weak: Weak<dyn Expiring> = Arc::downgrade(&(engine.clone() as Arc<dyn Expiring>));
        runtime.register(weak);
        engine
    }

    pub fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire) || self.runtime.is_stopped()
    }

    pub fn stats(&self) -> EngineStats {
        let in_flight = self.ops.lock().len();
        let subs = self.subs.lock();
        EngineStats {
            in_flight,
            reply_subscriptions: subs.len(),
            lingering: subs.lingering(),
            notifications_waiting: self.mailbox.lock().len(),
        }
    }

    /// Checks a submission against the service's rules.
    pub fn validate(sub: &Submission<'_>) -> Result<(), JobsError> {
        validate::thing_name(sub.thing)?;
        if let Some(token) = sub.client_token {
            validate::client_token(token)?;
        }
        match &sub.request {
            Request::GetPending => {}
            Request::StartNext {
                status_details,
                step_timeout_minutes,
            } => {
                if let Some(d) = status_details {
                    validate::status_details(d)?;
                }
                validate::step_timeout(*step_timeout_minutes)?;
            }
            Request::Describe {
                job_id,
                execution_number,
                ..
            } => {
                validate::job_id(job_id, true)?;
                validate::execution_number(*execution_number)?;
            }
            Request::Update { job_id, fields } => {
                validate::job_id(job_id, false)?;
                if !fields.status.device_may_set() {
                    return Err(JobsError::BadParameter);
                }
                if let Some(d) = fields.status_details {
                    validate::status_details(d)?;
                }
                validate::step_timeout(fields.step_timeout_minutes)?;
                validate::execution_number(fields.execution_number)?;
            }
        }
        Ok(())
    }

    /// Starts an operation under a fresh ID. On `Ok` its completion will run exactly once; on
    /// `Err` it never runs.
    pub fn submit(&self, sub: Submission<'_>, completion: Completion) -> Result<OpId, JobsError> {
        self.submit_reserving(sub, completion, |_| {})
    }

    /// Starts an operation, telling `reserve` its ID once the submission is known to be valid
    /// and before anything is recorded or sent: the C layer writes the caller's handle there,
    /// so that no completion can come before it. On `Ok` the completion runs exactly once (with
    /// the reply, at its deadline, at a failed publish, or at [`Engine::shutdown`]); on `Err`
    /// it never runs and nothing of the operation is left behind (`reserve` may have run: the
    /// ID is then never used).
    pub fn submit_reserving(
        &self,
        sub: Submission<'_>,
        completion: Completion,
        reserve: impl FnOnce(OpId),
    ) -> Result<OpId, JobsError> {
        if self.is_closed() {
            return Err(JobsError::NotInitialized);
        }
        Engine::validate(&sub)?;
        let id = next_op_id();
        reserve(id);
        self.start(id, sub, completion).map(|()| id)
    }

    fn start(
        &self,
        id: OpId,
        sub: Submission<'_>,
        completion: Completion,
    ) -> Result<(), JobsError> {
        let operation = sub.request.operation();
        let job_id = sub.request.job_id();
        let key = ReplyKey::new(id, sub.thing, operation, job_id, sub.client_token);
        let payload = sub.request.encode(key.token());
        let topic = topics::request_topic(sub.thing, operation, job_id);
        let subscribed = self.acquire_subscription(sub.thing, operation, sub.keep_subscriptions)?;
        let pending = Pending {
            key,
            subscribed,
            deadline: sub.deadline,
            completion,
        };
        // The table refuses the operation once `shutdown` closed it; recorded here, it is
        // drained by `shutdown` if that comes later. Either way exactly one side owns it.
        let inserted = self.ops.lock().insert(id, pending);
        match inserted {
            Ok(true) => self.runtime.wake_at(sub.deadline),
            Ok(false) => {}
            Err(refused) => {
                self.release_subscription(&refused.key, refused.subscribed);
                return Err(JobsError::NotInitialized);
            }
        }
        // Queued without waiting for the PUBACK where the transport can: a publish that fails
        // later completes the operation (if still in flight) with MQTT_ERROR, exactly once.
        let sink: Weak<dyn PublishSink> = self.me.clone();
        if let Err(e) = self.transport.publish_queued(
            topic,
            payload,
            Qos::AtLeastOnce,
            self.config.mqtt_timeout,
            PublishFailed::new(sink, id),
        ) {
            log::debug(&format!(
                "publishing a {} request of {} failed: {e}",
                operation.name(),
                sub.thing
            ));
            // If the operation is no longer in the table it was completed meanwhile (by a
            // reply, its deadline or a shutdown) and its completion has been delivered: report
            // success to keep the exactly-once promise.
            let withdrawn = self.ops.lock().remove(id);
            if let Some(p) = withdrawn {
                self.release_subscription(&p.key, p.subscribed);
                return Err(JobsError::MqttError);
            }
        }
        Ok(())
    }

    /// Withdraws an operation without running its completion (a Wait that timed out). False
    /// if it had already completed.
    pub fn cancel(&self, id: OpId) -> bool {
        let removed = self.ops.lock().remove(id);
        match removed {
            Some(p) => {
                self.release_subscription(&p.key, p.subscribed);
                true
            }
            None => false,
        }
    }

    /// Handles one inbound message. Never blocks on the network and never runs application
    /// code: completions and notifications go to the callback thread.
    pub fn handle_inbound(&self, topic: &str, payload: &[u8]) {
        match topics::parse(topic) {
            Some(Inbound::Reply {
                thing,
                operation,
                job_id,
                verdict,
            }) => self.on_reply(thing, operation, job_id, verdict, payload),
            Some(Inbound::Notification { thing, kind }) => {
                self.on_notification(thing, kind, payload)
            }
            None => {}
        }
    }

    fn on_reply(
        &self,
        thing: &str,
        operation: Operation,
        job_id: Option<&str>,
        verdict: Verdict,
        payload: &[u8],
    ) {
        let Some(head) = reply::parse(payload) else {
            log::debug(&format!(
                "dropped an unreadable reply on {thing}/{}",
                operation.name()
            ));
            return;
        };
        let status = match verdict {
            Verdict::Accepted => JobsError::Success,
            Verdict::Rejected => JobsError::from_service_code(head.code.as_deref()),
        };
        {
            let mut ops = self.ops.lock();
            let id = match (&head.client_token, verdict) {
                (Some(t), _) => ops.find_by_token(t, thing, operation, job_id),
                (None, Verdict::Rejected) if !head.token_unreadable => {
                    ops.find_oldest(thing, operation, job_id)
                }
                (None, _) => None,
            };
            let Some((id, pending)) = id.and_then(|id| ops.remove(id).map(|p| (id, p))) else {
                return;
            };
            // Released first, so that whoever the outcome wakes sees the subscription unused.
            self.release_subscription(&pending.key, pending.subscribed);
            let outcome = Outcome {
                status,
                document: Some(payload.to_vec()),
            };
            self.deliver(&ops, id, pending, outcome);
        }
    }

    /// Hands an outcome to its completion. Called with the operation table locked, so that a
    /// delivery is ordered against `shutdown` (which closes the table before the library stops
    /// the callback thread): a completion is never handed to a stopped runtime. Lock order:
    /// operations, then subscriptions, then the callback queue; never the other way.
    fn deliver(
        &self,
        _ops: &MutexGuard<'_, OpTable>,
        id: OpId,
        pending: Pending,
        outcome: Outcome,
    ) {
        match pending.completion {
            Completion::Waitable(waiter) => waiter.complete(outcome),
            Completion::Callback(callback) => {
                let done = Done {
                    id,
                    key: pending.key,
                    outcome,
                };
                if !self.runtime.complete(callback, done) {
                    log::debug("a completion arrived after the callback thread stopped");
                }
            }
        }
    }

    /// Ends the engine: every operation still in flight completes with `reason`, notify
    /// callbacks are forgotten, and later calls fail with `NotInitialized`. Subscriptions are
    /// left to the connection (they end with it).
    pub fn shutdown(&self, reason: JobsError) {
        self.closed.store(true, Ordering::Release);
        {
            let mut ops = self.ops.lock();
            for (id, pending) in ops.close() {
                let outcome = Outcome {
                    status: reason,
                    document: None,
                };
                self.deliver(&ops, id, pending, outcome);
            }
        }
        self.notify.lock().clear();
        self.mailbox.lock().clear();
        self.subs.lock().clear();
        self.subs_changed.notify_all();
    }
}

impl Expiring for Engine {
    fn expire_due(&self, now: Instant) -> Option<Instant> {
        let next = {
            let mut ops = self.ops.lock();
            for (id, pending) in ops.take_due(now) {
                self.release_subscription(&pending.key, pending.subscribed);
                let outcome = Outcome {
                    status: JobsError::Timeout,
                    document: None,
                };
                self.deliver(&ops, id, pending, outcome);
            }
            ops.next_deadline()
        };
        let idle = self.subs.lock().evictions(now, &self.bounds);
        self.unsubscribe_later(idle);
        next
    }
}

impl PublishSink for Engine {
    /// A request the transport had queued could not be published after all: the operation, if
    /// still in flight, completes with `MqttError`.
    fn publish_failed(&self, id: u64, error: TransportError) {
        log::debug(&format!("a queued publish failed: {error}"));
        let mut ops = self.ops.lock();
        if let Some(pending) = ops.remove(id) {
            self.release_subscription(&pending.key, pending.subscribed);
            let outcome = Outcome {
                status: JobsError::MqttError,
                document: None,
            };
            self.deliver(&ops, id, pending, outcome);
        }
    }
}
