//! A [`Transport`] over a real broker: the Eclipse Paho C client (through the `paho-mqtt`
//! crate), MQTT 3.1.1, plain TCP or TLS.
//!
//! [`PahoTransport::connect`] opens the link and returns once the broker accepted it. From then
//! on the transport keeps the link alive by itself: when it drops, a supervisor thread of ours
//! (`awsiotjobs-mqtt-link`) reconnects with the [`Backoff`] policy (100 ms doubling to 5 s by
//! default, forever until [`PahoTransport::close`]), subscribes again to every filter anyone
//! holds (the Jobs engine's reply and notify topics, the application's own), and only then lets
//! waiting calls through. Subscribe, unsubscribe and publish wait for the link (up to their
//! timeout) and then for the broker's acknowledgement within what is left of it; a call whose
//! link drops under it is tried again on the next link while time remains. Inbound messages are
//! handed to the connection's [`Router`] on Paho's receive thread, which only matches and
//! enqueues: nothing here ever waits on a Paho token from a Paho callback, and application code
//! never runs on a Paho thread. The QoS and retain flag of the message being delivered are
//! available to router handlers through [`current_inbound`].

pub mod acks;
pub mod hooks;
pub mod reaper;
pub mod tls_files;

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use paho_mqtt as paho;
use parking_lot::{Condvar, Mutex};

use crate::core::log;
use crate::core::panics::contain;
use crate::core::queue::{Popped, Queue};
use crate::core::router::Router;
use crate::core::topics::topic_matches;
use crate::core::transport::{PublishFailed, Qos, Transport, TransportError};
use acks::{Acks, Resend};
use hooks::{TlsExtras, TlsRegistration};
use reaper::HeldToken;

/// How the link is re-established after it dropped: wait `first`, then double the wait after
/// each failed attempt up to `max`, and keep trying until the transport is closed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_secs(5),
        }
    }
}

/// TLS settings: file paths, as the v4 OpenSSL network stack takes them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// The only CA trusted for the server's certificate; `None` trusts the system's CAs.
    pub root_ca: Option<PathBuf>,
    /// Client certificate (PEM) for mutual TLS; requires `private_key`.
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    pub private_key: Option<PathBuf>,
    /// ALPN protocol names offered, e.g. `x-amzn-mqtt-ca` for AWS IoT on port 443.
    pub alpn: Vec<String>,
    /// No SNI, a smaller record size: applied inside Paho (see [`hooks`]).
    pub extras: TlsExtras,
}

/// The last-will message of a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Will {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: Qos,
    pub retain: bool,
}

/// Everything a connection is made from.
#[derive(Clone, Debug)]
pub struct Settings {
    pub host: String,
    pub port: u16,
    /// `Some` for TLS (an `ssl://` link), `None` for plain TCP.
    pub tls: Option<TlsSettings>,
    pub client_id: String,
    /// Zero disables keep-alive.
    pub keep_alive: Duration,
    pub clean_session: bool,
    pub will: Option<Will>,
    pub user_name: Option<String>,
    pub password: Option<Vec<u8>>,
    /// The broker is AWS IoT (see [`Transport::is_aws_iot`]).
    pub aws_iot: bool,
    pub backoff: Backoff,
}

impl Settings {
    /// Plain TCP to `host:port` with a clean session, no keep-alive setting beyond 60 s, and
    /// the default backoff.
    pub fn new(host: &str, port: u16, client_id: &str) -> Settings {
        Settings {
            host: host.to_owned(),
            port,
            tls: None,
            client_id: client_id.to_owned(),
            keep_alive: Duration::from_secs(60),
            clean_session: true,
            will: None,
            user_name: None,
            password: None,
            aws_iot: false,
            backoff: Backoff::default(),
        }
    }

    fn uri(&self) -> String {
        let scheme = if self.tls.is_some() { "ssl" } else { "tcp" };
        if self.host.contains(':') {
            format!("{scheme}://[{}]:{}", self.host, self.port)
        } else {
            format!("{scheme}://{}:{}", self.host, self.port)
        }
    }
}

