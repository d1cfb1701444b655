//! The queue of printed letters as staff work it: what may be recorded next (printed, posted,
//! not posted), which are late, the jobs listed without any address, and a step recorded.
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    print_job::{self, PrintStatus},
    request,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::LetterKind;
use crate::{
    access::{Act, require_staff},
    auth::Principal,
    clock,
    core::Core,
    error::{ServiceError, ServiceResult},
    requests::{
        intake::record_action,
        queries::{username_of, visibility},
    },
};

/// What a staff member records about a printed letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintAction {
    /// Printed, not yet posted.
    Printed,
    /// Handed to the post.
    Posted,
    /// Not sent by post (with a reason).
    Cancel,
}

/// Why an action is not possible (pure rule).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrintRefusal {
    /// The job is already posted or cancelled, or printed again.
    Closed,
    /// No address to post it to.
    AddressNeeded,
}

/// The next status (pure). A letter is posted only with an address; a posted or cancelled job
/// stays as it is.
pub fn next(
    status: PrintStatus,
    action: PrintAction,
    has_address: bool,
) -> Result<PrintStatus, PrintRefusal> {
    use PrintStatus::*;
    match (status, action) {
        (Posted | Cancelled, _) => Err(PrintRefusal::Closed),
        (Printed, PrintAction::Printed) => Err(PrintRefusal::Closed),
        (Queued, PrintAction::Printed) => Ok(Printed),
        (Queued | Printed, PrintAction::Posted) if !has_address => Err(PrintRefusal::AddressNeeded),
        (Queued | Printed, PrintAction::Posted) => Ok(Posted),
        (Queued | Printed, PrintAction::Cancel) => Ok(Cancelled),
    }
}

/// Whether the letter misses the deadline it serves (pure): posted after it, or still not
/// posted when the day has passed. Posting on the deadline day is in time.
pub fn late(
    status: PrintStatus,
    posted_on: Option<NaiveDate>,
    serves_due_on: NaiveDate,
    today: NaiveDate,
) -> bool {
    match status {
        PrintStatus::Posted => posted_on.is_some_and(|p| p > serves_due_on),
        PrintStatus::Queued | PrintStatus::Printed => today > serves_due_on,
        PrintStatus::Cancelled => false,
    }
}

/// `POST /api/v1/print-jobs/{id}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrintInput {
    pub action: PrintAction,
    /// The day it was handed to the post (posted; default today). Not in the future and not
    /// before the letter was made.
    pub posted_on: Option<NaiveDate>,
    /// The address lines it was posted to, where the job has none (a strictly confidential
    /// address is known to the protected unit only). Stored encrypted, never shown.
    #[serde(default)]
    #[schema(max_items = 6)]
    pub address: Vec<String>,
    /// Why it is not sent by post (cancel).
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
}

/// A printed letter as staff see it: never the address itself.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PrintJobView {
    pub id: Uuid,
    pub request_id: Uuid,
    pub reference: String,
    pub unit_id: Uuid,
    pub letter_kind: LetterKind,
    pub status: PrintStatus,
    /// No address yet: the letter cannot be posted before one is recorded.
    pub address_needed: bool,
    /// The deadline the letter serves (for an extension letter the first deadline).
    pub serves_due_on: NaiveDate,
    /// Posted after that deadline, or still not posted when it has passed.
    pub late: bool,
    pub created_at: DateTime<Utc>,
    pub posted_on: Option<NaiveDate>,
    pub posted_by: Option<String>,
    pub document_id: Uuid,
    /// The printable PDF.
    pub document_href: String,
}

pub(super) fn view(
    job: &print_job::Model,
    req: &request::Model,
    posted_by: Option<String>,
    today: NaiveDate,
) -> PrintJobView {
    PrintJobView {
        id: job.id,
        request_id: job.request_id,
        reference: req.reference.clone(),
        unit_id: req.unit_id,
        letter_kind: job.letter_kind,
        status: job.status,
        address_needed: job.address.is_none(),
        serves_due_on: job.serves_due_on,
        late: late(job.status, job.posted_on, job.serves_due_on, today),
        created_at: job.created_at,
        posted_on: job.posted_on,
        posted_by,
        document_id: job.document_id,
        document_href: format!(
            "/api/v1/requests/{}/documents/{}",
            job.request_id, job.document_id
        ),
    }
}

pub(super) async fn views(
    db: &impl ConnectionTrait,
    pairs: Vec<(print_job::Model, request::Model)>,
) -> ServiceResult<Vec<PrintJobView>> {
    let today = clock::today_oslo();
    let mut out = Vec::with_capacity(pairs.len());
    for (job, req) in pairs {
        let by = username_of(db, job.posted_by).await?;
        out.push(view(&job, &req, by, today));
    }
    Ok(out)
}

