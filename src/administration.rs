//! What an administrator changes in the registry from the office: staff roles and units, routing
//! rules, whether a source system is in use. Each change is one transaction with its audit event,
//! and the registry cache is refreshed after it.
use entity::{routing_rule, staff_unit, staff_user, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    app::AppState,
    audit::AuditRecord,
    auth::Principal,
    error::{ServiceError, ServiceResult},
    lifecycle::{RightKind, Role},
    sources::{self, SourceSystemInput},
};

fn require_admin(principal: &Principal) -> ServiceResult<()> {
    match principal.staff() {
        Some(s) if s.role == Role::Admin => Ok(()),
        _ => Err(ServiceError::Forbidden(
            "only an administrator changes the registry".into(),
        )),
    }
}

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
    app: &AppState,
    principal: &Principal,
    staff_id: Uuid,
    access: StaffAccess,
) -> ServiceResult<()> {
    require_admin(principal)?;
    if principal.staff().is_some_and(|s| s.id == staff_id)
        && (!access.active || access.role != Role::Admin)
    {
        return Err(ServiceError::Conflict(
            "you cannot take away your own administrator access".into(),
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
                for u in &access.unit_ids {
                    staff_unit::ActiveModel {
                        staff_id: Set(staff_id),
                        unit_id: Set(*u),
                    }
                    .insert(&tx.db)
                    .await?;
                }
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

/// A new routing rule: what it matches (any of area, geography, kind; at least one) and the
/// unit it sends to (the unit's controller becomes the controller).
#[derive(Debug, Clone)]
pub struct NewRule {
    pub service_area: Option<String>,
    pub geography: Option<String>,
    pub kind: Option<RightKind>,
    pub unit_id: Uuid,
}

pub async fn add_rule(app: &AppState, principal: &Principal, rule: NewRule) -> ServiceResult<Uuid> {
    require_admin(principal)?;
    let registry = app.registry.get(&app.db).await?;
    if rule.service_area.is_none() && rule.geography.is_none() && rule.kind.is_none() {
        return Err(ServiceError::invalid(
            "service_area",
            "a rule matches on at least a service area, a geography or a kind",
        ));
    }
    if let Some(a) = &rule.service_area
        && !registry.service_areas.contains_key(a)
    {
        return Err(ServiceError::invalid(
            "service_area",
            "unknown service area",
        ));
    }
    if let Some(g) = &rule.geography
        && !(matches!(g.len(), 4 | 6) && g.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(ServiceError::invalid(
            "geography",
            "a municipality number has 4 digits, an Oslo district 6",
        ));
    }
    let target: &unit::Model = registry
        .units
        .get(&rule.unit_id)
        .ok_or_else(|| ServiceError::invalid("unit_id", "unknown unit"))?;
    let controller_id = target.controller_id;
    let actor = principal.audit_actor();
    let id = Uuid::now_v7();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                routing_rule::ActiveModel {
                    id: Set(id),
                    service_area: Set(rule.service_area.clone()),
                    geography: Set(rule.geography.clone()),
                    kind: Set(rule.kind.map(|k| k.as_str().into())),
                    controller_id: Set(controller_id),
                    unit_id: Set(rule.unit_id),
                    active: Set(true),
                }
                .insert(&tx.db)
                .await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "routing_rule.added".into(),
                    request_id: None,
                    details: serde_json::json!({
                        "rule_id": id,
                        "service_area": rule.service_area,
                        "geography": rule.geography,
                        "kind": rule.kind,
                        "unit_id": rule.unit_id,
                    }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    app.registry.invalidate().await;
    Ok(id)
}

/// Turns a rule off (kept for the history of why earlier requests went where they went).
pub async fn deactivate_rule(
    app: &AppState,
    principal: &Principal,
    rule_id: Uuid,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let actor = principal.audit_actor();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let rule = routing_rule::Entity::find_by_id(rule_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("routing rule"))?;
                let mut row: routing_rule::ActiveModel = rule.into();
                row.active = Set(false);
                row.update(&tx.db).await?;
                tx.audit(AuditRecord {
                    actor,
                    action: "routing_rule.deactivated".into(),
                    request_id: None,
                    details: serde_json::json!({ "rule_id": rule_id }),
                })
                .await?;
                Ok(())
            })
        })
        .await?;
    app.registry.invalidate().await;
    Ok(())
}

/// Takes a source system into use or out of use, everything else unchanged.
pub async fn set_source_active(
    app: &AppState,
    principal: &Principal,
    source_id: &str,
    active: bool,
) -> ServiceResult<()> {
    require_admin(principal)?;
    let current = sources::load_all(&app.db)
        .await?
        .into_iter()
        .find(|s| s.id == source_id)
        .ok_or(ServiceError::NotFound("source system"))?;
    let input = SourceSystemInput {
        name: current.name,
        owner: current.owner,
        capabilities: current.capabilities,
        endpoint: current.endpoint,
        auth_mode: current.auth_mode,
        maskinporten_scope: current.maskinporten_scope,
        timeout_ms: Some(current.timeout_ms),
        max_attempts: Some(current.max_attempts),
        backoff_ms: Some(current.backoff_ms),
        service_areas: current.service_areas,
        active: Some(active),
    };
    sources::put(app, principal, source_id, input).await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

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