/// Why [`PahoTransport::connect`] failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// The settings cannot make a connection (for example a NUL byte in the client ID).
    Invalid(String),
    /// The network or TLS layer failed: no route, refused, unknown host, handshake failure.
    Network(String),
    /// The broker answered CONNACK with this refusal code.
    Refused(u8),
    /// Nothing conclusive within the timeout.
    Timeout,
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConnectError::Invalid(why) => write!(f, "invalid settings: {why}"),
            ConnectError::Network(why) => write!(f, "network failure: {why}"),
            ConnectError::Refused(code) => write!(f, "refused by the broker (CONNACK {code})"),
            ConnectError::Timeout => f.write_str("timed out"),
        }
    }
}

impl std::error::Error for ConnectError {}

/// Told when the link drops and when it is back. Both run on the supervisor thread and must
/// return quickly (queue work elsewhere); neither may call [`PahoTransport::close`].
pub trait LinkEvents: Send + Sync {
    /// The link dropped; reconnection starts.
    fn lost(&self);
    /// The link is back and every held subscription was restored.
    fn restored(&self);
}

/// QoS and retain flag of an inbound message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InboundMeta {
    pub qos: u8,
    pub retain: bool,
}

thread_local! {
    static INBOUND: Cell<Option<InboundMeta>> = const { Cell::new(None) };
}

/// The QoS and retain flag of the message a router handler is being called for, when the
/// handler runs inside a [`PahoTransport`] delivery; `None` elsewhere.
pub fn current_inbound() -> Option<InboundMeta> {
    INBOUND.with(Cell::get)
}

/// Who holds a subscription. MQTT subscriptions are not counted by the broker, so a filter
/// both hold is unsubscribed only when neither does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Holder {
    Jobs,
    App,
}

#[derive(Clone, Copy, Debug, Default)]
struct Holders {
    jobs: Option<Qos>,
    app: Option<Qos>,
}

impl Holders {
    fn slot(&mut self, holder: Holder) -> &mut Option<Qos> {
        match holder {
            Holder::Jobs => &mut self.jobs,
            Holder::App => &mut self.app,
        }
    }

    fn qos(&self) -> Option<Qos> {
        match (self.jobs, self.app) {
            (Some(Qos::AtLeastOnce), _) | (_, Some(Qos::AtLeastOnce)) => Some(Qos::AtLeastOnce),
            (None, None) => None,
            _ => Some(Qos::AtMostOnce),
        }
    }
}

struct LinkState {
    up: bool,
    closed: bool,
}

enum Event {
    Lost,
    Close,
}

/// How often a waiting reconnect attempt checks whether the transport is being closed, and how
/// long a call pauses before trying again when Paho reports the link gone before we heard so.
const POLL: Duration = Duration::from_millis(10);
/// AWS IoT accepts at most this many filters in one SUBSCRIBE.
const AWS_MAX_FILTERS_PER_SUBSCRIBE: usize = 8;
/// How many publishes Paho may hold unsent for one connection.
const MAX_QUEUED_PUBLISHES: i32 = 65_535;
/// The longest a single reconnect attempt (CONNECT and the resubscriptions) may take.
const MAX_ATTEMPT: Duration = Duration::from_secs(30);

/// An MQTT 3.1.1 connection through Paho that reconnects and resubscribes by itself.
pub struct PahoTransport {
    client: paho::AsyncClient,
    client_id: String,
    /// Keeps the TLS extras applied to the sessions of reconnections too.
    _tls_extras: Option<TlsRegistration>,
    /// The CONNECTs (the latest, and any not yet settled) and the DISCONNECT Paho may still
    /// hold, handed to [`reaper::retire`] with the client when the transport is dropped.
    connects: Mutex<Vec<HeldToken>>,
    aws_iot: bool,
    link: Mutex<LinkState>,
    link_changed: Condvar,
    subs: Mutex<BTreeMap<String, Holders>>,
    events: Arc<Queue<Event>>,
    supervisor: Mutex<Option<JoinHandle<()>>>,
    /// The publishes handed to Paho without waiting (see [`acks`]).
    acks: OnceLock<Acks>,
}

fn paho_qos(qos: Qos) -> i32 {
    qos as i32
}

