//! The connection: [`PahoTransport::connect`] opens the link (checking the TLS files first,
//! registering the TLS extras, routing inbound messages) and returns once the broker accepted
//! it; a supervisor thread of ours (`awsiotjobs-mqtt-link`) hears when the link drops and
//! reconnects with the [`Backoff`] policy, subscribing again to every held filter before it
//! lets waiting calls through; [`PahoTransport::close`] and the drop end it, with or without
//! DISCONNECT, and hand the client to the reaper. The calls made over a live link
//! (subscribe, publish, the port's `Transport`) are in `calls`; this file keeps the link.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use paho_mqtt as paho;
use parking_lot::{Condvar, Mutex};

use super::acks::{Acks, Resend};
use super::hooks::{self, TlsExtras, TlsRegistration};
use super::inbound;
use super::reaper::{self, HeldToken};
use super::settings::{
    classify, classify_connect, connect_options, Backoff, ConnectError, Settings,
};
use super::subscriptions::{per_request, subscribe_chunk, Subscriptions};
use super::tls_files;
use crate::core::log;
use crate::core::panics::contain;
use crate::core::queue::{Popped, Queue};
use crate::core::router::Router;
use crate::core::transport::TransportError;

/// Told when the link drops and when it is back. Both run on the supervisor thread and must
/// return quickly (queue work elsewhere); neither may call [`PahoTransport::close`].
pub trait LinkEvents: Send + Sync {
    /// The link dropped; reconnection starts.
    fn lost(&self);
    /// The link is back and every held subscription was restored.
    fn restored(&self);
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
pub(super) const POLL: Duration = Duration::from_millis(10);
/// How many publishes Paho may hold unsent for one connection.
const MAX_QUEUED_PUBLISHES: i32 = 65_535;
/// The longest a single reconnect attempt (CONNECT and the resubscriptions) may take.
const MAX_ATTEMPT: Duration = Duration::from_secs(30);

/// An MQTT 3.1.1 connection through Paho that reconnects and resubscribes by itself.
pub struct PahoTransport {
    pub(super) client: paho::AsyncClient,
    client_id: String,
    /// Keeps the TLS extras applied to the sessions of reconnections too.
    _tls_extras: Option<TlsRegistration>,
    /// Inbound messages reach the router while this lives.
    _route: inbound::Route,
    /// The CONNECTs (the latest, and any not yet settled) and the DISCONNECT Paho may still
    /// hold, handed to [`reaper::retire`] with the client when the transport is dropped.
    connects: Mutex<Vec<HeldToken>>,
    pub(super) aws_iot: bool,
    link: Mutex<LinkState>,
    link_changed: Condvar,
    pub(super) subs: Subscriptions,
    events: Arc<Queue<Event>>,
    supervisor: Mutex<Option<JoinHandle<()>>>,
    /// The publishes handed to Paho without waiting (see [`super::acks`]).
    pub(super) acks: OnceLock<Acks>,
    /// How many times Paho reported the link lost: a publish that fails after the count moved
    /// on was lost with a link.
    pub(super) drops: Arc<AtomicU64>,
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

/// The Paho options for `settings`, and its TLS extras, once everything that can be checked
/// before connecting was: the client ID, the fragment length, and the TLS files (named in the
/// log when one is wrong).
fn checked(
    settings: &Settings,
    timeout: Duration,
) -> Result<(paho::ConnectOptions, TlsExtras), ConnectError> {
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
    Ok((options, extras))
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
        let (options, extras) = checked(settings, timeout)?;
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
        inbound::start_routing();
        let route = inbound::route(&client, router);
        // Runs on Paho's thread, called from C: nothing may unwind out of it.
        let lost_tx = events_tx.clone();
        let drops = Arc::new(AtomicU64::new(0));
        let dropped = drops.clone();
        client.set_connection_lost_callback(move |_| {
            contain("the MQTT connection-lost callback", || {
                dropped.fetch_add(1, Ordering::SeqCst);
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
            _route: route,
            connects: Mutex::new(vec![connect]),
            aws_iot: settings.aws_iot,
            link: Mutex::new(LinkState {
                up: true,
                closed: false,
            }),
            link_changed: Condvar::new(),
            subs: Subscriptions::default(),
            events: events_tx,
            supervisor: Mutex::new(None),
            acks: OnceLock::new(),
            drops,
        });
        let attempt = timeout.clamp(Duration::from_secs(1), MAX_ATTEMPT);
        if let Err(e) = transport.start_threads(events_rx, events, settings.backoff, attempt) {
            transport.close(false);
            return Err(ConnectError::Invalid(format!("cannot start a thread: {e}")));
        }
        Ok(transport)
    }

    /// Starts the acks thread and the supervisor of a transport just connected.
    fn start_threads(
        self: &Arc<Self>,
        events: Arc<Queue<Event>>,
        listener: Arc<dyn LinkEvents>,
        backoff: Backoff,
        attempt: Duration,
    ) -> std::io::Result<()> {
        let resend: Weak<dyn Resend> = Arc::downgrade(&(self.clone() as Arc<dyn Resend>));
        let _ = self.acks.set(Acks::start(resend)?);
        let weak = Arc::downgrade(self);
        let handle = std::thread::Builder::new()
            .name("awsiotjobs-mqtt-link".into())
            .spawn(move || supervise(weak, events, listener, backoff, attempt))?;
        *self.supervisor.lock() = Some(handle);
        Ok(())
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

    /// Waits until the link is up or `deadline`; `NotConnected` if it is closed or stays down.
    pub(super) fn wait_up(&self, deadline: Instant) -> Result<(), TransportError> {
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
    pub(super) fn with_link<R>(
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
        let wanted = self.subs.wanted();
        for chunk in wanted.chunks(per_request(self.aws_iot, wanted.len())) {
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
