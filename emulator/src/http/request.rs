//! Reading what a caller sent, without ever trusting it: the JSON body (empty
//! means `{}`), query parameters, and path labels, each checked against the
//! limits of the service models. Anything malformed becomes an
//! `InvalidRequestException`, so no input can make a handler panic.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use serde_json::{Map, Value};

use super::error::ApiError;
use crate::service::JobsService;

/// The service every handler works on.
pub type Svc = State<Arc<JobsService>>;
/// Path labels, or why they could not be read.
pub type RawPath<T> = Result<Path<T>, PathRejection>;
/// Query pairs, or why they could not be read.
pub type RawQuery = Result<Query<Vec<(String, String)>>, QueryRejection>;
/// The body bytes, or why they could not be read.
pub type RawBody = Result<Bytes, BytesRejection>;

/// A request body read as a JSON object.
pub struct Body(Map<String, Value>);

impl Body {
    /// Parses the raw body; an empty one is an empty object.
    pub fn parse(raw: RawBody) -> Result<Body, ApiError> {
        let bytes = raw.map_err(|e| ApiError::invalid(format!("unreadable body: {e}")))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(map)) => Ok(Body(map)),
            Ok(_) => Err(ApiError::invalid("the request body must be a JSON object")),
            Err(e) => Err(ApiError::invalid(format!("malformed JSON body: {e}"))),
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
        }
    }

    pub fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| ApiError::invalid(format!("{key} must be an integer"))),
        }
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::invalid(format!("{key} must be a boolean"))),
        }
    }

    pub fn strings(&self, key: &str) -> Result<Option<Vec<String>>, ApiError> {
        let wrong = || ApiError::invalid(format!("{key} must be a list of strings"));
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| v.as_str().map(str::to_owned).ok_or_else(wrong))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(wrong()),
        }
    }

    /// A map of strings such as `attributes`.
    pub fn string_map(
        &self,
        key: &str,
    ) -> Result<Option<std::collections::BTreeMap<String, String>>, ApiError> {
        let wrong = || ApiError::invalid(format!("{key} must be a map of strings"));
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| Ok((k.clone(), v.as_str().ok_or_else(wrong)?.to_owned())))
                .collect::<Result<_, _>>()
                .map(Some),
            Some(_) => Err(wrong()),
        }
    }

    /// A member as sent, for checks the service does itself (`statusDetails`).
    pub fn value(&self, key: &str) -> Option<&Value> {
        self.get(key)
    }

    /// A nested object such as `timeoutConfig`.
    pub fn object(&self, key: &str) -> Result<Option<Body>, ApiError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Body(map.clone()))),
            Some(_) => Err(ApiError::invalid(format!("{key} must be an object"))),
        }
    }
}

/// Query parameters, last value wins.
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(raw: RawQuery) -> Result<Params, ApiError> {
        let Query(pairs) = raw.map_err(|e| ApiError::invalid(format!("bad query string: {e}")))?;
        Ok(Params(pairs.into_iter().collect()))
    }

    pub fn string(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.string(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(other) => Err(ApiError::invalid(format!(
                "{key} must be true or false, not {other:?}"
            ))),
        }
    }

    pub fn integer(&self, key: &str) -> Result<Option<i64>, ApiError> {
        self.string(key).map(|s| parse_integer(key, s)).transpose()
    }
}

/// The labels of the request path, percent-decoded.
pub fn path<T>(raw: RawPath<T>) -> Result<T, ApiError> {
    raw.map(|Path(labels)| labels)
        .map_err(|e| ApiError::invalid(format!("bad path: {e}")))
}

/// Parses an integer path label or parameter.
pub fn parse_integer(key: &str, text: &str) -> Result<i64, ApiError> {
    text.parse::<i64>()
        .map_err(|_| ApiError::invalid(format!("{key} must be an integer, not {text:?}")))
}

fn matches_charset(text: &str, extra: &[char]) -> bool {
    text.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || extra.contains(&c))
}

/// Checks a job ID: 1–64 of `[a-zA-Z0-9_-]`.
pub fn check_job_id(job_id: &str) -> Result<(), ApiError> {
    if (1..=64).contains(&job_id.len()) && matches_charset(job_id, &[]) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("invalid jobId {job_id:?}")))
    }
}

/// Checks a thing name: 1–128 of `[a-zA-Z0-9:_-]`.
pub fn check_thing_name(thing: &str) -> Result<(), ApiError> {
    if (1..=128).contains(&thing.len()) && matches_charset(thing, &[':']) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!("invalid thingName {thing:?}")))
    }
}

/// Checks `maxResults` (1–250) and the opaque `nextToken`, which is an offset.
pub fn page_bounds(params: &Params) -> Result<(usize, usize), ApiError> {
    let max = params.integer("maxResults")?.unwrap_or(250);
    if !(1..=250).contains(&max) {
        return Err(ApiError::invalid("maxResults must be between 1 and 250"));
    }
    let start = match params.string("nextToken") {
        None => 0,
        Some(token) => token
            .parse::<usize>()
            .map_err(|_| ApiError::invalid("invalid nextToken"))?,
    };
    Ok((start, max as usize))
}

/// Cuts one page out of `items`; returns the page and the next token.
pub fn paginate<T>(items: Vec<T>, (start, max): (usize, usize)) -> (Vec<T>, Option<String>) {
    let total = items.len();
    let page: Vec<T> = items.into_iter().skip(start).take(max).collect();
    let end = start.saturating_add(max);
    let next = (end < total).then(|| end.to_string());
    (page, next)
}

/// One page of a list answer: `{member: [...], nextToken?}`.
pub fn page_answer<T>(
    items: Vec<T>,
    bounds: (usize, usize),
    member: &str,
    shape: impl Fn(&T) -> Value,
) -> Value {
    let (page, next) = paginate(items, bounds);
    let mut answer = Map::new();
    let shaped: Vec<Value> = page.iter().map(shape).collect();
    answer.insert(member.to_owned(), Value::Array(shaped));
    if let Some(token) = next {
        answer.insert("nextToken".into(), Value::String(token));
    }
    Value::Object(answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_is_an_empty_object() {
        let body = Body::parse(Ok(Bytes::from_static(b"  "))).unwrap();
        assert_eq!(body.string("x").unwrap(), None);
    }

    #[test]
    fn non_object_body_is_invalid() {
        assert!(Body::parse(Ok(Bytes::from_static(b"[1]"))).is_err());
        assert!(Body::parse(Ok(Bytes::from_static(b"{"))).is_err());
    }

    #[test]
    fn ids_follow_the_model_patterns() {
        assert!(check_job_id("job-1_A").is_ok());
        assert!(check_job_id("").is_err());
        assert!(check_job_id("a:b").is_err());
        assert!(check_job_id(&"x".repeat(65)).is_err());
        assert!(check_thing_name("a:b").is_ok());
        assert!(check_thing_name("a b").is_err());
    }

    #[test]
    fn pages_carry_a_token_until_the_end() {
        let (page, next) = paginate(vec![1, 2, 3], (0, 2));
        assert_eq!((page, next.as_deref()), (vec![1, 2], Some("2")));
        let (page, next) = paginate(vec![1, 2, 3], (2, 2));
        assert_eq!((page, next), (vec![3], None));
    }
}
