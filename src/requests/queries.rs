//! Reading requests: one request, the queue with filters and keyset pagination, the timeline.
//! A citizen sees only their own requests; caseworkers their units'; privacy officers and
//! auditors their controller's. Every staff read is written to the audit trail before the data
//! is returned.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::NaiveDate;
use entity::{person_identifier, request, request_event, staff_user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::view::{self, RequestView, TimelineEvent};
use crate::{
    audit::AuditRecord,
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{RightKind, Role, Status},
};

/// The persons (ids) a citizen is: all numbers of a person point to one person.
pub async fn citizen_person_ids(
    db: &impl ConnectionTrait,
    lookup_hash: &str,
) -> ServiceResult<Vec<Uuid>> {
    Ok(person_identifier::Entity::find()
        .filter(person_identifier::Column::PidHash.eq(lookup_hash))
        .all(db)
        .await?
        .into_iter()
        .map(|i| i.person_id)
        .collect())
}

/// The condition restricting requests to what `principal` may see.
pub async fn visibility(
    db: &impl ConnectionTrait,
    principal: &Principal,
) -> ServiceResult<Condition> {
    Ok(match principal {
        Principal::Citizen { lookup_hash, .. } => {
            // A request someone wrote for them without proving they may is not theirs to read:
            // its letters go to that writer and carry the writer's name and address.
            let own = Condition::all()
                .add(request::Column::PersonId.is_in(citizen_person_ids(db, lookup_hash).await?))
                .add(
                    request::Column::Id
                        .not_in_subquery(crate::representation::claim::unproven_ids()),
                );
            // And what they asked for someone they represent, while the representation holds.
            let represented =
                crate::representation::represented_request_ids(db, lookup_hash).await?;
            match represented.is_empty() {
                true => Condition::all().add(own),
                false => Condition::any()
                    .add(own)
                    .add(request::Column::Id.is_in(represented)),
            }
        }
        Principal::Staff(s) => match s.role {
            Role::Caseworker => {
                Condition::all().add(request::Column::UnitId.is_in(s.unit_ids.clone()))
            }
            Role::PrivacyOfficer | Role::Auditor => match s.controller_id {
                Some(c) => Condition::all().add(request::Column::ControllerId.eq(c)),
                None if s.role == Role::Auditor => Condition::all(),
                None => Condition::all().add(request::Column::UnitId.is_in(s.unit_ids.clone())),
            },
            Role::Admin | Role::Citizen => {
                return Err(ServiceError::Forbidden(
                    "this role does not read cases".into(),
                ));
            }
        },
    })
}

/// Loads a request the principal may see; "not found" for one they may not (no existence leak).
pub async fn load_visible(
    db: &impl ConnectionTrait,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<request::Model> {
    request::Entity::find_by_id(id)
        .filter(visibility(db, principal).await?)
        .one(db)
        .await?
        .ok_or(ServiceError::NotFound("request"))
}

pub async fn username_of(
    db: &impl ConnectionTrait,
    staff_id: Option<Uuid>,
) -> ServiceResult<Option<String>> {
    let Some(id) = staff_id else { return Ok(None) };
    Ok(staff_user::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|u| u.username))
}

/// Audits a staff read; citizens reading their own data are not audited.
async fn audit_read(
    app: &Core,
    principal: &Principal,
    action: &'static str,
    request_id: Option<Uuid>,
    details: serde_json::Value,
) -> ServiceResult<()> {
    if principal.staff().is_none() {
        return Ok(());
    }
    app.writer
        .audit(AuditRecord {
            actor: principal.audit_actor(),
            action: action.into(),
            request_id,
            details,
        })
        .await
}

pub async fn get(app: &Core, principal: &Principal, id: Uuid) -> ServiceResult<RequestView> {
    let row = load_visible(&app.db, principal, id).await?;
    audit_read(
        app,
        principal,
        "request.read",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    let registry = app.registry.get(&app.db).await?;
    let assignee = username_of(&app.db, row.assignee_id).await?;
    Ok(view::build(&row, &registry, assignee, principal))
}

pub async fn events(
    app: &Core,
    principal: &Principal,
    id: Uuid,
) -> ServiceResult<Vec<TimelineEvent>> {
    load_visible(&app.db, principal, id).await?;
    audit_read(
        app,
        principal,
        "request.timeline_read",
        Some(id),
        serde_json::json!({}),
    )
    .await?;
    let events = request_event::Entity::find()
        .filter(request_event::Column::RequestId.eq(id))
        .order_by_asc(request_event::Column::Id)
        .all(&app.db)
        .await?
        .into_iter()
        .map(TimelineEvent::from);
    Ok(match principal {
        // The person reads their own projection: a whitelist of actions and details.
        Principal::Citizen { .. } => events.filter_map(view::citizen_event).collect(),
        Principal::Staff(_) => events.collect(),
    })
}

/// Queue filters. All are optional and combine with AND.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueFilter {
    /// Only requests in this state.
    pub status: Option<Status>,
    /// Only requests of this kind.
    pub kind: Option<RightKind>,
    /// Only requests due on or before this date.
    pub due_before: Option<NaiveDate>,
    /// Assignee username, `me`, or `none` for unassigned.
    pub assignee: Option<String>,
    /// Only this controller's requests.
    pub controller: Option<Uuid>,
    /// Only this unit's requests.
    pub unit: Option<Uuid>,
    /// Only requests in this service area (e.g. `settlement`, `adult_education`).
    pub service_area: Option<String>,
    /// Only the request with this reference (e.g. `PV-2026-000123`; case and spaces ignored).
    pub reference: Option<String>,
    /// `true`: only open requests (not completed, withdrawn or forwarded).
    pub open: Option<bool>,
    /// Page size, 1-100 (default 50).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QueuePage {
    pub items: Vec<RequestView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

fn encode_cursor(due_on: NaiveDate, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{due_on}|{id}"))
}

fn decode_cursor(cursor: &str) -> ServiceResult<(NaiveDate, Uuid)> {
    let bad = || ServiceError::invalid("cursor", "the cursor is not one this service gave out");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let (date, id) = text.split_once('|').ok_or_else(bad)?;
    Ok((
        date.parse().map_err(|_| bad())?,
        id.parse().map_err(|_| bad())?,
    ))
}

/// One page of the queue, ordered by due date (most urgent first), then id.
pub async fn list(
    app: &Core,
    principal: &Principal,
    filter: QueueFilter,
) -> ServiceResult<QueuePage> {
    let limit = filter.limit.unwrap_or(50);
    if !(1..=100).contains(&limit) {
        return Err(ServiceError::invalid(
            "limit",
            "limit must be between 1 and 100",
        ));
    }
    let mut cond = visibility(&app.db, principal).await?;
    if let Some(s) = filter.status {
        cond = cond.add(request::Column::Status.eq(s));
    }
    if let Some(k) = filter.kind {
        cond = cond.add(request::Column::Kind.eq(k));
    }
    if let Some(d) = filter.due_before {
        cond = cond.add(request::Column::DueOn.lte(d));
    }
    if let Some(c) = filter.controller {
        cond = cond.add(request::Column::ControllerId.eq(c));
    }
    if let Some(u) = filter.unit {
        cond = cond.add(request::Column::UnitId.eq(u));
    }
    if let Some(area) = filter.service_area.as_deref().filter(|a| !a.is_empty()) {
        cond = cond.add(request::Column::ServiceArea.eq(area));
    }
    if let Some(r) = filter.reference.as_deref() {
        let wanted: String = r
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_uppercase)
            .collect();
        cond = cond.add(request::Column::Reference.eq(wanted));
    }
    if filter.open == Some(true) {
        cond = cond.add(open_literal());
    }
    match filter.assignee.as_deref() {
        None => {}
        Some("none") => cond = cond.add(request::Column::AssigneeId.is_null()),
        Some("me") => {
            let me = principal
                .staff()
                .map(|s| s.id)
                .ok_or_else(|| ServiceError::invalid("assignee", "`me` is for staff"))?;
            cond = cond.add(request::Column::AssigneeId.eq(me));
        }
        Some(username) => {
            let user = staff_user::Entity::find()
                .filter(staff_user::Column::Username.eq(username))
                .one(&app.db)
                .await?;
            // An unknown username matches nothing rather than failing.
            cond = cond
                .add(request::Column::AssigneeId.eq(user.map(|u| u.id).unwrap_or_else(Uuid::nil)));
        }
    }
    if let Some(cursor) = &filter.cursor {
        let (due, id) = decode_cursor(cursor)?;
        cond = cond.add(
            Condition::any().add(request::Column::DueOn.gt(due)).add(
                Condition::all()
                    .add(request::Column::DueOn.eq(due))
                    .add(request::Column::Id.gt(id)),
            ),
        );
    }
    let mut rows = request::Entity::find()
        .filter(cond)
        .order_by_asc(request::Column::DueOn)
        .order_by_asc(request::Column::Id)
        .limit(limit + 1)
        .all(&app.db)
        .await?;
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| encode_cursor(r.due_on, r.id))
    } else {
        None
    };
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    if !ids.is_empty() {
        audit_read(
            app,
            principal,
            "queue.read",
            None,
            serde_json::json!({ "request_ids": ids }),
        )
        .await?;
    }
    let registry = app.registry.get(&app.db).await?;
    let assignee_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.assignee_id).collect();
    let names: std::collections::HashMap<Uuid, String> = if assignee_ids.is_empty() {
        Default::default()
    } else {
        staff_user::Entity::find()
            .filter(staff_user::Column::Id.is_in(assignee_ids))
            .all(&app.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.username))
            .collect()
    };
    let items = rows
        .iter()
        .map(|r| {
            view::build(
                r,
                &registry,
                r.assignee_id.and_then(|a| names.get(&a).cloned()),
                principal,
            )
        })
        .collect();
    Ok(QueuePage { items, next_cursor })
}

