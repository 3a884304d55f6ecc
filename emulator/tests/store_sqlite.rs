//! The SQLite store: every record the service writes comes back from `load`,
//! deletes stick, a second service built on the same file (a restart) sees
//! the jobs and executions as they were, and a damaged file is an error, not
//! silent data loss.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::device::UpdateRequest;
use jobs_emulator::service::{ExecutionStatus, JobsService, ServiceConfig, Store};
use jobs_emulator::store::SqliteStore;
use serde_json::json;

/// A fresh, empty directory under the system temp dir.
fn temp_dir(name: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("emu-store-{name}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn service_on(dir: &Path) -> std::sync::Arc<JobsService> {
    let store = SqliteStore::open_dir(dir).expect("open store");
    JobsService::with_config(ServiceConfig {
        store: Box::new(store),
        ..ServiceConfig::default()
    })
    .expect("load store")
}

#[test]
fn a_restarted_service_sees_jobs_and_executions() {
    let dir = temp_dir("restart");
    {
        let service = service_on(&dir);
        let mut request = CreateJobRequest::new("j1", &["t1", "t2"], json!({ "op": "x" }));
        request.description = Some("kept".into());
        service.create_job(&request).unwrap();
        service
            .create_job(&CreateJobRequest::new("j2", &["t1"], json!({})))
            .unwrap();
        let mut update = UpdateRequest::new(ExecutionStatus::Succeeded);
        update.status_details = Some([("k".to_string(), "v".to_string())].into());
        service.update_execution("t2", "j1", &update).unwrap();
        service.delete_job("j2", true).unwrap();
    }
    let service = service_on(&dir);
    let job = service.describe_job("j1").unwrap();
    assert_eq!(job.description.as_deref(), Some("kept"));
    assert_eq!(
        job.document,
        json!({ "op": "x" }).as_object().unwrap().clone()
    );
    assert!(
        service.describe_job("j2").is_err(),
        "deleted job stays deleted"
    );
    let t2 = service.get_execution("j1", "t2", None).unwrap();
    assert_eq!(t2.status, ExecutionStatus::Succeeded);
    assert_eq!(t2.status_details["k"], "v");
    assert_eq!(t2.version_number, 2);
    let pending = service.get_pending_executions("t1").unwrap();
    assert_eq!(pending.queued.len(), 1);
    assert_eq!(service.list_things().len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn new_executions_after_a_restart_queue_behind_the_old_ones() {
    let dir = temp_dir("order");
    {
        let service = service_on(&dir);
        for id in ["a", "b"] {
            service
                .create_job(&CreateJobRequest::new(id, &["t1"], json!({})))
                .unwrap();
        }
    }
    let service = service_on(&dir);
    service
        .create_job(&CreateJobRequest::new("c", &["t1"], json!({})))
        .unwrap();
    let ids: Vec<String> = service
        .get_pending_executions("t1")
        .unwrap()
        .queued
        .into_iter()
        .map(|e| e.job_id)
        .collect();
    assert_eq!(ids, ["a", "b", "c"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_row_is_a_load_error() {
    let dir = temp_dir("damaged");
    let store = SqliteStore::open_dir(&dir).unwrap();
    let path = store.path().to_path_buf();
    drop(store);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute(
        "INSERT INTO jobs (job_id, status, body) VALUES ('x', 'IN_PROGRESS', '{not json')",
        [],
    )
    .unwrap();
    drop(conn);
    let store = SqliteStore::open_dir(&dir).unwrap();
    let err = store.load().unwrap_err();
    assert!(err.0.contains("jobs"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_from_a_newer_schema_is_refused() {
    let dir = temp_dir("newer");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(SqliteStore::FILE_NAME);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(SqliteStore::open_dir(&dir).is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_second_emulator_on_the_same_directory_is_refused() {
    let dir = temp_dir("locked");
    let first = SqliteStore::open_dir(&dir).unwrap();
    let Err(err) = SqliteStore::open_dir(&dir) else {
        panic!("two stores on one file must not both open");
    };
    assert!(err.0.contains("in use by another jobs-emulator"), "{err}");
    drop(first);
    assert!(
        SqliteStore::open_dir(&dir).is_ok(),
        "the lock goes with the first"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_registry_survives_a_restart() {
    let dir = temp_dir("registry");
    let (cert_id, arn);
    {
        let service = service_on(&dir);
        service.create_thing("reg-a", Default::default()).unwrap();
        service.create_thing("reg-b", Default::default()).unwrap();
        service
            .create_thing_group("reg-g", Some("kept".into()))
            .unwrap();
        service.add_thing_to_group("reg-g", "reg-a").unwrap();
        service.add_thing_to_group("reg-g", "reg-b").unwrap();
        service.remove_thing_from_group("reg-g", "reg-b").unwrap();
        let issued = service.ca().unwrap().issue_device().unwrap();
        let cert = service.register_certificate(&issued.der, &issued.certificate_pem, true);
        cert_id = cert.certificate_id.clone();
        arn = cert.certificate_arn.clone();
        service.attach_thing_principal("reg-a", &arn).unwrap();
        let mut req = CreateJobRequest::new("rolled", &["reg-a", "reg-b"], json!({}));
        req.config.job_executions_rollout_config = Some(json!({ "maximumPerMinute": 1 }));
        service.create_job(&req).unwrap();
    }
    let service = service_on(&dir);
    let g = service.describe_thing_group("reg-g").unwrap();
    assert_eq!(g.description.as_deref(), Some("kept"));
    assert_eq!(
        service.list_things_in_group("reg-g").unwrap(),
        vec!["reg-a"]
    );
    assert_eq!(service.list_thing_principals("reg-a").unwrap(), vec![arn]);
    assert!(service.connection_allowed(&cert_id, "reg-a").is_ok());
    // The rollout's timer came back with the job: one thing is still to be released.
    let job = service.describe_job("rolled").unwrap();
    assert_eq!(job.rollout.unwrap().pending.len(), 1);
    assert!(service.next_deadline_ms().is_some(), "rollout timer lost");
    let _ = std::fs::remove_dir_all(&dir);
}