fn connect_options(settings: &Settings, timeout: Duration) -> Result<paho::ConnectOptions, String> {
    let mut builder = paho::ConnectOptionsBuilder::with_mqtt_version(paho::MQTT_VERSION_3_1_1);
    builder
        .clean_session(settings.clean_session)
        .keep_alive_interval(settings.keep_alive)
        .connect_timeout(timeout.max(Duration::from_secs(1)) + Duration::from_millis(999));
    if let Some(will) = &settings.will {
        let message = if will.retain {
            paho::Message::new_retained(will.topic.as_str(), will.payload.clone(), will.qos as i32)
        } else {
            paho::Message::new(will.topic.as_str(), will.payload.clone(), will.qos as i32)
        };
        builder.will_message(message);
    }
    if let Some(name) = &settings.user_name {
        if name.contains('\0') {
            return Err("the user name contains a NUL byte".into());
        }
        builder.user_name(name.as_str());
    }
    if let Some(password) = &settings.password {
        builder.password(password.clone());
    }
    if let Some(tls) = &settings.tls {
        let mut ssl = paho::SslOptionsBuilder::new();
        // Hostname verification against the certificate, as AWS IoT clients must do.
        ssl.enable_server_cert_auth(true).verify(true);
        if let Some(ca) = &tls.root_ca {
            ssl.trust_store(ca)
                .map_err(|e| format!("root CA path: {e}"))?;
            ssl.disable_default_trust_store(true);
        }
        match (&tls.client_cert, &tls.private_key) {
            (Some(cert), Some(key)) => {
                ssl.key_store(cert)
                    .map_err(|e| format!("client certificate path: {e}"))?;
                ssl.private_key(key)
                    .map_err(|e| format!("private key path: {e}"))?;
            }
            (None, None) => {}
            _ => return Err("a client certificate needs its private key and back".into()),
        }
        if !tls.alpn.is_empty() {
            let names: Vec<&str> = tls.alpn.iter().map(String::as_str).collect();
            ssl.alpn_protos(&names);
        }
        builder.ssl_options(ssl.finalize());
    }
    Ok(builder.finalize())
}

fn classify_connect(error: paho::Error) -> ConnectError {
    match error {
        paho::Error::ConnectReturn(code) => ConnectError::Refused(code as u8),
        paho::Error::Timeout | paho::Error::TcpConnectTimeout => ConnectError::Timeout,
        other => ConnectError::Network(other.to_string()),
    }
}

/// Keeps Paho's background threads (`MQTTAsync_send`, `MQTTAsync_rcv`, shared by all clients of
/// the process) alive from the first connection on.
///
/// Paho stops them when the last client of the process is destroyed (`MQTTAsync_destroy` ->
/// `MQTTAsync_terminate` -> `MQTTAsync_stop`), polling every 100 ms until they notice: the
/// send thread waits up to 1 s for a command and the receive thread's `select` up to 1 s, so
/// dropping the last connection (every `IotMqtt_Disconnect` of a device with one connection)
/// took about a second although the DISCONNECT was sent in microseconds. A client that is
/// created once, never connects and is never destroyed keeps the count above zero; the threads
/// then idle (one wake-up a second each) until the process ends.
fn keep_paho_threads() {
    static ANCHOR: OnceLock<Option<paho::AsyncClient>> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        paho::CreateOptionsBuilder::new_v3()
            .server_uri("tcp://127.0.0.1:1")
            .client_id("awsiotjobs-paho-anchor")
            .persistence(None)
            .create_client()
            .ok()
    });
}

/// Waits for a connect token, checking every [`POLL`] whether to give up early. The token is
/// kept by the caller: Paho may still hold it after this gives up (see [`reaper`]).
fn wait_connect(
    connect: &mut HeldToken,
    deadline: Instant,
    give_up: impl Fn() -> bool,
) -> Result<(), ConnectError> {
    loop {
        if let Some(result) = connect.token().try_wait() {
            connect.mark_completed();
            return result.map(|_| ()).map_err(classify_connect);
        }
        let now = Instant::now();
        if now >= deadline || give_up() {
            return Err(ConnectError::Timeout);
        }
        std::thread::sleep(POLL.min(deadline - now));
    }
}

