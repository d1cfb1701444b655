//! The registered address from the population register: the person updated, and requests moved
//! to where they now route (the protected unit for a strictly confidential address).
use crate::sources::{
    protocol::Record,
    simulator::data::{DISTRICT_RECORD, MUNICIPALITY_RECORD, PROTECTION_RECORD},
};
use crate::{
    audit::AuditRecord,
    error::{ServiceError, ServiceResult},
    lifecycle::Status,
    requests::intake::record_event,
    routing_rules::Geography,
    writer::Tx,
};
use entity::{person, request};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

/// What Folkeregisteret said about where the person lives and whether the address is protected.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RegisteredAddress {
    pub geography: Option<String>,
    pub strictly_confidential: bool,
}

pub fn registered_address(records: &[Record]) -> Option<RegisteredAddress> {
    let value = |id: &str| {
        records
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.value.trim().to_string())
    };
    let protection = value(PROTECTION_RECORD)?;
    let strictly_confidential = protection.starts_with("strengtFortrolig");
    let geography = value(DISTRICT_RECORD)
        .or_else(|| value(MUNICIPALITY_RECORD))
        .filter(|g| Geography::parse(g).is_ok());
    Some(RegisteredAddress {
        geography,
        strictly_confidential,
    })
}

/// Updates the person from the population register's answer (only that source may: the
/// caller checks) and, when the request would now route elsewhere, moves it while nobody works
/// it yet. A strictly confidential address is never lifted by an answer (that is a manual
/// decision); once set, the stored address is cleared and every request of the person, open
/// or closed, with its records and documents, moves to the protected unit.
pub(crate) async fn apply_registered_address(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    request_id: Uuid,
    address: RegisteredAddress,
) -> ServiceResult<()> {
    let Some(req) = request::Entity::find_by_id(request_id).one(&tx.db).await? else {
        return Ok(());
    };
    let Some(p) = person::Entity::find_by_id(req.person_id)
        .one(&tx.db)
        .await?
    else {
        return Ok(());
    };
    let protected = p.strictly_confidential || address.strictly_confidential;
    let geography = if protected {
        None
    } else {
        address.geography.clone().or(p.geography.clone())
    };
    if p.geography != geography || p.strictly_confidential != protected {
        let mut row: person::ActiveModel = p.clone().into();
        row.geography = Set(geography);
        row.strictly_confidential = Set(protected);
        row.update(&tx.db).await?;
    }
    if protected {
        return move_to_protected_unit(tx, registry, p.id).await;
    }
    let movable = req.status == Status::Received
        && req.assignee_id.is_none()
        && !sent_by_a_person(&tx.db, &req).await?;
    if !movable {
        return Ok(());
    }
    let geography = address
        .geography
        .as_deref()
        .and_then(|g| Geography::parse(g).ok());
    reroute(tx, registry, req, geography, false).await
}

/// Whether staff forwarded the request here by hand (a forward inside the controller, or the
/// onward request of a forward from another controller): the address never re-routes it, so an
/// automatic move cannot undo a person's decision.
pub(super) async fn sent_by_a_person(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> ServiceResult<bool> {
    if serde_json::from_str::<serde_json::Value>(&req.routing)
        .is_ok_and(|r| r["reason"] == "forwarded")
    {
        return Ok(true);
    }
    Ok(entity::request_event::Entity::find()
        .filter(entity::request_event::Column::RequestId.eq(req.id))
        .filter(entity::request_event::Column::Action.eq("forwarded"))
        .one(db)
        .await?
        .is_some())
}

/// Moves every request of a person with a strictly confidential address, open or closed, with
/// its records and documents, to the protected unit.
pub(crate) async fn move_to_protected_unit(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    person_id: Uuid,
) -> ServiceResult<()> {
    let all = request::Entity::find()
        .filter(request::Column::PersonId.eq(person_id))
        .order_by_asc(request::Column::Id)
        .all(&tx.db)
        .await?;
    for r in all {
        reroute(tx, registry, r, None, true).await?;
    }
    Ok(())
}

/// Moves a request to where it routes now (the protected unit when `protected`), unassigned,
/// with a timeline event and an audit record; nothing when it is already there.
pub(super) async fn reroute(
    tx: &mut Tx,
    registry: &crate::registry::Registry,
    req: request::Model,
    geography: Option<Geography>,
    protected: bool,
) -> ServiceResult<()> {
    let request_id = req.id;
    let routed = if protected {
        registry.protected_destination(req.controller_id)
    } else {
        registry.route(
            req.kind,
            req.service_area.as_deref(),
            geography.as_ref(),
            false,
        )
    }
    .map_err(|e| ServiceError::Storage(e.into()))?;
    if routed.destination.unit_id == req.unit_id {
        return Ok(());
    }
    let details = serde_json::json!({
        "from_unit_id": req.unit_id,
        "to_unit_id": routed.destination.unit_id,
        "to_controller_id": routed.destination.controller_id,
        "routing": routed.reason,
        "cause": "folkeregisteret",
    });
    let mut row: request::ActiveModel = req.clone().into();
    row.unit_id = Set(routed.destination.unit_id);
    row.controller_id = Set(routed.destination.controller_id);
    row.assignee_id = Set(None);
    row.routing = Set(serde_json::to_string(&routed.reason).unwrap_or_default());
    row.updated_at = Set(tx.now);
    row.version = Set(req.version + 1);
    row.update(&tx.db).await?;
    record_event(
        tx,
        request_id,
        entity::values::ActorKind::System,
        "dsar",
        "rerouted",
        None,
        None,
        details.clone(),
    )
    .await?;
    // The details name units and the rule, never the address itself.
    tx.audit(AuditRecord {
        actor: "system".into(),
        action: "request.rerouted".into(),
        request_id: Some(request_id),
        details,
    })
    .await?;
    Ok(())
}
