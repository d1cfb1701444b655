//! Representatives: someone acting for another person. A holder of parental responsibility is
//! checked against Folkeregisteret's family relations when they file; a guardian (verge), the
//! representative of an unaccompanied minor asylum seeker, or someone with a written power of
//! attorney (fullmakt) is registered by staff with the document and who verified it. A request
//! made through a representation is linked to it (`request_representation`): the
//! representative sees it (as long as the representation holds) and the case shows both.
pub mod claim;
pub mod rules;

use chrono::NaiveDate;
use entity::{representation, request_representation, values::RepresentationBasis};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
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
    sources::relations::{self, RelationRole},
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

/// What a request filed on someone's behalf is linked to: an existing representation, or a new
/// one proven by Folkeregisteret (written with the request).
#[derive(Clone)]
pub struct OnBehalf {
    pub representation_id: Uuid,
    pub basis: RepresentationBasis,
    pub new_row: Option<representation::Model>,
}

/// Checks that `representative` may act for `represented` on `basis` today: parental
/// responsibility against Folkeregisteret's family relations, the others against a
/// representation staff registered. Refuses with the reason otherwise.
pub async fn authority(
    app: &Core,
    representative: &Pid,
    represented: &Pid,
    basis: RepresentationBasis,
) -> ServiceResult<OnBehalf> {
    let today = clock::today_oslo();
    let rep_hash = app.vault.lookup_hash(representative);
    let subject_hash = app.vault.lookup_hash(represented);
    if representative == represented {
        return Err(ServiceError::invalid(
            "represented_pid",
            "a request for oneself is filed without a representative",
        ));
    }
    if basis == RepresentationBasis::ParentalResponsibility {
        let relation = relations::of(app, representative)
            .await?
            .into_iter()
            .find(|r| {
                r.role == RelationRole::Child
                    && r.parental_responsibility
                    && r.pid == represented.as_str()
            })
            .ok_or_else(|| Refusal::NoParentalResponsibility.error())?;
        let birth = relation.birth_date.or(represented.birth_date());
        let ends_on = rules::ends_on(basis, birth, None, today);
        rules::may_act(basis, birth, ends_on, today).map_err(refusal)?;
        // One row per parent and child, reused for later requests.
        let existing = representation::Entity::find()
            .filter(representation::Column::RepresentativeHash.eq(&rep_hash))
            .filter(representation::Column::RepresentedHash.eq(&subject_hash))
            .filter(representation::Column::Basis.eq(basis))
            .one(&app.db)
            .await?;
        return Ok(match existing {
            Some(row) => OnBehalf {
                representation_id: row.id,
                basis,
                new_row: None,
            },
            None => {
                // The parent's name as the register gives it, for letters and the case page.
                let name = parent_name(app, representative, represented).await;
                let now = chrono::Utc::now();
                let row = representation::Model {
                    id: Uuid::now_v7(),
                    basis,
                    representative_hash: rep_hash,
                    representative_ciphertext: app.vault.encrypt(representative),
                    represented_hash: subject_hash,
                    represented_ciphertext: app.vault.encrypt(represented),
                    evidence: "Folkeregisteret".into(),
                    verified_by: None,
                    verified_at: now,
                    ends_on,
                    created_at: now,
                    representative_name: (!name.is_empty()).then(|| app.vault.seal(&name)),
                    representative_address: None,
                };
                OnBehalf {
                    representation_id: row.id,
                    basis,
                    new_row: Some(row),
                }
            }
        });
    }
    let rows = representation::Entity::find()
        .filter(representation::Column::RepresentativeHash.eq(&rep_hash))
        .filter(representation::Column::RepresentedHash.eq(&subject_hash))
        .filter(representation::Column::Basis.eq(basis))
        .all(&app.db)
        .await?;
    let birth = represented.birth_date();
    let row = rows
        .iter()
        .find(|r| rules::may_act(r.basis, birth, r.ends_on, today).is_ok())
        .ok_or_else(|| match rows.is_empty() {
            true => Refusal::NoneRegistered.error(),
            false => Refusal::Ended.error(),
        })?;
    Ok(OnBehalf {
        representation_id: row.id,
        basis,
        new_row: None,
    })
}

fn refusal(e: rules::NotAllowed) -> ServiceError {
    match e {
        rules::NotAllowed::NoLongerAMinor => Refusal::NoLongerAMinor,
        rules::NotAllowed::AgeUnknown => Refusal::AgeUnknown,
        rules::NotAllowed::Ended => Refusal::Ended,
    }
    .error()
}