/// `status IN ('received', …)` written out, not bound: the planner can then use the partial
/// indexes over open requests (migration 000008), which it cannot prove for bound parameters.
/// The values are this program's own constants, never input.
fn open_literal() -> sea_orm::sea_query::SimpleExpr {
    let list = Status::open_values()
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    sea_orm::sea_query::Expr::cust(format!("status IN ({list})"))
}

/// The queue's overview: open requests per status and per due window, counted in the database.
#[derive(Debug, Clone, Default)]
pub struct QueueCounts {
    /// Open requests per status (only statuses with at least one request).
    pub by_status: Vec<(Status, u64)>,
    /// Open requests whose deadline has passed.
    pub overdue: u64,
    /// Open requests due today or within the next seven days.
    pub due_this_week: u64,
    /// Open requests not assigned to anyone.
    pub unassigned: u64,
}

/// Counts for the queue a principal sees (the same visibility as [`list`]), in one pass over
/// the open requests' index.
pub async fn queue_counts(
    app: &Core,
    principal: &Principal,
    today: NaiveDate,
) -> ServiceResult<QueueCounts> {
    use sea_orm::sea_query::{Expr, ExprTrait, Func};
    let open = visibility(&app.db, principal).await?.add(open_literal());
    let week_end = today + chrono::Days::new(7);
    let sum_of = |condition: sea_orm::sea_query::SimpleExpr| {
        Expr::expr(Func::sum(Expr::case(condition, 1).finally(0)))
    };
    let rows: Vec<(Status, i64, i64, i64, i64)> = request::Entity::find()
        .select_only()
        .column(request::Column::Status)
        .column_as(Expr::expr(Func::count(Expr::col(request::Column::Id))), "n")
        .column_as(
            sum_of(Expr::col(request::Column::DueOn).lt(today)),
            "overdue",
        )
        .column_as(
            sum_of(
                Expr::col(request::Column::DueOn)
                    .gte(today)
                    .and(Expr::col(request::Column::DueOn).lte(week_end)),
            ),
            "week",
        )
        .column_as(
            sum_of(Expr::col(request::Column::AssigneeId).is_null()),
            "unassigned",
        )
        .filter(open)
        .group_by(request::Column::Status)
        .into_tuple()
        .all(&app.db)
        .await?;
    let mut counts = QueueCounts::default();
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    for (status, total, overdue, week, unassigned) in rows {
        counts.by_status.push((status, count(total)));
        counts.overdue += count(overdue);
        counts.due_this_week += count(week);
        counts.unassigned += count(unassigned);
    }
    counts
        .by_status
        .sort_by_key(|(s, _)| Status::ALL.iter().position(|x| x == s));
    Ok(counts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let id = Uuid::now_v7();
        let date = NaiveDate::from_ymd_opt(2026, 12, 24).unwrap();
        assert_eq!(decode_cursor(&encode_cursor(date, id)).unwrap(), (date, id));
        for bad in [
            "",
            "!!!",
            &URL_SAFE_NO_PAD.encode("2026-12-24"),
            &URL_SAFE_NO_PAD.encode("x|y"),
        ] {
            assert!(decode_cursor(bad).is_err(), "{bad}");
        }
    }
}
