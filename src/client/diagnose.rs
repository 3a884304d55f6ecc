//! Why a TLS connection failed. Paho C reports every TLS failure as the same failed connect
//! ("TCP/TLS connect failure"), so when a connection with [`Tls`] fails for a network reason,
//! [`tls_failure`] tries the TLS part once more on its own, with OpenSSL and the same files,
//! ALPN and checks as the transport (only the given CA trusted, the host name verified), and
//! tells what it saw: the broker's certificate not verified (and why), the broker turning the
//! device certificate away (its TLS alert), or the broker closing the connection right after
//! the handshake; when the handshake works and the broker waits for MQTT, the original reason
//! stands.

use super::error::ConnectFailure;
use super::options::{ConnectOptions, Tls};
use openssl::error::ErrorStack;
use openssl::ssl::{
    ErrorCode, HandshakeError, Ssl, SslContext, SslFiletype, SslMethod, SslVerifyMode,
};
use openssl::x509::X509VerifyResult;
use std::io::ErrorKind::{TimedOut, WouldBlock};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::Duration;

/// How long the probe waits for the broker to say something after the handshake.
const LISTEN: Duration = Duration::from_secs(2);

/// The reasons (not the codes and source lines) of an OpenSSL error stack.
fn reasons(stack: &ErrorStack) -> String {
    let reasons: Vec<&str> = stack.errors().iter().filter_map(|e| e.reason()).collect();
    if reasons.is_empty() {
        "no reason given".to_owned()
    } else {
        reasons.join(", ")
    }
}

fn context(tls: &Tls) -> Result<SslContext, ErrorStack> {
    let mut builder = SslContext::builder(SslMethod::tls_client())?;
    builder.set_verify(SslVerifyMode::PEER);
    match &tls.ca {
        Some(ca) => builder.set_ca_file(ca)?,
        None => builder.set_default_verify_paths()?,
    }
    if let Some(cert) = &tls.cert {
        builder.set_certificate_chain_file(cert)?;
    }
    if let Some(key) = &tls.key {
        builder.set_private_key_file(key, SslFiletype::PEM)?;
    }
    if !tls.alpn.is_empty() {
        let mut wire = Vec::new();
        for name in &tls.alpn {
            wire.push(name.len() as u8);
            wire.extend_from_slice(name.as_bytes());
        }
        builder.set_alpn_protos(&wire)?;
    }
    Ok(builder.build())
}

/// What went wrong with the TLS connection of `options`, `original` being the transport's
/// reason; `original` as a network failure when the probe finds nothing wrong.
pub(crate) fn tls_failure(options: &ConnectOptions, tls: &Tls, original: String) -> ConnectFailure {
    let network = |detail: Option<String>| match detail {
        Some(detail) => ConnectFailure::Network(format!("{original}: {detail}")),
        None => ConnectFailure::Network(original.clone()),
    };
    let address = (options.host.as_str(), options.port)
        .to_socket_addrs()
        .ok()
        .and_then(|mut addresses| addresses.next());
    let Some(address) = address else {
        return network(None);
    };
    let stream = match TcpStream::connect_timeout(&address, options.connect_timeout) {
        Ok(stream) => stream,
        Err(e) => return network(Some(e.to_string())),
    };
    let _ = stream.set_read_timeout(Some(LISTEN.min(options.connect_timeout)));
    let Ok(context) = context(tls) else {
        return network(None);
    };
    let Ok(mut ssl) = Ssl::new(&context) else {
        return network(None);
    };
    let host = options.host.as_str();
    let named = host.parse::<std::net::IpAddr>().is_err();
    if (named && ssl.set_hostname(host).is_err()) || ssl.param_mut().set_host(host).is_err() {
        return network(None);
    }
    let mut stream = match ssl.connect(stream) {
        Ok(stream) => stream,
        Err(HandshakeError::Failure(failed)) => {
            let verified = failed.ssl().verify_result();
            let why = if verified != X509VerifyResult::OK {
                let trusted = match &tls.ca {
                    Some(ca) => format!("the CA {}", ca.display()),
                    None => "the system's CAs".to_owned(),
                };
                format!(
                    "the broker's certificate was not accepted ({}), checked against {trusted} \
                     and the host name {host}",
                    verified.error_string()
                )
            } else {
                match failed.error().ssl_error() {
                    Some(stack) => format!("{} (the broker's TLS alert)", reasons(stack)),
                    None => failed.error().to_string(),
                }
            };
            return ConnectFailure::Handshake(why);
        }
        Err(_) => return network(None),
    };
    // TLS 1.3: the broker checks the device certificate after the client's last handshake
    // message, so a refusal arrives as the first thing read.
    let closed = |how: &str| {
        ConnectFailure::Handshake(format!(
            "the broker closed the connection right after the TLS handshake{how}, before MQTT: \
             it did not accept the device certificate"
        ))
    };
    let mut byte = [0u8; 1];
    let Err(e) = stream.ssl_read(&mut byte) else {
        return network(None);
    };
    let io = e.io_error().map(std::io::Error::kind);
    match e.code() {
        ErrorCode::ZERO_RETURN => closed(""),
        ErrorCode::SSL => match e.ssl_error() {
            Some(stack) => ConnectFailure::Handshake(format!(
                "the broker turned the device certificate away: {}",
                reasons(stack)
            )),
            None => closed(""),
        },
        _ if matches!(io, Some(WouldBlock | TimedOut)) => network(None),
        ErrorCode::SYSCALL => match e.io_error() {
            Some(io) => closed(&format!(" ({io})")),
            None => closed(""),
        },
        _ => network(None),
    }
}
