//! Control-plane operations on thing groups, as the `iot` model spells them:
//! CreateThingGroup / DescribeThingGroup / DeleteThingGroup
//! (`POST|GET|DELETE /thing-groups/{thingGroupName}`), ListThingGroups
//! (`GET /thing-groups`), AddThingToThingGroup / RemoveThingFromThingGroup
//! (`PUT /thing-groups/addThingToThingGroup|removeThingFromThingGroup`, names or ARNs in the
//! body) and ListThingsInThingGroup (`GET /thing-groups/{thingGroupName}/things`).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::ApiError;
use super::request::{
    check_thing_name, page_answer, page_bounds, path, Body, Params, RawBody, RawPath, RawQuery, Svc,
};
use crate::service::identity::ThingGroup;

type GroupPath = RawPath<String>;

fn group_name(raw: GroupPath) -> Result<String, ApiError> {
    let name = path(raw)?;
    check_thing_name(&name)?;
    Ok(name)
}

fn reference(g: &ThingGroup) -> Value {
    json!({ "thingGroupName": g.name, "thingGroupArn": g.arn, "thingGroupId": g.id })
}

/// CreateThingGroup (`thingGroupProperties.thingGroupDescription` is kept).
pub async fn create_group(
    State(service): Svc,
    name: GroupPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let name = group_name(name)?;
    let body = Body::parse(body)?;
    if body.value("parentGroupName").is_some() {
        return Err(ApiError::invalid(
            "nested thing groups are not supported by the emulator",
        ));
    }
    let description = match body.object("thingGroupProperties")? {
        Some(p) => p.string("thingGroupDescription")?,
        None => None,
    };
    Ok(Json(reference(
        &service.create_thing_group(&name, description)?,
    )))
}

/// DescribeThingGroup.
pub async fn describe_group(State(service): Svc, name: GroupPath) -> Result<Json<Value>, ApiError> {
    let g = service.describe_thing_group(&group_name(name)?)?;
    let mut answer = reference(&g);
    answer["version"] = json!(1);
    answer["thingGroupMetadata"] = json!({ "creationDate": g.created_at });
    answer["thingGroupProperties"] = match &g.description {
        Some(d) => json!({ "thingGroupDescription": d }),
        None => json!({}),
    };
    Ok(Json(answer))
}

/// DeleteThingGroup.
pub async fn delete_group(State(service): Svc, name: GroupPath) -> Result<Json<Value>, ApiError> {
    service.delete_thing_group(&group_name(name)?)?;
    Ok(Json(json!({})))
}

/// ListThingGroups.
pub async fn list_groups(State(service): Svc, query: RawQuery) -> Result<Json<Value>, ApiError> {
    let bounds = page_bounds(&Params::parse(query)?)?;
    let groups = service.list_thing_groups();
    Ok(Json(page_answer(
        groups,
        bounds,
        "thingGroups",
        |g| json!({ "groupName": g.name, "groupArn": g.arn }),
    )))
}

/// A name given directly or as the last part of an ARN (`.../thing/NAME`).
fn name_or_arn(body: &Body, name_key: &str, arn_key: &str) -> Result<String, ApiError> {
    let name = match (body.string(name_key)?, body.string(arn_key)?) {
        (Some(n), _) => n,
        (None, Some(arn)) => arn.rsplit('/').next().unwrap_or_default().to_string(),
        (None, None) => {
            return Err(ApiError::invalid(format!(
                "{name_key} or {arn_key} is required"
            )))
        }
    };
    check_thing_name(&name)?;
    Ok(name)
}

/// AddThingToThingGroup (`add`) or RemoveThingFromThingGroup.
async fn membership(service: Svc, body: RawBody, add: bool) -> Result<Json<Value>, ApiError> {
    let State(service) = service;
    let body = Body::parse(body)?;
    let group = name_or_arn(&body, "thingGroupName", "thingGroupArn")?;
    let thing = name_or_arn(&body, "thingName", "thingArn")?;
    if add {
        service.add_thing_to_group(&group, &thing)?;
    } else {
        service.remove_thing_from_group(&group, &thing)?;
    }
    Ok(Json(json!({})))
}

/// AddThingToThingGroup.
pub async fn add_thing(s: Svc, body: RawBody) -> Result<Json<Value>, ApiError> {
    membership(s, body, true).await
}

/// RemoveThingFromThingGroup.
pub async fn remove_thing(s: Svc, body: RawBody) -> Result<Json<Value>, ApiError> {
    membership(s, body, false).await
}

/// ListThingsInThingGroup.
pub async fn list_things(
    State(service): Svc,
    name: GroupPath,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let name = group_name(name)?;
    let bounds = page_bounds(&Params::parse(query)?)?;
    let things = service.list_things_in_group(&name)?;
    Ok(Json(page_answer(things, bounds, "things", |t| json!(t))))
}
