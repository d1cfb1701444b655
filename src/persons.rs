//! A person's national identity numbers over time (d-nummer, later fødselsnummer). Staff record
//! that two numbers are the same person; from then on requests and lookups match on both. When
//! each number already had its own person record, the two are merged.
use entity::{person, person_identifier, request};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    app::AppState,
    audit::AuditRecord,
    auth::Principal,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidKind, PidPolicy},
    lifecycle::Role,
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkNumbers {
    /// A number the person is known by.
    #[schema(pattern = "^[0-9]{11}$")]
    pub pid: String,
    /// Another number of the same person (e.g. the fødselsnummer that replaced a d-nummer).
    #[schema(pattern = "^[0-9]{11}$")]
    pub other_pid: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkedPerson {
    /// How many numbers the person now has.
    pub numbers: usize,
    /// Whether two existing person records were merged.
    pub merged: bool,
}

fn kind_name(kind: PidKind) -> &'static str {
    match kind {
        PidKind::Fodselsnummer => "fodselsnummer",
        PidKind::DNummer => "d_nummer",
    }
}

/// The person behind a request, as the case page shows them: the number masked until revealed.
#[derive(Debug, Clone)]
pub struct CasePerson {
    pub pid: Pid,
    pub strictly_confidential: bool,
    pub geography: Option<String>,
}

/// The person behind a request the principal may see. Reading the number in full is the
/// caller's decision: [`reveal`] audits it.
pub async fn of_request(
    app: &AppState,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<CasePerson> {
    let req = crate::requests::queries::load_visible(&app.db, principal, request_id).await?;
    let row = person::Entity::find_by_id(req.person_id)
        .one(&app.db)
        .await?
        .ok_or(ServiceError::NotFound("person"))?;
    let pid = crate::sources::collection::person_pid(&app.db, &app.vault, req.person_id).await?;
    Ok(CasePerson {
        pid,
        strictly_confidential: row.strictly_confidential,
        geography: row.geography,
    })
}

/// Shows a staff member the person's full number; every reveal is an audit event.
pub async fn reveal(app: &AppState, principal: &Principal, request_id: Uuid) -> ServiceResult<Pid> {
    let staff = principal
        .staff()
        .filter(|s| s.role != Role::Admin)
        .ok_or_else(|| ServiceError::Forbidden("this role does not read cases".into()))?;
    let person = of_request(app, principal, request_id).await?;
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: "person.pid_revealed".into(),
            request_id: Some(request_id),
            details: serde_json::json!({ "role": staff.role.as_str() }),
        })
        .await?;
    Ok(person.pid)
}

pub async fn link(
    app: &AppState,
    principal: &Principal,
    input: LinkNumbers,
) -> ServiceResult<LinkedPerson> {
    if !matches!(principal.role(), Role::Caseworker | Role::PrivacyOfficer) {
        return Err(ServiceError::Forbidden(
            "only caseworkers and privacy officers link identity numbers".into(),
        ));
    }
    let policy = PidPolicy {
        allow_synthetic: app.settings.allow_synthetic_pids,
    };
    let first =
        Pid::parse(&input.pid, policy).map_err(|e| ServiceError::invalid("pid", e.to_string()))?;
    let second = Pid::parse(&input.other_pid, policy)
        .map_err(|e| ServiceError::invalid("other_pid", e.to_string()))?;
    if first == second {
        return Err(ServiceError::invalid(
            "other_pid",
            "the two numbers are the same",
        ));
    }
    let numbers = [
        (
            app.vault.lookup_hash(&first),
            app.vault.encrypt(&first),
            first.kind(),
        ),
        (
            app.vault.lookup_hash(&second),
            app.vault.encrypt(&second),
            second.kind(),
        ),
    ];
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let mut owners = Vec::new();
                for (hash, _, _) in &numbers {
                    let found = person_identifier::Entity::find()
                        .filter(person_identifier::Column::PidHash.eq(hash.as_str()))
                        .one(&tx.db)
                        .await?;
                    owners.push(found.map(|i| i.person_id));
                }
                let keep = match (owners[0], owners[1]) {
                    (Some(a), _) => a,
                    (None, Some(b)) => b,
                    (None, None) => {
                        let id = Uuid::now_v7();
                        person::ActiveModel { id: Set(id), geography: Set(None), strictly_confidential: Set(false), created_at: Set(tx.now) }
                            .insert(&tx.db)
                            .await?;
                        id
                    }
                };
                let mut merged = false;
                if let (Some(a), Some(b)) = (owners[0], owners[1])
                    && a != b
                {
                    // Everything of the second person moves to the first.
                    request::Entity::update_many()
                        .col_expr(request::Column::PersonId, Expr::value(a))
                        .filter(request::Column::PersonId.eq(b))
                        .exec(&tx.db)
                        .await?;
                    person_identifier::Entity::update_many()
                        .col_expr(person_identifier::Column::PersonId, Expr::value(a))
                        .filter(person_identifier::Column::PersonId.eq(b))
                        .exec(&tx.db)
                        .await?;
                    if let Some(other) = person::Entity::find_by_id(b).one(&tx.db).await? {
                        let confidential = other.strictly_confidential;
                        person::Entity::delete_by_id(b).exec(&tx.db).await?;
                        if confidential {
                            // A protected address stays protected after the merge.
                            person::Entity::update_many()
                                .col_expr(person::Column::StrictlyConfidential, Expr::value(true))
                                .filter(person::Column::Id.eq(a))
                                .exec(&tx.db)
                                .await?;
                        }
                    }
                    merged = true;
                }
                for ((hash, cipher, kind), owner) in numbers.iter().zip(owners) {
                    if owner.is_none() {
                        person_identifier::ActiveModel {
                            id: Set(Uuid::now_v7()),
                            person_id: Set(keep),
                            pid_hash: Set(hash.clone()),
                            pid_ciphertext: Set(cipher.clone()),
                            kind: Set(kind_name(*kind).into()),
                            created_at: Set(tx.now),
                        }
                        .insert(&tx.db)
                        .await?;
                    }
                }
                let count = person_identifier::Entity::find()
                    .filter(person_identifier::Column::PersonId.eq(keep))
                    .all(&tx.db)
                    .await?
                    .len();
                tx.audit(AuditRecord {
                    actor,
                    action: "person.numbers_linked".into(),
                    request_id: None,
                    details: serde_json::json!({ "person_id": keep, "numbers": count, "merged": merged }),
                })
                .await?;
                Ok(LinkedPerson { numbers: count, merged })
            })
        })
        .await
}
