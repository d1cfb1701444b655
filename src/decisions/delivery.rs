//! How a letter reaches the person, and the queue of printed letters.
//!
//! Every letter to the person is a document on Min side. An e-mail tells that it is there (never
//! what it says) where the person gave an address. A printed letter goes by post where the
//! request came on paper (or in person), where the person asked for paper, or where there is no
//! e-mail address: GDPR art. 12(1) ("in writing, or by other means, including, where
//! appropriate, by electronic means") and 12(3) (a request made electronically is answered
//! electronically where possible unless the person asks otherwise) — see [`delivery`].
//!
//! Each printed letter is a [`print_job`] row created in the transaction that stores the letter.
//! Its PDF carries the postal address block from Folkeregisteret. A person with a strictly
//! confidential address has no address there (Folkeregisteret never gives it out) and their
//! cases are handled by the controller's protected unit only; their job says "address needed"
//! and is posted only once that unit records the address it used. No address is ever shown in
//! a list or the API.
use chrono::{DateTime, NaiveDate, Utc};
use entity::{
    document,
    print_job::{self, PrintStatus},
    request, source_record,
    values::Channel,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    access::{Act, require_staff},
    auth::Principal,
    clock,
    core::Core,
    crypto::PidVault,
    error::{ServiceError, ServiceResult},
    representation::Addressee,
    requests::{
        intake::record_action,
        queries::{username_of, visibility},
    },
    sources::{
        collection::decrypt_records,
        protocol::Record,
        simulator::data::{POSTAL_ADDRESS_RECORD, PROTECTION_RECORD},
    },
    writer::Tx,
};

/// The channels one letter goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Delivery {
    /// Stored as a document the person reads on Min side: always.
    pub min_side: bool,
    /// An e-mail saying a letter is ready (never its content): where there is an address.
    pub email_notice: bool,
    /// A printed letter by post.
    pub printed: bool,
}

/// The delivery rule (pure). A request that came electronically (portal, API, e-mail) is
/// answered electronically where possible; one that came on paper or in person, or from a
/// person who asked for paper or gave no e-mail address, also gets the letter by post, so the
/// person is always told (GDPR art. 12(1), 12(3)).
pub fn delivery(channel: Channel, has_email: bool, wants_paper: bool) -> Delivery {
    let came_electronically = matches!(channel, Channel::Portal | Channel::Api | Channel::Email);
    Delivery {
        min_side: true,
        email_notice: has_email,
        printed: wants_paper || !came_electronically || !has_email,
    }
}

/// The delivery of a request's letters.
pub fn of_request(req: &request::Model) -> Delivery {
    delivery(req.channel, req.contact_email.is_some(), req.wants_paper)
}

/// Where the letters of a request made today go: to the representative while the
/// representation the request was made through holds, else to the person.
#[derive(Debug, Clone)]
pub struct Route {
    pub addressee: Addressee,
    /// The postal address of whoever the letter goes to: the representative's as registered
    /// (none: staff record it when posting), else the person's from Folkeregisteret.
    pub address: Option<Vec<String>>,
}

impl Route {
    /// The request as the delivery rule and the e-mail notice see it: once the representation
    /// has ended, the e-mail address the representative gave is not used, so the letter is
    /// posted to the person instead.
    pub fn request(&self, req: &request::Model) -> request::Model {
        let mut req = req.clone();
        // Once a representation has ended the address the representative gave is not used; a
        // writer whose representation is not proven cannot read Min side, so no e-mail points
        // there: both get the letter by post.
        if matches!(
            self.addressee,
            Addressee::Ended | Addressee::Claimant { .. }
        ) {
            req.contact_email = None;
        }
        req
    }

    pub fn delivery(&self, req: &request::Model) -> Delivery {
        of_request(&self.request(req))
    }
}

