//! How the requester's identity was established (GDPR art. 12(6)): an ID-porten login records
//! itself at intake; staff record an ID document seen in person, a letter with a copy of an ID
//! document, or that the person is known from the case. A decision waits for one of these.
use chrono::{DateTime, Utc};
use entity::{identity_verification, request, values::VerificationMethod};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{intake::record_action, queries::load_visible};
use crate::{
    access::Act,
    auth::Principal,
    core::Core,
    crypto::PidVault as Vault,
    error::{ServiceError, ServiceResult},
};

/// The assurance level every citizen login has at least (the token verifier refuses lower).
pub const ID_PORTEN_LEVEL: &str = crate::auth::tokens::DEFAULT_CITIZEN_MIN_ACR;
/// The longest document number or note accepted.
const MAX_DOCUMENT_NUMBER: usize = 40;
const MAX_NOTE: usize = 1000;

/// ID documents staff can record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    Passport,
    NationalIdCard,
    /// UDI's residence card or immigration document.
    ResidenceCard,
    DrivingLicence,
    BankCard,
    Other,
}

impl DocumentType {
    pub const ALL: [DocumentType; 6] = [
        Self::Passport,
        Self::NationalIdCard,
        Self::ResidenceCard,
        Self::DrivingLicence,
        Self::BankCard,
        Self::Other,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::NationalIdCard => "national_id_card",
            Self::ResidenceCard => "residence_card",
            Self::DrivingLicence => "driving_licence",
            Self::BankCard => "bank_card",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// What staff record.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyIdentity {
    /// `id_document_in_person`, `letter_with_id_copy` or `known_from_case` (`id_porten` is
    /// recorded by the login itself).
    pub method: VerificationMethod,
    /// The document seen or copied; required for the two document methods.
    pub document_type: Option<DocumentType>,
    /// The document's number; required for a document seen in person. Stored encrypted and
    /// shown masked.
    #[schema(max_length = 40)]
    pub document_number: Option<String>,
    /// How the person is known from the case (required for `known_from_case`), or a remark.
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// How identity was verified, as the case page and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct VerificationView {
    pub method: VerificationMethod,
    /// The ID-porten assurance level (for `id_porten`).
    pub level: Option<String>,
    pub document_type: Option<DocumentType>,
    /// The document's number with all but its last two characters hidden.
    pub document_number_masked: Option<String>,
    pub note: Option<String>,
    /// Who verified: a staff username, or `id_porten` for a login.
    pub verified_by: String,
    pub verified_at: DateTime<Utc>,
}

/// A document number with all but its last two characters hidden (`******34`).
pub fn mask_document_number(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    let shown = chars.len().saturating_sub(2);
    chars
        .iter()
        .enumerate()
        .map(|(i, c)| if i < shown { '*' } else { *c })
        .collect()
}

/// The checked parts of a staff record: (document type, document number, note).
type Checked = (Option<DocumentType>, Option<String>, Option<String>);

/// Which fields each method needs. Pure, so the table test pins it.
pub fn check(input: &VerifyIdentity) -> ServiceResult<Checked> {
    let number = input
        .document_number
        .as_deref()
        .map(|n| n.split_whitespace().collect::<String>())
        .filter(|n| !n.is_empty());
    let note = input
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_string);
    if number.as_deref().is_some_and(|n| {
        n.chars().count() > MAX_DOCUMENT_NUMBER
            || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    }) {
        return Err(ServiceError::invalid(
            "document_number",
            "a document number holds at most 40 letters, digits and hyphens",
        ));
    }
    if note
        .as_deref()
        .is_some_and(|n| n.chars().count() > MAX_NOTE)
    {
        return Err(ServiceError::invalid(
            "note",
            "the note is longer than 1000 characters",
        ));
    }
    match input.method {
        VerificationMethod::IdPorten => Err(ServiceError::invalid(
            "method",
            "an ID-porten login is recorded by the login itself",
        )),
        VerificationMethod::IdDocumentInPerson | VerificationMethod::LetterWithIdCopy
            if input.document_type.is_none() =>
        {
            Err(ServiceError::invalid(
                "document_type",
                "say which ID document was seen",
            ))
        }
        VerificationMethod::IdDocumentInPerson if number.is_none() => Err(ServiceError::invalid(
            "document_number",
            "give the number of the ID document seen",
        )),
        VerificationMethod::KnownFromCase if note.is_none() => Err(ServiceError::invalid(
            "note",
            "say how the person is known from the case",
        )),
        VerificationMethod::KnownFromCase => Ok((None, None, note)),
        _ => Ok((input.document_type, number, note)),
    }
}

/// Records how staff verified the requester's identity on an open request they may work.
pub async fn record(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: VerifyIdentity,
) -> ServiceResult<VerificationView> {
    let staff = crate::access::require_staff(principal, Act::WorkCase)?.clone();
    let (document_type, number, note) = check(&input)?;
    let sealed = number.as_deref().map(|n| app.vault.seal(n));
    let principal = principal.clone();
    let vault = app.vault.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                if req.status.is_terminal() {
                    return Err(ServiceError::Conflict(format!(
                        "the request is {} and can no longer be changed",
                        req.status
                    )));
                }
                let row = identity_verification::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(request_id),
                    method: Set(input.method),
                    level: Set(None),
                    document_type: Set(document_type.map(|d| d.as_str().to_string())),
                    document_number: Set(sealed),
                    note: Set(note),
                    verified_by: Set(Some(staff.id)),
                    actor: Set(staff.username.clone()),
                    verified_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                // The timeline names the method and document type, never the number.
                let details = serde_json::json!({
                    "method": input.method,
                    "document_type": document_type,
                });
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    "identity_verified",
                    None,
                    None,
                    details,
                )
                .await?;
                view(&vault, &row)
            })
        })
        .await
}

