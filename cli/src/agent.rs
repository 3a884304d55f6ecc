//! `agent`: takes the thing's jobs as they come and runs a command for each.
//!
//! The loop: start-next (with the step timeout); if an execution came, run the handler
//! ([`crate::child`]) and, while it runs, send IN_PROGRESS with a fresh step timeout every
//! heartbeat so the execution does not time out; when it ends, report SUCCEEDED (exit code 0)
//! or FAILED, with `exitCode` (or `signal`) and the last output lines as status details. When
//! nothing is pending, wait for a notify-next naming an execution (or poll once a minute), or
//! exit with `--exit-when-idle`. Calls that time out or find the link down are tried again
//! while the client reconnects; a duplicate notification only causes one more start-next,
//! which hands back the execution in progress, and an execution already finished is never
//! run twice (its final report is sent again instead). If a heartbeat is rejected because
//! the execution ended without us (canceled, timed out), the handler is stopped.

use crate::args::AgentArgs;
use crate::child::{Handler, JobInfo};
use crate::failure::Failure;
use crate::session::Session;
use awsiotjobs::client::{
    Client, Error, ErrorCode, JobExecution, JobStatus, StartNextRequest, StatusDetails,
    UpdateRequest,
};
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long to wait between attempts of a call that timed out or found the link down.
const RETRY: Duration = Duration::from_millis(500);
/// How often to look for jobs when no notification came.
const POLL: Duration = Duration::from_secs(60);
/// How often a running handler is checked for its end.
const CHECK: Duration = Duration::from_millis(20);
/// The longest value of a status detail.
const MAX_DETAIL: usize = 1024;

/// Calls `call` until it is answered: timeouts and a link that is down are tried again.
fn answered<T>(mut call: impl FnMut() -> Result<T, Error>) -> Result<T, Error> {
    loop {
        match call() {
            Err(Error::Timeout | Error::Mqtt) => std::thread::sleep(RETRY),
            Err(Error::Rejected(r)) if r.code == ErrorCode::RequestThrottled => {
                std::thread::sleep(RETRY)
            }
            other => return other,
        }
    }
}

/// True when a rejection says the execution is no longer ours to update.
fn ended(error: &Error) -> bool {
    matches!(error, Error::Rejected(r) if matches!(
        r.code,
        ErrorCode::InvalidStateTransition | ErrorCode::TerminalStateReached | ErrorCode::ResourceNotFound
    ))
}

/// A status detail value: control characters as spaces, at most [`MAX_DETAIL`] characters
/// (the end kept), `None` when empty.
fn detail_value(text: &str) -> Option<String> {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    let count = clean.chars().count();
    let kept: String = clean
        .chars()
        .skip(count.saturating_sub(MAX_DETAIL))
        .collect();
    (!kept.is_empty()).then_some(kept)
}

struct Agent<'a> {
    client: Client,
    thing: String,
    args: &'a AgentArgs,
    heartbeat: Duration,
    /// The final report of every execution finished, by job ID and execution number.
    finished: HashMap<(String, i64), UpdateRequest>,
}

pub fn run(session: &Session, args: &AgentArgs) -> Result<String, Failure> {
    let thing = session.thing_name(args.thing_name.clone())?;
    let client = session.connect(&thing)?;
    let heartbeat = match args.heartbeat_seconds {
        Some(s) if s.is_finite() && s > 0.0 => Duration::from_secs_f64(s),
        Some(_) => return Err(Failure::usage("--heartbeat-seconds must be more than 0")),
        None => Duration::from_secs(args.step_timeout_in_minutes.max(1) as u64 * 20),
    };
    let mut agent = Agent {
        client,
        thing,
        args,
        heartbeat,
        finished: HashMap::new(),
    };
    agent.serve()?;
    Ok(String::new())
}

