//! The thing registry: CreateThing, DescribeThing, ListThings, UpdateThing (attributes, with
//! `merge` and `expectedVersion`) and DeleteThing, with the service's rules: creating an
//! existing thing with the same attributes succeeds and with different ones is
//! ResourceAlreadyExists; a thing with certificates attached cannot be deleted; deleting a
//! thing moves its pending executions to REMOVED and takes it out of its groups.

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::identity::member_key;
use super::model::{Execution, ExecutionStatus, Thing};
use super::tx::executions_of;
use super::validate;
use super::JobsService;
use std::collections::BTreeMap;

/// Thing attributes.
pub type Attributes = BTreeMap<String, String>;

fn version_conflict(expected: i64, current: i64) -> ServiceError {
    ServiceError::new(
        ErrorCode::VersionConflict,
        format!("Expected version {expected} but the thing is at version {current}"),
    )
}

impl JobsService {
    /// CreateThing: registers a thing; an identical existing one is returned as it is.
    pub fn create_thing(&self, name: &str, attributes: Attributes) -> ServiceResult<Thing> {
        validate::thing_name(name)?;
        let mut tx = self.begin();
        if let Some(t) = tx.st.things.get(name) {
            if t.attributes == attributes || attributes.is_empty() {
                return Ok(t.clone());
            }
            return Err(ServiceError::new(
                ErrorCode::ResourceAlreadyExists,
                format!("Thing {name} already exists with different attributes"),
            ));
        }
        let thing = Thing {
            thing_name: name.to_string(),
            thing_arn: self.thing_arn(name),
            attributes,
            created_at: tx.now_secs(),
            version: 1,
        };
        tx.put_thing(thing.clone());
        Ok(thing)
    }

    /// DescribeThing.
    pub fn describe_thing(&self, name: &str) -> ServiceResult<Thing> {
        let st = self.state.lock();
        st.things
            .get(name)
            .cloned()
            .ok_or_else(|| ServiceError::not_found(format!("Thing {name} does not exist")))
    }

    /// ListThings, by name.
    pub fn list_things(&self) -> Vec<Thing> {
        self.state.lock().things.values().cloned().collect()
    }

    /// UpdateThing: replaces the attributes, or merges them (`merge`; an empty value removes
    /// an attribute). `expected_version` must match the thing's version when given.
    pub fn update_thing(
        &self,
        name: &str,
        attributes: Attributes,
        merge: bool,
        expected_version: Option<i64>,
    ) -> ServiceResult<Thing> {
        let mut tx = self.begin();
        tx.require_registered(name)?;
        let mut thing = tx.st.things[name].clone();
        if let Some(v) = expected_version.filter(|v| *v != thing.version) {
            return Err(version_conflict(v, thing.version));
        }
        if merge {
            for (k, v) in attributes {
                if v.is_empty() {
                    thing.attributes.remove(&k);
                } else {
                    thing.attributes.insert(k, v);
                }
            }
        } else {
            thing.attributes = attributes
                .into_iter()
                .filter(|(_, v)| !v.is_empty())
                .collect();
        }
        thing.version += 1;
        tx.put_thing(thing.clone());
        Ok(thing)
    }

    /// DeleteThing: refused while certificates are attached; pending executions become
    /// REMOVED and the thing leaves its groups.
    pub fn delete_thing(&self, name: &str, expected_version: Option<i64>) -> ServiceResult<()> {
        let mut tx = self.begin();
        tx.require_registered(name)?;
        let version = tx.st.things[name].version;
        if let Some(v) = expected_version.filter(|v| *v != version) {
            return Err(version_conflict(v, version));
        }
        if !tx.st.registry.principals_of(name).is_empty() {
            return Err(ServiceError::invalid(format!(
                "Thing {name} has principals attached; detach them first"
            )));
        }
        let pending: Vec<Execution> = executions_of(&tx.st, name)
            .filter(|e| e.is_pending())
            .cloned()
            .collect();
        for mut e in pending {
            tx.finish_by_service(&mut e, ExecutionStatus::Removed);
            tx.put_exec(e);
        }
        let groups: Vec<String> = tx
            .st
            .registry
            .groups
            .values_mut()
            .filter_map(|g| g.things.remove(name).then(|| g.name.clone()))
            .collect();
        for g in groups {
            let (kind, key) = member_key(&g, name);
            tx.delete_record(kind, &key);
        }
        tx.remove_thing(name);
        Ok(())
    }
}
