//! The optional configurations of a job as CreateJob and UpdateJob take them, kept as the
//! JSON the caller sent (DescribeJob shows them back unchanged) and read through typed views
//! checked against the `iot` model's ranges: `jobExecutionsRolloutConfig`
//! (maximumPerMinute ≥ 1, or exponentialRate with baseRatePerMinute 1..=1000,
//! incrementFactor 1.1..=5 and a rateIncreaseCriteria), `abortConfig` (criteria on
//! FAILED / REJECTED / TIMED_OUT / ALL, action CANCEL, thresholdPercentage ≤ 100,
//! minNumberOfExecutedThings ≥ 1), `jobExecutionsRetryConfig` (FAILED / TIMED_OUT / ALL,
//! numberOfRetries 0..=10) and `presignedUrlConfig` (kept, unused: documents are inline).

use super::error::{ServiceError, ServiceResult};
use super::model::ExecutionStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The configurations as sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JobConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presigned_url_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_executions_rollout_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_config: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_executions_retry_config: Option<Value>,
}

/// How fast targets are released.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rollout {
    /// At most this many things notified per minute.
    PerMinute(u64),
    /// Exponential: a base rate multiplied by `factor` each time `notified` more things were
    /// notified, or `succeeded` more succeeded.
    Exponential {
        base: u64,
        factor: f64,
        notified: Option<u64>,
        succeeded: Option<u64>,
    },
}

/// Which failures a criterion counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureType {
    Failed,
    Rejected,
    TimedOut,
    All,
}

impl FailureType {
    fn parse(s: &str, allowed: &[FailureType]) -> Option<FailureType> {
        let t = match s {
            "FAILED" => FailureType::Failed,
            "REJECTED" => FailureType::Rejected,
            "TIMED_OUT" => FailureType::TimedOut,
            "ALL" => FailureType::All,
            _ => return None,
        };
        allowed.contains(&t).then_some(t)
    }

    /// Whether an execution ending in `s` counts.
    pub fn counts(self, s: ExecutionStatus) -> bool {
        use ExecutionStatus::*;
        match self {
            FailureType::Failed => s == Failed,
            FailureType::Rejected => s == Rejected,
            FailureType::TimedOut => s == TimedOut,
            FailureType::All => matches!(s, Failed | Rejected | TimedOut),
        }
    }
}

/// One abort criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AbortCriterion {
    pub failure: FailureType,
    pub threshold_percent: f64,
    pub min_executed: u64,
}

/// One retry criterion.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryCriterion {
    pub failure: FailureType,
    pub retries: u64,
}

fn bad(msg: impl Into<String>) -> ServiceError {
    ServiceError::invalid(msg)
}

fn int(v: &Value, key: &str, min: u64, max: u64) -> ServiceResult<Option<u64>> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(n) => n
            .as_u64()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or_else(|| bad(format!("{key} must be an integer in {min}..={max}"))),
    }
}

fn num(v: &Value, key: &str, min: f64, max: f64) -> ServiceResult<f64> {
    v.get(key)
        .and_then(Value::as_f64)
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| bad(format!("{key} must be a number in {min}..={max}")))
}

fn criteria(v: &Value) -> ServiceResult<&Vec<Value>> {
    v.get("criteriaList")
        .and_then(Value::as_array)
        .filter(|l| !l.is_empty())
        .ok_or_else(|| bad("criteriaList must be a non-empty list"))
}

fn failure_type(c: &Value, allowed: &[FailureType]) -> ServiceResult<FailureType> {
    c.get("failureType")
        .and_then(Value::as_str)
        .and_then(|s| FailureType::parse(s, allowed))
        .ok_or_else(|| bad("invalid failureType"))
}

impl JobConfig {
    /// Checks every configuration present.
    pub fn validate(&self) -> ServiceResult<()> {
        self.rollout()?;
        self.abort()?;
        self.retry()?;
        if let Some(p) = &self.presigned_url_config {
            if !p.is_object() {
                return Err(bad("presignedUrlConfig must be an object"));
            }
            int(p, "expiresInSec", 60, 3600)?;
        }
        Ok(())
    }

    /// The rollout rate, if one is configured.
    pub fn rollout(&self) -> ServiceResult<Option<Rollout>> {
        let Some(v) = &self.job_executions_rollout_config else {
            return Ok(None);
        };
        if let Some(n) = int(v, "maximumPerMinute", 1, 1_000_000)? {
            return Ok(Some(Rollout::PerMinute(n)));
        }
        let Some(e) = v.get("exponentialRate").filter(|e| !e.is_null()) else {
            return Ok(None);
        };
        let base = int(e, "baseRatePerMinute", 1, 1000)?
            .ok_or_else(|| bad("exponentialRate.baseRatePerMinute is required"))?;
        let factor = num(e, "incrementFactor", 1.1, 5.0)?;
        let crit = e
            .get("rateIncreaseCriteria")
            .ok_or_else(|| bad("exponentialRate.rateIncreaseCriteria is required"))?;
        let notified = int(crit, "numberOfNotifiedThings", 1, u64::MAX)?;
        let succeeded = int(crit, "numberOfSucceededThings", 1, u64::MAX)?;
        if notified.is_none() == succeeded.is_none() {
            return Err(bad(
                "rateIncreaseCriteria needs exactly one of numberOfNotifiedThings, numberOfSucceededThings",
            ));
        }
        Ok(Some(Rollout::Exponential {
            base,
            factor,
            notified,
            succeeded,
        }))
    }

