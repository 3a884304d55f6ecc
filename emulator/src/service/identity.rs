//! The identity half of the registry: X.509 certificates (ID = SHA-256 of the DER, hex, as
//! the service computes it; status ACTIVE / INACTIVE / REVOKED) and their attachments to
//! things (AttachThingPrincipal). The MQTT side asks [`JobsService::connection_allowed`]
//! whether a certificate may connect as a client ID. Thing groups live in the same
//! [`Registry`] (see [`super::groups`]). Every change is persisted as a [`Record`].

use super::error::{ErrorCode, ServiceError, ServiceResult};
use super::model::Record;
use super::JobsService;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Status of a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CertStatus {
    Active,
    Inactive,
    Revoked,
}

impl CertStatus {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CertStatus::Active => "ACTIVE",
            CertStatus::Inactive => "INACTIVE",
            CertStatus::Revoked => "REVOKED",
        }
    }

    /// Parses the AWS spelling (only the three statuses the emulator has).
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Active, Self::Inactive, Self::Revoked]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// A registered device certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    pub certificate_id: String,
    pub certificate_arn: String,
    pub status: CertStatus,
    pub certificate_pem: String,
    pub created_at: i64,
    pub last_modified_at: i64,
}

/// A thing group and its members.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ThingGroup {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub created_at: i64,
    #[serde(default)]
    pub description: Option<String>,
    /// Members; each is stored as its own record, so a membership change writes one row.
    #[serde(skip)]
    pub things: BTreeSet<String>,
}

/// Certificates, attachments and groups.
#[derive(Debug, Default)]
pub struct Registry {
    pub certs: BTreeMap<String, Certificate>,
    /// `(thing, certificate id)` pairs.
    pub attachments: BTreeSet<(String, String)>,
    pub groups: BTreeMap<String, ThingGroup>,
}

const CERT: &str = "certificate";
const ATTACHMENT: &str = "attachment";
pub(crate) const GROUP: &str = "thing-group";
const MEMBER: &str = "thing-group-member";

impl Registry {
    /// Takes one stored record back.
    pub fn load(&mut self, r: Record) {
        match r.kind.as_str() {
            CERT => {
                if let Ok(c) = serde_json::from_value::<Certificate>(r.body) {
                    self.certs.insert(c.certificate_id.clone(), c);
                }
            }
            ATTACHMENT => {
                if let Some((thing, cert)) = r.key.split_once('\n') {
                    self.attachments.insert((thing.into(), cert.into()));
                }
            }
            GROUP => {
                if let Ok(g) = serde_json::from_value::<ThingGroup>(r.body) {
                    let members = self
                        .groups
                        .remove(&g.name)
                        .map(|old| old.things)
                        .unwrap_or_default();
                    self.groups.insert(
                        g.name.clone(),
                        ThingGroup {
                            things: members,
                            ..g
                        },
                    );
                }
            }
            MEMBER => {
                if let Some((group, thing)) = r.key.split_once('\n') {
                    if let Some(g) = self.groups.get_mut(group) {
                        g.things.insert(thing.to_string());
                    }
                }
            }
            other => tracing::warn!(kind = other, "unknown stored record ignored"),
        }
    }

    /// Everything as records.
    pub fn records(&self) -> Vec<Record> {
        let mut out: Vec<Record> = self.certs.values().map(cert_record).collect();
        out.extend(
            self.attachments
                .iter()
                .map(|(t, c)| attachment_record(t, c)),
        );
        out.extend(self.groups.values().map(group_record));
        for g in self.groups.values() {
            out.extend(g.things.iter().map(|t| member_record(&g.name, t)));
        }
        out
    }

    /// The certificates attached to a thing.
    pub fn principals_of(&self, thing: &str) -> Vec<String> {
        self.attachments
            .range((thing.to_string(), String::new())..)
            .take_while(|(t, _)| t == thing)
            .map(|(_, c)| c.clone())
            .collect()
    }
}

