//! Requests received and answered per month of the period, counted in the database.

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveTime, TimeZone, Utc};
use entity::request;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{CaseStatement, Expr, ExprTrait, SimpleExpr},
};

use crate::reports::Scope;
use crate::{error::ServiceResult, lifecycle::Status};

use super::MonthFigures;

/// The first day of every month that overlaps `from..=to`.
pub(super) fn month_starts(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to {
        out.push(m);
        match m.checked_add_months(Months::new(1)) {
            Some(next) => m = next,
            None => break,
        }
    }
    out
}

/// The instant a Norwegian day starts.
pub(super) fn oslo_midnight(day: NaiveDate) -> DateTime<Utc> {
    let local = day.and_time(NaiveTime::MIN);
    chrono_tz::Europe::Oslo
        .from_local_datetime(&local)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
        // Midnight always exists in Oslo (clocks change at 02:00/03:00); UTC as a last resort.
        .unwrap_or_else(|| local.and_utc())
}

/// `CASE WHEN col < ends[0] THEN 0 WHEN col < ends[1] THEN 1 … END`: the index of the month
/// a value falls in, given each month's exclusive upper bound.
pub(super) fn month_bucket<V: Into<sea_orm::Value> + Copy>(
    col: request::Column,
    ends: &[V],
) -> SimpleExpr {
    let mut case = CaseStatement::new();
    for (i, end) in ends.iter().enumerate() {
        case = case.case(Expr::col(col).lt(*end), Expr::val(i as i32));
    }
    case.into()
}

/// Requests received and answered per month, counted in the database: a range count per month
/// for receipts (over the period's cohort), one `GROUP BY` on the month index for answers
/// (completed requests whose answer falls in the period, by the Norwegian date, whenever
/// received). The answer's
/// month boundaries are the UTC instants of Norwegian midnights, so both databases agree
/// without time-zone support in SQL.
pub async fn monthly<C>(db: &C, scope: &Scope) -> ServiceResult<Vec<MonthFigures>>
where
    C: ConnectionTrait,
{
    let starts = month_starts(scope.from, scope.to);
    let mut months: Vec<MonthFigures> = starts
        .iter()
        .map(|m| MonthFigures {
            month: m.format("%Y-%m").to_string(),
            received: 0,
            answered: 0,
        })
        .collect();
    let Some(after_last) = scope.to.succ_opt() else {
        return Ok(months);
    };
    // Exclusive upper bound of each month, clipped to the period.
    let ends: Vec<NaiveDate> = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(after_last))
        .map(|d| Ord::min(d, after_last))
        .collect();
    // Receipts: one range count per month, each read off the (controller_id,) received_on
    // index without a sort; run together.
    let month_starts_clipped = starts.iter().map(|d| Ord::max(*d, scope.from));
    let counts = month_starts_clipped.zip(&ends).map(|(start, end)| {
        request::Entity::find()
            .select_only()
            .column_as(Expr::cust("COUNT(*)"), "n")
            .filter(
                scope
                    .controller_condition()
                    .add(request::Column::ReceivedOn.gte(start))
                    .add(request::Column::ReceivedOn.lt(*end)),
            )
            .into_tuple::<i64>()
            .one(db)
    });
    let received = futures::future::try_join_all(counts).await?;
    let answer_ends: Vec<DateTime<Utc>> = ends.iter().map(|d| oslo_midnight(*d)).collect();
    let answered: Vec<(Option<i32>, i64)> = request::Entity::find()
        .select_only()
        .column_as(
            month_bucket(request::Column::ClosedAt, &answer_ends),
            "month_index",
        )
        .column_as(Expr::cust("COUNT(*)"), "n")
        .filter(
            scope
                .controller_condition()
                .add(request::Column::Status.eq(Status::Completed))
                .add(request::Column::ClosedAt.gte(oslo_midnight(scope.from)))
                .add(request::Column::ClosedAt.lt(oslo_midnight(after_last))),
        )
        .group_by(Expr::col("month_index"))
        .into_tuple()
        .all(db)
        .await?;
    for (m, n) in months.iter_mut().zip(received) {
        m.received = n.unwrap_or(0);
    }
    for (i, n) in answered {
        if let Some(m) = i
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| months.get_mut(i))
        {
            m.answered += n;
        }
    }
    Ok(months)
}