/// The route of a request's letters made today (no name lookup).
pub async fn route(app: &Core, req: &request::Model) -> ServiceResult<Route> {
    let addressee = crate::representation::route_of(app, req.id).await?;
    route_to(app, req, addressee).await
}

async fn route_to(app: &Core, req: &request::Model, addressee: Addressee) -> ServiceResult<Route> {
    let address = match &addressee {
        Addressee::Representative { address, .. } | Addressee::Claimant { address, .. } => {
            address.clone()
        }
        Addressee::Person | Addressee::Ended => address_of(app, req).await?,
    };
    Ok(Route { addressee, address })
}

/// Addresses a letter: to the representative, greeted by name and told whom it is about,
/// while the representation holds; else to the person. The address block where it is posted.
pub async fn address_letter(
    app: &Core,
    req: &request::Model,
    ctx: &mut crate::letters::LetterContext,
) -> ServiceResult<()> {
    let addressee = crate::representation::addressee(app, req.id).await?;
    let route = route_to(app, req, addressee).await?;
    match &route.addressee {
        Addressee::Representative { basis, name, .. } | Addressee::Claimant { basis, name, .. } => {
            let person = std::mem::replace(&mut ctx.recipient.name, name.clone());
            ctx.on_behalf = Some(crate::letters::OnBehalfOf {
                person_name: person,
                basis: *basis,
                unproven: matches!(route.addressee, Addressee::Claimant { .. }),
            });
        }
        Addressee::Person | Addressee::Ended => {}
    }
    if route.delivery(req).printed {
        ctx.recipient.address = route.address.unwrap_or_default();
    }
    Ok(())
}

pub use entity::values::LetterKind;

const FOLKEREGISTERET: &str = "folkeregisteret";

/// The address lines from Folkeregisteret's records; none for a protected address (the
/// register gives none, and a protection record other than "ugradert"-like open values is
/// honoured even if one were there).
pub fn postal_address(folkeregisteret: &[&Record]) -> Option<Vec<String>> {
    let value = |id: &str| {
        folkeregisteret
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.value.trim().to_string())
    };
    if value(PROTECTION_RECORD).is_some_and(|p| p.starts_with("strengtFortrolig")) {
        return None;
    }
    let lines: Vec<String> = value(POSTAL_ADDRESS_RECORD)?
        .split(',')
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    (!lines.is_empty()).then_some(lines)
}

/// The address a printed letter of this request goes to: Folkeregisteret's, as collected for
/// the request; none while it is not collected, and never for a person with a strictly
/// confidential address.
pub async fn address_of(app: &Core, req: &request::Model) -> ServiceResult<Option<Vec<String>>> {
    let protected = entity::person::Entity::find_by_id(req.person_id)
        .one(&app.db)
        .await?
        .is_none_or(|p| p.strictly_confidential);
    if protected {
        return Ok(None);
    }
    let rows = source_record::Entity::find()
        .filter(source_record::Column::RequestId.eq(req.id))
        .filter(source_record::Column::SourceId.eq(FOLKEREGISTERET))
        .all(&app.db)
        .await?;
    let collected = decrypt_records(&app.vault, rows)?;
    Ok(postal_address(&folkeregisteret_records(&collected)))
}

/// Folkeregisteret's records among collected ones.
pub fn folkeregisteret_records(
    collected: &[crate::sources::collection::CollectedRecord],
) -> Vec<&Record> {
    collected
        .iter()
        .filter(|c| c.source == FOLKEREGISTERET)
        .filter_map(|c| c.record.as_ref())
        .collect()
}