/// Why [`authority`] refuses a representative (403): the API gives the reason in English, the
/// portal its own text per refusal in the page's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    NoParentalResponsibility,
    NoneRegistered,
    Ended,
    NoLongerAMinor,
    AgeUnknown,
}

impl Refusal {
    pub const ALL: [Self; 5] = [
        Self::NoParentalResponsibility,
        Self::NoneRegistered,
        Self::Ended,
        Self::NoLongerAMinor,
        Self::AgeUnknown,
    ];

    /// The reason as the API gives it.
    pub fn reason(self) -> &'static str {
        match self {
            Self::NoParentalResponsibility => {
                "Folkeregisteret does not record you as holding parental responsibility for this person"
            }
            Self::NoneRegistered => {
                "no representation on this basis is registered; send the appointment or the power of attorney to the office, which registers it"
            }
            Self::Ended => "the registered representation has ended",
            Self::NoLongerAMinor => "the person is 18 or older: parental responsibility has ended",
            Self::AgeUnknown => "the person's age cannot be checked",
        }
    }

    /// A stable name, e.g. for a text key.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NoParentalResponsibility => "no_parental_responsibility",
            Self::NoneRegistered => "none_registered",
            Self::Ended => "ended",
            Self::NoLongerAMinor => "no_longer_a_minor",
            Self::AgeUnknown => "age_unknown",
        }
    }

    fn error(self) -> ServiceError {
        ServiceError::Forbidden(self.reason().into())
    }

    /// The refusal an error from [`authority`] stands for; none for any other error.
    pub fn of(e: &ServiceError) -> Option<Self> {
        match e {
            ServiceError::Forbidden(reason) => Self::ALL.into_iter().find(|r| r.reason() == reason),
            _ => None,
        }
    }
}

/// Writes the link (and a new Folkeregisteret-proven representation) in the intake's
/// transaction.
pub(crate) async fn link(
    db: &impl ConnectionTrait,
    request_id: Uuid,
    on_behalf: &OnBehalf,
) -> ServiceResult<()> {
    if let Some(row) = &on_behalf.new_row {
        let exists = representation::Entity::find_by_id(row.id).one(db).await?;
        if exists.is_none() {
            sea_orm::ActiveModelTrait::insert(representation::ActiveModel::from(row.clone()), db)
                .await?;
        }
    }
    sea_orm::ActiveModelTrait::insert(
        request_representation::ActiveModel {
            request_id: Set(request_id),
            representation_id: Set(on_behalf.representation_id),
        },
        db,
    )
    .await?;
    Ok(())
}

/// The requests a citizen made for others through representations that hold today: a parent
/// stops seeing the child's requests (and new answers in them) on the child's 18th birthday,
/// the day stored as the representation's end.
pub async fn represented_request_ids(
    db: &impl ConnectionTrait,
    lookup_hash: &str,
) -> ServiceResult<Vec<Uuid>> {
    let today = clock::today_oslo();
    let reps: Vec<Uuid> = representation::Entity::find()
        .filter(representation::Column::RepresentativeHash.eq(lookup_hash))
        .filter(
            sea_orm::Condition::any()
                .add(representation::Column::EndsOn.is_null())
                .add(representation::Column::EndsOn.gt(today)),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if reps.is_empty() {
        return Ok(Vec::new());
    }
    Ok(request_representation::Entity::find()
        .filter(request_representation::Column::RepresentationId.is_in(reps))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.request_id)
        .collect())
}

/// The representations staff registered or Folkeregisteret proved for this representative,
/// with the represented persons' numbers (for the portal's "on behalf of" choice).
pub async fn held_by(
    app: &Core,
    representative: &Pid,
) -> ServiceResult<Vec<(Pid, RepresentationView)>> {
    let rows = representation::Entity::find()
        .filter(
            representation::Column::RepresentativeHash.eq(app.vault.lookup_hash(representative)),
        )
        .all(&app.db)
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            let pid = app.vault.decrypt(&r.represented_ciphertext).ok()?;
            Some((pid, view(app, r, None)))
        })
        .filter(|(_, v)| v.in_force)
        .collect())
}

