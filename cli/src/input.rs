//! The request's parameters as the AWS CLI takes them besides the flags: `--cli-input-json`
//! (the API's JSON shape, `thingName`, `jobId`, `statusDetails`, ...; a flag given on the
//! command line wins) and `--status-details` in shorthand (`k=v,k2=v2`) or JSON; either may be
//! `file://PATH`.

use crate::failure::Failure;
use awsiotjobs::client::StatusDetails;
use serde_json::{Map, Value};

/// A parameter's text, read from the file it names if it is `file://PATH`.
fn resolve(text: &str) -> Result<String, Failure> {
    match text.strip_prefix("file://") {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {path}: {e}"))),
        None => Ok(text.to_owned()),
    }
}

/// The `--cli-input-json` object (empty without one).
#[derive(Debug, Default)]
pub struct InputJson {
    fields: Map<String, Value>,
}

impl InputJson {
    pub fn parse(given: Option<&str>) -> Result<InputJson, Failure> {
        let Some(given) = given else {
            return Ok(InputJson::default());
        };
        match serde_json::from_str(&resolve(given)?) {
            Ok(Value::Object(fields)) => Ok(InputJson { fields }),
            _ => Err(Failure::usage("--cli-input-json must be a JSON object")),
        }
    }

    pub fn string(&self, name: &str) -> Result<Option<String>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Failure::usage(format!(
                "--cli-input-json: {name} must be a string"
            ))),
        }
    }

    pub fn boolean(&self, name: &str) -> Result<Option<bool>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Failure::usage(format!(
                "--cli-input-json: {name} must be true or false"
            ))),
        }
    }

    pub fn integer<T: TryFrom<i64>>(&self, name: &str) -> Result<Option<T>, Failure> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|n| T::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| Failure::usage(format!("--cli-input-json: {name} is out of range"))),
        }
    }

    pub fn status_details(&self) -> Result<Option<StatusDetails>, Failure> {
        match self.fields.get("statusDetails") {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|_| {
                Failure::usage("--cli-input-json: statusDetails must map strings to strings")
            }),
        }
    }
}

/// `--status-details`: a JSON object or `key=value,key=value`.
pub fn status_details(given: &str) -> Result<StatusDetails, Failure> {
    let text = resolve(given)?;
    let text = text.trim();
    if text.starts_with('{') {
        return serde_json::from_str(text)
            .map_err(|_| Failure::usage("--status-details: a JSON object of strings to strings"));
    }
    text.split(',')
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                .ok_or_else(|| {
                    Failure::usage(format!("--status-details: expected key=value, got {pair}"))
                })
        })
        .collect()
}

/// The flag if given, else the input JSON's `name`.
pub fn either<T>(flag: Option<T>, json: Result<Option<T>, Failure>) -> Result<Option<T>, Failure> {
    match flag {
        Some(v) => Ok(Some(v)),
        None => json,
    }
}

/// A `--x`/`--no-x` pair: the flag if either is given, else the input JSON's, else `default`.
pub fn switch(
    yes: bool,
    no: bool,
    json: Result<Option<bool>, Failure>,
    default: bool,
) -> Result<bool, Failure> {
    Ok(if yes {
        true
    } else if no {
        false
    } else {
        json?.unwrap_or(default)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorthand_and_json_status_details() {
        let d = status_details("a=1,b=two").unwrap();
        assert_eq!(d.get("b").map(String::as_str), Some("two"));
        assert_eq!(status_details(r#"{"x":"y"}"#).unwrap().len(), 1);
        assert!(status_details("novalue").is_err());
    }

    #[test]
    fn input_json_fields_are_typed() {
        let input = InputJson::parse(Some(
            r#"{"thingName":"t","executionNumber":2,"includeJobDocument":false}"#,
        ))
        .unwrap();
        assert_eq!(input.string("thingName").unwrap().as_deref(), Some("t"));
        assert_eq!(input.integer::<i32>("executionNumber").unwrap(), Some(2));
        assert_eq!(input.boolean("includeJobDocument").unwrap(), Some(false));
        assert!(input.string("executionNumber").is_err());
        assert!(InputJson::parse(Some("[1]")).is_err());
    }
}
