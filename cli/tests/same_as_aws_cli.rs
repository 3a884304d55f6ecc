//! The four commands print over MQTT what the AWS CLI prints for the same requests over the
//! HTTP data plane. Two emulators are given the same jobs; the same sequence of commands runs
//! against each, ours against one over MQTT, the AWS CLI against the other over HTTP; the
//! outputs must be equal byte for byte once the per-call members are masked (timestamps and
//! `approximateSecondsBeforeTimedOut`, see `support::PER_CALL`). Each command is also compared
//! with `--output text` or `--output table` (timestamps masked to their width, so that the
//! table's column widths still compare): among them lists of several maps drawn as columns.

mod support;

use serde_json::json;
use support::{
    aws_cli, mask_json, mask_table, mask_text, on_a_terminal, ours, run, stderr, stdout, theirs,
    Emu,
};

const THING: &str = "cli-device";

fn setup() -> Emu {
    let emu = Emu::start(60_000);
    emu.create_job(
        "job-1",
        THING,
        json!({"op": "reboot", "delay": [1, 2.5], "é": {"z": null}}),
    );
    emu.create_job("job-2", THING, json!({"op": "update"}));
    emu.create_job("job-3", THING, json!({"op": "名前", "size": 12}));
    emu
}

/// The commands, each with the AWS CLI's arguments (the thing name is added).
fn sequence() -> Vec<Vec<&'static str>> {
    vec![
        vec!["get-pending-job-executions"],
        vec!["get-pending-job-executions", "--output", "table"],
        vec!["describe-job-execution", "--job-id", "job-1"],
        vec![
            "describe-job-execution",
            "--job-id",
            "job-1",
            "--output",
            "table",
        ],
        vec![
            "start-next-pending-job-execution",
            "--status-details",
            "step=download,progress=0",
            "--step-timeout-in-minutes",
            "30",
        ],
        vec![
            "describe-job-execution",
            "--job-id",
            "job-1",
            "--no-include-job-document",
        ],
        vec![
            "update-job-execution",
            "--job-id",
            "job-1",
            "--status",
            "IN_PROGRESS",
            "--status-details",
            r#"{"step":"install"}"#,
            "--expected-version",
            "2",
            "--include-job-execution-state",
            "--include-job-document",
        ],
        vec![
            "update-job-execution",
            "--job-id",
            "job-1",
            "--status",
            "SUCCEEDED",
        ],
        vec![
            "describe-job-execution",
            "--cli-input-json",
            r#"{"thingName":"cli-device","jobId":"job-2","executionNumber":1}"#,
        ],
        vec!["get-pending-job-executions", "--output", "text"],
        vec![
            "describe-job-execution",
            "--job-id",
            "job-2",
            "--output",
            "text",
        ],
        vec![
            "start-next-pending-job-execution",
            "--status-details",
            "step=download",
            "--step-timeout-in-minutes",
            "30",
            "--output",
            "table",
        ],
        vec!["get-pending-job-executions"],
        vec!["start-next-pending-job-execution"],
        vec![
            "update-job-execution",
            "--job-id",
            "job-3",
            "--status",
            "IN_PROGRESS",
            "--status-details",
            "step=install,progress=50",
            "--include-job-execution-state",
            "--include-job-document",
            "--output",
            "table",
        ],
        vec!["get-pending-job-executions", "--output", "table"],
        vec![
            "describe-job-execution",
            "--job-id",
            "job-3",
            "--output",
            "table",
        ],
        vec!["start-next-pending-job-execution", "--thing-name", "nobody"],
    ]
}