impl PahoTransport {
    /// Connects to the broker of `settings` within `timeout` and starts the supervisor thread.
    /// Inbound messages go to `router`; `events` hears about drops and reconnections.
    pub fn connect(
        settings: &Settings,
        router: Arc<Router>,
        events: Arc<dyn LinkEvents>,
        timeout: Duration,
    ) -> Result<Arc<PahoTransport>, ConnectError> {
        if settings.client_id.contains('\0') {
            return Err(ConnectError::Invalid(
                "the client ID contains a NUL byte".into(),
            ));
        }
        let extras = settings
            .tls
            .as_ref()
            .map(|tls| tls.extras)
            .unwrap_or_default();
        if extras.max_send_fragment != 0
            && !hooks::MAX_SEND_FRAGMENT.contains(&extras.max_send_fragment)
        {
            return Err(ConnectError::Invalid(
                "the TLS maximum fragment length must be 0 or 512 to 16384".into(),
            ));
        }
        let options = connect_options(settings, timeout).map_err(ConnectError::Invalid)?;
        if let Some(tls) = &settings.tls {
            if let Err(problem) = tls_files::check(tls) {
                log::error(&format!("connecting to {}: {problem}", settings.uri()));
                return Err(ConnectError::Network(problem));
            }
        }
        keep_paho_threads();
        // A DISCONNECT left out for an earlier connection with this ID must not hit this one.
        hooks::forget_abandoned(&settings.client_id);
        let tls_extras =
            (!extras.is_default()).then(|| hooks::register_tls(&settings.host, extras));
        let client = paho::CreateOptionsBuilder::new_v3()
            .server_uri(settings.uri())
            .client_id(settings.client_id.as_str())
            .persistence(None)
            // Paho refuses a publish while this many wait unsent (its default is 100): with
            // requests queued without waiting, the operations in flight are the bound.
            .max_buffered_messages(MAX_QUEUED_PUBLISHES)
            .create_client()
            .map_err(|e| ConnectError::Invalid(e.to_string()))?;

        let events_tx = Arc::new(Queue::default());
        let events_rx = events_tx.clone();
        // Both run on Paho's threads, called from C: nothing may unwind out of them.
        client.set_message_callback(move |_, message| {
            let Some(message) = message else { return };
            contain("the MQTT receive callback", || {
                let meta = InboundMeta {
                    qos: message.qos() as u8,
                    retain: message.retained(),
                };
                INBOUND.with(|slot| slot.set(Some(meta)));
                router.deliver(message.topic(), message.payload());
            });
            INBOUND.with(|slot| slot.set(None));
        });
        let lost_tx = events_tx.clone();
        client.set_connection_lost_callback(move |_| {
            contain("the MQTT connection-lost callback", || {
                lost_tx.push(Event::Lost);
            });
        });

        let mut connect = HeldToken::new(client.connect(options));
        if let Err(e) = wait_connect(&mut connect, Instant::now() + timeout, || false) {
            log::error(&format!("connecting to {} failed: {e}", settings.uri()));
            reaper::retire(client, vec![connect]);
            return Err(e);
        }
        if tls_extras
            .as_ref()
            .is_some_and(|extras| extras.applied() == 0)
        {
            reaper::retire(client, vec![connect]);
            return Err(ConnectError::Invalid(
                "disabling SNI or setting the TLS fragment length needs the linker flags of \
                 build.rs (--wrap=SSL_ctrl)"
                    .into(),
            ));
        }

        let transport = Arc::new(PahoTransport {
            client,
            client_id: settings.client_id.clone(),
            _tls_extras: tls_extras,
            connects: Mutex::new(vec![connect]),
            aws_iot: settings.aws_iot,
            link: Mutex::new(LinkState {
                up: true,
                closed: false,
            }),
            link_changed: Condvar::new(),
            subs: Mutex::new(BTreeMap::new()),
            events: events_tx,
            supervisor: Mutex::new(None),
            acks: OnceLock::new(),
        });
        let resend: Weak<dyn Resend> = Arc::downgrade(&(transport.clone() as Arc<dyn Resend>));
        match Acks::start(resend) {
            Ok(acks) => {
                let _ = transport.acks.set(acks);
            }
            Err(e) => {
                transport.close(false);
                return Err(ConnectError::Invalid(format!("cannot start a thread: {e}")));
            }
        }
        let weak = Arc::downgrade(&transport);
        let attempt = timeout.clamp(Duration::from_secs(1), MAX_ATTEMPT);
        let backoff = settings.backoff;
        let supervisor = std::thread::Builder::new()
            .name("awsiotjobs-mqtt-link".into())
            .spawn(move || supervise(weak, events_rx, events, backoff, attempt));
        match supervisor {
            Ok(handle) => *transport.supervisor.lock() = Some(handle),
            Err(e) => {
                transport.close(false);
                return Err(ConnectError::Invalid(format!("cannot start a thread: {e}")));
            }
        }
        Ok(transport)
    }

