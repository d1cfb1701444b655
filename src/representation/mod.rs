//! Representatives: someone acting for another person. A holder of parental responsibility is
//! checked against Folkeregisteret's family relations when they file; a guardian (verge), the
//! representative of an unaccompanied minor asylum seeker, or someone with a written power of
//! attorney (fullmakt) is registered by staff with the document and who verified it. A request
//! made through a representation is linked to it (`request_representation`): the
//! representative sees it (as long as the representation holds) and the case shows both.
//!
//! This file holds a representation as staff register and see it; a representative's authority
//! and to whom letters go are in the files beside it.
mod addressee;
mod authority;
pub mod claim;
mod on_behalf;
pub mod rules;

pub use addressee::{Addressee, addressed_to, addressee, route_of};
pub(crate) use authority::link;
pub use authority::{Refusal, authority, held_by, represented_request_ids};
pub use on_behalf::OnBehalf;

use chrono::NaiveDate;
use entity::{representation, values::RepresentationBasis};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    audit::AuditRecord,
    auth::Principal,
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidPolicy},
    lifecycle::Role,
};

pub const MAX_EVIDENCE: usize = 500;

/// A representation registered by staff from a document.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRepresentation {
    /// `verge`, `asylum_representative` or `fullmakt` (parental responsibility is proven by
    /// Folkeregisteret and not registered by hand).
    pub basis: RepresentationBasis,
    /// The national identity number of the one who acts.
    #[schema(pattern = "^[0-9]{11}$")]
    pub representative_pid: String,
    /// The national identity number of the person acted for.
    #[schema(pattern = "^[0-9]{11}$")]
    pub represented_pid: String,
    /// The document that proves it, e.g. "Oppnevning fra Statsforvalteren i Oslo og Viken,
    /// 2026-10-02" or "Skriftlig fullmakt datert 2026-11-20".
    #[schema(min_length = 1, max_length = 500)]
    pub evidence: String,
    /// The last day the document gives, when it gives one.
    pub valid_until: Option<NaiveDate>,
    /// The representative's name as the document gives it: letters greet them by it.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub representative_name: Option<String>,
    /// The representative's postal address as the document gives it, one line each (street or
    /// postbox, then postcode and place): printed letters go there, never to the person.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub representative_address: Vec<String>,
}

pub const MAX_NAME: usize = 200;

/// A representation as staff and the two persons see it (numbers masked).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RepresentationView {
    pub id: Uuid,
    pub basis: RepresentationBasis,
    /// The representative's number, masked (birth date and the last two digits hidden).
    pub representative: String,
    /// The represented person's number, masked.
    pub represented: String,
    pub evidence: String,
    /// The representative's name: as the registered document gives it, or for a parent as
    /// Folkeregisteret gave it when they filed; none where neither gave one.
    pub representative_name: Option<String>,
    /// The staff member who checked the document; none where Folkeregisteret proved it.
    pub verified_by: Option<String>,
    pub verified_at: chrono::DateTime<chrono::Utc>,
    /// The first day it no longer holds.
    pub ends_on: Option<NaiveDate>,
    /// Whether it holds today.
    pub in_force: bool,
    /// How much the represented person's own view counts, when they are a child
    /// (barnelova § 31).
    pub child_say: Option<rules::ChildSay>,
}

fn policy(app: &Core) -> PidPolicy {
    PidPolicy {
        allow_synthetic: app.settings.allow_synthetic_pids,
    }
}

fn parse_pid(app: &Core, field: &'static str, raw: &str) -> ServiceResult<Pid> {
    Pid::parse(raw.trim(), policy(app)).map_err(|e| ServiceError::invalid(field, e.to_string()))
}

fn caseworker(principal: &Principal) -> ServiceResult<&crate::auth::Staff> {
    match principal.staff() {
        Some(s) if matches!(s.role, Role::Caseworker | Role::PrivacyOfficer) => Ok(s),
        _ => Err(ServiceError::Forbidden(
            "only caseworkers and privacy officers register representatives".into(),
        )),
    }
}

pub fn view(
    app: &Core,
    row: &representation::Model,
    verified_by: Option<String>,
) -> RepresentationView {
    let today = clock::today_oslo();
    let masked = |c: &str| {
        app.vault
            .decrypt(c)
            .map(|p| p.masked())
            .unwrap_or_else(|_| "***********".into())
    };
    let birth = app
        .vault
        .decrypt(&row.represented_ciphertext)
        .ok()
        .and_then(|p| p.birth_date());
    RepresentationView {
        id: row.id,
        basis: row.basis,
        representative: masked(&row.representative_ciphertext),
        represented: masked(&row.represented_ciphertext),
        evidence: row.evidence.clone(),
        representative_name: stored_name(app, row),
        verified_by,
        verified_at: row.verified_at,
        ends_on: row.ends_on,
        in_force: rules::may_act(row.basis, birth, row.ends_on, today).is_ok(),
        child_say: birth
            .map(|b| rules::age_on(b, today))
            .filter(|a| *a < rules::AGE_OF_MAJORITY)
            .map(rules::child_say),
    }
}

