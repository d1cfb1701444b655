//! Who is calling: a citizen (identified by the token's `pid`) or a staff member (the token's
//! `sub`, known in the staff table with a role and units). Decides what each may see.
use entity::{staff_unit, staff_user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::tokens::{IssuerKind, Verified};
use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidPolicy},
    lifecycle::Role,
};

#[derive(Debug, Clone)]
pub struct Staff {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_ids: Vec<Uuid>,
    pub controller_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub enum Principal {
    Citizen { pid: Pid, lookup_hash: String },
    Staff(Staff),
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Self::Citizen { .. } => Role::Citizen,
            Self::Staff(s) => s.role,
        }
    }

    /// How the audit trail names the actor: staff by username, citizens by pseudonym.
    pub fn audit_actor(&self) -> String {
        match self {
            Self::Citizen { lookup_hash, .. } => {
                format!("citizen:{}", &lookup_hash[..16.min(lookup_hash.len())])
            }
            Self::Staff(s) => format!("staff:{}", s.username),
        }
    }

    /// Timeline actor: (kind, name). Citizens are not named in the timeline.
    pub fn timeline_actor(&self) -> (entity::values::ActorKind, String) {
        use entity::values::ActorKind;
        match self {
            Self::Citizen { .. } => (ActorKind::Citizen, String::new()),
            Self::Staff(s) => (ActorKind::Staff, s.username.clone()),
        }
    }

    /// Stable key for idempotency records.
    pub fn idempotency_scope(&self) -> String {
        match self {
            Self::Citizen { lookup_hash, .. } => format!("citizen:{lookup_hash}"),
            Self::Staff(s) => format!("staff:{}", s.id),
        }
    }

    pub fn staff(&self) -> Option<&Staff> {
        match self {
            Self::Staff(s) => Some(s),
            Self::Citizen { .. } => None,
        }
    }
}

/// Turns a verified token into a principal of its issuer's kind: a citizen issuer's token is a
/// citizen by `pid`, a staff issuer's token a staff member by `sub` (the verifier has already
/// refused a citizen token without `pid` and a staff token with one).
pub async fn resolve(app: &Core, token: Verified) -> ServiceResult<Principal> {
    match (token.kind, token.claims.pid) {
        (IssuerKind::Citizen, Some(pid)) => resolve_citizen(app, &pid),
        (IssuerKind::Staff, None) => resolve_staff(app, &token.claims.sub).await,
        _ => Err(ServiceError::Forbidden(
            "this issuer's tokens cannot stand for this kind of user".into(),
        )),
    }
}

/// A citizen by their identity number (from a token's or a session's `pid`).
pub fn resolve_citizen(app: &Core, pid: &str) -> ServiceResult<Principal> {
    let policy = PidPolicy {
        allow_synthetic: app.settings.allow_synthetic_pids,
    };
    let pid = Pid::parse(pid, policy)
        .map_err(|e| ServiceError::Forbidden(format!("the token's pid is not accepted: {e}")))?;
    let lookup_hash = app.vault.lookup_hash(&pid);
    Ok(Principal::Citizen { pid, lookup_hash })
}

/// An active staff member by username, with role and units from the staff tables.
pub async fn resolve_staff(app: &Core, username: &str) -> ServiceResult<Principal> {
    let user = staff_user::Entity::find()
        .filter(staff_user::Column::Username.eq(username))
        .filter(staff_user::Column::Active.eq(true))
        .one(&app.db)
        .await?
        .ok_or_else(|| ServiceError::Forbidden("this staff user is not known to dsar".into()))?;
    let role = parse_staff_role(&user.role)
        .ok_or_else(|| ServiceError::Forbidden("this staff user has no valid role".into()))?;
    let unit_ids = staff_unit::Entity::find()
        .filter(staff_unit::Column::StaffId.eq(user.id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|su| su.unit_id)
        .collect();
    Ok(Principal::Staff(Staff {
        id: user.id,
        username: user.username,
        display_name: user.display_name,
        role,
        unit_ids,
        controller_id: user.controller_id,
    }))
}

/// The staff roles (a citizen is never a staff role).
pub fn parse_staff_role(role: &str) -> Option<Role> {
    match role {
        "caseworker" => Some(Role::Caseworker),
        "privacy_officer" => Some(Role::PrivacyOfficer),
        "auditor" => Some(Role::Auditor),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}