    /// True while the link is up (and its subscriptions restored).
    pub fn is_up(&self) -> bool {
        let link = self.link.lock();
        link.up && !link.closed
    }

    /// Ends the connection: calls waiting for the link fail at once, the supervisor stops, no
    /// message is delivered any more, and with `send_disconnect` a DISCONNECT is sent (waiting at
    /// most a second; over a live link it returns once the DISCONNECT is written). Without it
    /// the socket is closed with no DISCONNECT when the transport is dropped, as after a network
    /// failure, so the broker publishes the will. Idempotent. Must not be called from a
    /// [`LinkEvents`] method. Dropping the transport afterwards is immediate too (see
    /// `keep_paho_threads` and [`reaper`]).
    pub fn close(&self, send_disconnect: bool) {
        self.shut(send_disconnect, !send_disconnect);
    }

    /// [`PahoTransport::close`]; `abandon` leaves Paho's own DISCONNECT at destroy out too.
    fn shut(&self, send_disconnect: bool, abandon: bool) {
        {
            let mut link = self.link.lock();
            if link.closed {
                return;
            }
            link.closed = true;
            self.link_changed.notify_all();
        }
        self.events.push(Event::Close);
        if let Some(handle) = self.supervisor.lock().take() {
            if handle.thread().id() != std::thread::current().id() {
                let _ = handle.join();
            }
        }
        if let Some(acks) = self.acks.get() {
            acks.stop();
        }
        self.client.remove_message_callback();
        self.client.remove_connection_lost_callback();
        if abandon && self.client.is_connected() {
            // Paho sends DISCONNECT when the client is destroyed; the mark makes it close the
            // socket without one, so the broker publishes the will.
            hooks::abandon(&self.client_id);
        }
        if send_disconnect && self.client.is_connected() {
            let options = paho::DisconnectOptionsBuilder::new()
                .timeout(Duration::ZERO)
                .finalize();
            let mut disconnect = HeldToken::new(self.client.disconnect(options));
            match disconnect.token().clone().wait_for(Duration::from_secs(1)) {
                Ok(_) => disconnect.mark_completed(),
                // With publishes in flight Paho may carry the DISCONNECT out only at its next
                // timeout sweep (up to 3 s later): the client must outlive it (see reaper).
                Err(paho::Error::Timeout) => self.connects.lock().push(disconnect),
                Err(_) => disconnect.mark_completed(),
            }
        }
    }

    /// The QoS a filter is subscribed with and whether the application holds it; `None` if
    /// nobody holds it.
    pub fn subscription(&self, filter: &str) -> Option<(Qos, bool)> {
        let subs = self.subs.lock();
        let holders = subs.get(filter)?;
        holders.qos().map(|qos| (qos, holders.app.is_some()))
    }

    /// The QoS of a Jobs subscription whose filter delivers `topic` (a topic name, no
    /// wildcards): the Jobs engine subscribes to a thing's replies with wildcard filters, and a
    /// v4 application may ask whether one reply topic is subscribed.
    pub fn jobs_coverage(&self, topic: &str) -> Option<Qos> {
        if topic.contains(['+', '#']) {
            return None;
        }
        let subs = self.subs.lock();
        subs.iter()
            .filter(|(filter, _)| topic_matches(filter, topic))
            .find_map(|(_, holders)| holders.jobs)
    }

