//! A projection turned into the row written out: unit names read once, pseudonyms cached per
//! person, dates and CSV written by hand.
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use entity::unit;
use sea_orm::{EntityTrait, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::{core::Core, crypto::Pseudonymizer, deadlines, error::ServiceResult};

use super::{PSEUDONYM_CACHE, projection::Projection};

/// One row as written: borrowed from the projection and the lookups.
#[derive(Debug, Serialize)]
pub(super) struct Row<'a> {
    pub(super) reference: &'a str,
    pub(super) kind: &'a str,
    pub(super) channel: &'a str,
    pub(super) unit: &'a str,
    pub(super) received_on: NaiveDate,
    pub(super) first_due_on: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) closed_on: Option<NaiveDate>,
    pub(super) status: &'a str,
    pub(super) outcome: Option<&'a str>,
    pub(super) extended: bool,
    pub(super) working_days: Option<i64>,
    pub(super) person: &'a str,
}

/// What turns projections into rows: unit names (read once) and pseudonyms (cached per person).
pub(super) struct Rows {
    units: HashMap<Uuid, String>,
    pseudonymizer: Pseudonymizer,
    pseudonyms: HashMap<Uuid, String>,
}

impl Rows {
    pub(super) async fn new(app: &Core) -> ServiceResult<Self> {
        let units = unit::Entity::find()
            .select_only()
            .column(unit::Column::Id)
            .column(unit::Column::Name)
            .into_tuple::<(Uuid, String)>()
            .all(&app.db)
            .await?
            .into_iter()
            .collect();
        Ok(Rows {
            units,
            pseudonymizer: app.vault.pseudonymizer(),
            pseudonyms: HashMap::new(),
        })
    }

    /// Makes sure the person's pseudonym is cached (call before [`Rows::row`]).
    pub(super) fn prepare(&mut self, person: Uuid) {
        if self.pseudonyms.contains_key(&person) {
            return;
        }
        if self.pseudonyms.len() >= PSEUDONYM_CACHE {
            self.pseudonyms.clear();
        }
        let p = self.pseudonymizer.of(person.as_bytes());
        self.pseudonyms.insert(person, p);
    }

    pub(super) fn row<'a>(&'a self, p: &'a Projection) -> Row<'a> {
        let closed_on = p
            .closed_at
            .map(|at| at.with_timezone(&chrono_tz::Europe::Oslo).date_naive());
        Row {
            reference: &p.reference,
            kind: &p.kind,
            channel: &p.channel,
            unit: self.units.get(&p.unit_id).map_or("", String::as_str),
            received_on: p.received_on,
            first_due_on: p.first_due_on,
            due_on: p.due_on,
            closed_on,
            status: &p.status,
            outcome: p.outcome.as_deref(),
            extended: p.extended,
            working_days: closed_on.map(|c| deadlines::working_days_between(p.received_on, c)),
            person: self.pseudonyms.get(&p.person_id).map_or("", String::as_str),
        }
    }
}

/// `YYYY-MM-DD` without going through `fmt` (years 0–9999; the period check keeps us there).
pub(super) fn iso_date(d: NaiveDate) -> [u8; 10] {
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = d.year().clamp(0, 9999) as u32;
    let (m, day) = (d.month(), d.day());
    [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ]
}

pub(super) fn write_csv(w: &mut csv::Writer<Vec<u8>>, row: &Row) -> csv::Result<()> {
    w.write_field(crate::reports::csv_cell(row.reference).as_bytes())?;
    w.write_field(crate::reports::csv_cell(row.kind).as_bytes())?;
    w.write_field(crate::reports::csv_cell(row.channel).as_bytes())?;
    w.write_field(crate::reports::csv_cell(row.unit).as_bytes())?;
    w.write_field(iso_date(row.received_on))?;
    w.write_field(iso_date(row.first_due_on))?;
    w.write_field(iso_date(row.due_on))?;
    match row.closed_on {
        Some(d) => w.write_field(iso_date(d))?,
        None => w.write_field("")?,
    }
    w.write_field(crate::reports::csv_cell(row.status).as_bytes())?;
    w.write_field(crate::reports::csv_cell(row.outcome.unwrap_or("")).as_bytes())?;
    w.write_field(if row.extended { "yes" } else { "no" })?;
    match row.working_days {
        Some(n) => w.write_field(n.to_string())?,
        None => w.write_field("")?,
    }
    w.write_field(crate::reports::csv_cell(row.person).as_bytes())?;
    w.write_record(None::<&[u8]>)
}
