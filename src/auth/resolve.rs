//! Finding the principal behind a verified token or a login session: a citizen by identity
//! number, a staff member by username with role and units from the staff tables.
use entity::{staff_unit, staff_user};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::principal::{Principal, Staff, parse_staff_role};
use super::tokens::{IssuerKind, Verified};
use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
    identity::{Pid, PidPolicy},
};

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