    /// Subscribes on behalf of `holder`, each filter with its own QoS, in one SUBSCRIBE per
    /// eight filters on AWS IoT (one in all elsewhere). The filters are held (and restored on
    /// reconnection) from the moment the request is made; a failure releases those this call
    /// added.
    pub fn subscribe_as(
        &self,
        holder: Holder,
        filters: &[(&str, Qos)],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let (added, wanted) = {
            let mut subs = self.subs.lock();
            let mut added = Vec::new();
            let mut wanted = Vec::new();
            for (filter, qos) in filters {
                let holders = subs.entry((*filter).to_owned()).or_default();
                let slot = holders.slot(holder);
                if slot.is_none() {
                    added.push((*filter).to_owned());
                }
                *slot = Some(*qos);
                wanted.push(((*filter).to_owned(), holders.qos().unwrap_or(*qos)));
            }
            (added, wanted)
        };
        let result = self.send_subscribe(&wanted, timeout);
        if result.is_err() {
            let mut subs = self.subs.lock();
            for filter in added {
                if let Some(holders) = subs.get_mut(&filter) {
                    *holders.slot(holder) = None;
                    if holders.qos().is_none() {
                        subs.remove(&filter);
                    }
                }
            }
        }
        result
    }

    /// Releases `filters` for `holder`, sending UNSUBSCRIBE for those nobody holds any more.
    pub fn unsubscribe_as(
        &self,
        holder: Holder,
        filters: &[&str],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let released = self.release(holder, filters);
        if released.is_empty() {
            return Ok(());
        }
        self.with_link(timeout, |client, left| {
            client
                .unsubscribe_many(&released)
                .wait_for(left)
                .map(|_| ())
        })
    }

    /// Releases `filters` for `holder`; returns those nobody holds any more (no longer restored
    /// on reconnection), to be unsubscribed.
    fn release(&self, holder: Holder, filters: &[&str]) -> Vec<String> {
        let mut subs = self.subs.lock();
        let mut released = Vec::new();
        for filter in filters {
            if let Some(holders) = subs.get_mut(*filter) {
                *holders.slot(holder) = None;
                if holders.qos().is_none() {
                    subs.remove(*filter);
                    released.push((*filter).to_owned());
                }
            }
        }
        released
    }

    /// Records subscriptions the broker already has (a persistent session's), without sending
    /// anything; they are restored on reconnection like the others.
    pub fn adopt(&self, holder: Holder, filters: &[(&str, Qos)]) {
        let mut subs = self.subs.lock();
        for (filter, qos) in filters {
            *subs.entry((*filter).to_owned()).or_default().slot(holder) = Some(*qos);
        }
    }

    /// Publishes one message: waits for the link, then (QoS 1) for the PUBACK, all within
    /// `timeout`.
    pub fn publish_message(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        retain: bool,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        if topic.contains('\0') {
            return Err(TransportError::Failed("topic contains a NUL byte".into()));
        }
        self.with_link(timeout, |client, left| {
            let message = if retain {
                paho::Message::new_retained(topic, payload, paho_qos(qos))
            } else {
                paho::Message::new(topic, payload, paho_qos(qos))
            };
            client.publish(message).wait_for(left)
        })
    }

    fn send_subscribe(
        &self,
        wanted: &[(String, Qos)],
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let per_request = if self.aws_iot {
            AWS_MAX_FILTERS_PER_SUBSCRIBE
        } else {
            wanted.len().max(1)
        };
        let deadline = Instant::now() + timeout;
        for chunk in wanted.chunks(per_request) {
            let left = deadline.saturating_duration_since(Instant::now());
            self.with_link(left, |client, left| subscribe_chunk(client, chunk, left))?;
        }
        Ok(())
    }

    /// Waits until the link is up or `deadline`; `NotConnected` if it is closed or stays down.
    fn wait_up(&self, deadline: Instant) -> Result<(), TransportError> {
        let mut link = self.link.lock();
        loop {
            if link.closed {
                return Err(TransportError::NotConnected);
            }
            if link.up {
                return Ok(());
            }
            if self
                .link_changed
                .wait_until(&mut link, deadline)
                .timed_out()
            {
                return if link.up && !link.closed {
                    Ok(())
                } else {
                    Err(TransportError::NotConnected)
                };
            }
        }
    }

