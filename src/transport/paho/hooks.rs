//! What the library changes inside Paho C where Paho has no option for it, the safe half.
//!
//! The bundled Paho C (1.3.16) always sends the host name as TLS server name indication, has
//! no setting for the TLS maximum send fragment, and always sends DISCONNECT when a connected
//! client is destroyed. The v4 API can ask for all three to be otherwise (`disableSni`,
//! `maxFragmentLength`, `IOT_MQTT_FLAG_CLEANUP_ONLY`). The libraries are therefore linked so
//! that two of Paho's calls go through wrappers of ours first (`SSL_ctrl`, through which
//! `SSL_set_tlsext_host_name` reaches OpenSSL, and Paho's own `MQTTPacket_send_disconnect`);
//! those wrappers are the unsafe half and live in the FFI layer (`ffi::paho_wraps`), asking
//! this module what to do. A connection registers its TLS extras under its host name for as
//! long as it lives, and marks its client ID before it is destroyed without DISCONNECT. Where
//! the wrappers are not linked in (a Rust program that links the rlib without the flags of
//! `build.rs`), [`TlsRegistration::applied`] stays zero, which the Paho transport reports as
//! an error rather than silently connecting with SNI.
//!
//! # What of Paho C the wrappers rely on
//!
//! Read against vendor/paho-mqtt-sys/paho.mqtt.c (1.3.16); a Paho upgrade must check each:
//! - `SSL_ctrl` is OpenSSL's `long SSL_ctrl(SSL *ssl, int cmd, long larg, void *parg)`. Paho's
//!   `SSLSocket_setSocketForSSL` (SSLSocket.c) calls `SSL_set_tlsext_host_name(net->ssl, host)`
//!   (a macro for `SSL_ctrl(ssl, 55, 0, host)`) once per TLS session, after `SSL_set_fd` and
//!   before the handshake, with the host part of the server URI, NUL-terminated (an IPv6
//!   literal may keep its brackets, which [`tls_extras_for`] ignores). The wrapper keys on that
//!   call: it applies the extras there
//!   and, for `disable_sni`, returns 1 without passing it on. Nothing of Paho's memory is read.
//! - `MQTTPacket_send_disconnect` is Paho's internal
//!   `int MQTTPacket_send_disconnect(Clients* client, enum MQTTReasonCodes reason,
//!   MQTTProperties* props)` (MQTTPacket.h), called by `MQTTAsync_closeOnly` (MQTTAsyncUtils.c)
//!   when a connected client is disconnected or destroyed; a return of 0 (`TCPSOCKET_COMPLETE`)
//!   lets it go on to close the socket. The wrapper reads one field of Paho's: `char* clientID`,
//!   the FIRST member of `struct Clients` (Clients.h), a NUL-terminated copy of the client ID.
//!   If Paho moves that member, renames the function, makes it `static` or inlines it, the
//!   wrapper reads the wrong word or is never called.
//!
//! The tests that break if Paho changes any of this are in `tests/mqtt/tls_extras.rs`:
//! `the_host_name_is_sent_as_sni_unless_disabled` and
//! `a_maximum_fragment_length_limits_every_record_sent` read the ClientHello and the TLS records
//! on the wire (and fail too if the `SSL_ctrl` wrapper is no longer reached, since the connect
//! is then refused: `applied() == 0`); `closing_without_disconnect_lets_the_broker_publish_the_will`
//! checks in the broker's log and by the will that a `close(false)` sent no DISCONNECT while a
//! `close(true)` did. The C suite's `tests/c/mqtt/network_options.c` checks the same through
//! `disableSni`, `maxFragmentLength` and `IOT_MQTT_FLAG_CLEANUP_ONLY`.

use std::ops::RangeInclusive;

use parking_lot::{const_mutex, Mutex};

/// The maximum send fragments OpenSSL accepts (besides 0, its default).
pub const MAX_SEND_FRAGMENT: RangeInclusive<u16> = 512..=16384;

/// TLS settings that Paho has no option for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TlsExtras {
    /// Leave the server name indication out of the ClientHello.
    pub disable_sni: bool,
    /// The largest TLS record to send (512..=16384); 0 for OpenSSL's default. The read buffer
    /// is sized to match, as v4's OpenSSL port did.
    pub max_send_fragment: u16,
}

impl TlsExtras {
    /// True when Paho's own behaviour is what is wanted.
    pub fn is_default(&self) -> bool {
        *self == TlsExtras::default()
    }
}

struct TlsEntry {
    id: u64,
    host: String,
    extras: TlsExtras,
    applied: u64,
}

struct TlsTable {
    next_id: u64,
    entries: Vec<TlsEntry>,
}

