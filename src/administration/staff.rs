//! Staff: who may log in (usernames), their role and units, and who may give which.
use entity::{staff_unit, staff_user};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{fields::check_name, require_admin};
use crate::{
    audit::AuditRecord, auth::Principal, core::Core, error::ServiceError, error::ServiceResult,
    lifecycle::Role, writer::insert_rows,
};

/// A staff member's access: role, units, controller (officers, auditors) and whether active.
#[derive(Debug, Clone)]
pub struct StaffAccess {
    pub role: Role,
    pub unit_ids: Vec<Uuid>,
    pub controller_id: Option<Uuid>,
    pub active: bool,
}

/// Checks a staff access against the registry: caseworkers need a unit, privacy officers a
/// controller, units must exist. Pure, so the rules have a table test.
pub fn check_access(
    access: &StaffAccess,
    known_units: &[Uuid],
    known_controllers: &[Uuid],
) -> ServiceResult<()> {
    if access.role == Role::Citizen {
        return Err(ServiceError::invalid("role", "citizens are not staff"));
    }
    if let Some(u) = access.unit_ids.iter().find(|u| !known_units.contains(u)) {
        return Err(ServiceError::invalid(
            "unit_ids",
            format!("unknown unit {u}"),
        ));
    }
    if access
        .controller_id
        .is_some_and(|c| !known_controllers.contains(&c))
    {
        return Err(ServiceError::invalid("controller_id", "unknown controller"));
    }
    match access.role {
        Role::Caseworker if access.unit_ids.is_empty() => Err(ServiceError::invalid(
            "unit_ids",
            "a caseworker needs at least one unit",
        )),
        Role::PrivacyOfficer if access.controller_id.is_none() => Err(ServiceError::invalid(
            "controller_id",
            "a privacy officer works for a controller",
        )),
        _ => Ok(()),
    }
}

pub async fn set_staff_access(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    access: StaffAccess,
) -> ServiceResult<()> {
    require_admin(principal)?;
    if principal.staff().is_some_and(|s| s.id == staff_id)
        && (!access.active || access.role != Role::Admin)
    {
        return Err(ServiceError::invalid(
            if access.active { "role" } else { "active" },
            "you cannot take away your own administrator access",
        ));
    }
    let registry = app.registry.get(&app.db).await?;
    let units: Vec<Uuid> = registry.units.keys().copied().collect();
    let controllers: Vec<Uuid> = registry.controllers.keys().copied().collect();
    check_access(&access, &units, &controllers)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let username = user.username.clone();
                let mut row: staff_user::ActiveModel = user.into();
                row.role = Set(access.role.as_str().into());
                row.controller_id = Set(access.controller_id);
                row.active = Set(access.active);
                row.update(&tx.db).await?;
                staff_unit::Entity::delete_many()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .exec(&tx.db)
                    .await?;
                insert_staff_units(&tx.db, staff_id, &access.unit_ids).await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.access_changed".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "username": username,
                        "role": access.role.as_str(),
                        "unit_ids": access.unit_ids,
                        "controller_id": access.controller_id,
                        "active": access.active,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

/// Gives a staff member these units, in multi-row inserts.
async fn insert_staff_units(
    db: &impl sea_orm::ConnectionTrait,
    staff_id: Uuid,
    unit_ids: &[Uuid],
) -> Result<(), sea_orm::DbErr> {
    let rows = unit_ids
        .iter()
        .map(|u| staff_unit::ActiveModel {
            staff_id: Set(staff_id),
            unit_id: Set(*u),
        })
        .collect();
    insert_rows(db, rows).await
}

/// Longest username: as long as a staff token's `sub` or `preferred_username` usually is.
const MAX_USERNAME: usize = 64;

/// A username as the staff login knows it: 2 to 64 lowercase letters, digits, `.`, `-`, `_`
/// (the login matches it exactly). Trimmed and lowercased.
pub fn check_username(username: &str) -> ServiceResult<String> {
    let username = username.trim().to_lowercase();
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    if !(2..=MAX_USERNAME).contains(&username.chars().count()) || !username.chars().all(allowed) {
        return Err(ServiceError::invalid(
            "username",
            "a username has 2 to 64 lowercase letters, digits, '.', '-' or '_'",
        ));
    }
    Ok(username)
}

/// A staff member added by an administrator, before their first login.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: String,
    pub display_name: String,
    pub access: StaffAccess,
}

/// Adds a staff member with their access. The username is unique; the login finds them by it.
pub async fn add_staff(app: &Core, principal: &Principal, new: NewStaff) -> ServiceResult<Uuid> {
    require_admin(principal)?;
    let username = check_username(&new.username)?;
    let display_name = check_name("display_name", &new.display_name, "a staff member")?;
    let access = new.access;
    let registry = app.registry.get(&app.db).await?;
    let units: Vec<Uuid> = registry.units.keys().copied().collect();
    let controllers: Vec<Uuid> = registry.controllers.keys().copied().collect();
    check_access(&access, &units, &controllers)?;
    let actor = principal.audit_actor();
    let id = Uuid::now_v7();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let taken = staff_user::Entity::find()
                    .filter(staff_user::Column::Username.eq(username.as_str()))
                    .one(&tx.db)
                    .await?
                    .is_some();
                if taken {
                    return Err(ServiceError::invalid(
                        "username",
                        "another staff member has this username",
                    ));
                }
                staff_user::ActiveModel {
                    id: Set(id),
                    username: Set(username.clone()),
                    display_name: Set(display_name),
                    role: Set(access.role.as_str().into()),
                    controller_id: Set(access.controller_id),
                    active: Set(access.active),
                    created_at: Set(tx.now),
                }
                .insert(&tx.db)
                .await?;
                insert_staff_units(&tx.db, id, &access.unit_ids).await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": id,
                        "username": username,
                        "role": access.role.as_str(),
                        "unit_ids": access.unit_ids,
                        "controller_id": access.controller_id,
                        "active": access.active,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    Ok(id)
}

