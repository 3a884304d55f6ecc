//! The connection settings of a run: the command line's (flags and `AWSIOTJOBS_*` variables,
//! which clap reads) completed by the config file, a text file of `name = value` lines with
//! the options' long names (`endpoint`, `port`, `cert`, `key`, `ca`, `client-id`, `alpn`,
//! `mqtt-mode`, `cli-connect-timeout`, `cli-read-timeout`, `thing-name`); `#` starts a
//! comment. The file is `--config`, else `AWSIOTJOBS_CONFIG`, else
//! `$XDG_CONFIG_HOME/awsiotjobs/config` (`~/.config/awsiotjobs/config`) if it exists.

use crate::args::{ConnectionArgs, MqttMode};
use crate::failure::Failure;
use awsiotjobs::client::{ConnectOptions, Tls};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

/// The settings of the config file, by option name.
#[derive(Debug, Default)]
pub struct ConfigFile {
    values: HashMap<String, String>,
}

impl ConfigFile {
    /// Reads the config file `args` names, or the default one if it exists.
    pub fn load(args: &ConnectionArgs) -> Result<ConfigFile, Failure> {
        let path = match &args.config {
            Some(path) => path.clone(),
            None => match default_path() {
                Some(path) if path.exists() => path,
                _ => return Ok(ConfigFile::default()),
            },
        };
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Failure::config(format!(
                "cannot read the config file {}: {e}",
                path.display()
            ))
        })?;
        ConfigFile::parse(&text)
            .map_err(|e| Failure::config(format!("config file {}: {e}", path.display())))
    }

    fn parse(text: &str) -> Result<ConfigFile, String> {
        let mut values = HashMap::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (name, value) = line
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected name = value", number + 1))?;
            values.insert(name.trim().replace('_', "-"), value.trim().to_owned());
        }
        Ok(ConfigFile { values })
    }

    /// The value of `name`, if the file sets it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, Failure> {
        self.get(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    Failure::config(format!("config file: {name} = {v} is not a number"))
                })
            })
            .transpose()
    }
}

fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("awsiotjobs").join("config"))
}

/// The thing name: the command's, else the config file's.
pub fn thing_name(given: Option<String>, file: &ConfigFile) -> Result<String, Failure> {
    given
        .or_else(|| file.get("thing-name").map(str::to_owned))
        .ok_or_else(|| Failure::usage("the following arguments are required: --thing-name"))
}

/// The client's options for `thing` from the command line and the config file.
pub fn connect_options(
    args: &ConnectionArgs,
    file: &ConfigFile,
    thing: &str,
) -> Result<ConnectOptions, Failure> {
    let path = |given: &Option<PathBuf>, name: &str| {
        given.clone().or_else(|| file.get(name).map(PathBuf::from))
    };
    let (ca, cert, key) = (
        path(&args.ca, "ca"),
        path(&args.cert, "cert"),
        path(&args.key, "key"),
    );
    let alpn = args
        .alpn
        .clone()
        .or_else(|| file.get("alpn").map(str::to_owned));
    let tls = ca.is_some() || cert.is_some() || key.is_some() || alpn.is_some();
    let endpoint = args
        .endpoint
        .clone()
        .or_else(|| file.get("endpoint").map(str::to_owned))
        .ok_or_else(|| Failure::usage("no broker: give --endpoint (or AWSIOTJOBS_ENDPOINT)"))?;
    let default_port = match (tls, &alpn) {
        (true, Some(_)) => 443,
        (true, None) => 8883,
        (false, _) => 1883,
    };
    let port = match args.port {
        Some(port) => port,
        None => file.number("port")?.unwrap_or(default_port),
    };
    let client_id = args
        .client_id
        .clone()
        .or_else(|| file.get("client-id").map(str::to_owned))
        .unwrap_or_else(|| thing.to_owned());
    let mut options = ConnectOptions::new(&endpoint, port, &client_id);
    if tls {
        options = options.with_tls(Tls {
            ca,
            cert,
            key,
            alpn: alpn.into_iter().collect(),
        });
    }
    options.aws_iot = match args.mqtt_mode {
        Some(mode) => mode == MqttMode::AwsIot,
        None => match file.get("mqtt-mode") {
            None | Some("aws-iot") => true,
            Some("generic") => false,
            Some(other) => {
                return Err(Failure::config(format!(
                    "config file: mqtt-mode = {other}: expected aws-iot or generic"
                )))
            }
        },
    };
    let seconds = |given: Option<u64>, name: &str| -> Result<Option<Duration>, Failure> {
        Ok(given.or(file.number(name)?).map(Duration::from_secs))
    };
    if let Some(t) = seconds(args.cli_connect_timeout, "cli-connect-timeout")? {
        options.connect_timeout = t;
    }
    if let Some(t) = seconds(args.cli_read_timeout, "cli-read-timeout")? {
        options.operation_timeout = t;
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_lines_fill_what_the_command_line_left_out() {
        let file = ConfigFile::parse(
            "# device\nendpoint = broker.local\nport=1884\nclient_id = dev-7 # me\n",
        )
        .unwrap();
        let args = ConnectionArgs {
            port: Some(1999),
            ..Default::default()
        };
        let options = connect_options(&args, &file, "thing-1").unwrap();
        assert_eq!(options.host, "broker.local");
        assert_eq!(options.port, 1999);
        assert_eq!(options.client_id, "dev-7");
        assert!(options.tls.is_none());
    }

    #[test]
    fn a_certificate_means_tls_on_8883_and_alpn_on_443() {
        let file = ConfigFile::parse("endpoint = x\ncert = c.pem\nkey = k.pem\n").unwrap();
        let options = connect_options(&ConnectionArgs::default(), &file, "t").unwrap();
        assert_eq!((options.port, options.client_id.as_str()), (8883, "t"));
        let args = ConnectionArgs {
            alpn: Some("x-amzn-mqtt-ca".into()),
            ..Default::default()
        };
        assert_eq!(connect_options(&args, &file, "t").unwrap().port, 443);
    }

    #[test]
    fn a_line_without_equals_is_an_error() {
        assert!(ConfigFile::parse("endpoint broker").is_err());
    }
}
