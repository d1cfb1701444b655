//! How the period's answered requests kept their deadlines and how many working days they took,
//! computed in Rust over their dates (the holiday calendar is not in the database).
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::request;
use futures::TryStreamExt;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::reports::{
    Scope,
    case_lists::{LateAnswer, WorstLate},
};
use crate::{deadlines, error::ServiceResult, lifecycle::Status};

use super::cohort;

/// When a completed request was answered, as a Norwegian date.
pub(super) fn oslo_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()
}

/// The extended deadline counts only where the person was told of the extension within the
/// first deadline (art. 12(3)): an extension letter that goes by post and was posted after the
/// first deadline, or never, leaves the first deadline standing (`decisions::delivery`). The
/// print queue is asked only where the deadline was extended (the two dates are equal
/// otherwise), so the other requests are read from the covering index alone.
pub(super) const EXTENDED_DUE_ON_IF_TOLD: &str = r#"CASE WHEN "request"."due_on" > "request"."first_due_on" AND EXISTS (SELECT 1 FROM "print_job" WHERE "print_job"."request_id" = "request"."id" AND "print_job"."letter_kind" = 'extension' AND "print_job"."status" <> 'cancelled' AND ("print_job"."posted_on" IS NULL OR "print_job"."posted_on" > "request"."first_due_on")) THEN "request"."first_due_on" ELSE "request"."due_on" END"#;

/// First deadline, extension, or late.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timeliness {
    FirstDeadline,
    Extension,
    Late,
}

pub fn timeliness(answered: NaiveDate, first_due_on: NaiveDate, due_on: NaiveDate) -> Timeliness {
    if answered <= first_due_on {
        Timeliness::FirstDeadline
    } else if answered <= due_on {
        Timeliness::Extension
    } else {
        Timeliness::Late
    }
}

/// Timeliness and working days to answer of the cohort's completed requests.
pub(super) struct Answers {
    pub(super) first: i64,
    pub(super) extension: i64,
    pub(super) late: i64,
    pub(super) late_by_unit: BTreeMap<Uuid, i64>,
    pub(super) late_by_controller: BTreeMap<Uuid, i64>,
    /// The latest answers, to be listed by reference.
    pub(super) worst_late: WorstLate,
    /// Sorted.
    pub(super) days: Vec<i64>,
}

/// Computed in Rust (they need the holiday calendar) over a streamed projection of only the
/// completed requests' dates.
pub(super) async fn answers<C>(db: &C, scope: &Scope) -> ServiceResult<Answers>
where
    C: ConnectionTrait + StreamTrait,
{
    let mut a = Answers {
        first: 0,
        extension: 0,
        late: 0,
        late_by_unit: BTreeMap::new(),
        late_by_controller: BTreeMap::new(),
        worst_late: WorstLate::default(),
        days: Vec::new(),
    };
    let mut rows = request::Entity::find()
        .select_only()
        .column(request::Column::UnitId)
        .column(request::Column::ControllerId)
        .column(request::Column::ReceivedOn)
        .column(request::Column::FirstDueOn)
        .column_as(Expr::cust(EXTENDED_DUE_ON_IF_TOLD), "due_on")
        .column(request::Column::ClosedAt)
        .filter(cohort(scope).add(request::Column::Status.eq(Status::Completed)))
        .into_tuple::<(
            Uuid,
            Uuid,
            NaiveDate,
            NaiveDate,
            NaiveDate,
            Option<DateTime<Utc>>,
        )>()
        .stream(db)
        .await?;
    while let Some((unit_id, controller_id, received_on, first_due_on, due_on, closed_at)) =
        rows.try_next().await?
    {
        let Some(closed_at) = closed_at else { continue };
        let answered = oslo_date(closed_at);
        a.days
            .push(deadlines::working_days_between(received_on, answered));
        match timeliness(answered, first_due_on, due_on) {
            Timeliness::FirstDeadline => a.first += 1,
            Timeliness::Extension => a.extension += 1,
            Timeliness::Late => {
                a.late += 1;
                *a.late_by_unit.entry(unit_id).or_default() += 1;
                *a.late_by_controller.entry(controller_id).or_default() += 1;
                a.worst_late.offer(LateAnswer {
                    days_late: (answered - due_on).num_days(),
                    closed_at,
                    unit_id,
                    received_on,
                    due_on,
                    answered_on: answered,
                });
            }
        }
    }
    a.days.sort_unstable();
    Ok(a)
}
