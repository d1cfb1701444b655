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
pub mod templates;

use chrono::NaiveDate;
use entity::{outbox, request};
use sea_orm::{EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use mailer::{MailError, Mailer};
pub use templates::Template;

use crate::{
    config::{ConfigError, Secret},
    crypto::PidVault,
    error::ServiceResult,
    i18n::Language,
    writer::Tx,
};

/// `mail.*` settings (`DSAR_MAIL__*`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct MailSettings {
    /// Run the outbox worker and the reminder pass in this instance.
    pub worker: bool,
    /// `file` (one `.eml` per message under `<data_dir>/mail/`, demo default) or `smtp`.
    pub transport: String,
    /// The From address.
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `starttls`, `tls` (implicit TLS) or `none` (local relays and tests only).
    pub smtp_tls: String,
    pub smtp_username: Option<String>,
    pub smtp_password: Secret,
    /// Give up on one SMTP conversation after this many seconds.
    pub smtp_timeout_seconds: u64,
    /// Messages sent at once per instance.
    pub concurrency: usize,
    /// How often the worker looks for due messages when nothing woke it, milliseconds.
    pub poll_interval_ms: u64,
    /// First retry delay; it doubles per attempt (with jitter) up to `backoff_max_ms`.
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    /// After this many failed attempts a message is `failed`.
    pub max_attempts: u32,
    /// A message being sent by an instance that died is claimed again after this, seconds.
    pub lease_seconds: u64,
    /// Staff reminders this many working days before the due date.
    pub reminder_days: Vec<u32>,
    /// How often the reminder/escalation pass runs, seconds.
    pub reminder_interval_seconds: u64,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            worker: true,
            transport: "file".into(),
            from: "dsar <noreply@dsar.example.no>".into(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: None,
            smtp_password: Secret::default(),
            smtp_timeout_seconds: 30,
            concurrency: 8,
            poll_interval_ms: 1000,
            backoff_base_ms: 30_000,
            backoff_max_ms: 3_600_000,
            max_attempts: 20,
            lease_seconds: 120,
            reminder_days: vec![7, 2],
            reminder_interval_seconds: 60,
        }
    }
}

impl MailSettings {
    pub fn validate(&self, production: bool) -> Result<(), ConfigError> {
        let invalid = |name, reason: &str| {
            Err(ConfigError::Invalid {
                name,
                reason: reason.into(),
            })
        };
        match self.transport.as_str() {
            "file" if production => {
                return invalid(
                    "mail.transport",
                    "the file transport is refused in production; configure smtp",
                );
            }
            "file" => {}
            "smtp" => {
                if self.smtp_host.trim().is_empty() {
                    return invalid("mail.smtp_host", "the smtp transport needs a host");
                }
                if !matches!(self.smtp_tls.as_str(), "starttls" | "tls" | "none") {
                    return invalid("mail.smtp_tls", "must be starttls, tls or none");
                }
            }
            _ => return invalid("mail.transport", "must be file or smtp"),
        }
        if self.from.parse::<lettre::message::Mailbox>().is_err() {
            return invalid("mail.from", "not a valid e-mail address");
        }
        if self.max_attempts == 0 {
            return invalid("mail.max_attempts", "must be at least 1");
        }
        if self.lease_seconds <= self.smtp_timeout_seconds {
            return invalid(
                "mail.lease_seconds",
                "must be longer than mail.smtp_timeout_seconds",
            );
        }
        Ok(())
    }
}

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
