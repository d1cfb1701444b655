//! Routing rules an administrator adds or takes out of use.
use entity::{routing_rule, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use uuid::Uuid;

use super::require_admin;
use crate::{
    audit::AuditRecord, auth::Principal, core::Core, error::ServiceError, error::ServiceResult,
    lifecycle::RightKind,
};

/// A new routing rule: what it matches (any of area, geography, kind; at least one) and the
/// unit it sends to (the unit's controller becomes the controller).
#[derive(Debug, Clone)]
pub struct NewRule {
    pub service_area: Option<String>,
    pub geography: Option<String>,
    pub kind: Option<RightKind>,
    pub unit_id: Uuid,
}

pub async fn add_rule(app: &Core, principal: &Principal, rule: NewRule) -> ServiceResult<Uuid> {
    require_admin(principal)?;
    let registry = app.registry.get(&app.db).await?;
    if rule.service_area.is_none() && rule.geography.is_none() && rule.kind.is_none() {
        return Err(ServiceError::invalid(
            "rule_match",
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

/// Turns a rule off (kept for the history of why earlier requests went where they went), or
/// on again.
pub async fn set_rule_active(
    app: &Core,
    principal: &Principal,
    rule_id: Uuid,
    active: bool,
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
                if rule.active == active {
                    return Ok(());
                }
                let mut row: routing_rule::ActiveModel = rule.into();
                row.active = Set(active);
                row.update(&tx.db).await?;
                tx.audit(AuditRecord {
                    actor,
                    action: if active {
                        "routing_rule.reactivated"
                    } else {
                        "routing_rule.deactivated"
                    }
                    .into(),
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
