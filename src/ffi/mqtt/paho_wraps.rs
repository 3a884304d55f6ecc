//! Two of Paho C's calls, redirected at link time to wrappers of ours (the unsafe half of
//! `transport::paho::hooks`, which says why).
//!
//! Every link that makes a C library (`build.rs` for the `.so`, `scripts/hide-symbols.sh` for
//! the `.a`) and this package's tests pass `--wrap=SSL_ctrl --wrap=MQTTPacket_send_disconnect`
//! to the linker: every call of those functions then reaches `__wrap_<name>` below, and
//! `__real_<name>` names the original. The originals are reached through weak references, so
//! a link without the flags (a Rust program using the rlib) still succeeds; there the wrappers
//! are simply never called. Neither wrapper lets a panic out, and both hand every call they do
//! not change to the original untouched.

use std::ffi::{c_char, c_int, c_long, c_void, CStr};
use std::ptr;

use crate::ffi::boundary::guard;
use crate::transport::paho::hooks as paho_hooks;

type SslCtrl = unsafe extern "C" fn(*mut c_void, c_int, c_long, *mut c_void) -> c_long;
type SendDisconnect = unsafe extern "C" fn(*mut c_void, c_int, *mut c_void) -> c_int;

// The wrappers' link names, hidden: `#[no_mangle]` would export them from the shared library.
// Then pointers to the originals, NULL when the link did not wrap them (a weak reference cannot
// be written in stable Rust).
std::arch::global_asm!(
    ".pushsection .text.awsiotjobs_paho_wraps,\"ax\",@progbits",
    ".globl __wrap_SSL_ctrl",
    ".hidden __wrap_SSL_ctrl",
    ".type __wrap_SSL_ctrl,@function",
    "__wrap_SSL_ctrl:",
    "jmp {ssl_ctrl}",
    ".globl __wrap_MQTTPacket_send_disconnect",
    ".hidden __wrap_MQTTPacket_send_disconnect",
    ".type __wrap_MQTTPacket_send_disconnect,@function",
    "__wrap_MQTTPacket_send_disconnect:",
    "jmp {send_disconnect}",
    ".popsection",
    ".pushsection .data.rel.ro.awsiotjobs_paho_originals,\"aw\",@progbits",
    ".balign 8",
    ".weak __real_SSL_ctrl",
    ".weak __real_MQTTPacket_send_disconnect",
    ".globl awsiotjobs_original_ssl_ctrl",
    ".hidden awsiotjobs_original_ssl_ctrl",
    "awsiotjobs_original_ssl_ctrl:",
    ".quad __real_SSL_ctrl",
    ".globl awsiotjobs_original_send_disconnect",
    ".hidden awsiotjobs_original_send_disconnect",
    "awsiotjobs_original_send_disconnect:",
    ".quad __real_MQTTPacket_send_disconnect",
    ".popsection",
    ssl_ctrl = sym ssl_ctrl,
    send_disconnect = sym send_disconnect,
    options(att_syntax)
);

extern "C" {
    static awsiotjobs_original_ssl_ctrl: Option<SslCtrl>;
    static awsiotjobs_original_send_disconnect: Option<SendDisconnect>;
    fn SSL_set_default_read_buffer_len(ssl: *mut c_void, len: usize);
}

/// `SSL_set_max_send_fragment` is this `SSL_ctrl` command.
const SSL_CTRL_SET_MAX_SEND_FRAGMENT: c_int = 52;
/// `SSL_set_tlsext_host_name` is this `SSL_ctrl` command ...
const SSL_CTRL_SET_TLSEXT_HOSTNAME: c_int = 55;
/// ... with this name type.
const TLSEXT_NAMETYPE_HOST_NAME: c_long = 0;
/// OpenSSL's `SSL3_RT_MAX_ENCRYPTED_OVERHEAD`: what a record may add to its plaintext.
const MAX_ENCRYPTED_OVERHEAD: usize = 256 + 64;

/// `__wrap_SSL_ctrl`. Paho sets the server name once per TLS session, before the handshake: that is where the
/// session's extras are applied. Leaving the name out returns 1, as success would.
///
/// # Safety
/// Called by Paho with the arguments of `SSL_ctrl`.
unsafe extern "C" fn ssl_ctrl(
    ssl: *mut c_void,
    cmd: c_int,
    larg: c_long,
    parg: *mut c_void,
) -> c_long {
    // SAFETY: a pointer-sized word written at link time.
    let Some(original) = (unsafe { awsiotjobs_original_ssl_ctrl }) else {
        return 0;
    };
    if cmd == SSL_CTRL_SET_TLSEXT_HOSTNAME && larg == TLSEXT_NAMETYPE_HOST_NAME && !parg.is_null() {
        // SAFETY: for this command `parg` is the NUL-terminated host name.
        let host = unsafe { CStr::from_ptr(parg.cast::<c_char>()) }.to_bytes();
        if let Some(extras) = guard(None, || paho_hooks::tls_extras_for(host)) {
            if extras.max_send_fragment != 0 {
                let length = c_long::from(extras.max_send_fragment);
                // SAFETY: `ssl` is the session Paho is setting up; the original checks the range.
                if unsafe { original(ssl, SSL_CTRL_SET_MAX_SEND_FRAGMENT, length, ptr::null_mut()) }
                    != 1
                {
                    return 0;
                }
                let buffer = usize::from(extras.max_send_fragment) + MAX_ENCRYPTED_OVERHEAD;
                // SAFETY: as above.
                unsafe { SSL_set_default_read_buffer_len(ssl, buffer) };
            }
            if extras.disable_sni {
                return 1;
            }
        }
    }
    // SAFETY: the caller's arguments, unchanged.
    unsafe { original(ssl, cmd, larg, parg) }
}

/// `__wrap_MQTTPacket_send_disconnect`: leaves the DISCONNECT out for a client ID that
/// [`paho_hooks::abandon`] marked. Paho's `Clients` structure (Clients.h) starts with
/// `char* clientID`.
///
/// # Safety
/// Called by Paho with the arguments of its `MQTTPacket_send_disconnect`.
unsafe extern "C" fn send_disconnect(
    client: *mut c_void,
    reason: c_int,
    properties: *mut c_void,
) -> c_int {
    // SAFETY: a pointer-sized word written at link time.
    let Some(original) = (unsafe { awsiotjobs_original_send_disconnect }) else {
        return -1;
    };
    if !client.is_null() {
        // SAFETY: `client` points to Paho's `Clients`, whose first member is the client ID.
        let id = unsafe { *client.cast::<*const c_char>() };
        if !id.is_null() {
            // SAFETY: Paho's copy of the client ID, NUL-terminated.
            let id = unsafe { CStr::from_ptr(id) }.to_bytes();
            if guard(false, || paho_hooks::take_abandoned(id)) {
                // Paho's TCPSOCKET_COMPLETE: it goes on to close the socket.
                return 0;
            }
        }
    }
    // SAFETY: the caller's arguments, unchanged.
    unsafe { original(client, reason, properties) }
}
