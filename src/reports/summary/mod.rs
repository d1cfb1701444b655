//! The period summary. The cohort is the requests *received* in the period (for the controller,
//! or all); counts are `GROUP BY` queries in the database. Timeliness and working days to
//! answer need the holiday calendar, so they are computed in Rust over a streamed projection of
//! only the completed requests' dates (no models loaded, constant memory apart from one integer
//! per completed request for the percentiles). "Open" and "overdue" are today's snapshot,
//! regardless of the period.
//!
//! This file holds the figures and puts them together; the queries, the tables and the
//! downloads are in the files beside it.
mod answers;
mod counts;
mod files;
mod months;
mod tables;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;

pub use answers::{Timeliness, timeliness};
pub use files::{to_csv, to_xlsx};
pub use months::monthly;
pub use tables::{CaseTable, Cell, SheetTable, case_tables, tables};

use std::collections::BTreeMap;

use chrono::NaiveDate;
use entity::unit;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, StreamTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    Scope,
    case_lists::{self, ExtendedCase, LateCase, OverdueCase},
    nearest_rank,
};
use crate::{error::ServiceResult, lifecycle::Status};

use answers::answers;
use counts::{
    CohortGroup, cohort_groups, complaint_figures, controller_figures, controller_groups,
    open_today, refusal_grounds,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Absent: all controllers.
    pub controller: Option<Uuid>,
    /// The day "open" and "overdue" refer to.
    pub today: NaiveDate,
    /// Requests received in the period.
    pub received: i64,
    pub received_by_kind: BTreeMap<String, i64>,
    pub received_by_channel: BTreeMap<String, i64>,
    /// Of those received: answered (completed).
    pub completed: i64,
    /// Answered on or before the first deadline (receipt + one month, working-day rolled).
    pub within_first_deadline: i64,
    /// Answered after the first deadline but on or before the extended one.
    pub within_extension: i64,
    /// Answered after the deadline in force.
    pub late: i64,
    pub withdrawn: i64,
    pub forwarded: i64,
    /// Of those received: still being handled.
    pub still_open: i64,
    /// Working days from receipt to answer (nearest-rank median and 90th percentile).
    pub median_working_days: Option<i64>,
    pub p90_working_days: Option<i64>,
    /// Outcomes of the answered requests.
    pub outcomes: BTreeMap<String, i64>,
    /// Legal bases cited by approved decisions that refused in whole or in part.
    pub refusal_grounds: BTreeMap<String, i64>,
    /// All open requests today (not only the period's).
    pub open_today: i64,
    /// Open requests whose due date has passed.
    pub overdue_today: i64,
    pub units: Vec<UnitFigures>,
    /// Per controller, when the report covers a public body with its parts (or every
    /// controller): the body first, then its parts by name. Empty for one controller.
    pub controllers: Vec<ControllerFigures>,
    /// Every month of the period, received against answered.
    pub months: Vec<MonthFigures>,
    /// Of those received: how many had their deadline extended (art. 12(3)).
    pub extended: i64,
    /// The extended requests with the reasons given, the earliest receipt first (at most
    /// 500; `extended` says how many in all).
    pub extended_cases: Vec<ExtendedCase>,
    /// The requests answered after the deadline, the latest first (at most 500 of `late`).
    pub late_cases: Vec<LateCase>,
    /// Open requests past their due date today, the longest overdue first (at most 500 of
    /// `overdue_today`).
    pub overdue_cases: Vec<OverdueCase>,
    /// Complaints received in the period about requests of the controllers in scope.
    pub complaints: ComplaintFigures,
}

/// Complaints received in the period: appeals of decisions and complaints to Datatilsynet,
/// with how those that ended ended.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ComplaintFigures {
    pub received: i64,
    /// By kind: `appeal`, `supervisory_authority`.
    pub by_kind: BTreeMap<String, i64>,
    /// Of those received, the ones that ended, by outcome.
    pub outcomes: BTreeMap<String, i64>,
    /// Of those received, still open (with the controller or the appeal body).
    pub open: i64,
}

/// One month of the period (the first and last may be partial months).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct MonthFigures {
    /// `YYYY-MM`.
    pub month: String,
    /// Requests received in the month (and the period).
    pub received: i64,
    /// Requests answered (completed) in the month (and the period) by the Norwegian date of the
    /// answer, whenever they were received.
    pub answered: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct UnitFigures {
    pub unit_id: Uuid,
    pub unit: String,
    pub received: i64,
    pub completed: i64,
    pub late: i64,
    pub still_open: i64,
}

/// One controller's figures in a roll-up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ControllerFigures {
    pub controller_id: Uuid,
    pub controller: String,
    pub received: i64,
    pub completed: i64,
    pub late: i64,
    pub withdrawn: i64,
    pub forwarded: i64,
    pub still_open: i64,
}

