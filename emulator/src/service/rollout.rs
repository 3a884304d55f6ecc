//! What happens to a job between its creation and its end, on the scaled clock
//! (`--minute-ms`): the rollout releases things at `maximumPerMinute` or at an exponential
//! rate (a batch at creation, then one per scaled minute, from the timer queue); the abort
//! criteria cancel the job once enough executions have ended and the failure share reaches
//! the threshold; the retry criteria give an execution that ended FAILED or TIMED_OUT a new
//! execution number, QUEUED again; and a SNAPSHOT job becomes COMPLETED when nothing is
//! pending or left to release (a CONTINUOUS job stays IN_PROGRESS, waiting for new group
//! members).

use super::index::TimerKey;
use super::jobconfig::Rollout;
use super::model::{
    CancelInfo, Execution, ExecutionStatus, JobStatus, RolloutState, StatusDetails, TargetSelection,
};
use super::tx::Tx;

/// A rollout's state before anything is released.
pub fn initial_state(r: Rollout) -> RolloutState {
    match r {
        Rollout::PerMinute(n) => RolloutState {
            rate: n as f64,
            ..Default::default()
        },
        Rollout::Exponential {
            base,
            notified,
            succeeded,
            ..
        } => RolloutState {
            rate: base as f64,
            next_notified: notified,
            next_succeeded: succeeded,
            ..Default::default()
        },
    }
}