    /// Runs `attempt` on a live link within `timeout`, again on the next link if this one drops
    /// under it while time remains.
    fn with_link<R>(
        &self,
        timeout: Duration,
        mut attempt: impl FnMut(&paho::AsyncClient, Duration) -> paho::Result<R>,
    ) -> Result<R, TransportError> {
        let deadline = Instant::now() + timeout;
        loop {
            self.wait_up(deadline)?;
            let left = deadline.saturating_duration_since(Instant::now());
            match attempt(&self.client, left) {
                Ok(value) => return Ok(value),
                Err(paho::Error::Timeout) => return Err(TransportError::Timeout),
                Err(error) => {
                    let dropped = !self.client.is_connected();
                    if !dropped {
                        return Err(classify(error));
                    }
                    if Instant::now() + POLL >= deadline {
                        return Err(TransportError::NotConnected);
                    }
                    std::thread::sleep(POLL);
                }
            }
        }
    }

    /// Marks the link down; false if it was already down or the transport is closed.
    fn mark_down(&self) -> bool {
        let mut link = self.link.lock();
        if link.closed || !link.up || self.client.is_connected() {
            return false;
        }
        link.up = false;
        true
    }

    fn mark_up(&self) -> bool {
        let mut link = self.link.lock();
        if link.closed {
            return false;
        }
        link.up = true;
        self.link_changed.notify_all();
        true
    }

    fn is_closed(&self) -> bool {
        self.link.lock().closed
    }

    /// One reconnection attempt: CONNECT, then every held subscription again.
    fn reattach(&self, attempt: Duration) -> Result<(), ConnectError> {
        let deadline = Instant::now() + attempt;
        let mut connect = HeldToken::new(self.client.reconnect());
        let result = wait_connect(&mut connect, deadline, || self.is_closed());
        {
            let mut connects = self.connects.lock();
            let now = Instant::now();
            connects.retain_mut(|earlier| !earlier.settled(now));
            connects.push(connect);
        }
        result?;
        log::debug("reconnected; restoring subscriptions");
        let wanted: Vec<(String, Qos)> = self
            .subs
            .lock()
            .iter()
            .filter_map(|(filter, holders)| holders.qos().map(|qos| (filter.clone(), qos)))
            .collect();
        let per_request = if self.aws_iot {
            AWS_MAX_FILTERS_PER_SUBSCRIBE
        } else {
            wanted.len().max(1)
        };
        for chunk in wanted.chunks(per_request) {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Err(error) = subscribe_chunk(&self.client, chunk, left) {
                // A filter the broker refuses stays refused; only a dead link is worth retrying.
                if !self.client.is_connected() || error_is_timeout(&error) {
                    return Err(ConnectError::Network(error.to_string()));
                }
                log::debug(&format!("restoring a subscription failed: {error}"));
            }
        }
        if !self.client.is_connected() {
            return Err(ConnectError::Network("dropped while resubscribing".into()));
        }
        Ok(())
    }
}

fn error_is_timeout(error: &paho::Error) -> bool {
    matches!(error, paho::Error::Timeout)
}

fn subscribe_chunk(
    client: &paho::AsyncClient,
    chunk: &[(String, Qos)],
    left: Duration,
) -> paho::Result<()> {
    let filters: Vec<&str> = chunk.iter().map(|(f, _)| f.as_str()).collect();
    let qos: Vec<i32> = chunk.iter().map(|(_, q)| paho_qos(*q)).collect();
    let response = client.subscribe_many(&filters, &qos).wait_for(left)?;
    let granted = response
        .subscribe_many_response()
        .or_else(|| response.subscribe_response().map(|q| vec![q]))
        .unwrap_or_default();
    if granted.iter().any(|&q| q >= 0x80) {
        return Err(paho::Error::General("the broker refused a subscription"));
    }
    Ok(())
}

/// The transport's error for a Paho error.
pub(crate) fn classify(error: paho::Error) -> TransportError {
    match error {
        paho::Error::Timeout => TransportError::Timeout,
        paho::Error::Disconnected => TransportError::NotConnected,
        paho::Error::General("the broker refused a subscription") => TransportError::Refused,
        paho::Error::ReasonCode(..) | paho::Error::Failure => TransportError::Refused,
        other => TransportError::Failed(other.to_string()),
    }
}