/// The representative's name as stored from the document, if any.
pub(crate) fn stored_name(app: &Core, row: &representation::Model) -> Option<String> {
    row.representative_name
        .as_deref()
        .and_then(|n| app.vault.open(n).ok())
}

/// Postal address lines as given (a representative's, or one staff type for a printed letter),
/// checked for `field`: at most 6 of at most 200 characters, and
/// none or at least two (street or postbox, then postcode and place).
pub(crate) fn address_lines(input: &[String], field: &'static str) -> ServiceResult<Vec<String>> {
    let lines: Vec<String> = input
        .iter()
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > 6 || lines.iter().any(|l| l.chars().count() > 200) {
        return Err(ServiceError::invalid(
            field,
            "an address has at most 6 lines of at most 200 characters",
        ));
    }
    if lines.len() == 1 {
        return Err(ServiceError::invalid(
            field,
            "give the street (or postbox) and the postcode with the place, one per line",
        ));
    }
    Ok(lines)
}

/// Staff register a guardian, an asylum seeker's representative or a power of attorney from
/// the document they checked.
pub async fn register(
    app: &Core,
    principal: &Principal,
    input: NewRepresentation,
) -> ServiceResult<RepresentationView> {
    let staff = caseworker(principal)?.clone();
    if !rules::needs_document(input.basis) {
        return Err(ServiceError::invalid(
            "basis",
            "parental responsibility is checked against Folkeregisteret when the parent files; it is not registered by hand",
        ));
    }
    let representative = parse_pid(app, "representative_pid", &input.representative_pid)?;
    let represented = parse_pid(app, "represented_pid", &input.represented_pid)?;
    if representative == represented {
        return Err(ServiceError::invalid(
            "represented_pid",
            "a person does not represent themselves",
        ));
    }
    let evidence = input.evidence.trim().to_string();
    if evidence.is_empty() {
        return Err(ServiceError::invalid(
            "evidence",
            "name the document that proves the representation",
        ));
    }
    if evidence.chars().count() > MAX_EVIDENCE {
        return Err(ServiceError::invalid(
            "evidence",
            format!("the description of the document is longer than {MAX_EVIDENCE} characters"),
        ));
    }
    let name = match input.representative_name.as_deref().map(str::trim) {
        Some(n) if n.chars().count() > MAX_NAME => {
            return Err(ServiceError::invalid(
                "representative_name",
                format!("a name has at most {MAX_NAME} characters"),
            ));
        }
        Some(n) if !n.is_empty() => Some(n.to_string()),
        _ => None,
    };
    let address = address_lines(&input.representative_address, "representative_address")?;
    let today = clock::today_oslo();
    let birth = represented.birth_date();
    let document_ends = input.valid_until.map(|d| d + chrono::Days::new(1));
    let ends_on = rules::ends_on(input.basis, birth, document_ends, today);
    if let Err(e) = rules::may_act(input.basis, birth, ends_on, today) {
        return Err(ServiceError::invalid(
            match e {
                rules::NotAllowed::Ended => "valid_until",
                _ => "represented_pid",
            },
            match e {
                rules::NotAllowed::NoLongerAMinor => {
                    "the person is 18 or older; only a verge or a power of attorney can act for an adult"
                }
                rules::NotAllowed::AgeUnknown => {
                    "the person's birth date cannot be read from the number"
                }
                rules::NotAllowed::Ended => "the document has already ended",
            },
        ));
    }
    let row = representation::Model {
        id: Uuid::now_v7(),
        basis: input.basis,
        representative_hash: app.vault.lookup_hash(&representative),
        representative_ciphertext: app.vault.encrypt(&representative),
        represented_hash: app.vault.lookup_hash(&represented),
        represented_ciphertext: app.vault.encrypt(&represented),
        evidence,
        verified_by: Some(staff.id),
        verified_at: chrono::Utc::now(),
        ends_on,
        created_at: chrono::Utc::now(),
        representative_name: name.as_deref().map(|n| app.vault.seal(n)),
        representative_address: (!address.is_empty()).then(|| {
            app.vault
                .seal(&serde_json::to_string(&address).unwrap_or_default())
        }),
    };
    let stored = row.clone();
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let mut row = stored;
                row.verified_at = tx.now;
                row.created_at = tx.now;
                let id = row.id;
                let basis = row.basis;
                sea_orm::ActiveModelTrait::insert(representation::ActiveModel::from(row), &tx.db)
                    .await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "representation.registered".into(),
                    request_id: None,
                    details: serde_json::json!({ "representation_id": id, "basis": basis }),
                })
                .await
            })
        })
        .await?;
    Ok(view(app, &row, Some(staff.username)))
}