    /// The abort criteria (empty when none).
    pub fn abort(&self) -> ServiceResult<Vec<AbortCriterion>> {
        let Some(v) = &self.abort_config else {
            return Ok(Vec::new());
        };
        use FailureType::*;
        criteria(v)?
            .iter()
            .map(|c| {
                if c.get("action").and_then(Value::as_str) != Some("CANCEL") {
                    return Err(bad("abort action must be CANCEL"));
                }
                Ok(AbortCriterion {
                    failure: failure_type(c, &[Failed, Rejected, TimedOut, All])?,
                    threshold_percent: num(c, "thresholdPercentage", 0.0, 100.0)?,
                    min_executed: int(c, "minNumberOfExecutedThings", 1, u64::MAX)?
                        .ok_or_else(|| bad("minNumberOfExecutedThings is required"))?,
                })
            })
            .collect()
    }

    /// The retry criteria (empty when none).
    pub fn retry(&self) -> ServiceResult<Vec<RetryCriterion>> {
        let Some(v) = &self.job_executions_retry_config else {
            return Ok(Vec::new());
        };
        use FailureType::*;
        criteria(v)?
            .iter()
            .map(|c| {
                Ok(RetryCriterion {
                    failure: failure_type(c, &[Failed, TimedOut, All])?,
                    retries: int(c, "numberOfRetries", 0, 10)?
                        .ok_or_else(|| bad("numberOfRetries is required"))?,
                })
            })
            .collect()
    }

    /// Whether an execution that ended in `s`, after `used` retries (after FAILED, after
    /// TIMED_OUT), gets another attempt. The criterion for that failure type counts its own
    /// retries; an ALL criterion counts both. Only FAILED and TIMED_OUT are ever retried.
    pub fn may_retry(&self, s: ExecutionStatus, used: [u64; 2]) -> bool {
        let slot = match s {
            ExecutionStatus::Failed => 0,
            ExecutionStatus::TimedOut => 1,
            _ => return false,
        };
        let list = self.retry().unwrap_or_default();
        let exact = list
            .iter()
            .find(|c| c.failure != FailureType::All && c.failure.counts(s));
        match exact {
            Some(c) => used[slot] < c.retries,
            None => list
                .iter()
                .find(|c| c.failure == FailureType::All)
                .is_some_and(|c| used[0] + used[1] < c.retries),
        }
    }

    /// Replaces each configuration `other` carries (UpdateJob).
    pub fn merge(&mut self, other: JobConfig) {
        let JobConfig {
            presigned_url_config,
            job_executions_rollout_config,
            abort_config,
            job_executions_retry_config,
        } = other;
        let keep = |old: &mut Option<Value>, new: Option<Value>| {
            if new.is_some() {
                *old = new;
            }
        };
        keep(&mut self.presigned_url_config, presigned_url_config);
        keep(
            &mut self.job_executions_rollout_config,
            job_executions_rollout_config,
        );
        keep(&mut self.abort_config, abort_config);
        keep(
            &mut self.job_executions_retry_config,
            job_executions_retry_config,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn configs_follow_the_model_ranges() {
        let ok = JobConfig {
            job_executions_rollout_config: Some(json!({"exponentialRate": {
                "baseRatePerMinute": 2, "incrementFactor": 2.0,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 2}}})),
            abort_config: Some(json!({"criteriaList": [{"failureType": "FAILED",
                "action": "CANCEL", "thresholdPercentage": 50, "minNumberOfExecutedThings": 2}]})),
            job_executions_retry_config: Some(json!({"criteriaList": [
                {"failureType": "ALL", "numberOfRetries": 1},
                {"failureType": "TIMED_OUT", "numberOfRetries": 3}]})),
            ..Default::default()
        };
        ok.validate().unwrap();
        assert!(ok.may_retry(ExecutionStatus::TimedOut, [5, 2]));
        assert!(!ok.may_retry(ExecutionStatus::TimedOut, [0, 3]));
        assert!(ok.may_retry(ExecutionStatus::Failed, [0, 0]));
        assert!(
            !ok.may_retry(ExecutionStatus::Failed, [0, 1]),
            "ALL counts both kinds"
        );
        assert!(!ok.may_retry(ExecutionStatus::Rejected, [0, 0]));
        for bad in [
            json!({"maximumPerMinute": 0}),
            json!({"exponentialRate": {"baseRatePerMinute": 1, "incrementFactor": 9,
                "rateIncreaseCriteria": {"numberOfNotifiedThings": 1}}}),
            json!({"exponentialRate": {"baseRatePerMinute": 1, "incrementFactor": 2,
                "rateIncreaseCriteria": {}}}),
        ] {
            let c = JobConfig {
                job_executions_rollout_config: Some(bad.clone()),
                ..Default::default()
            };
            assert!(c.validate().is_err(), "{bad}");
        }
        let retry_rejected = JobConfig {
            job_executions_retry_config: Some(
                json!({"criteriaList": [{"failureType": "REJECTED", "numberOfRetries": 1}]}),
            ),
            ..Default::default()
        };
        assert!(retry_rejected.validate().is_err());
    }
}
