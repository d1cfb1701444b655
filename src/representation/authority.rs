//! A representative's authority: checked when they file for someone (parental responsibility
//! against Folkeregisteret, the rest against a registered representation), the link written
//! with the request, and the requests and representations a representative holds today.
use entity::{representation, request_representation, values::RepresentationBasis};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::Pid,
    sources::relations::{self, RelationRole},
};

use super::RepresentationView;
use super::addressee::parent_name;
use super::on_behalf::OnBehalf;
use super::rules;
use super::view;

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

pub(super) fn refusal(e: rules::NotAllowed) -> ServiceError {
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
