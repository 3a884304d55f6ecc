//! A fleet through the C API against the emulator (in this process, its embedded broker): every
//! thing runs the agent loop of the v4 Jobs demo with asynchronous calls chained from their
//! callbacks (StartNextAsync, then UpdateAsync to SUCCEEDED with the expected version, until
//! start-next finds nothing), all things at once. Every execution must end SUCCEEDED at
//! version 3 (QUEUED 1, IN_PROGRESS 2, SUCCEEDED 3), in queue order, with each callback run
//! exactly once.

use awsiotjobs_bench::capi::{
    self, cstring, Completion, Conn, STATE_SUCCEEDED, STATUS_PENDING, SUCCESS,
};
use jobs_emulator::app::Emulator;
use jobs_emulator::cli::Options;
use jobs_emulator::service::control::CreateJobRequest;
use jobs_emulator::service::ExecutionStatus;
use parking_lot::{Condvar, Mutex};
use std::ffi::CString;
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

/// What one thing's agent saw.
#[derive(Default, Debug)]
struct Agent {
    /// Job IDs start-next handed out, in order.
    started: Vec<String>,
    start_callbacks: usize,
    update_callbacks: usize,
    /// An update is in flight (the next callback is its completion).
    updating: bool,
    finished: bool,
    errors: Vec<String>,
}

struct Fleet {
    conn: Conn,
    things: Vec<CString>,
    completions: Vec<Completion>,
    agents: Mutex<Vec<Agent>>,
    finished: Mutex<usize>,
    all_finished: Condvar,
}

impl Fleet {
    fn start(conn: Conn, things: usize) -> Arc<Fleet> {
        let fleet = Arc::new_cyclic(|me: &Weak<Fleet>| Fleet {
            conn,
            things: (0..things)
                .map(|i| cstring(&format!("fleet-{i}")))
                .collect(),
            completions: (0..things)
                .map(|i| {
                    let me = me.clone();
                    Completion::new(move |result, reply| {
                        if let Some(fleet) = me.upgrade() {
                            fleet.on_reply(i, result, reply);
                        }
                    })
                })
                .collect(),
            agents: Mutex::new((0..things).map(|_| Agent::default()).collect()),
            finished: Mutex::new(0),
            all_finished: Condvar::new(),
        });
        for i in 0..things {
            fleet.start_next(i);
        }
        fleet
    }

    fn start_next(&self, i: usize) {
        let status = self
            .conn
            .start_next_async(&self.things[i], 0, &self.completions[i]);
        if status != STATUS_PENDING {
            self.fail(i, format!("StartNextAsync returned {status}"));
        }
    }

    fn fail(&self, i: usize, why: String) {
        let mut agents = self.agents.lock();
        agents[i].errors.push(why);
        if !agents[i].finished {
            agents[i].finished = true;
            *self.finished.lock() += 1;
            self.all_finished.notify_all();
        }
    }

    /// Runs on the library's callback thread.
    fn on_reply(&self, i: usize, result: i32, reply: &[u8]) {
        if result != SUCCESS {
            return self.fail(i, format!("completion with {result}"));
        }
        let doc: serde_json::Value = serde_json::from_slice(reply).unwrap_or_default();
        let updating = {
            let mut agents = self.agents.lock();
            let agent = &mut agents[i];
            if agent.updating {
                agent.update_callbacks += 1;
            } else {
                agent.start_callbacks += 1;
            }
            std::mem::replace(&mut agent.updating, false)
        };
        if updating {
            return self.start_next(i);
        }
        let execution = &doc["execution"];
        let (Some(job), Some(version)) = (
            execution["jobId"].as_str(),
            execution["versionNumber"].as_u64(),
        ) else {
            // Nothing pending any more: this agent is done.
            let mut agents = self.agents.lock();
            agents[i].finished = true;
            *self.finished.lock() += 1;
            self.all_finished.notify_all();
            return;
        };
        {
            let mut agents = self.agents.lock();
            agents[i].started.push(job.to_owned());
            agents[i].updating = true;
        }
        let status = self.conn.update_async(
            &self.things[i],
            &cstring(job),
            STATE_SUCCEEDED,
            version as u32,
            0,
            &self.completions[i],
        );
        if status != STATUS_PENDING {
            self.fail(i, format!("UpdateAsync returned {status}"));
        }
    }

    fn wait(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        let mut finished = self.finished.lock();
        while *finished < self.things.len() {
            if self
                .all_finished
                .wait_until(&mut finished, deadline)
                .timed_out()
            {
                return false;
            }
        }
        true
    }
}

/// The library is one per process: the tests of this file take turns.
static SERIAL: Mutex<()> = Mutex::new(());

fn run_fleet(things: usize, jobs: usize, aws_iot_mode: bool) {
    let _turn = SERIAL.lock();
    let emulator = Emulator::start(&Options {
        mqtt: "127.0.0.1:0".parse().unwrap(),
        ..Options::default()
    })
    .expect("emulator");
    let names: Vec<String> = (0..things).map(|i| format!("fleet-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let job_ids: Vec<String> = (0..jobs).map(|j| format!("fleet-job-{j}")).collect();
    for (j, id) in job_ids.iter().enumerate() {
        let request = CreateJobRequest::new(id, &refs, serde_json::json!({ "step": j }));
        emulator.service.create_job(&request).expect("create job");
    }
    capi::init();
    let port = emulator.mqtt_addr.unwrap().port();
    // IotMqtt_Connect as v4 firmware does; the generic-broker run goes through the C transport
    // interface (the library's Paho transport behind AwsIotJobs_CreateTransportConnection).
    let conn = if aws_iot_mode {
        Conn::mqtt("127.0.0.1", port, "fleet-agent", true)
    } else {
        Conn::paho("127.0.0.1", port, "fleet-agent", false)
    };
    let started = Instant::now();
    let fleet = Fleet::start(conn, things);
    assert!(
        fleet.wait(Duration::from_secs(240)),
        "not every agent finished"
    );
    eprintln!(
        "{things} things × {jobs} jobs ({}): {} operations in {:.1?}",
        if aws_iot_mode {
            "awsIotMqttMode"
        } else {
            "generic broker"
        },
        things * (2 * jobs + 1),
        started.elapsed()
    );
    // Late or duplicate callbacks would show in the counts; give them a moment to arrive.
    std::thread::sleep(Duration::from_millis(300));
    let agents = fleet.agents.lock();
    for (i, agent) in agents.iter().enumerate() {
        assert!(agent.errors.is_empty(), "thing {i}: {:?}", agent.errors);
        assert_eq!(
            agent.started, job_ids,
            "thing {i} ran its jobs out of order"
        );
        assert_eq!(
            agent.start_callbacks,
            jobs + 1,
            "thing {i}: start-next callbacks"
        );
        assert_eq!(agent.update_callbacks, jobs, "thing {i}: update callbacks");
    }
    for name in &names {
        for id in &job_ids {
            let e = emulator
                .service
                .get_execution(id, name, None)
                .expect("execution");
            assert_eq!(e.status, ExecutionStatus::Succeeded, "{name}/{id}");
            assert_eq!(e.version_number, 3, "{name}/{id}");
        }
    }
    drop(agents);
    drop(fleet);
    capi::cleanup();
}

#[test]
fn a_thousand_things_run_ten_jobs_each_through_the_c_api() {
    run_fleet(1000, 10, true);
}

#[test]
fn a_hundred_things_run_ten_jobs_each_on_the_generic_broker_path() {
    // Reply subscriptions per thing, operation and job: 1,100 keys through the 64 kept.
    run_fleet(100, 10, false);
}