impl Agent<'_> {
    fn serve(&mut self) -> Result<(), Failure> {
        let wake = self
            .client
            .notify_next(&self.thing)
            .map_err(|e| Failure::call(e, "Subscribe"))?;
        let request = StartNextRequest {
            status_details: None,
            step_timeout_in_minutes: Some(self.args.step_timeout_in_minutes),
        };
        loop {
            let next = answered(|| self.client.start_next(&self.thing, &request))
                .map_err(|e| Failure::call(e, "StartNextPendingJobExecution"))?;
            match next.execution {
                Some(job) => self.take(job)?,
                None if self.args.exit_when_idle => {
                    let drops = self.client.link_drops();
                    if drops > 0 {
                        eprintln!("the link dropped {drops} time(s) and was restored");
                    }
                    return Ok(());
                }
                None => {
                    // Anything (a notification, a duplicate, none within POLL) means look again.
                    let _ = wake.recv_timeout(POLL);
                    while wake.try_next().is_some() {}
                }
            }
        }
    }

    /// Runs one execution (unless it was finished before) and reports how it ended.
    fn take(&mut self, job: JobExecution) -> Result<(), Failure> {
        let key = (job.job_id.clone(), job.execution_number.unwrap_or(0));
        let report = match self.finished.get(&key) {
            Some(report) => report.clone(),
            None => match self.run_handler(&job)? {
                Some(report) => report,
                None => return Ok(()),
            },
        };
        let sent = answered(|| self.client.update(&self.thing, &job.job_id, &report));
        match sent {
            Ok(_) => eprintln!("[{}] reported {}", job.job_id, report.status),
            Err(e) if ended(&e) => eprintln!(
                "[{}] not reported: the execution had already ended ({e})",
                job.job_id
            ),
            Err(e) => return Err(Failure::call(e, "UpdateJobExecution")),
        }
        self.finished.insert(key, report);
        Ok(())
    }

    /// Runs the handler for `job` with heartbeats; the final report, or `None` when the
    /// execution ended without us.
    fn run_handler(&self, job: &JobExecution) -> Result<Option<UpdateRequest>, Failure> {
        let info = JobInfo {
            thing: &self.thing,
            job_id: &job.job_id,
            execution_number: job.execution_number,
            document: job
                .job_document
                .as_ref()
                .map(|d| d.to_string())
                .unwrap_or_default(),
        };
        eprintln!("[{}] running the handler", job.job_id);
        let mut handler = Handler::start(&self.args.handler, &info, self.args.tail_lines)
            .map_err(|e| Failure::other(format!("cannot start the handler: {e}")))?;
        let mut beat = UpdateRequest::new(JobStatus::InProgress);
        beat.step_timeout_in_minutes = Some(self.args.step_timeout_in_minutes);
        let mut next_beat = Instant::now() + self.heartbeat;
        let status = loop {
            match handler.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) => {}
                Err(_) => break None,
            }
            if Instant::now() >= next_beat {
                next_beat = Instant::now() + self.heartbeat;
                if let Err(e) = self.client.update(&self.thing, &job.job_id, &beat) {
                    if ended(&e) {
                        eprintln!("[{}] the execution ended: stopping the handler", job.job_id);
                        handler.kill();
                        return Ok(None);
                    }
                }
            }
            std::thread::sleep(CHECK);
        };
        let tail = handler.finish();
        let mut details = StatusDetails::new();
        let succeeded = match status {
            Some(status) => {
                match (status.code(), signal_of(&status)) {
                    (Some(code), _) => details.insert("exitCode".into(), code.to_string()),
                    (None, Some(signal)) => details.insert("signal".into(), signal.to_string()),
                    (None, None) => None,
                };
                status.success()
            }
            None => false,
        };
        if let Some(output) = detail_value(&tail.join(" | ")) {
            details.insert("output".into(), output);
        }
        let mut report = UpdateRequest::new(if succeeded {
            JobStatus::Succeeded
        } else {
            JobStatus::Failed
        });
        report.status_details = Some(details);
        Ok(Some(report))
    }
}

fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detail_values_lose_control_characters_and_keep_their_end() {
        assert_eq!(detail_value("a\tb\n").as_deref(), Some("a b"));
        assert_eq!(detail_value(" \n "), None);
        let long = format!("{}end", "x".repeat(2000));
        let kept = detail_value(&long).unwrap();
        assert_eq!(kept.chars().count(), MAX_DETAIL);
        assert!(kept.ends_with("end"));
    }
}