impl Tx<'_> {
    /// Queues a new execution of `job_id` on `thing` (nothing if it already has one).
    pub(crate) fn queue_execution(&mut self, job_id: &str, thing: String) {
        if self.exec(&thing, job_id).is_some() {
            return;
        }
        let seq = self.st.next_seq;
        self.st.next_seq += 1;
        let now = self.now_secs();
        self.put_exec(Execution {
            job_id: job_id.to_string(),
            thing_name: thing,
            status: ExecutionStatus::Queued,
            status_details: StatusDetails::new(),
            version_number: 1,
            execution_number: 1,
            queued_at: now,
            started_at: None,
            last_updated_at: now,
            queue_seq: seq,
            step_deadline_ms: None,
            in_progress_deadline_ms: None,
            force_canceled: false,
            retries: [0, 0],
        });
    }

    /// Releases the next batch of a rate-limited job and schedules the one after.
    pub(crate) fn rollout_step(&mut self, job_id: &str) {
        let Some(mut job) = self.st.jobs.get(job_id).cloned() else {
            return;
        };
        let Some(mut state) = job.rollout.take() else {
            return;
        };
        if job.status != JobStatus::InProgress {
            return;
        }
        if let Ok(Some(Rollout::Exponential {
            factor,
            notified,
            succeeded,
            ..
        })) = job.config.rollout()
        {
            // At most one increase per step: once `step` more things were notified (or
            // succeeded) since the last increase, the rate is multiplied by the factor.
            let done = self
                .st
                .counts_of_job(job_id)
                .get(ExecutionStatus::Succeeded) as u64;
            let (have, next, step) = match (notified, succeeded) {
                (Some(step), _) => (state.released, &mut state.next_notified, step),
                (None, Some(step)) => (done, &mut state.next_succeeded, step),
                (None, None) => (0, &mut state.next_notified, 0),
            };
            if next.is_some_and(|n| step > 0 && have >= n) {
                state.rate = (state.rate * factor).ceil();
                *next = Some(have + step);
            }
        }
        let batch = (state.rate.max(1.0) as usize).min(state.pending.len());
        let released: Vec<String> = state.pending.drain(..batch).collect();
        state.released += released.len() as u64;
        state.next_tick_ms = (!state.pending.is_empty()).then(|| self.now_ms + self.svc.minute_ms);
        if let Some(t) = state.next_tick_ms {
            self.st
                .idx
                .timers
                .insert((t, TimerKey::Rollout(job_id.to_string())));
        }
        job.rollout = Some(state);
        self.put_job(job);
        for thing in released {
            self.queue_execution(job_id, thing);
        }
        self.after_change(job_id);
    }

    /// Stops a job's rollout: its unreleased things will get nothing.
    pub(crate) fn stop_rollout(&mut self, job_id: &str) {
        let Some(job) = self.st.jobs.get_mut(job_id) else {
            return;
        };
        if let Some(state) = job.rollout.as_mut() {
            state.pending.clear();
            if let Some(t) = state.next_tick_ms.take() {
                self.st
                    .idx
                    .timers
                    .remove(&(t, TimerKey::Rollout(job_id.to_string())));
            }
        }
    }

    /// After an execution of `job_id` changed: completion, then the abort criteria.
    pub(crate) fn after_change(&mut self, job_id: &str) {
        let Some(job) = self.st.jobs.get(job_id) else {
            return;
        };
        if job.status != JobStatus::InProgress {
            return;
        }
        let counts = self.st.counts_of_job(job_id);
        let unreleased = job.rollout.as_ref().is_some_and(|r| !r.pending.is_empty());
        if job.target_selection == TargetSelection::Snapshot && counts.pending() == 0 && !unreleased
        {
            let mut job = job.clone();
            job.status = JobStatus::Completed;
            job.completed_at = Some(self.now_secs());
            job.last_updated_at = self.now_secs();
            self.put_job(job);
            return;
        }
        use ExecutionStatus::*;
        let executed = [Succeeded, Failed, Rejected, TimedOut]
            .iter()
            .map(|s| counts.get(*s))
            .sum::<usize>() as u64;
        let Ok(criteria) = job.config.abort() else {
            return;
        };
        let hit = criteria.into_iter().find(|c| {
            let failures = [Failed, Rejected, TimedOut]
                .iter()
                .filter(|s| c.failure.counts(**s))
                .map(|s| counts.get(*s))
                .sum::<usize>() as f64;
            executed >= c.min_executed
                && executed > 0
                && failures * 100.0 >= c.threshold_percent * executed as f64
        });
        if let Some(c) = hit {
            let comment = format!(
                "Canceled by abortConfig: {:?} failures reached {}% of {executed} executed things",
                c.failure, c.threshold_percent
            );
            tracing::info!(job = job_id, "{comment}");
            let info = CancelInfo {
                force: false,
                reason_code: None,
                comment: Some(comment),
            };
            self.cancel_job_in(job_id, info);
        }
    }

    /// Cancels a job inside this operation: QUEUED executions (IN_PROGRESS ones too with
    /// force) become CANCELED and unreleased things get nothing.
    pub(crate) fn cancel_job_in(&mut self, job_id: &str, info: CancelInfo) {
        let Some(mut job) = self.st.jobs.get(job_id).cloned() else {
            return;
        };
        let force = info.force;
        job.status = JobStatus::Canceled;
        job.last_updated_at = self.now_secs();
        job.cancel = Some(info);
        self.put_job(job);
        self.stop_rollout(job_id);
        let execs: Vec<Execution> = self
            .st
            .executions_of_job(job_id)
            .into_iter()
            .filter(|e| e.is_pending())
            .cloned()
            .collect();
        for mut e in execs {
            if e.status == ExecutionStatus::Queued || force {
                e.force_canceled = e.status == ExecutionStatus::InProgress;
                self.finish_by_service(&mut e, ExecutionStatus::Canceled);
                self.put_exec(e);
            }
        }
    }

    /// Stores an execution that just ended FAILED or TIMED_OUT and, when the job's retry
    /// criteria allow another attempt, queues it again under the next execution number.
    pub(crate) fn put_with_retry(&mut self, e: Execution) {
        let retry = self
            .st
            .jobs
            .get(&e.job_id)
            .filter(|j| j.status == JobStatus::InProgress)
            .is_some_and(|j| j.config.may_retry(e.status, e.retries));
        if !retry {
            self.put_exec(e);
            return;
        }
        let slot = usize::from(e.status == ExecutionStatus::TimedOut);
        // The failed attempt is replaced at once (it never counts toward abort criteria).
        let mut next = e;
        next.retries[slot] += 1;
        let now = self.now_secs();
        next.status = ExecutionStatus::Queued;
        next.execution_number += 1;
        next.version_number = 1;
        next.status_details = StatusDetails::new();
        next.queued_at = now;
        next.started_at = None;
        next.last_updated_at = now;
        next.step_deadline_ms = None;
        next.in_progress_deadline_ms = None;
        next.queue_seq = self.st.next_seq;
        self.st.next_seq += 1;
        tracing::info!(job = %next.job_id, thing = %next.thing_name,
            execution = next.execution_number, "execution retried");
        self.put_exec(next);
    }
}
