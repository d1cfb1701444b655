//! A caseworker's own entries on a case: who handles it, internal notes for colleagues, and the
//! date the person can expect the answer.
use chrono::NaiveDate;
use entity::{request, staff_unit, staff_user};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::AssignInput;
use super::Change;
use super::note_of;
use super::require_open;
use super::require_staff;
use super::with_request;
use crate::requests::view::RequestView;
use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
};

pub async fn assign(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: AssignInput,
) -> ServiceResult<RequestView> {
    require_staff(principal)?;
    with_request(app, principal, id, move |tx, before, _principal| {
        Box::pin(async move {
            require_open(&before)?;
            let assignee = match input
                .assignee
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => None,
                Some(username) => {
                    let user = staff_user::Entity::find()
                        .filter(staff_user::Column::Username.eq(username))
                        .filter(staff_user::Column::Active.eq(true))
                        .one(&tx.db)
                        .await?
                        .ok_or_else(|| {
                            ServiceError::invalid(
                                "assignee",
                                format!("unknown staff user `{username}`"),
                            )
                        })?;
                    let works_unit = staff_unit::Entity::find()
                        .filter(staff_unit::Column::StaffId.eq(user.id))
                        .filter(staff_unit::Column::UnitId.eq(before.unit_id))
                        .one(&tx.db)
                        .await?
                        .is_some();
                    let officer_here = user.role == "privacy_officer"
                        && user.controller_id == Some(before.controller_id);
                    let caseworker_here = works_unit && user.role == "caseworker";
                    if !caseworker_here && !officer_here {
                        return Err(ServiceError::invalid(
                            "assignee",
                            format!("`{username}` does not work this request's unit"),
                        ));
                    }
                    Some(user)
                }
            };
            let details =
                serde_json::json!({ "assignee": assignee.as_ref().map(|u| u.username.clone()) });
            let mut row: request::ActiveModel = before.into();
            row.assignee_id = Set(assignee.map(|u| u.id));
            Ok(Change {
                row,
                action: "assigned",
                details,
            })
        })
    })
    .await
}

/// An internal note on the case, for colleagues: never shown to the person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteInput {
    #[schema(min_length = 1, max_length = 4000)]
    pub text: String,
}

/// The timeline action of an internal note; hidden from the citizen's timeline.
pub const INTERNAL_NOTE: &str = "internal_note";

pub async fn note(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: NoteInput,
) -> ServiceResult<RequestView> {
    require_staff(principal)?;
    let Some(text) = note_of(Some(input.text))? else {
        return Err(ServiceError::invalid("text", "the note is empty"));
    };
    with_request(app, principal, id, move |_tx, before, _principal| {
        Box::pin(async move {
            Ok(Change {
                row: before.into(),
                action: INTERNAL_NOTE,
                details: serde_json::json!({ "note": text }),
            })
        })
    })
    .await
}

/// `POST /requests/{id}/expected-answer`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExpectedAnswerInput {
    /// The day the person can expect the answer by, shown to them once the deadline has passed;
    /// `null` takes a date back. Not in the past.
    pub expected_on: Option<NaiveDate>,
}

/// The timeline action of setting (or clearing) the expected answer date.
pub const EXPECTED_ANSWER: &str = "expected_answer_set";

/// The caseworker says when the person can expect the answer (after a missed deadline the
/// person sees it beside the apology); never invented: without one the person is told that no
/// date is set.
pub async fn expected_answer(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: ExpectedAnswerInput,
) -> ServiceResult<RequestView> {
    crate::access::require_staff(principal, crate::access::Act::WorkCase)?;
    if input
        .expected_on
        .is_some_and(|d| d < crate::clock::today_oslo())
    {
        return Err(ServiceError::invalid(
            "expected_on",
            "the expected answer date cannot be in the past",
        ));
    }
    let on = input.expected_on;
    with_request(app, principal, id, move |_tx, before, _principal| {
        Box::pin(async move {
            require_open(&before)?;
            let mut row: request::ActiveModel = before.into();
            row.expected_answer_on = Set(on);
            Ok(Change {
                row,
                action: EXPECTED_ANSWER,
                details: serde_json::json!({ "expected_on": on }),
            })
        })
    })
    .await
}
