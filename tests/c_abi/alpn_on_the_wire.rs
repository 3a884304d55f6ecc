//! The ALPN list of `IotNetworkCredentials.pAlpnProtos` as the server sees it: `IotMqtt_Connect`
//! over TLS to a small TLS server of the test (OpenSSL, with certificates made here) whose ALPN
//! callback records the protocol list the client offered, byte for byte, and which answers the
//! MQTT CONNECT with a CONNACK. A list the library cannot read is refused with
//! `IOT_MQTT_BAD_PARAMETER` before any connection is made (tests/c/mqtt/mqtt_api.c's
//! `bad_alpn` checks the code for a length byte past the end; this test checks that nothing
//! reached the server, for other malformed lists).

use crate::c_abi_support::*;
use openssl::asn1::Asn1Time;
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::ssl::{select_next_proto, AlpnError, SslAcceptor, SslMethod, SslStream};
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, SubjectAlternativeName};
use openssl::x509::{X509Name, X509};
use std::ffi::CString;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const DEADLINE: Duration = Duration::from_secs(120);
/// What the server accepts.
const SERVER_PROTOCOLS: &[u8] = b"\x0ex-amzn-mqtt-ca";

/// What the server saw of one TCP connection, in the order they were accepted.
#[derive(Clone, Debug, Default, PartialEq)]
struct Seen {
    /// The client's ALPN list in wire format; None when it offered none.
    offered: Option<Vec<u8>>,
    /// The protocol the handshake agreed on.
    selected: Option<Vec<u8>>,
    /// Whether an MQTT CONNECT arrived (and was answered).
    connected: bool,
}

fn key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

fn subject(cn: &str) -> X509Name {
    let mut name = X509Name::builder().unwrap();
    name.append_entry_by_nid(Nid::COMMONNAME, cn).unwrap();
    name.build()
}

/// A certificate for `cn` with `key`, signed by `issuer` (self-signed when None), valid a day.
fn certificate(cn: &str, key: &PKey<Private>, issuer: Option<(&X509, &PKey<Private>)>) -> X509 {
    let mut x = X509::builder().unwrap();
    x.set_version(2).unwrap();
    x.set_subject_name(&subject(cn)).unwrap();
    x.set_pubkey(key).unwrap();
    x.set_not_before(&Asn1Time::days_from_now(0).unwrap())
        .unwrap();
    x.set_not_after(&Asn1Time::days_from_now(1).unwrap())
        .unwrap();
    let serial = openssl::bn::BigNum::from_u32(if issuer.is_some() { 2 } else { 1 })
        .unwrap()
        .to_asn1_integer()
        .unwrap();
    x.set_serial_number(&serial).unwrap();
    match issuer {
        None => {
            x.set_issuer_name(&subject(cn)).unwrap();
            x.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
                .unwrap();
            x.sign(key, MessageDigest::sha256()).unwrap();
        }
        Some((ca, ca_key)) => {
            x.set_issuer_name(ca.subject_name()).unwrap();
            let san = SubjectAlternativeName::new()
                .dns(cn)
                .build(&x.x509v3_context(Some(ca), None))
                .unwrap();
            x.append_extension(san).unwrap();
            x.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
                .unwrap();
            x.sign(ca_key, MessageDigest::sha256()).unwrap();
        }
    }
    x.build()
}

/// A TLS server on 127.0.0.1 for `localhost`, handling one connection at a time, and the CA
/// file a client trusts it with.
struct Server {
    port: u16,
    ca_file: PathBuf,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    fn start() -> Server {
        let ca_key = key();
        let ca = certificate("alpn-test-ca", &ca_key, None);
        let server_key = key();
        let server_cert = certificate("localhost", &server_key, Some((&ca, &ca_key)));

        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let mut acceptor = SslAcceptor::mozilla_intermediate_v5(SslMethod::tls()).unwrap();
        acceptor.set_private_key(&server_key).unwrap();
        acceptor.set_certificate(&server_cert).unwrap();
        let record = seen.clone();
        acceptor.set_alpn_select_callback(move |_, offered| {
            if let Some(last) = record.lock().unwrap().last_mut() {
                last.offered = Some(offered.to_vec());
            }
            select_next_proto(SERVER_PROTOCOLS, offered).ok_or(AlpnError::NOACK)
        });
        let acceptor = acceptor.build();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let ca_file = std::env::temp_dir().join(format!("awsiotjobs-alpn-ca-{port}.pem"));
        std::fs::write(&ca_file, ca.to_pem().unwrap()).unwrap();
        let record = seen.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                record.lock().unwrap().push(Seen::default());
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let Ok(mut tls) = acceptor.accept(stream) else {
                    continue;
                };
                let selected = tls.ssl().selected_alpn_protocol().map(<[u8]>::to_vec);
                let connected = read_connect(&mut tls);
                // Recorded before the CONNACK, which lets the client's connect return.
                if let Some(last) = record.lock().unwrap().last_mut() {
                    last.selected = selected;
                    last.connected = connected;
                }
                if !connected || tls.write_all(&[0x20, 0x02, 0x00, 0x00]).is_err() {
                    continue;
                }
                // Until the client closes.
                let mut sink = [0u8; 256];
                while matches!(tls.read(&mut sink), Ok(n) if n > 0) {}
            }
        });
        Server {
            port,
            ca_file,
            seen,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.ca_file);
    }
}

