//! The cases behind three of the summary's figures, by reference, so that a data protection
//! officer can name them to Datatilsynet: requests of the period whose deadline was extended
//! (with the reasons the person was given, GDPR art. 12(3)), requests answered after the
//! deadline in force, and open requests past their due date today. References and units only:
//! no person's name or identity number. Each list holds at most [`LIST_LIMIT`] cases, the worst
//! first; the summary's counts say how many there are in all.
use std::{cmp::Reverse, collections::BinaryHeap};

use chrono::{DateTime, NaiveDate, Utc};
use entity::request;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Scope, on_request_index};
use crate::{error::ServiceResult, lifecycle::Status};

/// The most cases one list holds.
pub const LIST_LIMIT: usize = 500;

/// A request of the period whose deadline was extended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ExtendedCase {
    pub reference: String,
    pub unit_id: Uuid,
    pub unit: String,
    pub received_on: NaiveDate,
    pub first_due_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The reasons given to the person in the extension letter.
    pub reason: String,
}

/// A request of the period answered after the deadline in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LateCase {
    pub reference: String,
    pub unit_id: Uuid,
    pub unit: String,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The Norwegian date of the answer.
    pub answered_on: NaiveDate,
    /// Calendar days from the due date to the answer.
    pub days_late: i64,
}

/// An open request past its due date today (any receipt date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OverdueCase {
    pub reference: String,
    pub unit_id: Uuid,
    pub unit: String,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Calendar days from the due date to today.
    pub days_overdue: i64,
}

/// The period's extended requests, the earliest receipt first, and how many there are.
pub async fn extended<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
) -> ServiceResult<(i64, Vec<ExtendedCase>)> {
    // An extension moves the due date past the first one; nothing else does.
    let extended = scope
        .cohort()
        .add(Expr::col(request::Column::DueOn).gt(Expr::col(request::Column::FirstDueOn)));
    let count: Option<i64> = request::Entity::find()
        .select_only()
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(extended.clone())
        .into_tuple()
        .one(db)
        .await?;
    let query = request::Entity::find()
        .select_only()
        .column(request::Column::Reference)
        .column(request::Column::UnitId)
        .column(request::Column::ReceivedOn)
        .column(request::Column::FirstDueOn)
        .column(request::Column::DueOn)
        .column(request::Column::ExtensionReason)
        .filter(extended)
        .order_by_asc(request::Column::ReceivedOn)
        .order_by_asc(request::Column::Reference)
        .limit(LIST_LIMIT as u64);
    // The dates are in this index, so only the extended requests' rows are read (on SQLite,
    // whose planner would read every row of the period in receipt order otherwise).
    let backend = db.get_database_backend();
    let stmt = on_request_index(query.build(backend), backend, "ix_request_report_completed");
    let cases = ExtendedRow::find_by_statement(stmt)
        .all(db)
        .await?
        .into_iter()
        .map(|r| ExtendedCase {
            reference: r.reference,
            unit_id: r.unit_id,
            unit: String::new(),
            received_on: r.received_on,
            first_due_on: r.first_due_on,
            due_on: r.due_on,
            reason: r.extension_reason.unwrap_or_default(),
        })
        .collect();
    Ok((count.unwrap_or(0), cases))
}

#[derive(Debug, FromQueryResult)]
struct ExtendedRow {
    reference: String,
    unit_id: Uuid,
    received_on: NaiveDate,
    first_due_on: NaiveDate,
    due_on: NaiveDate,
    extension_reason: Option<String>,
}

/// Open requests past their due date today, the longest overdue first.
pub async fn overdue<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    today: NaiveDate,
) -> ServiceResult<Vec<OverdueCase>> {
    let rows: Vec<(String, Uuid, NaiveDate, NaiveDate)> = request::Entity::find()
        .select_only()
        .column(request::Column::Reference)
        .column(request::Column::UnitId)
        .column(request::Column::ReceivedOn)
        .column(request::Column::DueOn)
        .filter(
            scope
                .controller_condition()
                .add(request::Column::Status.is_in(Status::open_states()))
                .add(request::Column::DueOn.lt(today)),
        )
        .order_by_asc(request::Column::DueOn)
        .order_by_asc(request::Column::Reference)
        .limit(LIST_LIMIT as u64)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(reference, unit_id, received_on, due_on)| OverdueCase {
            reference,
            unit_id,
            unit: String::new(),
            received_on,
            due_on,
            days_overdue: (today - due_on).num_days(),
        })
        .collect())
}

