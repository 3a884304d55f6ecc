//! Footprint: the stripped shared library, and what linking the static library adds to a
//! minimal C program.

use crate::report::{Table, Verdict};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The system libraries a program linking the static library needs, as link flags: the list
/// `scripts/native-libs.sh` generates from rustc's native-static-libs (empty, and the static
/// links below fail visibly, if the script does).
fn native_libs() -> Vec<String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/native-libs.sh");
    output(&mut Command::new(script))
        .map(|flags| flags.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default()
}

const MINIMAL: &str = "int main(void) { return 0; }\n";

/// A firmware that uses the Jobs API over its own MQTT client (the C transport interface).
const JOBS_ONLY: &str = r#"
#include <stddef.h>
#include "aws_iot_jobs.h"
#include "awsiotjobs.h"
int main(int argc, char **argv) {
    (void)argv;
    if (AwsIotJobs_Init(0) != AWS_IOT_JOBS_SUCCESS) return 1;
    AwsIotJobsRequestInfo_t info = AWS_IOT_JOBS_REQUEST_INFO_INITIALIZER;
    AwsIotJobsUpdateInfo_t update = AWS_IOT_JOBS_UPDATE_INFO_INITIALIZER;
    AwsIotJobsResponse_t response = AWS_IOT_JOBS_RESPONSE_INITIALIZER;
    AwsIotJobsTransport_t transport = { NULL, NULL, NULL, NULL, false };
    IotMqttConnection_t connection = NULL;
    if (argc > 5) {
        (void)AwsIotJobs_CreateTransportConnection(&transport, &connection);
        (void)AwsIotJobs_ReceiveMessage(connection, "t", 1, "p", 1);
        (void)AwsIotJobs_UpdateSync(&info, &update, 0, 10, &response);
        (void)AwsIotJobs_StartNextSync(&info, &update, 0, 10, &response);
        (void)AwsIotJobs_DescribeSync(&info, 0, false, 0, 10, &response);
        (void)AwsIotJobs_GetPendingSync(&info, 0, 10, &response);
        (void)AwsIotJobs_SetNotifyNextCallback(connection, "t", 1, 0, NULL);
        AwsIotJobs_DestroyTransportConnection(connection);
    }
    AwsIotJobs_Cleanup();
    return 0;
}
"#;

/// The same plus the MQTT client of the library (`IotMqtt_Connect`), when the library has it.
const WITH_MQTT: &str = r#"
#include "iot_mqtt.h"
int use_mqtt(int argc) {
    if (argc > 6) {
        IotMqttNetworkInfo_t network = IOT_MQTT_NETWORK_INFO_INITIALIZER;
        IotMqttConnectInfo_t connect = IOT_MQTT_CONNECT_INFO_INITIALIZER;
        IotMqttConnection_t connection = IOT_MQTT_CONNECTION_INITIALIZER;
        (void)IotMqtt_Init();
        (void)IotMqtt_Connect(&network, &connect, 1000, &connection);
        IotMqtt_Disconnect(connection, 0);
    }
    return 0;
}
"#;

/// Runs `cmd` and returns its standard output, or shows why it failed and returns `None`.
fn output(cmd: &mut Command) -> Option<String> {
    match cmd.output() {
        Ok(out) if out.status.success() => Some(String::from_utf8_lossy(&out.stdout).into_owned()),
        Ok(out) => {
            eprintln!("{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
            None
        }
        Err(e) => {
            eprintln!("{cmd:?}: {e}");
            None
        }
    }
}

fn run(cmd: &mut Command) -> bool {
    output(cmd).is_some()
}

fn stripped_size(path: &Path, scratch: &Path) -> Option<u64> {
    let copy = scratch.join(format!("stripped-{}", path.file_name()?.to_string_lossy()));
    std::fs::copy(path, &copy).ok()?;
    run(Command::new("strip").arg("--strip-all").arg(&copy)).then_some(())?;
    std::fs::metadata(&copy).ok().map(|m| m.len())
}

/// Compiles and links `source` (with the static library when `lib` is set), strips it and
/// returns its size.
fn program_size(
    scratch: &Path,
    name: &str,
    source: &str,
    lib: Option<(&Path, &[String])>,
    include: &Path,
) -> Option<u64> {
    let c = scratch.join(format!("{name}.c"));
    std::fs::write(&c, source).ok()?;
    let exe = scratch.join(name);
    let mut cmd = Command::new("cc");
    cmd.args(["-std=c11", "-O2", "-ffunction-sections", "-fdata-sections"])
        .arg("-I")
        .arg(include)
        .arg(&c)
        .arg("-o")
        .arg(&exe)
        .arg("-Wl,--gc-sections");
    if let Some((lib, native_libs)) = lib {
        cmd.arg(lib).args(native_libs);
    }
    run(&mut cmd).then_some(())?;
    stripped_size(&exe, scratch)
}

fn kib(bytes: u64) -> String {
    format!("{:.0} KiB ({bytes} B)", bytes as f64 / 1024.0)
}

/// Sizes of the libraries in `lib_dir` (defaults to this program's target directory).
pub fn footprint(lib_dir: Option<PathBuf>, label: &str, verdicts: &mut Vec<Verdict>) {
    let dir = lib_dir.unwrap_or_else(|| {
        std::env::current_exe()
            .expect("current exe")
            .parent()
            .expect("target dir")
            .to_path_buf()
    });
    let include = Path::new(env!("CARGO_MANIFEST_DIR")).join("../include");
    let scratch = std::env::temp_dir().join(format!("awsiotjobs-footprint-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&scratch);
    let so = dir.join("libawsiotjobs.so");
    let a = dir.join("libawsiotjobs.a");
    let table = Table::new(
        &format!("Footprint ({label}: {})", dir.display()),
        &["what", "size"],
    );
    let so_size = stripped_size(&so, &scratch);
    if let Some(s) = so_size {
        table.row(vec!["libawsiotjobs.so, stripped".into(), kib(s)]);
    }
    if let Ok(m) = std::fs::metadata(&a) {
        table.row(vec!["libawsiotjobs.a as built".into(), kib(m.len())]);
    }
    let base = program_size(&scratch, "minimal", MINIMAL, None, &include);
    let native = native_libs();
    let static_lib = Some((a.as_path(), native.as_slice()));
    let jobs = program_size(&scratch, "jobs_only", JOBS_ONLY, static_lib, &include);
    if let (Some(base), Some(jobs)) = (base, jobs) {
        table.row(vec![
            "static link adds: Jobs API over the C transport".into(),
            kib(jobs - base),
        ]);
    }
    let source = format!(
        "int use_mqtt(int argc);\n{}\n{WITH_MQTT}",
        JOBS_ONLY.replace("return 0;\n}\n", "return use_mqtt(argc);\n}\n")
    );
    let full = program_size(&scratch, "with_mqtt", &source, static_lib, &include);
    table.row(vec![
        "static link adds: Jobs API + IotMqtt_Connect (Paho)".into(),
        match (base, full) {
            (Some(base), Some(full)) => kib(full - base),
            _ => "(does not link: see above)".into(),
        },
    ]);
    let _ = std::fs::remove_dir_all(&scratch);
    verdicts.push(Verdict {
        figure: format!("stripped libawsiotjobs.so ({label})"),
        value: so_size.map(kib).unwrap_or_else(|| "?".into()),
        target: "(recorded)".into(),
        met: None,
    });
}
