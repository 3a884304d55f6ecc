//! Thing groups: CreateThingGroup, DescribeThingGroup, DeleteThingGroup, ListThingGroups,
//! AddThingToThingGroup, RemoveThingFromThingGroup and ListThingsInThingGroup. A group can be
//! a job target; for a CONTINUOUS job still IN_PROGRESS, a thing added to a target group
//! later gets an execution (and so its `notify` / `notify-next`, or a place in the rollout),
//! and a thing that leaves every target group has its pending execution REMOVED.

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::identity::{group_record, member_key, member_record, ThingGroup, GROUP};
use super::model::{ExecutionStatus, JobStatus, TargetSelection};
use super::tx::Tx;
use super::{validate, JobsService};

fn group_not_found(name: &str) -> ServiceError {
    ServiceError::not_found(format!("Thing group {name} does not exist"))
}

impl Tx<'_> {
    /// CONTINUOUS jobs still running that target `group`.
    fn continuous_jobs_of(&self, group: &str) -> Vec<String> {
        self.st
            .jobs
            .values()
            .filter(|j| {
                j.target_selection == TargetSelection::Continuous
                    && j.status == JobStatus::InProgress
                    && j.group_targets.iter().any(|g| g == group)
            })
            .map(|j| j.job_id.clone())
            .collect()
    }

    /// Gives `thing` the CONTINUOUS jobs of `group` it does not have yet.
    fn join_continuous_jobs(&mut self, group: &str, thing: &str) {
        for job_id in self.continuous_jobs_of(group) {
            let rolling = self
                .st
                .jobs
                .get_mut(&job_id)
                .and_then(|j| j.rollout.as_mut());
            match rolling {
                Some(r) if !r.pending.is_empty() => r.pending.push_back(thing.to_string()),
                _ => self.queue_execution(&job_id, thing.to_string()),
            }
        }
    }

    /// Removes `thing`'s pending executions of CONTINUOUS jobs no target group still covers.
    fn leave_continuous_jobs(&mut self, group: &str, thing: &str) {
        for job_id in self.continuous_jobs_of(group) {
            let still = self.st.jobs[&job_id].group_targets.iter().any(|g| {
                self.st
                    .registry
                    .groups
                    .get(g)
                    .is_some_and(|m| m.things.contains(thing))
            });
            let Some(mut e) = self.exec(thing, &job_id).cloned() else {
                continue;
            };
            if !still && e.is_pending() {
                self.finish_by_service(&mut e, ExecutionStatus::Removed);
                self.put_exec(e);
            }
        }
    }
}

impl JobsService {
    /// CreateThingGroup (an existing group with the same description is returned as it is).
    pub fn create_thing_group(
        &self,
        name: &str,
        description: Option<String>,
    ) -> ServiceResult<ThingGroup> {
        validate::thing_name(name)
            .map_err(|_| ServiceError::invalid(format!("Invalid thing group name: {name:?}")))?;
        let mut tx = self.begin();
        if let Some(g) = tx.st.registry.groups.get(name) {
            if g.description == description {
                return Ok(g.clone());
            }
            return Err(ServiceError::new(
                ErrorCode::ResourceAlreadyExists,
                format!("Thing group {name} already exists"),
            ));
        }
        let group = ThingGroup {
            name: name.to_string(),
            arn: self.thing_group_arn(name),
            id: super::identity::stable_id(&format!("group:{name}")),
            created_at: tx.now_secs(),
            description,
            things: Default::default(),
        };
        tx.put_record(group_record(&group));
        tx.st
            .registry
            .groups
            .insert(name.to_string(), group.clone());
        Ok(group)
    }

    /// DescribeThingGroup.
    pub fn describe_thing_group(&self, name: &str) -> ServiceResult<ThingGroup> {
        let st = self.state.lock();
        st.registry
            .groups
            .get(name)
            .cloned()
            .ok_or_else(|| group_not_found(name))
    }

    /// ListThingGroups, by name.
    pub fn list_thing_groups(&self) -> Vec<ThingGroup> {
        self.state
            .lock()
            .registry
            .groups
            .values()
            .cloned()
            .collect()
    }

    /// DeleteThingGroup (deleting a group that does not exist succeeds, as on the service).
    pub fn delete_thing_group(&self, name: &str) -> ServiceResult<()> {
        let mut tx = self.begin();
        if let Some(g) = tx.st.registry.groups.remove(name) {
            for thing in &g.things {
                let (kind, key) = member_key(name, thing);
                tx.delete_record(kind, &key);
            }
            tx.delete_record(GROUP, name);
        }
        Ok(())
    }

    /// AddThingToThingGroup.
    pub fn add_thing_to_group(&self, group: &str, thing: &str) -> ServiceResult<()> {
        self.change_membership(group, thing, true)
    }

    /// RemoveThingFromThingGroup.
    pub fn remove_thing_from_group(&self, group: &str, thing: &str) -> ServiceResult<()> {
        self.change_membership(group, thing, false)
    }

    fn change_membership(&self, group: &str, thing: &str, add: bool) -> ServiceResult<()> {
        let mut tx = self.begin();
        tx.require_registered(thing)?;
        let g = tx
            .st
            .registry
            .groups
            .get_mut(group)
            .ok_or_else(|| group_not_found(group))?;
        let changed = if add {
            g.things.insert(thing.to_string())
        } else {
            g.things.remove(thing)
        };
        if !changed {
            return Ok(());
        }
        if add {
            tx.put_record(member_record(group, thing));
        } else {
            let (kind, key) = member_key(group, thing);
            tx.delete_record(kind, &key);
        }
        if add {
            tx.join_continuous_jobs(group, thing);
        } else {
            tx.leave_continuous_jobs(group, thing);
        }
        Ok(())
    }

    /// ListThingsInThingGroup, by name.
    pub fn list_things_in_group(&self, group: &str) -> ServiceResult<Vec<String>> {
        let st = self.state.lock();
        let g = st
            .registry
            .groups
            .get(group)
            .ok_or_else(|| group_not_found(group))?;
        Ok(g.things.iter().cloned().collect())
    }
}