/// Queues the printed letter among `documents` (its PDF) when the request's delivery says so,
/// to the address of whoever `route` sends it to.
/// Runs in the transaction that inserts the documents.
pub async fn queue(
    tx: &Tx,
    vault: &PidVault,
    req: &request::Model,
    documents: &[document::Model],
    kind: LetterKind,
    serves_due_on: NaiveDate,
    route: &Route,
) -> ServiceResult<Option<print_job::Model>> {
    if !route.delivery(req).printed {
        return Ok(None);
    }
    let address = route.address.as_deref();
    let Some(pdf) = documents
        .iter()
        .find(|d| d.citizen_visible && d.media_type == "application/pdf")
    else {
        return Err(ServiceError::Storage(
            "a printed letter needs the letter's PDF".into(),
        ));
    };
    let address = address
        .filter(|a| !a.is_empty())
        .map(|a| vault.seal(&serde_json::to_string(a).unwrap_or_default()));
    let row = print_job::ActiveModel {
        id: Set(Uuid::now_v7()),
        request_id: Set(req.id),
        document_id: Set(pdf.id),
        letter_kind: Set(kind),
        status: Set(PrintStatus::Queued),
        address: Set(address),
        serves_due_on: Set(serves_due_on),
        created_at: Set(tx.now),
        updated_at: Set(tx.now),
        printed_at: Set(None),
        printed_by: Set(None),
        posted_on: Set(None),
        posted_by: Set(None),
        cancel_reason: Set(None),
    }
    .insert(&tx.db)
    .await?;
    Ok(Some(row))
}

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

fn view(
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

async fn views(
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

/// One letter to the person and how it went out: on Min side (always), the e-mail notice
/// (where there is an address) and the printed letter (where one goes by post).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LetterDelivery {
    pub document_id: Uuid,
    pub letter_kind: LetterKind,
    pub created_at: DateTime<Utc>,
    /// Stored for the person on Min side.
    pub min_side: bool,
    /// The e-mail notice's state (pending, sending, sent, failed); none without an address.
    pub email: Option<String>,
    pub email_sent_at: Option<DateTime<Utc>>,
    /// The printed letter, where one goes by post.
    pub printed: Option<PrintJobView>,
}

/// The letters of a request with their delivery, oldest first. The e-mail notice of a letter
/// is the one written in the same transaction (same time) as the letter.
pub async fn letters_of(
    db: &impl ConnectionTrait,
    req: &request::Model,
) -> ServiceResult<Vec<LetterDelivery>> {
    let docs = document::Entity::find()
        .filter(document::Column::RequestId.eq(req.id))
        .filter(document::Column::CitizenVisible.eq(true))
        .order_by_asc(document::Column::CreatedAt)
        .all(db)
        .await?;
    let emails = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::RequestId.eq(req.id))
        .filter(entity::outbox::Column::Template.ne("receipt"))
        .all(db)
        .await?;
    let mut jobs = of_case(db, req).await?;
    let mut out = Vec::new();
    for d in docs {
        let Some(kind) = d.kind.letter_pdf() else {
            continue;
        };
        let email = emails.iter().find(|e| e.created_at == d.created_at);
        let printed = jobs
            .iter()
            .position(|j| j.document_id == d.id)
            .map(|i| jobs.remove(i));
        out.push(LetterDelivery {
            document_id: d.id,
            letter_kind: kind,
            created_at: d.created_at,
            min_side: true,
            email: email.map(|e| e.status.as_str().to_string()),
            email_sent_at: email.and_then(|e| e.sent_at),
            printed,
        });
    }
    Ok(out)
}

