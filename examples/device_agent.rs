//! A device agent in Rust on the `awsiotjobs::client` API: takes the thing's jobs one at a
//! time (start-next), "runs" each by printing its document, and reports SUCCEEDED; between
//! jobs it sleeps until a notify-next names a new one. Stops when nothing is pending and no
//! notification came for `IDLE_SECONDS`.
//!
//! ```sh
//! # against jobs-emulator (jobs-emulator serve --mqtt 127.0.0.1:1883 --http 127.0.0.1:8080)
//! cargo run --example device_agent -- 127.0.0.1 1883 my-thing
//! # against AWS IoT, with the device's certificate
//! cargo run --example device_agent -- abc-ats.iot.eu-west-1.amazonaws.com 8883 my-thing \
//!     AmazonRootCA1.pem device.pem.crt private.pem.key
//! ```

use awsiotjobs::client::{
    Client, ConnectOptions, Error, JobStatus, StartNextRequest, Tls, UpdateRequest,
};
use std::time::Duration;

const IDLE_SECONDS: u64 = 30;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 3 && args.len() != 6 {
        eprintln!("usage: device_agent HOST PORT THING [CA CERT KEY]");
        std::process::exit(2);
    }
    let (host, thing) = (&args[0], &args[2]);
    let port = args[1].parse().expect("a port number");
    let mut options = ConnectOptions::new(host, port, thing);
    if args.len() == 6 {
        options = options.with_tls(Tls {
            ca: Some(args[3].clone().into()),
            cert: Some(args[4].clone().into()),
            key: Some(args[5].clone().into()),
            alpn: Vec::new(),
        });
    }
    let client = Client::connect(&options)?;
    // Registered before the first start-next, so no job slips between the two.
    let wake = client.notify_next(thing)?;
    let request = StartNextRequest {
        step_timeout_in_minutes: Some(5),
        ..Default::default()
    };
    loop {
        match client.start_next(thing, &request)?.execution {
            Some(job) => {
                println!(
                    "job {}: {}",
                    job.job_id,
                    job.job_document.unwrap_or_default()
                );
                let mut done = UpdateRequest::new(JobStatus::Succeeded);
                done.status_details = Some([("agent".to_string(), "rust".to_string())].into());
                client.update(thing, &job.job_id, &done)?;
            }
            None => match wake.recv_timeout(Duration::from_secs(IDLE_SECONDS))? {
                Some(_) => continue,
                None => return Ok(()),
            },
        }
    }
}