fn cohort(scope: &Scope) -> Condition {
    scope.cohort()
}

/// The period summary. The independent queries run concurrently (each on its own pooled
/// connection), so the report takes about as long as its slowest query.
pub async fn summary<C>(db: &C, scope: &Scope, today: NaiveDate) -> ServiceResult<Summary>
where
    C: ConnectionTrait + StreamTrait,
{
    let (
        groups,
        mut answers,
        refusal_grounds,
        (open_today, overdue_today),
        months,
        by_controller,
        (extended, mut extended_cases),
        mut overdue_cases,
        complaints,
    ) = tokio::try_join!(
        cohort_groups(db, scope),
        answers(db, scope),
        refusal_grounds(db, scope),
        open_today(db, scope, today),
        monthly(db, scope),
        controller_groups(db, scope),
        case_lists::extended(db, scope),
        case_lists::overdue(db, scope, today),
        complaint_figures(db, scope),
    )?;
    let worst_late = std::mem::take(&mut answers.worst_late);
    let (controllers, mut late_cases) = tokio::try_join!(
        controller_figures(db, scope, by_controller, &answers.late_by_controller),
        case_lists::late(db, scope, worst_late),
    )?;

    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    let mut received_by_kind: BTreeMap<String, i64> = BTreeMap::new();
    let mut received_by_channel: BTreeMap<String, i64> = BTreeMap::new();
    let mut outcomes: BTreeMap<String, i64> = BTreeMap::new();
    let mut units: BTreeMap<Uuid, UnitFigures> = BTreeMap::new();
    for CohortGroup {
        unit_id,
        status,
        kind,
        channel,
        outcome,
        n,
    } in groups
    {
        *received_by_kind
            .entry(kind.as_str().to_owned())
            .or_default() += n;
        *received_by_channel
            .entry(channel.as_str().to_owned())
            .or_default() += n;
        if let Some(outcome) = outcome.filter(|_| status == Status::Completed) {
            *outcomes.entry(outcome.as_str().to_owned()).or_default() += n;
        }
        let u = units.entry(unit_id).or_insert_with(|| UnitFigures {
            unit_id,
            unit: String::new(),
            received: 0,
            completed: 0,
            late: 0,
            still_open: 0,
        });
        u.received += n;
        match status {
            Status::Completed => u.completed += n,
            s if s.is_open() => u.still_open += n,
            _ => {}
        }
        *by_status.entry(status.as_str().to_owned()).or_default() += n;
    }
    for (unit_id, late) in &answers.late_by_unit {
        if let Some(u) = units.get_mut(unit_id) {
            u.late += late;
        }
    }
    let received: i64 = by_status.values().sum();
    let status_n = |s: Status| by_status.get(s.as_str()).copied().unwrap_or(0);

    let named: std::collections::BTreeSet<Uuid> = units
        .keys()
        .copied()
        .chain(extended_cases.iter().map(|c| c.unit_id))
        .chain(late_cases.iter().map(|c| c.unit_id))
        .chain(overdue_cases.iter().map(|c| c.unit_id))
        .collect();
    let names: BTreeMap<Uuid, String> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .filter(unit::Column::Id.is_in(named))
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    let mut units: Vec<UnitFigures> = units
        .into_values()
        .map(|mut u| {
            u.unit = names.get(&u.unit_id).cloned().unwrap_or_default();
            u
        })
        .collect();
    units.sort_by(|a, b| a.unit.cmp(&b.unit).then(a.unit_id.cmp(&b.unit_id)));
    let name_of = |id: &Uuid| names.get(id).cloned().unwrap_or_default();
    for c in &mut extended_cases {
        c.unit = name_of(&c.unit_id);
    }
    for c in &mut late_cases {
        c.unit = name_of(&c.unit_id);
    }
    for c in &mut overdue_cases {
        c.unit = name_of(&c.unit_id);
    }

    Ok(Summary {
        from: scope.from,
        to: scope.to,
        controller: scope.controller,
        today,
        received,
        received_by_kind,
        received_by_channel,
        completed: status_n(Status::Completed),
        within_first_deadline: answers.first,
        within_extension: answers.extension,
        late: answers.late,
        withdrawn: status_n(Status::Withdrawn),
        forwarded: status_n(Status::Forwarded),
        still_open: Status::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| status_n(*s))
            .sum(),
        median_working_days: nearest_rank(&answers.days, 50),
        p90_working_days: nearest_rank(&answers.days, 90),
        outcomes,
        refusal_grounds,
        open_today,
        overdue_today,
        units,
        controllers,
        months,
        extended,
        extended_cases,
        late_cases,
        overdue_cases,
        complaints,
    })
}
