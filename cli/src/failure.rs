//! How a run fails: the message printed on stderr and the exit code, fixed so that scripts can
//! rely on them (the AWS CLI v2's codes):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 252 | the command line is wrong (unknown option, missing `--thing-name`, bad JSON) |
//! | 253 | the configuration is wrong: the config file, or a certificate, key or CA file |
//! | 254 | the service rejected the request: `An error occurred (CODE) when calling the OPERATION operation: MESSAGE` |
//! | 255 | anything else: the connection failed (handshake, refused, timeout), no reply in time |

use awsiotjobs::client::{ConnectFailure, Error};

/// A failed run: what to print and how to exit.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub message: String,
}

impl Failure {
    pub const USAGE: i32 = 252;
    pub const CONFIG: i32 = 253;
    pub const REJECTED: i32 = 254;
    pub const OTHER: i32 = 255;

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: Failure::USAGE,
            message: message.into(),
        }
    }

    pub fn config(message: impl Into<String>) -> Failure {
        Failure {
            code: Failure::CONFIG,
            message: message.into(),
        }
    }

    pub fn other(message: impl Into<String>) -> Failure {
        Failure {
            code: Failure::OTHER,
            message: message.into(),
        }
    }

    /// The failure of a connection attempt to `broker`.
    pub fn connect(error: Error, broker: &str) -> Failure {
        let code = match &error {
            Error::Connect(ConnectFailure::CertificateFile(_)) => Failure::CONFIG,
            Error::Connect(ConnectFailure::InvalidOptions(_)) => Failure::USAGE,
            _ => Failure::OTHER,
        };
        let why = match error {
            Error::Connect(failure) => failure.to_string(),
            other => other.to_string(),
        };
        Failure {
            code,
            message: format!("could not connect to {broker}: {why}"),
        }
    }

    /// The failure of the call `operation` (its API name, e.g. `DescribeJobExecution`).
    pub fn call(error: Error, operation: &str) -> Failure {
        match error {
            Error::Rejected(r) => Failure {
                code: Failure::REJECTED,
                message: format!(
                    "An error occurred ({}) when calling the {operation} operation: {}",
                    r.code, r.message
                ),
            },
            Error::InvalidRequest(why) => Failure::usage(format!("{operation}: {why}")),
            Error::Timeout => {
                Failure::other(format!("{operation}: no reply within the read timeout"))
            }
            other => Failure::other(format!("{operation}: {other}")),
        }
    }
}