/// The letters to post (queued or printed) of the requests the staff member works, earliest
/// deadline first; late ones are marked.
pub async fn list(app: &Core, principal: &Principal) -> ServiceResult<Vec<PrintJobView>> {
    require_staff(principal, Act::WorkCase)?;
    let jobs = print_job::Entity::find()
        .filter(print_job::Column::Status.is_in([PrintStatus::Queued, PrintStatus::Printed]))
        .order_by_asc(print_job::Column::ServesDueOn)
        .order_by_asc(print_job::Column::CreatedAt)
        .all(&app.db)
        .await?;
    let mut ids: Vec<Uuid> = jobs.iter().map(|j| j.request_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut requests = std::collections::HashMap::new();
    for chunk in ids.chunks(500) {
        for r in request::Entity::find()
            .filter(visibility(&app.db, principal).await?)
            .filter(request::Column::Id.is_in(chunk.to_vec()))
            .all(&app.db)
            .await?
        {
            requests.insert(r.id, r);
        }
    }
    let pairs = jobs
        .into_iter()
        .filter_map(|j| requests.get(&j.request_id).cloned().map(|r| (j, r)))
        .collect();
    views(&app.db, pairs).await
}

/// The printed letters of one request (any status), oldest first; for the case page and API.
pub async fn of_case(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> ServiceResult<Vec<PrintJobView>> {
    let jobs = print_job::Entity::find()
        .filter(print_job::Column::RequestId.eq(req.id))
        .order_by_asc(print_job::Column::CreatedAt)
        .all(db)
        .await?;
    views(db, jobs.into_iter().map(|j| (j, req.clone())).collect()).await
}

/// Records that a printed letter was printed, posted (with the day) or will not go by post.
/// Only staff who work the request's case may; everyone else gets "not found".
pub async fn act(
    app: &Core,
    principal: &Principal,
    job_id: Uuid,
    input: PrintInput,
) -> ServiceResult<PrintJobView> {
    let staff = require_staff(principal, Act::WorkCase)?.clone();
    let today = clock::today_oslo();
    let address = crate::representation::address_lines(&input.address, "address")?;
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    if reason.as_ref().is_some_and(|r| r.chars().count() > 2000) {
        return Err(ServiceError::invalid("reason", "at most 2000 characters"));
    }
    if input.action == PrintAction::Cancel && reason.is_none() {
        return Err(ServiceError::invalid(
            "reason",
            "say why the letter is not sent by post",
        ));
    }
    let posted_on = input.posted_on.unwrap_or(today);
    if posted_on > today {
        return Err(ServiceError::invalid(
            "posted_on",
            "the posting day cannot be in the future",
        ));
    }
    let principal = principal.clone();
    let vault = app.vault.clone();
    let (job, req) = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let job = print_job::Entity::find_by_id(job_id)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("print job"))?;
                let req = request::Entity::find_by_id(job.request_id)
                    .filter(visibility(&tx.db, &principal).await?)
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("print job"))?;
                let has_address = job.address.is_some() || !address.is_empty();
                let to = next(job.status, input.action, has_address).map_err(|r| match r {
                    PrintRefusal::Closed => ServiceError::Conflict(format!(
                        "the letter is {}; that is not possible now",
                        job.status.as_str()
                    )),
                    PrintRefusal::AddressNeeded => ServiceError::invalid(
                        "address",
                        "address needed: record the address the letter was posted to",
                    ),
                })?;
                let made_on = job
                    .created_at
                    .with_timezone(&chrono_tz::Europe::Oslo)
                    .date_naive();
                if to == PrintStatus::Posted && posted_on < made_on {
                    return Err(ServiceError::invalid(
                        "posted_on",
                        "the letter cannot be posted before it was made",
                    ));
                }
                let from = job.status;
                let kind = job.letter_kind;
                let serves = job.serves_due_on;
                let mut row: print_job::ActiveModel = job.clone().into();
                row.status = Set(to);
                row.updated_at = Set(tx.now);
                let event = match to {
                    PrintStatus::Printed => {
                        row.printed_at = Set(Some(tx.now));
                        row.printed_by = Set(Some(staff.id));
                        "letter_printed"
                    }
                    PrintStatus::Posted => {
                        if job.address.is_none() {
                            row.address = Set(Some(
                                vault.seal(&serde_json::to_string(&address).unwrap_or_default()),
                            ));
                        }
                        row.posted_on = Set(Some(posted_on));
                        row.posted_by = Set(Some(staff.id));
                        "letter_posted"
                    }
                    _ => {
                        row.cancel_reason = Set(reason.clone());
                        "letter_post_cancelled"
                    }
                };
                let job = row.update(&tx.db).await?;
                // The details name the letter and the days, never the address.
                let details = serde_json::json!({
                    "print_job_id": job.id,
                    "document_id": job.document_id,
                    "letter_kind": kind,
                    "from": from.as_str(),
                    "to": to.as_str(),
                    "posted_on": job.posted_on,
                    "serves_due_on": serves,
                    "address_entered": to == PrintStatus::Posted && !address.is_empty(),
                    "reason": reason,
                });
                record_action(tx, req.id, Some(&principal), event, None, None, details).await?;
                Ok((job, req))
            })
        })
        .await?;
    let by = username_of(&app.db, job.posted_by).await?;
    Ok(view(&job, &req, by, today))
}