static TLS: Mutex<TlsTable> = const_mutex(TlsTable {
    next_id: 1,
    entries: Vec::new(),
});

static ABANDONED: Mutex<Vec<String>> = const_mutex(Vec::new());

/// IPv6 literals reach Paho in brackets; compare host names without them.
fn bare(host: &[u8]) -> &[u8] {
    match host {
        [b'[', inner @ .., b']'] => inner,
        other => other,
    }
}

/// A connection's TLS extras, applied to every TLS session Paho opens to its host until this
/// is dropped.
#[derive(Debug)]
pub struct TlsRegistration {
    id: u64,
}

/// Registers `extras` for TLS sessions to `host`. When two live connections to the same host
/// ask for different extras, the later registration wins for both.
pub fn register_tls(host: &str, extras: TlsExtras) -> TlsRegistration {
    let mut table = TLS.lock();
    let id = table.next_id;
    table.next_id += 1;
    table.entries.push(TlsEntry {
        id,
        host: String::from_utf8_lossy(bare(host.as_bytes())).into_owned(),
        extras,
        applied: 0,
    });
    TlsRegistration { id }
}

impl TlsRegistration {
    /// How many TLS sessions the extras were applied to so far.
    pub fn applied(&self) -> u64 {
        TLS.lock()
            .entries
            .iter()
            .find(|entry| entry.id == self.id)
            .map_or(0, |entry| entry.applied)
    }
}

impl Drop for TlsRegistration {
    fn drop(&mut self) {
        TLS.lock().entries.retain(|entry| entry.id != self.id);
    }
}

/// The extras for a new TLS session whose server name Paho is about to set, counted as
/// applied; `None` when no live connection to `host` registered any.
pub fn tls_extras_for(host: &[u8]) -> Option<TlsExtras> {
    let host = bare(host);
    let mut table = TLS.lock();
    let entry = table
        .entries
        .iter_mut()
        .rev()
        .find(|entry| entry.host.as_bytes() == host)?;
    entry.applied += 1;
    Some(entry.extras)
}

/// Marks `client_id`: the next DISCONNECT Paho would send for a client with this ID is left
/// out, so the socket just closes (and the broker publishes the will).
pub fn abandon(client_id: &str) {
    ABANDONED.lock().push(client_id.to_owned());
}

/// Drops every mark of `client_id` (a new connection with that ID is being made, and its own
/// DISCONNECT must go out).
pub fn forget_abandoned(client_id: &str) {
    ABANDONED.lock().retain(|id| id != client_id);
}

/// True (and the mark is used up) when a DISCONNECT for `client_id` is to be left out.
pub fn take_abandoned(client_id: &[u8]) -> bool {
    let mut abandoned = ABANDONED.lock();
    match abandoned.iter().position(|id| id.as_bytes() == client_id) {
        Some(index) => {
            abandoned.swap_remove(index);
            true
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_registration_for_a_host_wins_and_dropping_restores_the_earlier() {
        let host = "hooks-test-a.example";
        assert_eq!(tls_extras_for(host.as_bytes()), None);
        let first = register_tls(
            host,
            TlsExtras {
                disable_sni: true,
                max_send_fragment: 0,
            },
        );
        let second = register_tls(
            host,
            TlsExtras {
                disable_sni: false,
                max_send_fragment: 512,
            },
        );
        assert_eq!(
            tls_extras_for(host.as_bytes()).map(|e| e.max_send_fragment),
            Some(512)
        );
        assert_eq!((first.applied(), second.applied()), (0, 1));
        drop(second);
        assert_eq!(
            tls_extras_for(host.as_bytes()).map(|e| e.disable_sni),
            Some(true)
        );
        assert_eq!(first.applied(), 1);
        drop(first);
        assert_eq!(tls_extras_for(host.as_bytes()), None);
    }

    #[test]
    fn ipv6_hosts_match_with_or_without_brackets() {
        let registration = register_tls("::7", TlsExtras::default());
        assert!(tls_extras_for(b"[::7]").is_some());
        assert!(tls_extras_for(b"::7").is_some());
        assert_eq!(registration.applied(), 2);
    }

    #[test]
    fn an_abandon_mark_is_used_once_and_forgetting_clears_all() {
        assert!(!take_abandoned(b"hooks-client-1"));
        abandon("hooks-client-1");
        abandon("hooks-client-1");
        assert!(take_abandoned(b"hooks-client-1"));
        assert!(!take_abandoned(b"hooks-client-2"));
        forget_abandoned("hooks-client-1");
        assert!(!take_abandoned(b"hooks-client-1"));
    }
}
