//! The soak run in miniature (the full one is `scripts/emulator-soak.sh`): 200 things in a
//! group, 3 jobs targeting it, 8 concurrent device connections over MQTT driving every
//! execution to SUCCEEDED. Nothing may be lost or handed out twice, and the control plane's
//! counts must agree with what the devices saw. No timing is asserted.

#[path = "soak_support/mod.rs"]
mod soak_support;

use jobs_emulator::app::Emulator;
use jobs_emulator::cli::Options;
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::{ExecutionStatus, JobStatus};
use serde_json::json;

const THINGS: usize = 200;
const JOBS: usize = 3;

#[test]
fn a_fleet_drives_every_execution_once() {
    let emu = Emulator::start(&Options {
        mqtt: "127.0.0.1:0".parse().unwrap(),
        ..Options::default()
    })
    .unwrap();
    let svc = &emu.service;
    let things: Vec<String> = (0..THINGS).map(|i| format!("small-{i}")).collect();
    svc.create_thing_group("small-fleet", None).unwrap();
    for t in &things {
        svc.create_thing(t, Default::default()).unwrap();
        svc.add_thing_to_group("small-fleet", t).unwrap();
    }
    let group = svc.thing_group_arn("small-fleet");
    for j in 0..JOBS {
        let req = CreateJobRequest::new(&format!("small-job-{j}"), &[&group], json!({ "j": j }));
        svc.create_job(&req).unwrap();
    }
    let r = soak_support::drive_fleet(emu.mqtt_addr.unwrap(), &things, 8, "small");
    assert!(
        r.errors.is_empty(),
        "{:?}",
        &r.errors[..r.errors.len().min(5)]
    );
    assert_eq!(r.duplicates, 0, "executions handed out twice");
    assert_eq!(r.completed, THINGS * JOBS, "executions lost");
    for j in 0..JOBS {
        let id = format!("small-job-{j}");
        assert_eq!(svc.describe_job(&id).unwrap().status, JobStatus::Completed);
        let counts = svc.job_counts(&id);
        assert_eq!(counts.get(ExecutionStatus::Succeeded), THINGS);
    }
    let mut lat = r.latencies_us;
    eprintln!(
        "{} requests, p50 {} µs, p99 {} µs, {:?}",
        lat.len(),
        soak_support::percentile(&mut lat, 50.0),
        soak_support::percentile(&mut lat, 99.0),
        r.elapsed
    );
}
