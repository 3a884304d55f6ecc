//! The platform layer, logging and document parser of the v4 SDK that a v4 application links
//! besides the Jobs and MQTT libraries, one file per concept: `clock` (`IotClock_GetTimestring`,
//! `GetTimeMs`, `SleepMs`) and `timers` (`IotClock_Timer*`) of `platform/iot_clock.h`; `threads`
//! (`Iot_CreateDetachedThread`), `mutex` (`IotMutex_*`) and `semaphore` (`IotSemaphore_*`) of
//! `platform/iot_threads.h`; `logging` (`IotLog_GenericPrintBuffer`, the Rust half of
//! `IotLog_Generic`, whose C half is `iot_log_generic.c`) of `iot_logging.h`; and `doc_parser`
//! (`AwsIotDocParser_FindValue`) of `aws_iot_doc_parser.h`. They behave as the v4 POSIX port
//! did, on the same in-place types (`types/iot_platform_types.h`), except where each file says.
//! Their symbols are weak in the static library (`scripts/hide-symbols.sh`), so an application
//! that keeps its own platform library links with it, and its definitions win.

pub mod clock;
pub mod doc_parser;
pub mod logging;
pub mod mutex;
pub mod semaphore;
pub mod threads;
pub mod timers;