/// The supervisor thread: waits for the link to drop, then reconnects until it is back or the
/// transport is closed.
fn supervise(
    transport: Weak<PahoTransport>,
    events: Arc<Queue<Event>>,
    listener: Arc<dyn LinkEvents>,
    backoff: Backoff,
    attempt: Duration,
) {
    while let Some(event) = events.pop() {
        if matches!(event, Event::Close) {
            return;
        }
        match transport.upgrade() {
            Some(t) if t.mark_down() => {}
            Some(_) => continue,
            None => return,
        }
        log::debug("link lost; reconnecting");
        listener.lost();
        let mut wait = backoff.first;
        loop {
            match events.pop_until(Instant::now() + wait) {
                Popped::Item(Event::Close) | Popped::Closed => return,
                Popped::Item(Event::Lost) | Popped::TimedOut => {}
            }
            let Some(t) = transport.upgrade() else { return };
            if t.is_closed() {
                return;
            }
            match t.reattach(attempt) {
                Ok(()) => {
                    if t.mark_up() {
                        log::debug("link restored");
                        listener.restored();
                    }
                    break;
                }
                Err(error) => {
                    log::debug(&format!("reconnect failed: {error}; next try in {wait:?}"));
                    wait = (wait * 2).min(backoff.max);
                }
            }
        }
    }
}

impl Transport for PahoTransport {
    fn subscribe(
        &self,
        filters: &[&str],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        let filters: Vec<(&str, Qos)> = filters.iter().map(|f| (*f, qos)).collect();
        self.subscribe_as(Holder::Jobs, &filters, timeout)
    }

    fn unsubscribe(&self, filters: &[&str], timeout: Duration) -> Result<(), TransportError> {
        self.unsubscribe_as(Holder::Jobs, filters, timeout)
    }

    fn publish(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
    ) -> Result<(), TransportError> {
        self.publish_message(topic, payload, qos, false, timeout)
    }

    /// Releases the filters at once and, over a live link, hands the UNSUBSCRIBE to Paho
    /// without waiting: nothing is lost if it never reaches the broker (a clean session forgets
    /// it anyway; at worst a persistent one keeps delivering replies the engine ignores).
    fn unsubscribe_queued(&self, filters: &[&str], _timeout: Duration) {
        let released = self.release(Holder::Jobs, filters);
        if !released.is_empty() && self.is_up() {
            drop(self.client.unsubscribe_many(&released));
        }
    }

    /// Hands the message to Paho and returns; [`Acks`] watches it from then on.
    fn publish_queued(
        &self,
        topic: &str,
        payload: &[u8],
        qos: Qos,
        timeout: Duration,
        failed: PublishFailed,
    ) -> Result<(), TransportError> {
        if topic.contains('\0') {
            return Err(TransportError::Failed("topic contains a NUL byte".into()));
        }
        let Some(acks) = self.acks.get() else {
            return Err(TransportError::NotConnected);
        };
        let deadline = Instant::now() + timeout;
        let message = paho::Message::new(topic, payload, paho_qos(qos));
        let token = self.resend(message, deadline)?;
        acks.watch(token, failed, deadline);
        Ok(())
    }

    fn is_aws_iot(&self) -> bool {
        self.aws_iot
    }
}

impl Resend for PahoTransport {
    /// Waits for the link (until `deadline`) and hands `message` to Paho; again on the next
    /// link if Paho finds this one gone.
    fn resend(
        &self,
        mut message: paho::Message,
        deadline: Instant,
    ) -> Result<paho::DeliveryToken, TransportError> {
        loop {
            self.wait_up(deadline)?;
            match self.client.try_publish(message) {
                Ok(token) => return Ok(token),
                Err(paho::Error::Publish(rc, back)) => {
                    if self.client.is_connected() || Instant::now() + POLL >= deadline {
                        return Err(classify(paho::Error::from(rc)));
                    }
                    message = back;
                    std::thread::sleep(POLL);
                }
                Err(other) => return Err(classify(other)),
            }
        }
    }

    fn link_down(&self) -> bool {
        !self.client.is_connected() || !self.is_up()
    }
}

impl Drop for PahoTransport {
    /// Closes like [`PahoTransport::close`] without a DISCONNECT of its own (Paho's destroy then
    /// sends one, unless `close(false)` asked to leave it out), and lets the reaper destroy the
    /// client (see [`reaper`]).
    fn drop(&mut self) {
        self.shut(false, false);
        reaper::retire(
            self.client.clone(),
            std::mem::take(&mut *self.connects.lock()),
        );
    }
}
