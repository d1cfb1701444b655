//! The columns of a request the case list reads, and how a row of them is decoded (SQLite's text
//! dates parsed by hand).

use chrono::{DateTime, NaiveDate, Utc};
use entity::request;
use sea_orm::{DbErr, FromQueryResult, QueryResult};
use uuid::Uuid;

#[derive(Debug, PartialEq)]
pub(super) struct Projection {
    pub(super) id: Uuid,
    pub(super) reference: String,
    pub(super) kind: String,
    pub(super) channel: String,
    pub(super) unit_id: Uuid,
    pub(super) received_on: NaiveDate,
    pub(super) first_due_on: NaiveDate,
    pub(super) due_on: NaiveDate,
    pub(super) closed_at: Option<DateTime<Utc>>,
    pub(super) status: String,
    pub(super) outcome: Option<String>,
    pub(super) extended: bool,
    pub(super) person_id: Uuid,
}

/// The columns in the order [`Projection::from_query_result`] reads them by index.
pub(super) const COLUMNS: [request::Column; 11] = [
    request::Column::Id,
    request::Column::Reference,
    request::Column::Kind,
    request::Column::Channel,
    request::Column::UnitId,
    request::Column::ReceivedOn,
    request::Column::FirstDueOn,
    request::Column::DueOn,
    request::Column::ClosedAt,
    request::Column::Status,
    request::Column::Outcome,
];

impl FromQueryResult for Projection {
    fn from_query_result(r: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        Projection::read(r, |r, i| r.try_get_by_index(i))
    }
}

/// `YYYY-MM-DD` as SQLite stores a date, parsed by hand: sqlx parses dates with a format
/// string, which was a good part of the per-row cost of the list.
pub(super) fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0, 4)?).ok()?, num(5, 7)?, num(8, 10)?)
}

/// The projection as read from SQLite, whose dates are text.
pub(super) struct SqliteProjection(pub(super) Projection);

impl FromQueryResult for SqliteProjection {
    fn from_query_result(r: &QueryResult, _pre: &str) -> Result<Self, DbErr> {
        Projection::read(r, |r, i| {
            let text: String = r.try_get_by_index(i)?;
            match parse_date(&text) {
                Some(d) => Ok(d),
                // Anything else sqlx can read is still read.
                None => r.try_get_by_index(i),
            }
        })
        .map(SqliteProjection)
    }
}

impl Projection {
    fn read(
        r: &QueryResult,
        date: impl Fn(&QueryResult, usize) -> Result<NaiveDate, DbErr>,
    ) -> Result<Self, DbErr> {
        Ok(Projection {
            id: r.try_get_by_index(0)?,
            reference: r.try_get_by_index(1)?,
            kind: r.try_get_by_index(2)?,
            channel: r.try_get_by_index(3)?,
            unit_id: r.try_get_by_index(4)?,
            received_on: date(r, 5)?,
            first_due_on: date(r, 6)?,
            due_on: date(r, 7)?,
            closed_at: r.try_get_by_index(8)?,
            status: r.try_get_by_index(9)?,
            outcome: r.try_get_by_index(10)?,
            extended: r.try_get_by_index(11)?,
            person_id: r.try_get_by_index(12)?,
        })
    }
}
