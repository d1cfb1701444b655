//! E-mail notifications (docs/email.md): a message is written to the `outbox` table in the same
//! transaction as the event it tells about ([`enqueue`]), and the outbox worker
//! (`jobs/outbox.rs`) sends it with retries. Messages carry the request's reference and a link to the portal, never personal
//! data. Reminders before the due date and escalations when overdue come from [`reminders`].
//!
//! To notify the requester from another module (e.g. "an answer is ready"):
//! ```text
//! if let Some(email) = notifications::for_requester(
//!     Template::AnswerReady, &request, &app.settings.base_url(), &decision_id.to_string()) {
//!     notifications::enqueue(tx, &vault, email).await?;
//! }
//! // after the transaction committed:
//! app.notifier.wake();
//! ```
pub mod mailer;
pub mod reminders;
pub mod settings;
pub mod templates;

use chrono::NaiveDate;
use entity::{outbox, request};
use sea_orm::{EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use mailer::{MailError, Mailer};
pub use settings::MailSettings;
pub use templates::Template;

use crate::{crypto::PidVault, error::ServiceResult, i18n::Language, writer::Tx};

/// What a template may show: the reference and links, a date and a count. Nothing else, so no
/// personal data can reach a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Params {
    pub reference: String,
    /// The portal page the reader should open.
    pub link: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<NaiveDate>,
    /// Working days left (reminders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u32>,
}

/// Where a message goes.
#[derive(Debug, Clone)]
pub enum Recipient {
    /// A plain address; sealed before it is stored.
    Address(String),
    /// An address already sealed with the vault (e.g. `request.contact_email`).
    Sealed(String),
}

/// One message to queue.
#[derive(Debug, Clone)]
pub struct Email {
    pub template: Template,
    pub request_id: Option<Uuid>,
    pub recipient: Recipient,
    pub language: Language,
    pub params: Params,
    /// The same key is never queued twice (e.g. `receipt:{request_id}`).
    pub dedupe_key: String,
}

/// A message to the requester about `req`, to their contact address; `None` when they gave none.
/// `occasion` tells this notice apart from earlier ones of the same template (a decision id, a
/// new due date, a version), forming the dedupe key `{template}:{request_id}:{occasion}`.
pub fn for_requester(
    template: Template,
    req: &request::Model,
    base_url: &str,
    occasion: &str,
) -> Option<Email> {
    let sealed = req.contact_email.clone()?;
    Some(Email {
        template,
        request_id: Some(req.id),
        recipient: Recipient::Sealed(sealed),
        language: req.language,
        params: Params {
            reference: req.reference.clone(),
            link: citizen_link(base_url),
            due_on: Some(req.due_on),
            days: None,
        },
        dedupe_key: format!("{}:{}:{occasion}", template.as_str(), req.id),
    })
}

/// The citizen's portal page.
pub fn citizen_link(base_url: &str) -> String {
    format!("{}/min-side", base_url.trim_end_matches('/'))
}

/// The office pages.
pub fn office_link(base_url: &str) -> String {
    format!("{}/office", base_url.trim_end_matches('/'))
}

/// The outbox row for `email`, due now. For bulk paths that insert many rows at once.
pub fn outbox_row(
    now: chrono::DateTime<chrono::Utc>,
    vault: &PidVault,
    email: Email,
) -> outbox::ActiveModel {
    let recipient = match &email.recipient {
        Recipient::Address(a) => vault.seal(a),
        Recipient::Sealed(s) => s.clone(),
    };
    row(now, recipient, email)
}

/// Like [`outbox_row`] for an already sealed recipient (no vault needed); `None` otherwise.
pub fn sealed_outbox_row(
    now: chrono::DateTime<chrono::Utc>,
    email: Email,
) -> Option<outbox::ActiveModel> {
    match &email.recipient {
        Recipient::Sealed(s) => Some(row(now, s.clone(), email)),
        Recipient::Address(_) => None,
    }
}

fn row(now: chrono::DateTime<chrono::Utc>, recipient: String, email: Email) -> outbox::ActiveModel {
    outbox::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(entity::values::OutboxKind::Email),
        request_id: Set(email.request_id),
        recipient: Set(recipient),
        language: Set(email.language),
        template: Set(email.template.as_str().into()),
        params: Set(serde_json::to_string(&email.params).unwrap_or_default()),
        status: Set(Status::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_owner: Set(None),
        lease_until: Set(None),
        last_error: Set(None),
        dedupe_key: Set(email.dedupe_key),
        created_at: Set(now),
        sent_at: Set(None),
    }
}

/// Queues `emails` to sealed recipients in the caller's transaction with one multi-row insert
/// (the intake's receipts: the writer job has no vault at hand); an e-mail to a plain address
/// is left out. Call `app.notifier.wake()` after the commit.
pub async fn queue_in(tx: &Tx, emails: Vec<Email>) -> ServiceResult<()> {
    let rows = emails
        .into_iter()
        .filter_map(|email| sealed_outbox_row(tx.now, email))
        .collect();
    crate::writer::insert_rows(&tx.db, rows).await?;
    Ok(())
}

/// Queues `email` in the caller's transaction, so the event and its message commit together.
/// A `dedupe_key` already in the outbox adds nothing (safe with several instances: the unique
/// index decides). Returns whether a row was added. Call `app.notifier.wake()` after the commit
/// to send at once rather than at the next poll.
pub async fn enqueue(tx: &Tx, vault: &PidVault, email: Email) -> ServiceResult<bool> {
    let row = outbox_row(tx.now, vault, email);
    let result = outbox::Entity::insert(row)
        .on_conflict_do_nothing_on([outbox::Column::DedupeKey])
        .exec_without_returning(&tx.db)
        .await?;
    Ok(matches!(result, sea_orm::TryInsertResult::Inserted(n) if n > 0))
}

/// An outbox row's state (stored as text; an unknown stored value is a decode error).
pub use entity::values::OutboxStatus as Status;
