//! SQLite pages read as one value each. sqlx runs SQLite on a thread of its own and hands
//! every row over separately: a dozen small allocations there, freed on the runtime's
//! threads, and a wake-up per row cost several times what SQLite itself does (the profile
//! of 1M rows). So the database joins a page's records into one blob, which is split here.
use chrono::{DateTime, NaiveDate, Utc};
use entity::request;
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, QuerySelect, QueryTrait, Select};
use uuid::Uuid;

use crate::error::ServiceResult;

use super::PAGE;
use super::projection::Projection;
use super::projection::parse_date;

/// Between fields, between records, and for NULL: bytes that never occur in UTF-8, so no
/// stored text can be mistaken for one.
pub(super) const FIELD: u8 = 0xFF;
pub(super) const RECORD: u8 = 0xFE;
pub(super) const NULL: u8 = 0xFD;

/// A record: the fields of [`Projection`] in its order. `concat_ws` skips NULLs, so the
/// nullable columns are marked; ids come as 32 hex digits. (`concat_ws` is SQLite 3.44;
/// sqlx bundles 3.51.)
const RECORD_SQL: &str = "concat_ws(x'ff', hex(id), reference, kind, channel, hex(unit_id), \
    received_on, first_due_on, due_on, ifnull(closed_at, x'fd'), status, \
    ifnull(outcome, x'fd'), extension_reason IS NOT NULL, hex(person_id))";

/// The page, or `None` if a value is not as dsar stores it (ids as blobs, dates as
/// `YYYY-MM-DD`, times as RFC 3339, UTF-8) or the records came out of order: the caller
/// then reads the page row by row, so the list never differs from that.
pub(super) async fn page(
    db: &DatabaseConnection,
    page: Select<request::Entity>,
) -> ServiceResult<Option<Vec<Projection>>> {
    let records = page
        .select_only()
        .expr_as(Expr::cust(RECORD_SQL), "record")
        .into_query();
    let joined = Query::select()
        .expr(Expr::cust("CAST(group_concat(record, x'fe') AS BLOB)"))
        .from_subquery(records, "page")
        .to_owned();
    let blob: Option<Vec<u8>> = match db.query_one(&joined).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => None,
    };
    Ok(match blob {
        Some(blob) => parse(&blob),
        // group_concat of no rows
        None => Some(Vec::new()),
    })
}

/// The records of a page, in (received_on, id) order, or `None` (see [`page`]).
pub(super) fn parse(blob: &[u8]) -> Option<Vec<Projection>> {
    let mut page: Vec<Projection> = Vec::with_capacity(PAGE as usize);
    let mut rest = blob;
    while !rest.is_empty() {
        // The next field, which must end its record if and only if it is the last.
        let mut next = |last: bool| {
            let (field, ends_record) = split_field(&mut rest);
            (ends_record == last).then_some(field)
        };
        let p = Projection {
            id: id(next(false)?)?,
            reference: text(next(false)?)?,
            kind: text(next(false)?)?,
            channel: text(next(false)?)?,
            unit_id: id(next(false)?)?,
            received_on: date(next(false)?)?,
            first_due_on: date(next(false)?)?,
            due_on: date(next(false)?)?,
            closed_at: nullable(next(false)?, timestamp)?,
            status: text(next(false)?)?,
            outcome: nullable(next(false)?, text)?,
            extended: match next(false)? {
                b"0" => false,
                b"1" => true,
                _ => return None,
            },
            person_id: id(next(true)?)?,
        };
        if page
            .last()
            .is_some_and(|last| (last.received_on, last.id) >= (p.received_on, p.id))
        {
            return None;
        }
        page.push(p);
    }
    Some(page)
}

/// Takes the next field off `rest`: the field, and whether a record ends with it. One
/// memchr pass over the page (splitting into records, then fields, read every byte twice).
fn split_field<'a>(rest: &mut &'a [u8]) -> (&'a [u8], bool) {
    let all = *rest;
    match memchr::memchr2(FIELD, RECORD, all) {
        Some(at) => {
            *rest = &all[at + 1..];
            (&all[..at], all[at] == RECORD)
        }
        None => {
            *rest = &[];
            (all, true)
        }
    }
}

fn text(field: &[u8]) -> Option<String> {
    std::str::from_utf8(field).ok().map(str::to_owned)
}

fn id(field: &[u8]) -> Option<Uuid> {
    if field.len() != 32 {
        return None;
    }
    Uuid::try_parse_ascii(field).ok()
}

fn date(field: &[u8]) -> Option<NaiveDate> {
    parse_date(std::str::from_utf8(field).ok()?)
}

/// As sqlx reads a `DateTime<Utc>` stored as text by sqlx.
fn timestamp(field: &[u8]) -> Option<DateTime<Utc>> {
    let text = std::str::from_utf8(field).ok()?;
    Some(DateTime::parse_from_rfc3339(text).ok()?.with_timezone(&Utc))
}

/// `Some(None)` for the NULL marker, else the parsed value (`None` if it does not parse).
fn nullable<T>(field: &[u8], parse: impl Fn(&[u8]) -> Option<T>) -> Option<Option<T>> {
    if field == [NULL] {
        Some(None)
    } else {
        parse(field).map(Some)
    }
}