/// To whom a request's letters are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addressee {
    /// The request is the person's own: to them.
    Person,
    /// The representation the request was made through holds: to the representative, about
    /// the person. `address` is the representative's as registered; none means the printed
    /// letter waits for staff to record where it was posted (never the person's address).
    Representative {
        basis: RepresentationBasis,
        name: String,
        address: Option<Vec<String>>,
    },
    /// The representation has ended since (a child turned 18, a power of attorney ran out):
    /// to the person themself, and not to the e-mail address the representative gave.
    Ended,
    /// Someone wrote for the person without proof that they may act for them: the only letter
    /// is the decision refusing the representation, to the writer by post, never the person's
    /// data or an e-mail pointing to a Min side the writer cannot see.
    Claimant {
        basis: RepresentationBasis,
        name: String,
        address: Option<Vec<String>>,
    },
}

/// To whom a letter made today in the request goes (pure, given the representation).
pub fn addressed_to(
    basis: RepresentationBasis,
    represented_birth: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    rules::may_act(basis, represented_birth, ends_on, today).is_ok()
}

/// The addressee of the letters of `request_id` made today, with the representative's name
/// (from Folkeregisteret where staff did not register one).
pub async fn addressee(app: &Core, request_id: Uuid) -> ServiceResult<Addressee> {
    addressee_with(app, request_id, true).await
}

/// The addressee without looking a name up: enough to route the letter.
pub async fn route_of(app: &Core, request_id: Uuid) -> ServiceResult<Addressee> {
    addressee_with(app, request_id, false).await
}

async fn addressee_with(app: &Core, request_id: Uuid, named: bool) -> ServiceResult<Addressee> {
    let Some(link) = request_representation::Entity::find_by_id(request_id)
        .one(&app.db)
        .await?
    else {
        return Ok(match claim::of_request(&app.db, request_id).await? {
            Some(c) if c.status != entity::values::ClaimStatus::Proven => Addressee::Claimant {
                basis: c.basis,
                name: claim::name(app, &c).unwrap_or_default(),
                address: claim::address(app, &c),
            },
            _ => Addressee::Person,
        });
    };
    let Some(row) = representation::Entity::find_by_id(link.representation_id)
        .one(&app.db)
        .await?
    else {
        return Ok(Addressee::Person);
    };
    let represented = app
        .vault
        .decrypt(&row.represented_ciphertext)
        .map_err(|_| ServiceError::Storage("an identity number could not be decrypted".into()))?;
    if !addressed_to(
        row.basis,
        represented.birth_date(),
        row.ends_on,
        clock::today_oslo(),
    ) {
        return Ok(Addressee::Ended);
    }
    let name = match stored_name(app, &row) {
        Some(n) => n,
        None if named => folkeregisteret_name(app, &row, &represented).await,
        None => String::new(),
    };
    let address = row
        .representative_address
        .as_deref()
        .and_then(|a| app.vault.open(a).ok())
        .and_then(|a| serde_json::from_str::<Vec<String>>(&a).ok())
        .filter(|a| !a.is_empty());
    Ok(Addressee::Representative {
        basis: row.basis,
        name,
        address,
    })
}

/// A parent's name where it was not stored when they filed.
async fn folkeregisteret_name(
    app: &Core,
    row: &representation::Model,
    represented: &Pid,
) -> String {
    if row.basis != RepresentationBasis::ParentalResponsibility {
        return String::new();
    }
    let Ok(representative) = app.vault.decrypt(&row.representative_ciphertext) else {
        return String::new();
    };
    parent_name(app, &representative, represented).await
}

/// A parent's name as Folkeregisteret's family relations of the child give it; empty (a
/// letter then greets without a name) where the register does not answer.
async fn parent_name(app: &Core, representative: &Pid, represented: &Pid) -> String {
    match relations::of(app, represented).await {
        Ok(relations) => relations
            .into_iter()
            .find(|r| r.role == RelationRole::Parent && r.pid == representative.as_str())
            .map(|r| r.name)
            .unwrap_or_default(),
        Err(_) => {
            tracing::warn!("the representative's name could not be looked up; greeting without it");
            String::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_is_read_back_from_its_error() {
        for r in Refusal::ALL {
            assert_eq!(Refusal::of(&r.error()), Some(r), "{r:?}");
        }
        assert_eq!(
            Refusal::of(&ServiceError::Forbidden("something else".into())),
            None
        );
        assert_eq!(Refusal::of(&ServiceError::NotFound("request")), None);
    }
}
