//! Four eyes on closing a case without an answer. Where the controller requires four eyes, a
//! staff member's withdrawal, `forward_out` or forward to another controller is not carried out
//! at once: it is proposed, and a privacy officer who is not the proposer approves it (then it
//! is carried out, in the same transaction as the approval) or returns it with a comment. A
//! citizen's own withdrawal is never held back. Each step is on the timeline and in the audit
//! trail.
use chrono::{DateTime, Utc};
use entity::{closing_step, controller, request};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{self as case, WithdrawalRecord};
use crate::requests::{
    intake::record_action,
    queries::{load_visible, username_of},
    view::RequestView,
};
use crate::{
    access::{Act, require_staff},
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::Action,
    writer::Tx,
};

pub use entity::values::{ClosingAction, ClosingStatus};

/// What a proposed step carries, kept until it is approved.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct ClosingInput {
    pub note: Option<String>,
    pub withdrawal: Option<WithdrawalRecord>,
    pub unit_id: Option<Uuid>,
}

/// A proposed closing as the API and the case page show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClosingStepView {
    pub id: Uuid,
    pub request_id: Uuid,
    pub action: ClosingAction,
    pub status: ClosingStatus,
    /// The note (for a forward: the reason the person is told).
    pub note: Option<String>,
    /// withdraw: how and when the person withdrew.
    pub withdrawal: Option<WithdrawalRecord>,
    /// forward: the unit of the other controller.
    pub unit_id: Option<Uuid>,
    /// Username of the staff member who proposed it.
    pub proposed_by: Option<String>,
    pub proposed_at: DateTime<Utc>,
    /// Username of the privacy officer who approved or returned it.
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Why it was returned.
    pub review_comment: Option<String>,
}

/// `POST /requests/{id}/closing-step/return`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosingReturnInput {
    /// Why not, for the proposer.
    #[schema(min_length = 1, max_length = 4000)]
    pub comment: String,
}

/// A pending step being approved: carried into the transaction that carries it out.
#[derive(Debug, Clone)]
pub(crate) struct Approval {
    pub id: Uuid,
    pub action: ClosingAction,
    pub proposed_by: Uuid,
}

/// Whether a staff member's closing of this request waits for a second person.
pub(crate) async fn required(
    db: &impl ConnectionTrait,
    principal: &Principal,
    req: &request::Model,
) -> ServiceResult<bool> {
    if principal.staff().is_none() {
        return Ok(false);
    }
    Ok(controller::Entity::find_by_id(req.controller_id)
        .one(db)
        .await?
        .is_some_and(|c| c.four_eyes))
}

async fn pending(
    db: &impl ConnectionTrait,
    request_id: Uuid,
) -> ServiceResult<Option<closing_step::Model>> {
    Ok(closing_step::Entity::find()
        .filter(closing_step::Column::RequestId.eq(request_id))
        .filter(closing_step::Column::Status.eq(ClosingStatus::Pending))
        .one(db)
        .await?)
}

async fn view(
    db: &impl ConnectionTrait,
    row: &closing_step::Model,
) -> ServiceResult<ClosingStepView> {
    let input: ClosingInput = serde_json::from_str(&row.input).unwrap_or_default();
    Ok(ClosingStepView {
        id: row.id,
        request_id: row.request_id,
        action: row.action,
        status: row.status,
        note: input.note,
        withdrawal: input.withdrawal,
        unit_id: input.unit_id,
        proposed_by: username_of(db, Some(row.proposed_by)).await?,
        proposed_at: row.proposed_at,
        reviewed_by: username_of(db, row.reviewed_by).await?,
        reviewed_at: row.reviewed_at,
        review_comment: row.review_comment.clone(),
    })
}

/// Records the proposal (the caller has checked the step itself: state, role, its input).
pub(crate) async fn propose(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    action: ClosingAction,
    input: ClosingInput,
) -> ServiceResult<ClosingStepView> {
    let staff = require_staff(principal, Act::WorkCase)?.clone();
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let req = load_visible(&tx.db, &principal, request_id).await?;
                case::require_open(&req)?;
                if pending(&tx.db, request_id).await?.is_some() {
                    return Err(ServiceError::Conflict(
                        "a withdrawal or forward is already waiting for approval".into(),
                    ));
                }
                let row = closing_step::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    request_id: Set(request_id),
                    action: Set(action),
                    input: Set(serde_json::to_string(&input).unwrap_or_else(|_| "{}".into())),
                    status: Set(ClosingStatus::Pending),
                    proposed_by: Set(staff.id),
                    proposed_at: Set(tx.now),
                    reviewed_by: Set(None),
                    reviewed_at: Set(None),
                    review_comment: Set(None),
                }
                .insert(&tx.db)
                .await?;
                let details = serde_json::json!({
                    "closing_step_id": row.id,
                    "step": action,
                    "note": input.note,
                    "withdrawal": input.withdrawal,
                    "to_unit_id": input.unit_id,
                });
                record_action(
                    tx,
                    request_id,
                    Some(&principal),
                    "closing_proposed",
                    None,
                    None,
                    details,
                )
                .await?;
                view(&tx.db, &row).await
            })
        })
        .await
}

