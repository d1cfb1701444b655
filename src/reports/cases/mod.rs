//! The pseudonymised case list: one row per request received in the period, with no name or
//! identity number, only a stable pseudonym per person.
//!
//! Read page by page by keyset on (received_on, id) — indexed, see migration 000006 — selecting
//! only the columns the list shows, and written as it is read: CSV and JSON are streamed in
//! constant memory. Per row there is no database lookup: unit names are read once, pseudonyms
//! come from a prepared keyed hash and are cached per person (bounded). On SQLite a page comes
//! back as one joined value rather than row by row (see `mod sqlite`).
//!
//! XLSX cannot be streamed row by row (the sheet must be complete before the zip is), so the
//! workbook is built with rust_xlsxwriter's constant-memory mode (rows go to a temporary file)
//! on a blocking thread and the zip is then streamed out in chunks; a sheet holds at most
//! [`XLSX_MAX_ROWS`] cases, longer lists are refused (use CSV).
//!
//! This file holds the row, the count and the CSV and JSON stream; the reading and the XLSX
//! workbook are in the files beside it.
mod pages;
mod projection;
mod rows;
mod sqlite;
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
mod xlsx;

use chrono::NaiveDate;
use entity::request;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Serialize;
use utoipa::ToSchema;

use super::{Format, Scope};
use crate::{
    core::Core,
    error::{ServiceError, ServiceResult},
};

use pages::Pages;
use projection::Projection;
use rows::{Rows, write_csv};

/// Rows per database read.
const PAGE: u64 = 2000;
/// Pseudonyms kept per export before the cache starts over (bounds memory on huge lists).
const PSEUDONYM_CACHE: usize = 100_000;
/// The most cases one XLSX export holds: Excel's 1,048,576 rows a sheet, less the header.
pub const XLSX_MAX_ROWS: u64 = 1_048_575;

/// One row of the list (the documented shape; the export writes the same fields borrowed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct CaseRow {
    pub reference: String,
    pub kind: String,
    pub channel: String,
    pub unit: String,
    pub received_on: NaiveDate,
    pub first_due_on: NaiveDate,
    pub due_on: NaiveDate,
    /// The Norwegian date it was closed (answered, withdrawn or forwarded).
    pub closed_on: Option<NaiveDate>,
    pub status: String,
    pub outcome: Option<String>,
    pub extended: bool,
    /// Working days from receipt to closing.
    pub working_days: Option<i64>,
    /// The same for every request of one person, and meaningless without the key.
    pub person: String,
}

const HEADER: [&str; 13] = [
    "reference",
    "kind",
    "channel",
    "unit",
    "received_on",
    "first_due_on",
    "due_on",
    "closed_on",
    "status",
    "outcome",
    "extended",
    "working_days",
    "person",
];

/// A piece of the rendered list and how many rows it holds (for progress bars). An XLSX export
/// reports its rows with empty pieces while it builds the sheet, then sends the file.
pub struct Chunk {
    pub rows: u64,
    pub bytes: Vec<u8>,
}

fn csv_error(e: csv::Error) -> ServiceError {
    ServiceError::Storage(format!("csv: {e}").into())
}

/// Reads pages ahead on its own task, so the database read of the next page overlaps the
/// rendering and sending of this one; at most one page waits (bounded memory). Stops when the
/// list is done or the reader has gone.
fn read_ahead(
    db: DatabaseConnection,
    scope: Scope,
) -> tokio::sync::mpsc::Receiver<ServiceResult<Vec<Projection>>> {
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        let mut pages = Pages::new(scope);
        loop {
            let page = pages.next(&db).await;
            let last = match &page {
                Ok(p) => p.is_empty() || pages.done,
                Err(_) => true,
            };
            if tx.send(page).await.is_err() || last {
                break;
            }
        }
    });
    rx
}

/// The CSV and JSON renderer: one page a chunk.
struct Cursor {
    pages: tokio::sync::mpsc::Receiver<ServiceResult<Vec<Projection>>>,
    rows: Rows,
    format: Format,
    started: bool,
    finished: bool,
    count: u64,
}

/// Renders the next page; the last chunk closes the list; `None` after that.
async fn next_chunk(c: &mut Cursor) -> ServiceResult<Option<Chunk>> {
    if c.finished {
        return Ok(None);
    }
    let page = match c.pages.recv().await {
        Some(page) => page?,
        None => {
            c.finished = true;
            Vec::new()
        }
    };
    for p in &page {
        c.rows.prepare(p.person_id);
    }
    let mut out = Vec::with_capacity(200 * page.len() + 256);
    let before = c.count;
    match c.format {
        Format::Json => {
            if !c.started {
                out.push(b'[');
            }
            for p in &page {
                if c.count > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, &c.rows.row(p))
                    .map_err(|e| ServiceError::Storage(e.into()))?;
                c.count += 1;
            }
            if c.finished {
                out.push(b']');
            }
        }
        _ => {
            let mut w = csv::Writer::from_writer(out);
            if !c.started {
                w.write_record(HEADER).map_err(csv_error)?;
            }
            for p in &page {
                write_csv(&mut w, &c.rows.row(p)).map_err(csv_error)?;
                c.count += 1;
            }
            out = w
                .into_inner()
                .map_err(|e| ServiceError::Storage(format!("csv: {}", e.error()).into()))?;
        }
    }
    c.started = true;
    Ok(Some(Chunk {
        rows: c.count - before,
        bytes: out,
    }))
}

fn condition(scope: &Scope) -> Condition {
    scope
        .controller_condition()
        .add(request::Column::ReceivedOn.gte(scope.from))
        .add(request::Column::ReceivedOn.lte(scope.to))
}

/// How many rows the list for `scope` has (for a progress bar's length, and the XLSX cap).
pub async fn count(app: &Core, scope: &Scope) -> ServiceResult<u64> {
    use sea_orm::PaginatorTrait;
    Ok(request::Entity::find()
        .filter(condition(scope))
        .count(&app.db)
        .await?)
}

/// The case list as a stream of byte chunks: CSV with a header row, one JSON array, or an XLSX
/// workbook (see the module docs for its limits). PDF is refused (it is for the summary).
pub async fn stream(
    app: Core,
    scope: Scope,
    format: Format,
) -> ServiceResult<futures::stream::BoxStream<'static, ServiceResult<Chunk>>> {
    use futures::StreamExt;
    let rows = Rows::new(&app).await?;
    match format {
        Format::Pdf => Err(ServiceError::invalid(
            "format",
            "the case list is csv, json or xlsx; pdf is for the summary",
        )),
        Format::Xlsx => {
            let n = count(&app, &scope).await?;
            if n > XLSX_MAX_ROWS {
                return Err(ServiceError::invalid(
                    "format",
                    format!(
                        "{n} cases are more than one XLSX sheet holds ({XLSX_MAX_ROWS}); use csv or a shorter period"
                    ),
                ));
            }
            Ok(xlsx::stream(app, scope, rows).boxed())
        }
        Format::Csv | Format::Json => {
            let cursor = Cursor {
                pages: read_ahead(app.db.clone(), scope),
                rows,
                format,
                started: false,
                finished: false,
                count: 0,
            };
            Ok(futures::stream::try_unfold(cursor, |mut c| async move {
                Ok(next_chunk(&mut c).await?.map(|chunk| (chunk, c)))
            })
            .boxed())
        }
    }
}
