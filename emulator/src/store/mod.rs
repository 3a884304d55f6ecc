//! Durable backends for the service's [`Store`](crate::service::Store) hook. The
//! service keeps its state in memory and reports every change; [`SqliteStore`]
//! writes each change to one SQLite file in the `--data` directory, so jobs,
//! executions and things survive a restart of the emulator.

mod sqlite;

pub use sqlite::SqliteStore;
