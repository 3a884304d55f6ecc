//! One run of the agent's handler: `sh -c CMD` with the job document on its stdin and the
//! job's identity in its environment; its stdout and stderr are echoed to the agent's stderr
//! (each line prefixed with the job ID) and their last lines kept for the status details.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// The job a handler runs for.
pub struct JobInfo<'a> {
    pub thing: &'a str,
    pub job_id: &'a str,
    pub execution_number: Option<i64>,
    pub document: String,
}

/// A running handler.
pub struct Handler {
    child: Child,
    tail: Arc<Mutex<VecDeque<String>>>,
    readers: Vec<JoinHandle<()>>,
}

fn keep_reading(
    from: impl Read + Send + 'static,
    job_id: &str,
    tail: Arc<Mutex<VecDeque<String>>>,
    keep: usize,
) -> JoinHandle<()> {
    let prefix = job_id.to_owned();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { break };
            eprintln!("[{prefix}] {line}");
            let mut tail = tail.lock().unwrap_or_else(|e| e.into_inner());
            tail.push_back(line);
            while tail.len() > keep {
                tail.pop_front();
            }
        }
    })
}

impl Handler {
    /// Starts `command` for `job`, keeping its last `keep` output lines.
    pub fn start(command: &str, job: &JobInfo<'_>, keep: usize) -> std::io::Result<Handler> {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(command)
            .env("AWS_IOT_JOB_ID", job.job_id)
            .env("AWS_IOT_THING_NAME", job.thing)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match job.execution_number {
            Some(n) => cmd.env("AWS_IOT_JOB_EXECUTION_NUMBER", n.to_string()),
            None => cmd.env_remove("AWS_IOT_JOB_EXECUTION_NUMBER"),
        };
        let mut child = cmd.spawn()?;
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(keep_reading(out, job.job_id, tail.clone(), keep));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(keep_reading(err, job.job_id, tail.clone(), keep));
        }
        if let Some(mut stdin) = child.stdin.take() {
            let document = job.document.clone();
            // A handler that does not read its input must not block the agent.
            std::thread::spawn(move || {
                let _ = stdin.write_all(document.as_bytes());
            });
        }
        Ok(Handler {
            child,
            tail,
            readers,
        })
    }

    /// The exit status if the handler ended.
    pub fn try_wait(&mut self) -> std::io::Result<Option<ExitStatus>> {
        self.child.try_wait()
    }

    /// Stops the handler (the execution ended without it).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The last output lines, once the output is read to its end.
    pub fn finish(self) -> Vec<String> {
        for reader in self.readers {
            let _ = reader.join();
        }
        let tail = self.tail.lock().unwrap_or_else(|e| e.into_inner());
        tail.iter().cloned().collect()
    }
}