/// The latest proposed closing of a request (staff who read internal matters).
pub async fn current(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Option<ClosingStepView>> {
    require_staff(principal, Act::ReadInternal)?;
    load_visible(&app.db, principal, request_id).await?;
    let row = closing_step::Entity::find()
        .filter(closing_step::Column::RequestId.eq(request_id))
        .order_by_desc(closing_step::Column::ProposedAt)
        .one(&app.db)
        .await?;
    match row {
        Some(r) => Ok(Some(view(&app.db, &r).await?)),
        None => Ok(None),
    }
}

/// The pending step, for a privacy officer who did not propose it.
async fn reviewable(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<(crate::auth::Staff, closing_step::Model)> {
    let staff = require_staff(principal, Act::ApproveClosing)?.clone();
    load_visible(&app.db, principal, request_id).await?;
    let row = pending(&app.db, request_id)
        .await?
        .ok_or(ServiceError::NotFound("pending withdrawal or forward"))?;
    if row.proposed_by == staff.id {
        return Err(ServiceError::Forbidden(
            "four eyes: a withdrawal or forward is approved by someone other than the person who proposed it".into(),
        ));
    }
    Ok((staff, row))
}

/// Approves the pending step and carries it out as proposed.
pub async fn approve(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<RequestView> {
    let (_, row) = reviewable(app, principal, request_id).await?;
    let action = row.action;
    let input: ClosingInput = serde_json::from_str(&row.input)
        .map_err(|e| ServiceError::storage("the proposed step could not be read", e))?;
    let approval = Approval {
        id: row.id,
        action,
        proposed_by: row.proposed_by,
    };
    match action {
        ClosingAction::Withdraw => {
            case::carry_out(
                app,
                principal,
                request_id,
                Action::Withdraw,
                input.note,
                input.withdrawal,
                Some(approval),
            )
            .await
        }
        ClosingAction::ForwardOut => {
            case::carry_out(
                app,
                principal,
                request_id,
                Action::ForwardOut,
                input.note,
                None,
                Some(approval),
            )
            .await
        }
        ClosingAction::Forward => {
            let (Some(unit_id), Some(reason)) = (input.unit_id, input.note) else {
                return Err(ServiceError::Storage(
                    "the proposed forward has no unit or reason".into(),
                ));
            };
            case::forward_approved(app, principal, request_id, unit_id, reason, approval).await
        }
    }
}

/// Marks the step approved, in the transaction that carries it out; a step approved or
/// returned meanwhile is a conflict and nothing is written.
pub(crate) async fn settle_approval(
    tx: &mut Tx,
    principal: &Principal,
    request_id: Uuid,
    approval: &Approval,
) -> ServiceResult<()> {
    let reviewer = principal
        .staff()
        .map(|s| s.id)
        .ok_or_else(|| ServiceError::Forbidden("only staff approve".into()))?;
    let done = closing_step::Entity::update_many()
        .col_expr(
            closing_step::Column::Status,
            Expr::value(ClosingStatus::Approved),
        )
        .col_expr(
            closing_step::Column::ReviewedBy,
            Expr::value(Some(reviewer)),
        )
        .col_expr(closing_step::Column::ReviewedAt, Expr::value(Some(tx.now)))
        .filter(closing_step::Column::Id.eq(approval.id))
        .filter(closing_step::Column::Status.eq(ClosingStatus::Pending))
        .exec(&tx.db)
        .await?;
    if done.rows_affected != 1 {
        return Err(ServiceError::Conflict(
            "the proposed step changed meanwhile; look at it again".into(),
        ));
    }
    let proposed_by = username_of(&tx.db, Some(approval.proposed_by)).await?;
    let details = serde_json::json!({
        "closing_step_id": approval.id,
        "step": approval.action,
        "proposed_by": proposed_by,
    });
    record_action(
        tx,
        request_id,
        Some(principal),
        "closing_approved",
        None,
        None,
        details,
    )
    .await
}

/// Returns the pending step to its proposer with a comment; the case stays as it was.
pub async fn send_back(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    input: ClosingReturnInput,
) -> ServiceResult<ClosingStepView> {
    let comment = input.comment.trim().to_string();
    if comment.is_empty() || comment.chars().count() > 4000 {
        return Err(ServiceError::invalid(
            "comment",
            "say why it is returned (1–4000 characters)",
        ));
    }
    let (staff, row) = reviewable(app, principal, request_id).await?;
    let principal = principal.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                load_visible(&tx.db, &principal, request_id).await?;
                let done = closing_step::Entity::update_many()
                    .col_expr(closing_step::Column::Status, Expr::value(ClosingStatus::Returned))
                    .col_expr(closing_step::Column::ReviewedBy, Expr::value(Some(staff.id)))
                    .col_expr(closing_step::Column::ReviewedAt, Expr::value(Some(tx.now)))
                    .col_expr(closing_step::Column::ReviewComment, Expr::value(Some(comment.clone())))
                    .filter(closing_step::Column::Id.eq(row.id))
                    .filter(closing_step::Column::Status.eq(ClosingStatus::Pending))
                    .exec(&tx.db)
                    .await?;
                if done.rows_affected != 1 {
                    return Err(ServiceError::Conflict(
                        "the proposed step changed meanwhile; look at it again".into(),
                    ));
                }
                let details = serde_json::json!({ "closing_step_id": row.id, "step": row.action, "comment": comment });
                record_action(tx, request_id, Some(&principal), "closing_returned", None, None, details).await?;
                let row = closing_step::Entity::find_by_id(row.id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("closing step"))?;
                view(&tx.db, &row).await
            })
        })
        .await
}