/// Reads an MQTT CONNECT packet.
fn read_connect(tls: &mut SslStream<TcpStream>) -> bool {
    let mut byte = [0u8; 1];
    if tls.read_exact(&mut byte).is_err() || byte[0] != 0x10 {
        return false;
    }
    let (mut length, mut shift) = (0usize, 0);
    loop {
        if tls.read_exact(&mut byte).is_err() || shift > 21 {
            return false;
        }
        length |= ((byte[0] & 0x7f) as usize) << shift;
        shift += 7;
        if byte[0] & 0x80 == 0 {
            break;
        }
    }
    let mut body = vec![0u8; length];
    tls.read_exact(&mut body).is_ok()
}

/// Connects to `server` over TLS offering `alpn` (a NUL-terminated wire-format list, or None).
fn connect_with(server: &Server, client_id: &str, alpn: Option<&[u8]>) -> Result<Connection, u32> {
    let alpn = alpn.map(|list| CString::new(list).unwrap());
    let ca = CString::new(server.ca_file.to_str().unwrap()).unwrap();
    let mut credentials = credentials();
    credentials.pAlpnProtos = alpn.as_ref().map_or(std::ptr::null(), |a| a.as_ptr());
    credentials.pRootCa = ca.as_ptr();
    credentials.rootCaSize = ca.as_bytes().len();
    connect("localhost", server.port, client_id, Some(&credentials))
}

#[test]
fn the_alpn_list_is_offered_on_the_wire_exactly_as_given() {
    let _session = begin("ALPN on the wire", DEADLINE);
    let server = Server::start();
    let cases: [(&str, Option<&[u8]>); 3] = [
        ("alpn-aws", Some(b"\x0ex-amzn-mqtt-ca")),
        ("alpn-two", Some(b"\x04mqtt\x0ex-amzn-mqtt-ca")),
        ("alpn-none", None),
    ];
    for (i, (client_id, alpn)) in cases.into_iter().enumerate() {
        let connection = connect_with(&server, client_id, alpn)
            .unwrap_or_else(|status| panic!("{client_id}: IotMqtt_Connect returned {status}"));
        disconnect(connection);
        let seen = server.seen();
        assert_eq!(
            seen.len(),
            i + 1,
            "one TLS connection per connect: {seen:?}"
        );
        let expected = Seen {
            offered: alpn.map(<[u8]>::to_vec),
            selected: alpn.map(|_| b"x-amzn-mqtt-ca".to_vec()),
            connected: true,
        };
        assert_eq!(seen[i], expected, "{client_id}");
    }
}

#[test]
fn a_malformed_alpn_list_is_refused_before_connecting() {
    let _session = begin("malformed ALPN lists", DEADLINE);
    let server = Server::start();
    let malformed: [&[u8]; 3] = [
        // A name that is not UTF-8.
        b"\x02\xff\xfe",
        // A second name whose length byte runs past the end.
        b"\x04mqtt\x0ex-amzn",
        // A valid name followed by a stray length byte.
        b"\x0ex-amzn-mqtt-ca\x01",
    ];
    for list in malformed {
        assert_eq!(
            connect_with(&server, "alpn-bad", Some(list)).err(),
            Some(IOT_MQTT_BAD_PARAMETER),
            "{list:?}"
        );
    }
    // The next valid connect is the server's first connection: none of the refused ones
    // reached it (the server takes connections in order, so one would come first).
    let connection =
        connect_with(&server, "alpn-after", Some(SERVER_PROTOCOLS)).expect("a valid list connects");
    disconnect(connection);
    let seen = server.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].offered.as_deref(), Some(SERVER_PROTOCOLS));
}
