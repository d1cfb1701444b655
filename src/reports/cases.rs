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
use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{request, unit};
use futures::Stream;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait,
    FromQueryResult, QueryFilter, QueryOrder, QueryResult, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, Query},
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Format, Scope};
use crate::{
    core::Core,
    crypto::Pseudonymizer,
    deadlines,
    error::{ServiceError, ServiceResult},
};

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

/// Only the columns the list shows; never the description or contact data.
#[derive(Debug, PartialEq)]
struct Projection {
    id: Uuid,
    reference: String,
    kind: String,
    channel: String,
    unit_id: Uuid,
    received_on: NaiveDate,
    first_due_on: NaiveDate,
    due_on: NaiveDate,
    closed_at: Option<DateTime<Utc>>,
    status: String,
    outcome: Option<String>,
    extended: bool,
    person_id: Uuid,
}

/// The columns in the order [`Projection::from_query_result`] reads them by index.
const COLUMNS: [request::Column; 11] = [
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
fn parse_date(text: &str) -> Option<NaiveDate> {
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
struct SqliteProjection(Projection);

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

/// The keyset cursor over the period's requests, by (received_on, id).
struct Pages {
    scope: Scope,
    after: Option<(NaiveDate, Uuid)>,
    done: bool,
}

impl Pages {
    fn new(scope: Scope) -> Self {
        Pages {
            scope,
            after: None,
            done: false,
        }
    }

    /// The next page; empty when the list is finished.
    async fn next(&mut self, db: &DatabaseConnection) -> ServiceResult<Vec<Projection>> {
        if self.done {
            return Ok(Vec::new());
        }
        let mut cond = self
            .scope
            .controller_condition()
            .add(request::Column::ReceivedOn.lte(self.scope.to));
        cond = match self.after {
            None => cond.add(request::Column::ReceivedOn.gte(self.scope.from)),
            // `received_on >= d` bounds the index range; the OR only sorts out day d itself.
            Some((d, id)) => cond.add(request::Column::ReceivedOn.gte(d)).add(
                Condition::any()
                    .add(request::Column::ReceivedOn.gt(d))
                    .add(request::Column::Id.gt(id)),
            ),
        };
        let page = request::Entity::find()
            .filter(cond)
            .order_by_asc(request::Column::ReceivedOn)
            .order_by_asc(request::Column::Id)
            .limit(PAGE);
        let page: Vec<Projection> = match db.get_database_backend() {
            DbBackend::Sqlite => match sqlite::page(db, page.clone()).await? {
                Some(rows) => rows,
                // Not as dsar writes it: row by row, with sqlx's decoding, as before.
                None => {
                    tracing::debug!(after = ?self.after, "case list: a page read row by row");
                    projected(page)
                        .into_model::<SqliteProjection>()
                        .all(db)
                        .await?
                        .into_iter()
                        .map(|p| p.0)
                        .collect()
                }
            },
            _ => projected(page).into_model::<Projection>().all(db).await?,
        };
        if (page.len() as u64) < PAGE {
            self.done = true;
        }
        if let Some(last) = page.last() {
            self.after = Some((last.received_on, last.id));
        }
        Ok(page)
    }
}

/// The page's [`COLUMNS`], then `extended` and `person_id`, for [`Projection::read`].
fn projected(page: Select<request::Entity>) -> Select<request::Entity> {
    page.select_only()
        .columns(COLUMNS)
        .column_as(
            sea_orm::sea_query::ExprTrait::is_not_null(Expr::col(request::Column::ExtensionReason)),
            "extended",
        )
        .column(request::Column::PersonId)
}

mod sqlite {
    //! SQLite pages read as one value each. sqlx runs SQLite on a thread of its own and hands
    //! every row over separately: a dozen small allocations there, freed on the runtime's
    //! threads, and a wake-up per row cost several times what SQLite itself does (the profile
    //! of 1M rows). So the database joins a page's records into one blob, which is split here.
    use super::*;

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
}

/// One row as written: borrowed from the projection and the lookups.
#[derive(Debug, Serialize)]
struct Row<'a> {
    reference: &'a str,
    kind: &'a str,
    channel: &'a str,
    unit: &'a str,
    received_on: NaiveDate,
    first_due_on: NaiveDate,
    due_on: NaiveDate,
    closed_on: Option<NaiveDate>,
    status: &'a str,
    outcome: Option<&'a str>,
    extended: bool,
    working_days: Option<i64>,
    person: &'a str,
}

/// What turns projections into rows: unit names (read once) and pseudonyms (cached per person).
struct Rows {
    units: HashMap<Uuid, String>,
    pseudonymizer: Pseudonymizer,
    pseudonyms: HashMap<Uuid, String>,
}

impl Rows {
    async fn new(app: &Core) -> ServiceResult<Self> {
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
    fn prepare(&mut self, person: Uuid) {
        if self.pseudonyms.contains_key(&person) {
            return;
        }
        if self.pseudonyms.len() >= PSEUDONYM_CACHE {
            self.pseudonyms.clear();
        }
        let p = self.pseudonymizer.of(person.as_bytes());
        self.pseudonyms.insert(person, p);
    }

    fn row<'a>(&'a self, p: &'a Projection) -> Row<'a> {
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
fn iso_date(d: NaiveDate) -> [u8; 10] {
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

fn write_csv(w: &mut csv::Writer<Vec<u8>>, row: &Row) -> csv::Result<()> {
    w.write_field(super::csv_cell(row.reference).as_bytes())?;
    w.write_field(super::csv_cell(row.kind).as_bytes())?;
    w.write_field(super::csv_cell(row.channel).as_bytes())?;
    w.write_field(super::csv_cell(row.unit).as_bytes())?;
    w.write_field(iso_date(row.received_on))?;
    w.write_field(iso_date(row.first_due_on))?;
    w.write_field(iso_date(row.due_on))?;
    match row.closed_on {
        Some(d) => w.write_field(iso_date(d))?,
        None => w.write_field("")?,
    }
    w.write_field(super::csv_cell(row.status).as_bytes())?;
    w.write_field(super::csv_cell(row.outcome.unwrap_or("")).as_bytes())?;
    w.write_field(if row.extended { "yes" } else { "no" })?;
    match row.working_days {
        Some(n) => w.write_field(n.to_string())?,
        None => w.write_field("")?,
    }
    w.write_field(super::csv_cell(row.person).as_bytes())?;
    w.write_record(None::<&[u8]>)
}

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

mod xlsx {
    //! The case list as a workbook, built on a blocking thread in constant memory and streamed
    //! out through a bounded channel (a slow client holds the builder back, not memory).
    use std::io::Write;

    use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook, Worksheet, XlsxError};
    use tokio::sync::mpsc;

    use super::*;

    /// Bytes of the zip per chunk sent.
    const CHUNK: usize = 64 * 1024;

    fn fail(e: XlsxError) -> ServiceError {
        ServiceError::Storage(format!("xlsx: {e}").into())
    }

    pub(super) fn stream(
        app: Core,
        scope: Scope,
        rows: Rows,
    ) -> impl Stream<Item = ServiceResult<Chunk>> + Send + 'static {
        let (tx, rx) = mpsc::channel::<ServiceResult<Chunk>>(4);
        let handle = tokio::runtime::Handle::current();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = build(&handle, app, scope, rows, &tx) {
                // The receiver may be gone (client left); nothing else to tell then.
                let _ = tx.blocking_send(Err(e));
            }
        });
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) })
    }

    /// Sends the zip on in chunks as rust_xlsxwriter writes it.
    struct ChunkWriter<'a> {
        tx: &'a mpsc::Sender<ServiceResult<Chunk>>,
        buf: Vec<u8>,
    }

    impl ChunkWriter<'_> {
        fn send(&mut self) -> std::io::Result<()> {
            if self.buf.is_empty() {
                return Ok(());
            }
            let bytes = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
            self.tx
                .blocking_send(Ok(Chunk { rows: 0, bytes }))
                .map_err(|_| std::io::Error::other("the client went away"))
        }
    }

    impl Write for ChunkWriter<'_> {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.buf.extend_from_slice(data);
            if self.buf.len() >= CHUNK {
                self.send()?;
            }
            Ok(data.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn excel_date(d: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
        ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
    }

    fn write_row(
        sheet: &mut Worksheet,
        r: u32,
        row: &Row,
        date: &CellFormat,
    ) -> Result<(), XlsxError> {
        sheet.write_string(r, 0, row.reference)?;
        sheet.write_string(r, 1, row.kind)?;
        sheet.write_string(r, 2, row.channel)?;
        sheet.write_string(r, 3, row.unit)?;
        sheet.write_datetime_with_format(r, 4, excel_date(row.received_on)?, date)?;
        sheet.write_datetime_with_format(r, 5, excel_date(row.first_due_on)?, date)?;
        sheet.write_datetime_with_format(r, 6, excel_date(row.due_on)?, date)?;
        if let Some(d) = row.closed_on {
            sheet.write_datetime_with_format(r, 7, excel_date(d)?, date)?;
        }
        sheet.write_string(r, 8, row.status)?;
        if let Some(o) = row.outcome {
            sheet.write_string(r, 9, o)?;
        }
        sheet.write_string(r, 10, if row.extended { "yes" } else { "no" })?;
        if let Some(n) = row.working_days {
            sheet.write_number(r, 11, n as f64)?;
        }
        sheet.write_string(r, 12, row.person)?;
        Ok(())
    }

    fn build(
        handle: &tokio::runtime::Handle,
        app: Core,
        scope: Scope,
        mut rows: Rows,
        tx: &mpsc::Sender<ServiceResult<Chunk>>,
    ) -> ServiceResult<()> {
        let mut book = Workbook::new();
        let bold = CellFormat::new().set_bold();
        let date = CellFormat::new().set_num_format("yyyy-mm-dd");
        let sheet = book.add_worksheet_with_constant_memory();
        sheet.set_name("Cases").map_err(fail)?;
        for (c, w) in [16, 12, 10, 28, 12, 12, 12, 12, 18, 18, 9, 12, 18]
            .into_iter()
            .enumerate()
        {
            sheet.set_column_width(c as u16, w).map_err(fail)?;
        }
        for (c, title) in HEADER.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *title, &bold)
                .map_err(fail)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(fail)?;
        let mut pages = Pages::new(scope);
        let mut r: u32 = 1;
        loop {
            let page = handle.block_on(pages.next(&app.db))?;
            for p in &page {
                rows.prepare(p.person_id);
            }
            for p in &page {
                if u64::from(r) > XLSX_MAX_ROWS {
                    return Err(ServiceError::invalid(
                        "format",
                        "the list grew past what one XLSX sheet holds; use csv",
                    ));
                }
                write_row(sheet, r, &rows.row(p), &date).map_err(fail)?;
                r += 1;
            }
            let progress = Chunk {
                rows: page.len() as u64,
                bytes: Vec::new(),
            };
            if tx.blocking_send(Ok(progress)).is_err() {
                return Ok(());
            }
            if pages.done {
                break;
            }
        }
        let mut out = ChunkWriter {
            tx,
            buf: Vec::with_capacity(CHUNK),
        };
        book.save_to_writer(&mut out).map_err(fail)?;
        out.send()
            .map_err(|e| ServiceError::Storage(format!("xlsx: {e}").into()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_dates_parse_by_hand_like_chrono() {
        for (text, want) in [
            ("2026-01-02", Some("2026-01-02")),
            ("1999-12-31", Some("1999-12-31")),
            ("2026-02-30", None),
            ("2026-1-02", None),
            ("2026-01-0x", None),
            ("2026-01-02T00:00", None),
            ("", None),
        ] {
            let want = want.map(|w| w.parse::<NaiveDate>().unwrap());
            assert_eq!(parse_date(text), want, "{text:?}");
        }
    }

    /// A record as SQLite joins it (`sqlite::RECORD_SQL`), from its fields as text; `None` is
    /// SQL NULL.
    fn record(fields: [Option<&str>; 13]) -> Vec<u8> {
        let mut out = Vec::new();
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(sqlite::FIELD);
            }
            match f {
                Some(text) => out.extend_from_slice(text.as_bytes()),
                None => out.push(sqlite::NULL),
            }
        }
        out
    }

    fn joined(records: &[Vec<u8>]) -> Vec<u8> {
        records.join(&sqlite::RECORD)
    }

    const ID_A: &str = "01A2096F6247771D88EBE9DA4A04E90E";
    const ID_B: &str = "01a2096f62537122a360981306e32fa3";
    const UNIT: &str = "01A2096F625F72429B30D498368EC6AE";
    const PERSON: &str = "0198F00DBA5E7000800000000000CAFE";

    fn fields<'a>(id: &'a str, received_on: &'a str) -> [Option<&'a str>; 13] {
        [
            Some(id),
            Some("PV-2026-000004"),
            Some("retting"),
            Some("email"),
            Some(UNIT),
            Some(received_on),
            Some("2026-11-23"),
            Some("2026-12-23"),
            Some("2026-11-23T23:44:00.332638986+00:00"),
            Some("completed"),
            Some("granted"),
            Some("1"),
            Some(PERSON),
        ]
    }

    #[test]
    fn a_joined_sqlite_page_parses_into_the_projection() {
        let mut open = fields(ID_B, "2026-10-23");
        open[1] = Some("R-\"2\", ø");
        open[8] = None;
        open[10] = None;
        open[11] = Some("0");
        let page =
            sqlite::parse(&joined(&[record(fields(ID_A, "2026-10-23")), record(open)])).unwrap();
        assert_eq!(page.len(), 2);
        let (a, b) = (&page[0], &page[1]);
        assert_eq!(a.id, ID_A.parse::<Uuid>().unwrap());
        assert_eq!(a.reference, "PV-2026-000004");
        assert_eq!((a.kind.as_str(), a.channel.as_str()), ("retting", "email"));
        assert_eq!(a.unit_id, UNIT.parse::<Uuid>().unwrap());
        assert_eq!(a.received_on, "2026-10-23".parse::<NaiveDate>().unwrap());
        assert_eq!(a.first_due_on, "2026-11-23".parse::<NaiveDate>().unwrap());
        assert_eq!(a.due_on, "2026-12-23".parse::<NaiveDate>().unwrap());
        assert_eq!(
            a.closed_at,
            Some("2026-11-23T23:44:00.332638986Z".parse().unwrap())
        );
        assert_eq!(a.status, "completed");
        assert_eq!(a.outcome.as_deref(), Some("granted"));
        assert!(a.extended);
        assert_eq!(a.person_id, PERSON.parse::<Uuid>().unwrap());
        assert_eq!(b.id, ID_B.parse::<Uuid>().unwrap());
        assert_eq!(b.reference, "R-\"2\", ø");
        assert_eq!(
            (b.closed_at, b.outcome.as_deref(), b.extended),
            (None, None, false)
        );
    }

    #[test]
    fn a_joined_sqlite_page_is_refused_unless_every_value_is_as_dsar_stores_it() {
        let good = fields(ID_A, "2026-10-23");
        assert!(sqlite::parse(&record(good)).is_some());
        let with = |i: usize, value: Option<&'static str>| {
            let mut f = good;
            f[i] = value;
            record(f)
        };
        for (what, blob) in [
            (
                "uuid stored as text",
                with(
                    0,
                    Some(
                        "30314132303936462D363234372D373731442D383845422D453944413441303445393045",
                    ),
                ),
            ),
            ("not hex", with(4, Some("01A2096F625F72429B30D498368EC6AG"))),
            ("NULL id", with(12, None)),
            ("date not YYYY-MM-DD", with(5, Some("2026-1-23"))),
            (
                "sqlx's other time format",
                with(8, Some("2026-11-23 23:44:00")),
            ),
            ("time as a number", with(8, Some("1795477440"))),
            ("extended neither 0 nor 1", with(11, Some("yes"))),
            ("NULL where there is none", with(2, None)),
            (
                "a field short",
                record(good)[..record(good).len() - 33].to_vec(),
            ),
            (
                "a field too many",
                [record(good), vec![sqlite::FIELD, b'x']].concat(),
            ),
            (
                "not UTF-8",
                with(1, None)
                    .into_iter()
                    .map(|b| if b == sqlite::NULL { 0xC3 } else { b })
                    .collect(),
            ),
        ] {
            assert!(sqlite::parse(&blob).is_none(), "{what}");
        }
        // Out of the (received_on, id) order, or twice: read row by row.
        let first = record(fields(ID_B, "2026-10-23"));
        for second in [
            fields(ID_A, "2026-10-23"),
            fields(ID_B, "2026-10-23"),
            fields(ID_B, "2026-10-22"),
        ] {
            assert!(sqlite::parse(&joined(&[first.clone(), record(second)])).is_none());
        }
        assert!(sqlite::parse(&joined(&[first, record(fields(ID_A, "2026-10-24"))])).is_some());
    }

    /// The joined read on the real (bundled) SQLite with dsar's schema, against the row-by-row
    /// read of the same page: the SQL and the parser agree, and such a page is not refused.
    #[tokio::test]
    async fn sqlite_reads_a_page_joined_the_same_as_row_by_row() {
        use crate::lifecycle::{Outcome, RightKind, Status};
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        let mut opts = sea_orm::ConnectOptions::new("sqlite::memory:");
        opts.max_connections(1).sqlx_logging(false);
        let db = sea_orm::Database::connect(opts).await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        // Requests only: the page does not read the tables they refer to.
        db.execute_unprepared("PRAGMA foreign_keys = OFF")
            .await
            .unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let rows = [
            (
                "R-1",
                "2026-03-02",
                Some("2026-03-28T23:30:00.123456789Z"),
                Some(Outcome::Granted),
                true,
            ),
            ("R-\"2\", ø", "2026-03-02", None, None, false),
            (
                "R-3",
                "2026-01-05",
                Some("2026-02-20T12:00:00Z"),
                None,
                false,
            ),
        ];
        for (reference, received, closed, outcome, extended) in rows {
            let received = day(received);
            request::ActiveModel {
                id: Set(Uuid::new_v4()),
                reference: Set(reference.into()),
                kind: Set(RightKind::Innsyn),
                status: Set(Status::Completed),
                outcome: Set(outcome),
                outcome_note: Set(None),
                description: Set("x".into()),
                service_area: Set(None),
                language: Set(entity::values::Language::Nb),
                channel: Set(crate::requests::view::Channel::Letter),
                person_id: Set(Uuid::now_v7()),
                controller_id: Set(Uuid::now_v7()),
                unit_id: Set(Uuid::now_v7()),
                assignee_id: Set(None),
                received_on: Set(received),
                first_due_on: Set(crate::deadlines::due_date(received)),
                due_on: Set(crate::deadlines::extended_due_date(received)),
                extension_reason: Set(extended.then(|| "Mange kilder".into())),
                routing: Set("{}".into()),
                created_at: Set(Utc::now()),
                updated_at: Set(Utc::now()),
                closed_at: Set(closed.map(|c| c.parse().unwrap())),
                version: Set(1),
                contact_email: Set(None),
                expected_answer_on: Set(None),
                wants_paper: Set(false),
            }
            .insert(&db)
            .await
            .unwrap();
        }
        let select = || {
            request::Entity::find()
                .order_by_asc(request::Column::ReceivedOn)
                .order_by_asc(request::Column::Id)
                .limit(PAGE)
        };
        let joined = sqlite::page(&db, select()).await.unwrap().unwrap();
        let row_by_row: Vec<Projection> = projected(select())
            .into_model::<SqliteProjection>()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.0)
            .collect();
        assert_eq!(joined.len(), 3);
        assert_eq!(joined, row_by_row);
        assert_eq!(joined[0].reference, "R-3");
        let empty = select().filter(request::Column::ReceivedOn.gt(day("2026-12-31")));
        assert_eq!(sqlite::page(&db, empty).await.unwrap(), Some(Vec::new()));
    }

    #[test]
    fn iso_dates_match_chrono() {
        for s in ["2026-01-02", "1999-12-31", "0001-01-01", "2030-10-09"] {
            let d: NaiveDate = s.parse().unwrap();
            assert_eq!(std::str::from_utf8(&iso_date(d)).unwrap(), s);
        }
    }

    #[test]
    fn a_written_row_has_the_documented_fields_in_the_header_order() {
        let d: NaiveDate = "2026-02-02".parse().unwrap();
        let row = Row {
            reference: "R-1",
            kind: "innsyn",
            channel: "letter",
            unit: "Enhet, A",
            received_on: d,
            first_due_on: d,
            due_on: d,
            closed_on: None,
            status: "received",
            outcome: None,
            extended: true,
            working_days: Some(3),
            person: "abc",
        };
        let json = serde_json::to_value(&row).unwrap();
        let documented = serde_json::to_value(CaseRow {
            reference: "R-1".into(),
            kind: "innsyn".into(),
            channel: "letter".into(),
            unit: "Enhet, A".into(),
            received_on: d,
            first_due_on: d,
            due_on: d,
            closed_on: None,
            status: "received".into(),
            outcome: None,
            extended: true,
            working_days: Some(3),
            person: "abc".into(),
        })
        .unwrap();
        assert_eq!(json, documented);
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut header = HEADER.to_vec();
        header.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(keys, header);
        let mut w = csv::Writer::from_writer(Vec::new());
        write_csv(&mut w, &row).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            line,
            "R-1,innsyn,letter,\"Enhet, A\",2026-02-02,2026-02-02,2026-02-02,,received,,yes,3,abc\n"
        );
    }

    #[test]
    fn a_unit_name_cannot_inject_a_formula() {
        let d: NaiveDate = "2026-02-02".parse().unwrap();
        let row = Row {
            reference: "R-1",
            kind: "innsyn",
            channel: "letter",
            unit: "=HYPERLINK(\"http://evil.example\",\"x\")",
            received_on: d,
            first_due_on: d,
            due_on: d,
            closed_on: None,
            status: "received",
            outcome: Some("@SUM(1)"),
            extended: false,
            working_days: Some(-1),
            person: "abc",
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        write_csv(&mut w, &row).unwrap();
        let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
        assert_eq!(
            line,
            "R-1,innsyn,letter,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2026-02-02,2026-02-02,2026-02-02,,received,'@SUM(1),no,-1,abc\n"
        );
    }
}