/// A late answer met while streaming the period's answers: what is needed to find it again.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LateAnswer {
    pub days_late: i64,
    pub closed_at: DateTime<Utc>,
    pub unit_id: Uuid,
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answered_on: NaiveDate,
}

/// Keeps the [`LIST_LIMIT`] latest answers seen, in constant memory.
#[derive(Debug, Default)]
pub struct WorstLate(BinaryHeap<Reverse<LateAnswer>>);

impl WorstLate {
    pub fn offer(&mut self, late: LateAnswer) {
        self.0.push(Reverse(late));
        if self.0.len() > LIST_LIMIT {
            self.0.pop();
        }
    }

    /// The kept answers, the latest first.
    fn into_sorted(self) -> Vec<LateAnswer> {
        let mut out: Vec<LateAnswer> = self.0.into_iter().map(|Reverse(l)| l).collect();
        out.sort_by(|a, b| {
            b.days_late
                .cmp(&a.days_late)
                .then(a.closed_at.cmp(&b.closed_at))
        });
        out
    }
}

/// The late answers with their references, found again by the instant they were closed (the
/// stream that met them reads only the covering index, which holds no reference).
pub async fn late<C: ConnectionTrait>(
    db: &C,
    scope: &Scope,
    worst: WorstLate,
) -> ServiceResult<Vec<LateCase>> {
    let late = worst.into_sorted();
    if late.is_empty() {
        return Ok(Vec::new());
    }
    /// Reference, unit, receipt, due date, closing instant.
    type Found = (String, Uuid, NaiveDate, NaiveDate, Option<DateTime<Utc>>);
    let found: Vec<Found> = request::Entity::find()
        .select_only()
        .column(request::Column::Reference)
        .column(request::Column::UnitId)
        .column(request::Column::ReceivedOn)
        .column(request::Column::DueOn)
        .column(request::Column::ClosedAt)
        .filter(
            scope
                .cohort()
                .add(request::Column::Status.eq(Status::Completed))
                .add(request::Column::ClosedAt.is_in(late.iter().map(|l| l.closed_at))),
        )
        .order_by_asc(request::Column::Reference)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(late.len());
    for l in late {
        let matches = found
            .iter()
            .filter(|(_, unit_id, received_on, due_on, closed_at)| {
                *closed_at == Some(l.closed_at)
                    && *unit_id == l.unit_id
                    && *received_on == l.received_on
                    && *due_on == l.due_on
            });
        for (reference, ..) in matches {
            if out.iter().any(|c: &LateCase| &c.reference == reference) {
                continue;
            }
            out.push(LateCase {
                reference: reference.clone(),
                unit_id: l.unit_id,
                unit: String::new(),
                received_on: l.received_on,
                due_on: l.due_on,
                answered_on: l.answered_on,
                days_late: l.days_late,
            });
        }
    }
    out.truncate(LIST_LIMIT);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(days_late: i64, second: i64) -> LateAnswer {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).expect("date");
        LateAnswer {
            days_late,
            closed_at: DateTime::from_timestamp(1_770_000_000 + second, 0).expect("instant"),
            unit_id: Uuid::nil(),
            received_on: day,
            due_on: day,
            answered_on: day,
        }
    }

    #[test]
    fn only_the_latest_answers_are_kept_the_latest_first() {
        let mut worst = WorstLate::default();
        for i in 0..(LIST_LIMIT as i64 + 100) {
            // Days late 1..=600, offered in a scrambled order.
            let days = (i * 7919) % (LIST_LIMIT as i64 + 100) + 1;
            worst.offer(answer(days, i));
        }
        let kept = worst.into_sorted();
        assert_eq!(kept.len(), LIST_LIMIT);
        assert_eq!(kept.first().map(|l| l.days_late), Some(600));
        assert_eq!(kept.last().map(|l| l.days_late), Some(101));
        assert!(kept.windows(2).all(|w| w[0].days_late >= w[1].days_late));
    }

    #[test]
    fn fewer_than_the_limit_are_all_kept() {
        let mut worst = WorstLate::default();
        for (days, second) in [(3, 0), (1, 1), (3, 2)] {
            worst.offer(answer(days, second));
        }
        let kept: Vec<(i64, i64)> = worst
            .into_sorted()
            .iter()
            .map(|l| (l.days_late, l.closed_at.timestamp() - 1_770_000_000))
            .collect();
        // Equal lateness: the earlier answer first.
        assert_eq!(kept, vec![(3, 0), (3, 2), (1, 1)]);
    }
}