#[test]
fn the_four_commands_print_what_the_aws_cli_prints() {
    let Some(aws) = aws_cli() else { return };
    let (over_mqtt, over_http) = (setup(), setup());
    for args in sequence() {
        let mut full: Vec<&str> = args.clone();
        if !args
            .iter()
            .any(|a| *a == "--thing-name" || *a == "--cli-input-json")
        {
            full.extend(["--thing-name", THING]);
        }
        let mine = run(ours(&over_mqtt, "cli-compare"), &full);
        let reference = run(theirs(&aws, &over_http), &full);
        assert!(
            reference.status.success(),
            "aws {full:?}: {}",
            stderr(&reference)
        );
        assert!(
            mine.status.success(),
            "awsiotjobs {full:?}: {}",
            stderr(&mine)
        );
        let mask = if full.contains(&"text") {
            mask_text
        } else if full.contains(&"table") {
            mask_table
        } else {
            mask_json
        };
        let (a, b) = (mask(&stdout(&mine)), mask(&stdout(&reference)));
        assert_eq!(a, b, "output of {full:?}");
        if args[0] != "update-job-execution" || args.contains(&"--include-job-document") {
            assert!(
                !a.is_empty() || args.contains(&"nobody"),
                "{full:?} printed something"
            );
        }
    }
}

#[test]
fn a_rejection_prints_the_service_code_and_message() {
    let Some(aws) = aws_cli() else { return };
    let (over_mqtt, over_http) = (setup(), setup());
    let args = [
        "describe-job-execution",
        "--thing-name",
        THING,
        "--job-id",
        "no-such-job",
    ];
    let mine = run(ours(&over_mqtt, "cli-reject"), &args);
    let reference = run(theirs(&aws, &over_http), &args);
    assert_eq!(mine.status.code(), Some(254));
    assert!(mine.stdout.is_empty());
    let message = |text: &str| text.trim().rsplit_once(": ").map(|(_, m)| m.to_owned());
    let (mine_err, reference_err) = (stderr(&mine), stderr(&reference));
    assert!(
        mine_err.contains("An error occurred (ResourceNotFound) when calling the DescribeJobExecution operation: "),
        "{mine_err}"
    );
    // The same message; the code is the MQTT one (the HTTP API's adds "Exception").
    assert_eq!(message(&mine_err), message(&reference_err));
    assert!(
        reference_err.contains("(ResourceNotFoundException)"),
        "{reference_err}"
    );
}

#[test]
fn on_a_terminal_tables_take_its_width_and_the_aws_cli_colours() {
    let Some(aws) = aws_cli() else { return };
    let (over_mqtt, over_http) = (setup(), setup());
    let requests = [
        // On 200 columns the execution fits as one row of columns (on 80 it does not).
        (200, vec!["describe-job-execution", "--job-id", "job-2"]),
        // Narrower than the table: the lists of jobs stay columns, one-row sections would not.
        (60, vec!["get-pending-job-executions"]),
        // An empty reply: nothing drawn, only the colour reset the AWS CLI ends with.
        (
            80,
            vec![
                "update-job-execution",
                "--job-id",
                "job-2",
                "--status",
                "IN_PROGRESS",
            ],
        ),
    ];
    for (columns, args) in requests {
        let mut full = args.clone();
        full.extend(["--thing-name", THING, "--output", "table"]);
        let mut mine = ours(&over_mqtt, "cli-terminal");
        mine.args(&full);
        let mut reference = theirs(&aws, &over_http);
        reference.args(&full);
        let (Some(mine), Some(reference)) = (
            on_a_terminal(&mine, columns),
            on_a_terminal(&reference, columns),
        ) else {
            return;
        };
        let (mine, reference) = (run(mine, &[]), run(reference, &[]));
        assert!(
            reference.status.success(),
            "aws {full:?}: {}",
            stdout(&reference)
        );
        assert!(
            mine.status.success(),
            "awsiotjobs {full:?}: {}",
            stdout(&mine)
        );
        let (a, b) = (mask_table(&stdout(&mine)), mask_table(&stdout(&reference)));
        let drawn = args[0] != "update-job-execution";
        assert_eq!(a.contains("\x1b[1m\x1b[34m"), drawn, "in colour: {a}");
        assert_eq!(a, b, "{full:?} on a terminal {columns} columns wide");
    }
}