fn cert_record(c: &Certificate) -> Record {
    Record {
        kind: CERT.into(),
        key: c.certificate_id.clone(),
        body: serde_json::to_value(c).unwrap_or(Value::Null),
    }
}

fn attachment_record(thing: &str, cert: &str) -> Record {
    Record {
        kind: ATTACHMENT.into(),
        key: format!("{thing}\n{cert}"),
        body: Value::Null,
    }
}

/// The record of one group membership.
pub(crate) fn member_record(group: &str, thing: &str) -> Record {
    Record {
        kind: MEMBER.into(),
        key: format!("{group}\n{thing}"),
        body: Value::Null,
    }
}

/// The key of a membership record.
pub(crate) fn member_key(group: &str, thing: &str) -> (&'static str, String) {
    (MEMBER, format!("{group}\n{thing}"))
}

pub(crate) fn group_record(g: &ThingGroup) -> Record {
    Record {
        kind: GROUP.into(),
        key: g.name.clone(),
        body: serde_json::to_value(g).unwrap_or(Value::Null),
    }
}

/// The certificate ID the service gives a certificate: SHA-256 of its DER, in hex.
pub fn certificate_id(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable UUID-shaped ID derived from `seed` (thing and group IDs).
pub fn stable_id(seed: &str) -> String {
    let d = ring::digest::digest(&ring::digest::SHA256, seed.as_bytes());
    let h: String = d.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn cert_not_found(id: &str) -> ServiceError {
    ServiceError::not_found(format!("Certificate {id} does not exist"))
}

impl JobsService {
    /// The ARN of a certificate.
    pub fn certificate_arn(&self, id: &str) -> String {
        format!("arn:aws:iot:{}:{}:cert/{id}", self.region, self.account_id)
    }

    /// The certificate ID an ARN (or a bare ID) names.
    pub fn certificate_id_of(&self, principal: &str) -> ServiceResult<String> {
        let id = principal
            .strip_prefix("arn:")
            .map(|rest| rest.rsplit_once(":cert/").map(|(_, id)| id))
            .unwrap_or(Some(principal))
            .filter(|id| id.len() == 64 && id.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| ServiceError::invalid(format!("Invalid principal {principal}")))?;
        Ok(id.to_string())
    }

    /// Registers a certificate issued by the emulator CA (CreateKeysAndCertificate).
    pub fn register_certificate(&self, der: &[u8], pem: &str, active: bool) -> Certificate {
        let mut tx = self.begin();
        let id = certificate_id(der);
        let now = tx.now_secs();
        let cert = Certificate {
            certificate_arn: self.certificate_arn(&id),
            certificate_id: id.clone(),
            status: if active {
                CertStatus::Active
            } else {
                CertStatus::Inactive
            },
            certificate_pem: pem.to_string(),
            created_at: now,
            last_modified_at: now,
        };
        tx.put_record(cert_record(&cert));
        tx.st.registry.certs.insert(id, cert.clone());
        cert
    }

    /// DescribeCertificate.
    pub fn describe_certificate(&self, id: &str) -> ServiceResult<Certificate> {
        let st = self.state.lock();
        st.registry
            .certs
            .get(id)
            .cloned()
            .ok_or_else(|| cert_not_found(id))
    }

    /// ListCertificates, by ID.
    pub fn list_certificates(&self) -> Vec<Certificate> {
        self.state.lock().registry.certs.values().cloned().collect()
    }

    /// UpdateCertificate. A REVOKED certificate stays revoked (CertificateState).
    pub fn update_certificate(&self, id: &str, status: CertStatus) -> ServiceResult<()> {
        let mut tx = self.begin();
        let now = tx.now_secs();
        let cert = tx
            .st
            .registry
            .certs
            .get_mut(id)
            .ok_or_else(|| cert_not_found(id))?;
        if cert.status == CertStatus::Revoked && status != CertStatus::Revoked {
            return Err(ServiceError::new(
                ErrorCode::CertificateState,
                format!("Certificate {id} is REVOKED"),
            ));
        }
        cert.status = status;
        cert.last_modified_at = now;
        let record = cert_record(cert);
        tx.put_record(record);
        Ok(())
    }

    /// DeleteCertificate: only an INACTIVE or REVOKED one with no things attached.
    pub fn delete_certificate(&self, id: &str) -> ServiceResult<()> {
        let mut tx = self.begin();
        let cert = tx
            .st
            .registry
            .certs
            .get(id)
            .ok_or_else(|| cert_not_found(id))?;
        if cert.status == CertStatus::Active {
            return Err(ServiceError::new(
                ErrorCode::CertificateState,
                "An ACTIVE certificate cannot be deleted; deactivate it first",
            ));
        }
        if tx.st.registry.attachments.iter().any(|(_, c)| c == id) {
            return Err(ServiceError::new(
                ErrorCode::DeleteConflict,
                "The certificate is attached to a thing; detach it first",
            ));
        }
        tx.st.registry.certs.remove(id);
        tx.delete_record(CERT, id);
        Ok(())
    }

    /// AttachThingPrincipal (`principal` is a certificate ARN).
    pub fn attach_thing_principal(&self, thing: &str, principal: &str) -> ServiceResult<()> {
        let id = self.certificate_id_of(principal)?;
        let mut tx = self.begin();
        tx.require_registered(thing)?;
        if !tx.st.registry.certs.contains_key(&id) {
            return Err(cert_not_found(&id));
        }
        tx.put_record(attachment_record(thing, &id));
        tx.st.registry.attachments.insert((thing.to_string(), id));
        Ok(())
    }

    /// DetachThingPrincipal.
    pub fn detach_thing_principal(&self, thing: &str, principal: &str) -> ServiceResult<()> {
        let id = self.certificate_id_of(principal)?;
        let mut tx = self.begin();
        tx.require_registered(thing)?;
        if !tx
            .st
            .registry
            .attachments
            .remove(&(thing.to_string(), id.clone()))
        {
            return Err(ServiceError::not_found(format!(
                "Certificate {id} is not attached to {thing}"
            )));
        }
        tx.delete_record(ATTACHMENT, &format!("{thing}\n{id}"));
        Ok(())
    }

    /// ListThingPrincipals: certificate ARNs.
    pub fn list_thing_principals(&self, thing: &str) -> ServiceResult<Vec<String>> {
        let tx = self.begin();
        tx.require_registered(thing)?;
        let ids = tx.st.registry.principals_of(thing);
        Ok(ids.iter().map(|id| self.certificate_arn(id)).collect())
    }

    /// Whether a device presenting certificate `cert_id` may connect as `client_id`: the
    /// certificate is registered and ACTIVE, and the client ID names a thing it is
    /// attached to (as the usual policy's `iot:Connection.Thing.IsAttached`).
    pub fn connection_allowed(&self, cert_id: &str, client_id: &str) -> Result<(), String> {
        let st = self.state.lock();
        match st.registry.certs.get(cert_id).map(|c| c.status) {
            None => return Err(format!("certificate {cert_id} is not registered")),
            Some(CertStatus::Active) => {}
            Some(s) => return Err(format!("certificate {cert_id} is {}", s.as_str())),
        }
        let key = (client_id.to_string(), cert_id.to_string());
        if st.registry.attachments.contains(&key) {
            Ok(())
        } else {
            Err(format!(
                "client ID {client_id} is not a thing attached to certificate {cert_id}"
            ))
        }
    }

    /// Whether a certificate is registered and ACTIVE (checked right after a TLS handshake).
    pub fn certificate_active(&self, cert_id: &str) -> bool {
        let st = self.state.lock();
        st.registry
            .certs
            .get(cert_id)
            .is_some_and(|c| c.status == CertStatus::Active)
    }
}