/// The letters of a request the staff member may read, with their delivery.
pub async fn for_request(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<LetterDelivery>> {
    require_staff(principal, Act::ReadCase)?;
    let req = crate::requests::queries::load_visible(&app.db, principal, request_id).await?;
    letters_of(&app.db, &req).await
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The delivery rule, every channel × e-mail × paper wish.
    #[test]
    fn every_letter_reaches_the_person() {
        use Channel::*;
        // (channel, has e-mail, wants paper) → (e-mail notice, printed)
        let table = [
            (Portal, true, false, true, false),
            (Portal, false, false, false, true),
            (Portal, true, true, true, true),
            (Api, true, false, true, false),
            (Api, false, false, false, true),
            (Email, true, false, true, false),
            (Email, false, false, false, true),
            (Letter, true, false, true, true),
            (Letter, false, false, false, true),
            (InPerson, true, false, true, true),
            (InPerson, false, false, false, true),
        ];
        for (channel, email, paper, notice, printed) in table {
            let d = delivery(channel, email, paper);
            assert!(d.min_side, "{channel:?}: Min side always");
            assert_eq!(
                (d.email_notice, d.printed),
                (notice, printed),
                "{channel:?} e-mail={email} paper={paper}"
            );
            assert!(
                d.email_notice || d.printed,
                "{channel:?}: the person is always told"
            );
        }
    }

    #[test]
    fn a_letter_is_posted_once_and_only_with_an_address() {
        use PrintAction as A;
        use PrintStatus::*;
        let table = [
            (Queued, A::Printed, false, Ok(Printed)),
            (Queued, A::Posted, true, Ok(Posted)),
            (Queued, A::Posted, false, Err(PrintRefusal::AddressNeeded)),
            (Printed, A::Posted, true, Ok(Posted)),
            (Printed, A::Posted, false, Err(PrintRefusal::AddressNeeded)),
            (Printed, A::Printed, true, Err(PrintRefusal::Closed)),
            (Queued, A::Cancel, false, Ok(Cancelled)),
            (Printed, A::Cancel, true, Ok(Cancelled)),
            (Posted, A::Posted, true, Err(PrintRefusal::Closed)),
            (Posted, A::Cancel, true, Err(PrintRefusal::Closed)),
            (Cancelled, A::Posted, true, Err(PrintRefusal::Closed)),
        ];
        for (status, action, address, want) in table {
            assert_eq!(next(status, action, address), want, "{status:?} {action:?}");
        }
    }

    #[test]
    fn posting_on_the_deadline_day_is_in_time() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap_or_default();
        let due = d("2026-12-02");
        let table = [
            (PrintStatus::Posted, Some("2026-12-02"), "2026-12-10", false),
            (PrintStatus::Posted, Some("2026-12-03"), "2026-12-10", true),
            (PrintStatus::Queued, None, "2026-12-02", false),
            (PrintStatus::Queued, None, "2026-12-03", true),
            (PrintStatus::Printed, None, "2026-12-03", true),
            (PrintStatus::Cancelled, None, "2026-12-30", false),
        ];
        for (status, posted, today, want) in table {
            assert_eq!(
                late(status, posted.map(d), due, d(today)),
                want,
                "{status:?} {posted:?} {today}"
            );
        }
    }

    fn refs(rs: &[Record]) -> Vec<&Record> {
        rs.iter().collect()
    }

    fn record(id: &str, value: &str) -> Record {
        Record {
            id: id.into(),
            category: "address".into(),
            label: id.into(),
            value: value.into(),
            recorded_at: None,
            purpose: "p".into(),
            legal_basis: "b".into(),
            recipients: vec![],
            retention: "r".into(),
            special_category: false,
            third_party: false,
        }
    }

    #[test]
    fn the_address_comes_from_folkeregisteret_and_never_for_a_protected_person() {
        let open = [
            record(PROTECTION_RECORD, "ugradert"),
            record(POSTAL_ADDRESS_RECORD, "Storgata 12, 0182 OSLO"),
        ];
        assert_eq!(
            postal_address(&refs(&open)),
            Some(vec!["Storgata 12".to_string(), "0182 OSLO".to_string()])
        );
        let protected = [
            record(PROTECTION_RECORD, "strengtFortrolig"),
            record(POSTAL_ADDRESS_RECORD, "Storgata 12, 0182 OSLO"),
        ];
        assert_eq!(postal_address(&refs(&protected)), None);
        assert_eq!(
            postal_address(&refs(&[record(PROTECTION_RECORD, "ugradert")])),
            None
        );
    }
}
