//! [`SqliteStore`]: the service's state in one SQLite file. Each thing, job
//! and execution is a row holding its key columns, its status (to make the
//! file easy to inspect with `sqlite3`) and the record itself as JSON, exactly
//! as the service's `serde` types write it; `load` reads them back. The
//! connection runs in WAL mode with `synchronous=NORMAL`, so a write costs
//! microseconds while the service lock is held and a killed emulator loses
//! nothing (a power cut at most the last changes, never the file). The file is
//! locked exclusively while an emulator has it open.

use std::path::{Path, PathBuf};
use std::time::Duration;

use parking_lot::Mutex;
use rusqlite::{params, Connection};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::service::{Execution, Job, Record, Snapshot, Store, StoreError, Thing};

/// The version of the schema below, kept in `PRAGMA user_version`.
const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS things (
    thing_name TEXT PRIMARY KEY,
    body       TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    job_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    body   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS executions (
    job_id     TEXT NOT NULL,
    thing_name TEXT NOT NULL,
    status     TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (job_id, thing_name)
);
CREATE TABLE IF NOT EXISTS records (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (kind, key)
);
";

/// A [`Store`] writing to an SQLite database file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
}

fn fail(context: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError(format!("{context}: {e}"))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| fail("encoding a record", e))
}

fn from_json<T: DeserializeOwned>(table: &str, body: &str) -> Result<T, StoreError> {
    serde_json::from_str(body).map_err(|e| fail(&format!("a row of {table} is unreadable"), e))
}

impl SqliteStore {
    /// The database file's name inside a `--data` directory.
    pub const FILE_NAME: &'static str = "jobs-emulator.sqlite3";

    /// Opens (creating if needed) the database of a data directory, creating the
    /// directory too.
    pub fn open_dir(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| fail(&format!("creating {}", dir.display()), e))?;
        Self::open(&dir.join(Self::FILE_NAME))
    }

    /// Opens (creating if needed) a database file.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let context = format!("opening {}", path.display());
        let conn = Connection::open(path).map_err(|e| fail(&context, e))?;
        conn.busy_timeout(Duration::from_millis(200))
            .map_err(|e| fail(&context, e))?;
        let fail = |context: &str, e: rusqlite::Error| {
            if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) {
                StoreError(format!(
                    "{} is in use by another jobs-emulator",
                    path.display()
                ))
            } else {
                fail(context, e)
            }
        };
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |row| row.get(0))
            .map_err(|e| fail(&context, e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError(format!(
                "{} has schema version {version}; this emulator knows {SCHEMA_VERSION}",
                path.display()
            )));
        }
        // One emulator per data directory: the first write below takes an
        // exclusive lock that lasts until the connection closes, so a second
        // emulator on the same directory fails here instead of diverging.
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE")
            .map_err(|e| fail(&context, e))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| fail(&context, e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| fail(&context, e))?;
        conn.execute_batch(SCHEMA).map_err(|e| fail(&context, e))?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| fail(&context, e))?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
            path: path.to_path_buf(),
        })
    }

    /// Where the database lives.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read_all<T: DeserializeOwned>(conn: &Connection, table: &str) -> Result<Vec<T>, StoreError> {
        let context = format!("reading {table}");
        let mut stmt = conn
            .prepare(&format!("SELECT body FROM {table} ORDER BY rowid"))
            .map_err(|e| fail(&context, e))?;
        let bodies = stmt
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(|e| fail(&context, e))?;
        let mut out = Vec::new();
        for body in bodies {
            let body = body.map_err(|e| fail(&context, e))?;
            out.push(from_json(table, &body)?);
        }
        Ok(out)
    }

    fn read_records(conn: &Connection) -> Result<Vec<Record>, StoreError> {
        let context = "reading records";
        let mut stmt = conn
            .prepare("SELECT kind, key, body FROM records ORDER BY rowid")
            .map_err(|e| fail(context, e))?;
        let rows = stmt
            .query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| fail(context, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, key, body) = row.map_err(|e| fail(context, e))?;
            let body = from_json("records", &body)?;
            out.push(Record { kind, key, body });
        }
        Ok(out)
    }

    fn write(
        &self,
        context: &str,
        sql: &str,
        args: impl rusqlite::Params,
    ) -> Result<(), StoreError> {
        let conn = self.conn.lock();
        let mut stmt = conn.prepare_cached(sql).map_err(|e| fail(context, e))?;
        stmt.execute(args).map_err(|e| fail(context, e))?;
        Ok(())
    }
}

impl Store for SqliteStore {
    fn load(&self) -> Result<Snapshot, StoreError> {
        let conn = self.conn.lock();
        Ok(Snapshot {
            things: Self::read_all(&conn, "things")?,
            jobs: Self::read_all(&conn, "jobs")?,
            executions: Self::read_all(&conn, "executions")?,
            records: Self::read_records(&conn)?,
        })
    }

    fn put_thing(&self, thing: &Thing) -> Result<(), StoreError> {
        self.write(
            "saving a thing",
            "INSERT INTO things (thing_name, body) VALUES (?1, ?2) \
             ON CONFLICT (thing_name) DO UPDATE SET body = excluded.body",
            params![thing.thing_name, to_json(thing)?],
        )
    }

    fn delete_thing(&self, thing_name: &str) -> Result<(), StoreError> {
        self.write(
            "deleting a thing",
            "DELETE FROM things WHERE thing_name = ?1",
            params![thing_name],
        )
    }

    fn put_job(&self, job: &Job) -> Result<(), StoreError> {
        self.write(
            "saving a job",
            "INSERT INTO jobs (job_id, status, body) VALUES (?1, ?2, ?3) \
             ON CONFLICT (job_id) DO UPDATE SET status = excluded.status, body = excluded.body",
            params![job.job_id, job.status.as_str(), to_json(job)?],
        )
    }

    fn delete_job(&self, job_id: &str) -> Result<(), StoreError> {
        self.write(
            "deleting a job",
            "DELETE FROM jobs WHERE job_id = ?1",
            params![job_id],
        )
    }

    fn put_execution(&self, e: &Execution) -> Result<(), StoreError> {
        self.write(
            "saving an execution",
            "INSERT INTO executions (job_id, thing_name, status, body) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (job_id, thing_name) \
             DO UPDATE SET status = excluded.status, body = excluded.body",
            params![e.job_id, e.thing_name, e.status.as_str(), to_json(e)?],
        )
    }

    fn delete_execution(&self, job_id: &str, thing_name: &str) -> Result<(), StoreError> {
        self.write(
            "deleting an execution",
            "DELETE FROM executions WHERE job_id = ?1 AND thing_name = ?2",
            params![job_id, thing_name],
        )
    }

    fn put_record(&self, r: &Record) -> Result<(), StoreError> {
        self.write(
            "saving a record",
            "INSERT INTO records (kind, key, body) VALUES (?1, ?2, ?3) \
             ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
            params![r.kind, r.key, to_json(&r.body)?],
        )
    }

    fn delete_record(&self, kind: &str, key: &str) -> Result<(), StoreError> {
        self.write(
            "deleting a record",
            "DELETE FROM records WHERE kind = ?1 AND key = ?2",
            params![kind, key],
        )
    }
}
