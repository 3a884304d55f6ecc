//! Many clients at once on both planes: each thread creates jobs for its own
//! thing over the control plane and runs them to completion over the data
//! plane; afterwards every job is there exactly once, every execution
//! SUCCEEDED with the version count its updates imply.

mod http_common;

use http_common::{send, send_json, Planes};
use serde_json::json;

const THREADS: usize = 6;
const JOBS_PER_THREAD: usize = 8;

#[test]
fn parallel_clients_keep_one_consistent_state() {
    let planes = Planes::start();
    std::thread::scope(|scope| {
        for t in 0..THREADS {
            let planes = &planes;
            scope.spawn(move || {
                let thing = format!("par-{t}");
                for j in 0..JOBS_PER_THREAD {
                    let body = json!({
                        "targets": [format!("arn:aws:iot:us-east-1:123456789012:thing/{thing}")],
                        "document": "{}",
                    });
                    let job = format!("p{t}-{j}");
                    let created = send_json(planes.control, "PUT", &format!("/jobs/{job}"), &body);
                    assert_eq!(created.status, 200, "{}", created.text);
                    let next = format!("/things/{thing}/jobs/$next");
                    let started = send(planes.data, "PUT", &next, None);
                    assert_eq!(started.json["execution"]["jobId"], job.as_str());
                    let done = json!({ "status": "SUCCEEDED", "expectedVersion": 2 });
                    let path = format!("/things/{thing}/jobs/{job}");
                    let updated = send_json(planes.data, "POST", &path, &done);
                    assert_eq!(updated.status, 200, "{}", updated.text);
                }
            });
        }
    });
    let jobs = planes.control("GET", "/jobs", None);
    assert_eq!(
        jobs.json["jobs"].as_array().unwrap().len(),
        THREADS * JOBS_PER_THREAD
    );
    for t in 0..THREADS {
        let path = format!("/things/par-{t}/jobs?status=SUCCEEDED");
        let done = planes.control("GET", &path, None);
        let list = done.json["executionSummaries"].as_array().unwrap().clone();
        assert_eq!(list.len(), JOBS_PER_THREAD, "{}", done.text);
    }
    let sample = planes.control("GET", "/things/par-0/jobs/p0-0", None);
    assert_eq!(sample.json["execution"]["versionNumber"], 3);
}
