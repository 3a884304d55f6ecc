//! Types of `types/iot_platform_types.h`, as the v4 SDK's POSIX port configures them: the
//! thread, mutex, semaphore and timer types of `platform/iot_threads.h` and
//! `platform/iot_clock.h`, and the network handle types of `platform/iot_network.h`.
//!
//! v4 declares each public type (`IotMutex_t`) as an alias of a system type (`_IotSystemMutex_t`)
//! that the port's `iot_platform_types_posix.h` defines. The header keeps that two-step shape,
//! with the system types written in `cbindgen/iot_platform_types.toml` under the port header's
//! own include guard: an application whose `iot_config.h` includes the SDK's port header gets
//! one definition of each, whichever header comes first. The aliases of the system types below
//! are what Rust code uses; they are left out of the header for that reason.

use std::ffi::c_void;

use super::network::{IotNetworkCredentials, IotNetworkServerInfo};

/// The incomplete type behind [`IotNetworkConnection_t`]. Never instantiated: a connection
/// handle is only ever an address chosen by the network stack.
pub struct _networkConnection {
    _opaque: [u8; 0],
}

/// The POSIX port's mutex: a `pthread_mutex_t` (40 bytes), used in place.
pub type _IotSystemMutex_t = libc::pthread_mutex_t;

/// The POSIX port's semaphore: a `sem_t` (32 bytes), used in place.
pub type _IotSystemSemaphore_t = libc::sem_t;

/// The POSIX port's timer (24 bytes). This library keeps its timers in a table of its own and
/// stores the table key in `timer`; `pArgument` and `threadRoutine` are filled in as v4 did.
#[repr(C)]
pub struct _IotSystemTimer {
    pub timer: libc::timer_t,
    pub pArgument: *mut c_void,
    pub threadRoutine: Option<unsafe extern "C" fn(pArg: *mut c_void)>,
}

/// The port's name for [`_IotSystemTimer`].
pub type _IotSystemTimer_t = _IotSystemTimer;

/// The port's server information type.
pub type _IotNetworkServerInfo_t = *mut IotNetworkServerInfo;

/// The port's credentials type.
pub type _IotNetworkCredentials_t = *mut IotNetworkCredentials;

/// The port's connection handle type.
pub type _IotNetworkConnection_t = *mut _networkConnection;

/// A priority that makes `Iot_CreateDetachedThread` leave the priority alone.
pub const IOT_THREAD_IGNORE_PRIORITY: i32 = -1;

/// A stack size that makes `Iot_CreateDetachedThread` use the system's default.
pub const IOT_THREAD_IGNORE_STACK_SIZE: usize = 0;

/// A mutex of `platform/iot_threads.h`, created with `IotMutex_Create`.
pub type IotMutex_t = _IotSystemMutex_t;

/// A counting semaphore of `platform/iot_threads.h`, created with `IotSemaphore_Create`.
pub type IotSemaphore_t = _IotSystemSemaphore_t;

/// The function a detached thread or a timer runs, with the argument given when it was set up.
pub type IotThreadRoutine_t = Option<unsafe extern "C" fn(pArgument: *mut c_void)>;

/// A timer of `platform/iot_clock.h`, created with `IotClock_TimerCreate`.
pub type IotTimer_t = _IotSystemTimer_t;

/// Where to connect, as handed to `IotNetworkInterface_t.create`.
pub type IotNetworkServerInfo_t = _IotNetworkServerInfo_t;

/// The TLS credentials handed to `IotNetworkInterface_t.create`.
pub type IotNetworkCredentials_t = _IotNetworkCredentials_t;

/// A network connection created by a network stack.
pub type IotNetworkConnection_t = _IotNetworkConnection_t;

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{align_of, offset_of, size_of};

    /// The sizes the v4 POSIX port has on x86_64 Linux with glibc (its types are the system's:
    /// `pthread_mutex_t` 40 bytes, `sem_t` 32, and `_IotSystemTimer_t` a `timer_t` and two
    /// pointers). An application built against the SDK's own headers lays them out the same.
    #[test]
    fn the_platform_types_have_the_posix_port_layout() {
        assert_eq!((size_of::<IotMutex_t>(), align_of::<IotMutex_t>()), (40, 8));
        assert_eq!(
            (size_of::<IotSemaphore_t>(), align_of::<IotSemaphore_t>()),
            (32, 8)
        );
        assert_eq!((size_of::<IotTimer_t>(), align_of::<IotTimer_t>()), (24, 8));
        assert_eq!(offset_of!(_IotSystemTimer, timer), 0);
        assert_eq!(offset_of!(_IotSystemTimer, pArgument), 8);
        assert_eq!(offset_of!(_IotSystemTimer, threadRoutine), 16);
        assert_eq!(size_of::<IotThreadRoutine_t>(), 8);
    }
}
