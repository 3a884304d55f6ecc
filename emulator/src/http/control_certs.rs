//! Control-plane operations on certificates: CreateKeysAndCertificate
//! (`POST /keys-and-certificate?setAsActive=`), DescribeCertificate / UpdateCertificate
//! (`GET|PUT /certificates/{certificateId}`, `newStatus` in the query), DeleteCertificate and
//! ListCertificates. Keys are ECDSA P-256, certificates signed by the emulator CA; the
//! answer has the members (and PEM encodings) of the service's.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::ApiError;
use super::request::{page_answer, page_bounds, path, Params, RawPath, RawQuery, Svc};
use crate::service::identity::{CertStatus, Certificate};

fn check_id(raw: RawPath<String>) -> Result<String, ApiError> {
    let id = path(raw)?;
    if id.len() != 64 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(ApiError::invalid(format!("invalid certificateId {id:?}")));
    }
    Ok(id)
}

/// CreateKeysAndCertificate.
pub async fn create_keys_and_certificate(
    State(service): Svc,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let active = Params::parse(query)?
        .boolean("setAsActive")?
        .unwrap_or(false);
    let issued = service
        .ca()
        .and_then(|ca| ca.issue_device())
        .map_err(|e| ApiError::new(super::error::ErrorKind::InternalFailure, e.to_string()))?;
    let cert = service.register_certificate(&issued.der, &issued.certificate_pem, active);
    Ok(Json(json!({
        "certificateArn": cert.certificate_arn,
        "certificateId": cert.certificate_id,
        "certificatePem": cert.certificate_pem,
        "keyPair": {
            "PublicKey": issued.public_key_pem,
            "PrivateKey": issued.private_key_pem,
        },
    })))
}

fn description(c: &Certificate, owner: &str) -> Value {
    json!({
        "certificateArn": c.certificate_arn,
        "certificateId": c.certificate_id,
        "status": c.status.as_str(),
        "certificatePem": c.certificate_pem,
        "ownedBy": owner,
        "creationDate": c.created_at,
        "lastModifiedDate": c.last_modified_at,
        "customerVersion": 1,
        "certificateMode": "DEFAULT",
    })
}

/// DescribeCertificate.
pub async fn describe_certificate(
    State(service): Svc,
    id: RawPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id = check_id(id)?;
    let cert = service.describe_certificate(&id)?;
    Ok(Json(
        json!({ "certificateDescription": description(&cert, service.account_id()) }),
    ))
}

/// UpdateCertificate.
pub async fn update_certificate(
    State(service): Svc,
    id: RawPath<String>,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let id = check_id(id)?;
    let params = Params::parse(query)?;
    let text = params
        .string("newStatus")
        .ok_or_else(|| ApiError::invalid("newStatus is required"))?;
    let status = CertStatus::parse(text)
        .ok_or_else(|| ApiError::invalid(format!("unsupported newStatus {text}")))?;
    service.update_certificate(&id, status)?;
    Ok(Json(json!({})))
}

/// DeleteCertificate.
pub async fn delete_certificate(
    State(service): Svc,
    id: RawPath<String>,
) -> Result<Json<Value>, ApiError> {
    let id = check_id(id)?;
    service.delete_certificate(&id)?;
    Ok(Json(json!({})))
}

/// ListCertificates.
pub async fn list_certificates(
    State(service): Svc,
    query: RawQuery,
) -> Result<Json<Value>, ApiError> {
    let bounds = page_bounds(&Params::parse(query)?)?;
    Ok(Json(page_answer(
        service.list_certificates(),
        bounds,
        "certificates",
        |c| {
            json!({
                "certificateArn": c.certificate_arn,
                "certificateId": c.certificate_id,
                "status": c.status.as_str(),
                "creationDate": c.created_at,
                "certificateMode": "DEFAULT",
            })
        },
    )))
}