/// The units a staff member belongs to.
pub async fn staff_units(app: &Core, staff_id: Uuid) -> ServiceResult<Vec<Uuid>> {
    Ok(staff_unit::Entity::find()
        .filter(staff_unit::Column::StaffId.eq(staff_id))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|m| m.unit_id)
        .collect())
}

/// Changes a staff member's role, controller and whether active; their units stay.
pub async fn set_staff_role(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    role: Role,
    controller_id: Option<Uuid>,
    active: bool,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let unit_ids = staff_units(app, staff_id).await?;
    let access = StaffAccess {
        role,
        unit_ids,
        controller_id,
        active,
    };
    set_staff_access(app, principal, staff_id, access).await
}

/// Gives a staff member more units (those they have already stay). Audited.
pub async fn add_staff_units(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    unit_ids: Vec<Uuid>,
) -> ServiceResult<()> {
    require_admin(principal)?;
    if unit_ids.is_empty() {
        return Err(ServiceError::invalid(
            "unit_ids",
            "choose at least one unit",
        ));
    }
    let registry = app.registry.get(&app.db).await?;
    if unit_ids.iter().any(|u| !registry.units.contains_key(u)) {
        return Err(ServiceError::invalid("unit_ids", "unknown unit"));
    }
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let mine: Vec<Uuid> = staff_unit::Entity::find()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .all(&tx.db)
                    .await?
                    .into_iter()
                    .map(|m| m.unit_id)
                    .collect();
                let mut added = Vec::new();
                for u in unit_ids {
                    if !mine.contains(&u) && !added.contains(&u) {
                        added.push(u);
                    }
                }
                insert_staff_units(&tx.db, staff_id, &added).await?;
                if added.is_empty() {
                    return Ok(());
                }
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.units_added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": staff_id,
                        "username": user.username,
                        "unit_ids": added,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

/// Takes a unit from a staff member. A caseworker keeps at least one unit. Audited.
pub async fn remove_staff_unit(
    app: &Core,
    principal: &Principal,
    staff_id: Uuid,
    unit_id: Uuid,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let user = staff_user::Entity::find_by_id(staff_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("staff member"))?;
                let mine: Vec<Uuid> = staff_unit::Entity::find()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .all(&tx.db)
                    .await?
                    .into_iter()
                    .map(|m| m.unit_id)
                    .collect();
                if !mine.contains(&unit_id) {
                    return Err(ServiceError::NotFound("unit of the staff member"));
                }
                if user.role == Role::Caseworker.as_str() && mine.len() == 1 {
                    return Err(ServiceError::invalid(
                        "last_unit",
                        "a caseworker needs at least one unit",
                    ));
                }
                staff_unit::Entity::delete_many()
                    .filter(staff_unit::Column::StaffId.eq(staff_id))
                    .filter(staff_unit::Column::UnitId.eq(unit_id))
                    .exec(&tx.db)
                    .await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "staff.unit_removed".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "staff_id": staff_id,
                        "username": user.username,
                        "unit_id": unit_id,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_what_the_login_matches() {
        assert_eq!(check_username(" Kari.Nordmann ").unwrap(), "kari.nordmann");
        assert_eq!(check_username("sb_2-x").unwrap(), "sb_2-x");
        for bad in [
            "",
            "k",
            "kari nordmann",
            "kåre",
            "kari@kommune.no",
            &"x".repeat(65),
        ] {
            assert!(
                matches!(
                    check_username(bad),
                    Err(ServiceError::Invalid {
                        field: "username",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn staff_access_rules() {
        let unit = Uuid::now_v7();
        let controller = Uuid::now_v7();
        let access = |role, units: Vec<Uuid>, controller_id| StaffAccess {
            role,
            unit_ids: units,
            controller_id,
            active: true,
        };
        let cases: Vec<(StaffAccess, Option<&str>)> = vec![
            (access(Role::Caseworker, vec![unit], None), None),
            (access(Role::Caseworker, vec![], None), Some("unit_ids")),
            (
                access(Role::Caseworker, vec![Uuid::now_v7()], None),
                Some("unit_ids"),
            ),
            (
                access(Role::PrivacyOfficer, vec![unit], Some(controller)),
                None,
            ),
            (
                access(Role::PrivacyOfficer, vec![unit], None),
                Some("controller_id"),
            ),
            (access(Role::Auditor, vec![], None), None),
            (
                access(Role::Auditor, vec![], Some(Uuid::now_v7())),
                Some("controller_id"),
            ),
            (access(Role::Admin, vec![], None), None),
            (access(Role::Citizen, vec![], None), Some("role")),
        ];
        for (a, expected) in cases {
            let got = check_access(&a, &[unit], &[controller]);
            match (got, expected) {
                (Ok(()), None) => {}
                (Err(ServiceError::Invalid { field, .. }), Some(f)) => {
                    assert_eq!(field, f, "{a:?}")
                }
                (other, _) => panic!("{a:?}: {other:?}"),
            }
        }
    }
}
