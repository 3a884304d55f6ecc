//! Control-plane operations on the thing registry, as the `iot` model spells them:
//! CreateThing (`POST /things/{thingName}`), DescribeThing (`GET`), UpdateThing (`PATCH`),
//! DeleteThing (`DELETE`), ListThings (`GET /things`), and the principal attachments
//! AttachThingPrincipal / DetachThingPrincipal / ListThingPrincipals
//! (`PUT|DELETE|GET /things/{thingName}/principals`, the principal in `x-amzn-principal`).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::error::ApiError;
use super::request::{
    check_thing_name, page_answer, page_bounds, path, Body, Params, RawBody, RawPath, RawQuery, Svc,
};
use crate::service::identity::stable_id;
use crate::service::things::Attributes;
use crate::service::Thing;

type ThingPath = RawPath<String>;

/// The `thingId` of a thing: a stable UUID-shaped ID derived from its name.
pub fn thing_id(name: &str) -> String {
    stable_id(name)
}

fn valid_attr(text: &str, max: usize, extra: &str) -> bool {
    text.len() <= max
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.,@/:#-".contains(c) || extra.contains(c))
}

/// `attributePayload.{attributes, merge}` of CreateThing and UpdateThing.
fn attribute_payload(body: &Body) -> Result<(Attributes, bool), ApiError> {
    let Some(payload) = body.object("attributePayload")? else {
        return Ok((Attributes::new(), false));
    };
    let merge = payload.boolean("merge")?.unwrap_or(false);
    let attributes = payload.string_map("attributes")?.unwrap_or_default();
    for (k, v) in &attributes {
        if k.is_empty() || !valid_attr(k, 128, "") || !valid_attr(v, 800, "=[]") {
            return Err(ApiError::invalid(format!("invalid attribute {k:?}")));
        }
    }
    Ok((attributes, merge))
}

fn thing_name(raw: ThingPath) -> Result<String, ApiError> {
    let name = path(raw)?;
    check_thing_name(&name)?;
    Ok(name)
}

/// CreateThing.
pub async fn create_thing(
    State(service): Svc,
    name: ThingPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let name = thing_name(name)?;
    let (attributes, _) = attribute_payload(&Body::parse(body)?)?;
    let thing = service.create_thing(&name, attributes)?;
    Ok(Json(json!({
        "thingName": thing.thing_name,
        "thingArn": thing.thing_arn,
        "thingId": thing_id(&thing.thing_name),
    })))
}

fn describe_shape(t: &Thing) -> Value {
    json!({
        "defaultClientId": t.thing_name,
        "thingName": t.thing_name,
        "thingId": thing_id(&t.thing_name),
        "thingArn": t.thing_arn,
        "attributes": t.attributes,
        "version": t.version,
    })
}

/// DescribeThing.
pub async fn describe_thing(State(service): Svc, name: ThingPath) -> Result<Json<Value>, ApiError> {
    let name = thing_name(name)?;
    Ok(Json(describe_shape(&service.describe_thing(&name)?)))
}

/// UpdateThing.
pub async fn update_thing(
    State(service): Svc,
    name: ThingPath,
    body: RawBody,
) -> Result<Json<Value>, ApiError> {
    let name = thing_name(name)?;
    let body = Body::parse(body)?;
    let (attributes, merge) = attribute_payload(&body)?;
    let expected = body.integer("expectedVersion")?;
    service.update_thing(&name, attributes, merge, expected)?;
    Ok(Json(json!({})))
}

/// DeleteThing, with `expectedVersion` in the query.
pub async fn delete_thing(
    State(service): Svc,
    name: ThingPath,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let name = thing_name(name)?;
    let expected = Params::parse(query)?.integer("expectedVersion")?;
    service.delete_thing(&name, expected)?;
    Ok(Json(json!({})))
}

/// ListThings, optionally filtered by one attribute (`attributeName`/`attributeValue`).
pub async fn list_things(State(service): Svc, query: RawQuery) -> Result<Json<Value>, ApiError> {
    let params = Params::parse(query)?;
    let bounds = page_bounds(&params)?;
    let (name, value) = (
        params.string("attributeName"),
        params.string("attributeValue"),
    );
    let things: Vec<Thing> = service
        .list_things()
        .into_iter()
        .filter(|t| match (name, value) {
            (None, _) => true,
            (Some(n), None) => t.attributes.contains_key(n),
            (Some(n), Some(v)) => t.attributes.get(n).is_some_and(|a| a == v),
        })
        .collect();
    Ok(Json(page_answer(things, bounds, "things", |t| {
        json!({
            "thingName": t.thing_name,
            "thingArn": t.thing_arn,
            "attributes": t.attributes,
            "version": t.version,
        })
    })))
}

fn principal(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get("x-amzn-principal")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| ApiError::invalid("the x-amzn-principal header is required"))
}

/// AttachThingPrincipal (`attach`) or DetachThingPrincipal.
async fn principal_change(
    service: Svc,
    name: ThingPath,
    headers: HeaderMap,
    attach: bool,
) -> Result<Json<Value>, ApiError> {
    let State(service) = service;
    let name = thing_name(name)?;
    let principal = principal(&headers)?;
    if attach {
        service.attach_thing_principal(&name, &principal)?;
    } else {
        service.detach_thing_principal(&name, &principal)?;
    }
    Ok(Json(json!({})))
}

/// AttachThingPrincipal.
pub async fn attach_principal(s: Svc, n: ThingPath, h: HeaderMap) -> Result<Json<Value>, ApiError> {
    principal_change(s, n, h, true).await
}

/// DetachThingPrincipal.
pub async fn detach_principal(s: Svc, n: ThingPath, h: HeaderMap) -> Result<Json<Value>, ApiError> {
    principal_change(s, n, h, false).await
}

/// ListThingPrincipals.
pub async fn list_principals(
    State(service): Svc,
    name: ThingPath,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let name = thing_name(name)?;
    let bounds = page_bounds(&Params::parse(query)?)?;
    let arns = service.list_thing_principals(&name)?;
    Ok(Json(page_answer(arns, bounds, "principals", |a| json!(a))))
}
