//! Device identity on the wire: the emulator CA that issues device certificates ([`ca`]) and
//! the mutual-TLS listener that checks them ([`tls`]). What a certificate may do once
//! connected is decided by `crate::mqtt::authz`; the certificate records themselves live in
//! the service registry (`crate::service::identity`).

pub mod ca;
pub mod tls;