fn view(vault: &Vault, row: &identity_verification::Model) -> ServiceResult<VerificationView> {
    let masked = row
        .document_number
        .as_deref()
        .map(|sealed| {
            vault
                .open(sealed)
                .map(|n| mask_document_number(&n))
                .map_err(|_| {
                    ServiceError::Storage("a document number could not be decrypted".into())
                })
        })
        .transpose()?;
    Ok(VerificationView {
        method: row.method,
        level: row.level.clone(),
        document_type: row.document_type.as_deref().and_then(DocumentType::parse),
        document_number_masked: masked,
        note: row.note.clone(),
        verified_by: row.actor.clone(),
        verified_at: row.verified_at,
    })
}

/// The latest verification of a request, if any (no visibility check: for callers that have
/// loaded the request already).
pub async fn latest(
    db: &impl ConnectionTrait,
    vault: &Vault,
    request_id: Uuid,
) -> ServiceResult<Option<VerificationView>> {
    identity_verification::Entity::find()
        .filter(identity_verification::Column::RequestId.eq(request_id))
        .order_by_desc(identity_verification::Column::VerifiedAt)
        .order_by_desc(identity_verification::Column::Id)
        .one(db)
        .await?
        .map(|row| view(vault, &row))
        .transpose()
}

/// How the identity of a request's requester was verified, for staff who may see the case.
pub async fn of_request(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Option<VerificationView>> {
    crate::access::require_staff(principal, Act::ReadCase)?;
    let req: request::Model = load_visible(&app.db, principal, request_id).await?;
    latest(&app.db, &app.vault, req.id).await
}

/// Refuses (409) a decision on a request whose requester's identity is not verified.
pub async fn require_verified(db: &impl ConnectionTrait, request_id: Uuid) -> ServiceResult<()> {
    let found = identity_verification::Entity::find()
        .filter(identity_verification::Column::RequestId.eq(request_id))
        .one(db)
        .await?;
    match found {
        Some(_) => Ok(()),
        None => Err(ServiceError::Conflict(
            "the requester's identity is not verified: record how it was verified (identity-verification), or ask the requester for proof of identity first".into(),
        )),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // tests may unwrap; the workspace warns on unwrap_used
mod tests {
    use super::*;

    fn input(
        method: VerificationMethod,
        document_type: Option<DocumentType>,
        number: Option<&str>,
        note: Option<&str>,
    ) -> VerifyIdentity {
        VerifyIdentity {
            method,
            document_type,
            document_number: number.map(str::to_string),
            note: note.map(str::to_string),
        }
    }

    /// Which fields each method needs; the field named when one is missing or wrong.
    #[test]
    fn each_method_needs_its_evidence() {
        use DocumentType as D;
        use VerificationMethod as M;
        let long = "1".repeat(41);
        for (case, want) in [
            (
                input(
                    M::IdDocumentInPerson,
                    Some(D::Passport),
                    Some("AB 123 456"),
                    None,
                ),
                Ok(()),
            ),
            (
                input(M::IdDocumentInPerson, Some(D::Passport), None, None),
                Err("document_number"),
            ),
            (
                input(M::IdDocumentInPerson, None, Some("AB1"), None),
                Err("document_type"),
            ),
            (
                input(
                    M::IdDocumentInPerson,
                    Some(D::Passport),
                    Some("AB<1>"),
                    None,
                ),
                Err("document_number"),
            ),
            (
                input(M::IdDocumentInPerson, Some(D::Passport), Some(&long), None),
                Err("document_number"),
            ),
            (
                input(M::LetterWithIdCopy, Some(D::ResidenceCard), None, None),
                Ok(()),
            ),
            (
                input(M::LetterWithIdCopy, None, None, None),
                Err("document_type"),
            ),
            (
                input(
                    M::KnownFromCase,
                    None,
                    None,
                    Some("Møtte til samtale 3.12."),
                ),
                Ok(()),
            ),
            (
                input(M::KnownFromCase, None, None, Some("   ")),
                Err("note"),
            ),
            (input(M::IdPorten, None, None, None), Err("method")),
        ] {
            let got = check(&case).map(|_| ()).map_err(|e| match e {
                ServiceError::Invalid { field, .. } => field,
                _ => "other",
            });
            assert_eq!(got, want, "{case:?}");
        }
        let (_, number, _) = check(&input(
            M::IdDocumentInPerson,
            Some(D::Passport),
            Some(" AB 123 456 "),
            None,
        ))
        .unwrap();
        assert_eq!(
            number.as_deref(),
            Some("AB123456"),
            "spaces are not part of the number"
        );
        let (kind, number, _) = check(&input(
            M::KnownFromCase,
            Some(D::Passport),
            Some("AB1"),
            Some("kjent"),
        ))
        .unwrap();
        assert_eq!(
            (kind, number),
            (None, None),
            "known from the case stores no document"
        );
    }

    #[test]
    fn document_numbers_are_masked_but_their_last_two_characters() {
        for (number, masked) in [
            ("AB123456", "******56"),
            ("12", "12"),
            ("1", "1"),
            ("", ""),
            ("ÆØ12345", "*****45"),
        ] {
            assert_eq!(mask_document_number(number), masked);
        }
    }
}
