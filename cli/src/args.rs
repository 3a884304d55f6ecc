//! The command line as clap parses it: the connection options shared by every command (each
//! also from an `AWSIOTJOBS_*` environment variable, or the config file), the four
//! `aws iot-jobs-data` commands with the AWS CLI's names and flags, `watch` and `agent`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// The Jobs data plane of AWS IoT, over MQTT with the device's own certificate.
#[derive(Debug, Parser)]
#[command(name = "awsiotjobs", version)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionArgs,
    /// Output format: json (as the AWS CLI prints it), text or table.
    #[arg(long, global = true, value_enum, default_value_t = Format::Json)]
    pub output: Format,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Text,
    Table,
}

/// Whether the broker is AWS IoT (replies reach the requester without a subscription) or a
/// generic MQTT broker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MqttMode {
    AwsIot,
    Generic,
}

/// How to reach the broker. Order of precedence: the flag, then the environment variable,
/// then the config file (`--config`, `AWSIOTJOBS_CONFIG` or ~/.config/awsiotjobs/config).
#[derive(Debug, Clone, Default, Args)]
pub struct ConnectionArgs {
    /// The config file: `name = value` lines with the options' long names.
    #[arg(long, global = true, env = "AWSIOTJOBS_CONFIG")]
    pub config: Option<PathBuf>,
    /// The broker's host name (your AWS IoT data endpoint).
    #[arg(long, global = true, env = "AWSIOTJOBS_ENDPOINT")]
    pub endpoint: Option<String>,
    /// The broker's port: 8883 with TLS (443 with --alpn), 1883 without.
    #[arg(long, global = true, env = "AWSIOTJOBS_PORT")]
    pub port: Option<u16>,
    /// The device certificate (PEM); with --key, connects with mutual TLS.
    #[arg(long, global = true, env = "AWSIOTJOBS_CERT")]
    pub cert: Option<PathBuf>,
    /// The device certificate's private key (PEM).
    #[arg(long, global = true, env = "AWSIOTJOBS_KEY")]
    pub key: Option<PathBuf>,
    /// The CA that signed the broker's certificate (AmazonRootCA1.pem).
    #[arg(long, global = true, env = "AWSIOTJOBS_CA")]
    pub ca: Option<PathBuf>,
    /// The MQTT client ID; the thing name by default, as AWS IoT policies expect.
    #[arg(long, global = true, env = "AWSIOTJOBS_CLIENT_ID")]
    pub client_id: Option<String>,
    /// An ALPN protocol to offer (x-amzn-mqtt-ca for AWS IoT on port 443).
    #[arg(long, global = true, env = "AWSIOTJOBS_ALPN")]
    pub alpn: Option<String>,
    /// aws-iot (the default) or generic.
    #[arg(long, global = true, env = "AWSIOTJOBS_MQTT_MODE", value_enum)]
    pub mqtt_mode: Option<MqttMode>,
    /// Seconds to wait for the connection (default 10).
    #[arg(long, global = true, env = "AWSIOTJOBS_CLI_CONNECT_TIMEOUT")]
    pub cli_connect_timeout: Option<u64>,
    /// Seconds to wait for a reply (default 10).
    #[arg(long, global = true, env = "AWSIOTJOBS_CLI_READ_TIMEOUT")]
    pub cli_read_timeout: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// DescribeJobExecution: one job execution of a thing.
    DescribeJobExecution(DescribeArgs),
    /// GetPendingJobExecutions: a thing's executions in progress and queued.
    GetPendingJobExecutions(GetPendingArgs),
    /// StartNextPendingJobExecution: takes the next pending execution and sets it IN_PROGRESS.
    StartNextPendingJobExecution(StartNextArgs),
    /// UpdateJobExecution: reports a job execution's status.
    UpdateJobExecution(UpdateArgs),
    /// Prints the thing's notify-next and notify messages as JSON lines until interrupted.
    Watch(WatchArgs),
    /// Runs the thing's jobs as they come: a command per job, its outcome reported.
    Agent(AgentArgs),
}

/// Options every request command has.
#[derive(Debug, Clone, Args)]
pub struct RequestArgs {
    /// The thing whose jobs these are (or thingName in --cli-input-json).
    #[arg(long)]
    pub thing_name: Option<String>,
    /// The request's parameters as JSON (the AWS CLI's shape), or file://PATH.
    #[arg(long)]
    pub cli_input_json: Option<String>,
}

#[derive(Debug, Args)]
pub struct DescribeArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    #[arg(long)]
    pub job_id: Option<String>,
    #[arg(long, overrides_with = "no_include_job_document")]
    pub include_job_document: bool,
    #[arg(long)]
    pub no_include_job_document: bool,
    #[arg(long)]
    pub execution_number: Option<i32>,
}

#[derive(Debug, Args)]
pub struct GetPendingArgs {
    #[command(flatten)]
    pub request: RequestArgs,
}

#[derive(Debug, Args)]
pub struct StartNextArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    /// key=value,key=value or a JSON object, or file://PATH.
    #[arg(long)]
    pub status_details: Option<String>,
    #[arg(long)]
    pub step_timeout_in_minutes: Option<i32>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub request: RequestArgs,
    #[arg(long)]
    pub job_id: Option<String>,
    /// IN_PROGRESS, SUCCEEDED, FAILED or REJECTED.
    #[arg(long)]
    pub status: Option<String>,
    /// key=value,key=value or a JSON object, or file://PATH.
    #[arg(long)]
    pub status_details: Option<String>,
    #[arg(long)]
    pub expected_version: Option<u32>,
    #[arg(long, overrides_with = "no_include_job_execution_state")]
    pub include_job_execution_state: bool,
    #[arg(long)]
    pub no_include_job_execution_state: bool,
    #[arg(long, overrides_with = "no_include_job_document")]
    pub include_job_document: bool,
    #[arg(long)]
    pub no_include_job_document: bool,
    #[arg(long)]
    pub execution_number: Option<i32>,
    #[arg(long)]
    pub step_timeout_in_minutes: Option<i32>,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    #[arg(long)]
    pub thing_name: Option<String>,
    /// Exit after this many messages (default: never).
    #[arg(long)]
    pub count: Option<u64>,
}

#[derive(Debug, Args)]
pub struct AgentArgs {
    #[arg(long)]
    pub thing_name: Option<String>,
    /// The command run for each job (with sh -c): the job document on stdin, AWS_IOT_JOB_ID,
    /// AWS_IOT_THING_NAME and AWS_IOT_JOB_EXECUTION_NUMBER in the environment.
    #[arg(long)]
    pub handler: String,
    /// The step timeout set on each execution, and renewed while its command runs.
    #[arg(long, default_value_t = 10)]
    pub step_timeout_in_minutes: i32,
    /// Seconds between IN_PROGRESS updates while a command runs (default: a third of the step
    /// timeout). Fractions are allowed.
    #[arg(long)]
    pub heartbeat_seconds: Option<f64>,
    /// How many of the command's last output lines go into the status details.
    #[arg(long, default_value_t = 5)]
    pub tail_lines: usize,
    /// Exit (0) once no job is pending, instead of waiting for more.
    #[arg(long)]
    pub exit_when_idle: bool,
}
