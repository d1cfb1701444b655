//! The pseudonymised case list: one row per request received in the period, with no name or
//! identity number, only a stable pseudonym per person. Read page by page by keyset
//! (received_on, id) and written as it is read, so memory stays constant whatever the size.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{request, unit};
use futures::Stream;
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Format, Scope};
use crate::{
    app::AppState,
    deadlines,
    error::{ServiceError, ServiceResult},
};

/// Rows per database read.
const PAGE: u64 = 2000;

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
#[derive(Debug, FromQueryResult)]
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
    extension_reason: Option<String>,
    person_id: Uuid,
}

struct Cursor {
    app: AppState,
    scope: Scope,
    format: Format,
    units: HashMap<Uuid, String>,
    after: Option<(NaiveDate, Uuid)>,
    started: bool,
    done: bool,
    rows: u64,
}

/// Reads one page and renders it; `None` when the list is finished.
async fn next_chunk(c: &mut Cursor) -> ServiceResult<Option<Chunk>> {
    if c.done {
        return Ok(None);
    }
    let rows_before = c.rows;
    let mut out = Vec::with_capacity(256 * PAGE as usize);
    if !c.started {
        c.started = true;
        match c.format {
            Format::Json => out.push(b'['),
            // `stream` refuses xlsx before it gets here.
            Format::Csv | Format::Xlsx => out.extend_from_slice(&csv_line(&HEADER)),
        }
    }
    let mut cond = Condition::all()
        .add(request::Column::ReceivedOn.gte(c.scope.from))
        .add(request::Column::ReceivedOn.lte(c.scope.to));
    if let Some(ctrl) = c.scope.controller {
        cond = cond.add(request::Column::ControllerId.eq(ctrl));
    }
    if let Some((d, id)) = c.after {
        cond = cond.add(
            Condition::any().add(request::Column::ReceivedOn.gt(d)).add(
                Condition::all()
                    .add(request::Column::ReceivedOn.eq(d))
                    .add(request::Column::Id.gt(id)),
            ),
        );
    }
    let page: Vec<Projection> = request::Entity::find()
        .select_only()
        .columns([
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
            request::Column::ExtensionReason,
            request::Column::PersonId,
        ])
        .filter(cond)
        .order_by_asc(request::Column::ReceivedOn)
        .order_by_asc(request::Column::Id)
        .limit(PAGE)
        .into_model::<Projection>()
        .all(&c.app.db)
        .await?;
    if (page.len() as u64) < PAGE {
        c.done = true;
    }
    if let Some(last) = page.last() {
        c.after = Some((last.received_on, last.id));
    }
    for p in page {
        let row = to_row(&c.app, &c.units, p);
        match c.format {
            Format::Csv | Format::Xlsx => out.extend_from_slice(&csv_line(&row.fields())),
            Format::Json => {
                if c.rows > 0 {
                    out.push(b',');
                }
                serde_json::to_writer(&mut out, &row)
                    .map_err(|e| ServiceError::Storage(e.to_string()))?;
            }
        }
        c.rows += 1;
    }
    if c.done && c.format == Format::Json {
        out.push(b']');
    }
    Ok(Some(Chunk {
        rows: c.rows - rows_before,
        bytes: out,
    }))
}

fn to_row(app: &AppState, units: &HashMap<Uuid, String>, p: Projection) -> CaseRow {
    let closed_on = p
        .closed_at
        .map(|at| at.with_timezone(&chrono_tz::Europe::Oslo).date_naive());
    CaseRow {
        unit: units.get(&p.unit_id).cloned().unwrap_or_default(),
        received_on: p.received_on,
        first_due_on: p.first_due_on,
        due_on: p.due_on,
        closed_on,
        working_days: closed_on.map(|c| deadlines::working_days_between(p.received_on, c)),
        person: app.vault.pseudonym_of(p.person_id.as_bytes()),
        reference: p.reference,
        kind: p.kind,
        channel: p.channel,
        status: p.status,
        outcome: p.outcome,
        extended: p.extension_reason.is_some(),
    }
}

impl CaseRow {
    fn fields(&self) -> [String; 13] {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            self.reference.clone(),
            self.kind.clone(),
            self.channel.clone(),
            self.unit.clone(),
            self.received_on.to_string(),
            self.first_due_on.to_string(),
            self.due_on.to_string(),
            self.closed_on.map(|d| d.to_string()).unwrap_or_default(),
            self.status.clone(),
            opt(&self.outcome),
            if self.extended { "yes" } else { "no" }.into(),
            self.working_days.map(|d| d.to_string()).unwrap_or_default(),
            self.person.clone(),
        ]
    }
}

fn csv_line<S: AsRef<[u8]>>(fields: &[S]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::with_capacity(160));
    // Writing to a Vec cannot fail.
    let _ = w.write_record(fields);
    w.into_inner().unwrap_or_default()
}

/// A piece of the rendered list and how many rows it holds (for progress bars).
pub struct Chunk {
    pub rows: u64,
    pub bytes: Vec<u8>,
}

/// How many rows the list for `scope` has (for a progress bar's length).
pub async fn count(app: &AppState, scope: Scope) -> ServiceResult<u64> {
    use sea_orm::PaginatorTrait;
    let mut cond = Condition::all()
        .add(request::Column::ReceivedOn.gte(scope.from))
        .add(request::Column::ReceivedOn.lte(scope.to));
    if let Some(ctrl) = scope.controller {
        cond = cond.add(request::Column::ControllerId.eq(ctrl));
    }
    Ok(request::Entity::find().filter(cond).count(&app.db).await?)
}

/// The case list as a stream of byte chunks (CSV with a header row, or one JSON array).
/// The unit names are read once up front; everything else page by page.
pub async fn stream(
    app: AppState,
    scope: Scope,
    format: Format,
) -> ServiceResult<impl Stream<Item = ServiceResult<Chunk>> + Send + 'static> {
    if format == Format::Xlsx {
        return Err(ServiceError::invalid(
            "format",
            "the case list is streamed as csv or json; xlsx is for the summary",
        ));
    }
    let units: HashMap<Uuid, String> = unit::Entity::find()
        .select_only()
        .column(unit::Column::Id)
        .column(unit::Column::Name)
        .into_tuple::<(Uuid, String)>()
        .all(&app.db)
        .await?
        .into_iter()
        .collect();
    let cursor = Cursor {
        app,
        scope,
        format,
        units,
        after: None,
        started: false,
        done: false,
        rows: 0,
    };
    Ok(futures::stream::try_unfold(cursor, |mut c| async move {
        Ok(next_chunk(&mut c).await?.map(|chunk| (chunk, c)))
    }))
}
