//! The outbox worker, on the pattern of the collection worker: claims due messages with a lease
//! (SKIP LOCKED on PostgreSQL, so instances never send the same row at once), sends them, and
//! writes the outcome back only while it still holds the lease. A row is `sent` only after the
//! server accepted it; until then it stays in the table, so a crash loses nothing. A crash
//! between the server's "accepted" and our write can send that one message again (at least
//! once); its `Message-ID` is the same, so mail systems can tell. Rows marked `sent` are never
//! claimed again.
use std::time::Duration;

use chrono::Utc;
use entity::outbox;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    sea_query::{Expr, LockBehavior, LockType},
};

use super::{Pass, backoff};
use crate::{
    core::Core,
    error::ServiceResult,
    notifications::{
        MailError, Params, Status, Template,
        mailer::build_message,
        templates::{self},
    },
};

/// Starts the sending loop for `core`. It ends when the notifier is stopped.
pub fn spawn(core: &Core) -> tokio::task::JoinHandle<()> {
    let app = core.clone();
    let poll = Duration::from_millis(app.settings.mail.poll_interval_ms.max(10));
    let limit = app.settings.mail.concurrency.max(1);
    tokio::spawn(super::drive(
        app.notifier.waker(),
        app.notifier.stop_token(),
        poll,
        move || {
            let app = app.clone();
            async move { pass(&app, limit).await }
        },
    ))
}

/// Claims up to `limit` due messages and sends them.
async fn pass(app: &Core, limit: usize) -> Pass {
    match claim(app, limit).await {
        Ok(rows) => {
            let full = rows.len() == limit;
            futures::future::join_all(rows.into_iter().map(|row| deliver(app, row))).await;
            if full { Pass::Full } else { Pass::Idle }
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not claim outbox messages");
            Pass::Idle
        }
    }
}

/// Claims up to `limit` due messages: pending ones whose time has come and sending ones whose
/// lease ran out (their instance died).
async fn claim(app: &Core, limit: usize) -> ServiceResult<Vec<outbox::Model>> {
    // A plain read first: an idle outbox costs the group-commit writer nothing.
    let anything_due = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(due_at(Utc::now()))
        .limit(1)
        .into_tuple::<uuid::Uuid>()
        .one(&app.db)
        .await?
        .is_some();
    if !anything_due {
        return Ok(Vec::new());
    }
    let owner = app.notifier.owner().to_string();
    let lease = chrono::Duration::seconds(app.settings.mail.lease_seconds as i64);
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let now = tx.now;
                let due = outbox::Entity::find()
                    .select_only()
                    .column(outbox::Column::Id)
                    .filter(due_at(now))
                    .order_by_asc(outbox::Column::NextAttemptAt)
                    .limit(limit as u64)
                    .into_query()
                    .lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
                    .to_owned();
                let claimed = outbox::Entity::update_many()
                    .col_expr(
                        outbox::Column::Status,
                        Expr::value(Status::Sending.as_str()),
                    )
                    .col_expr(outbox::Column::LeaseOwner, Expr::value(owner))
                    .col_expr(outbox::Column::LeaseUntil, Expr::value(now + lease))
                    .col_expr(
                        outbox::Column::Attempts,
                        sea_orm::sea_query::ExprTrait::add(Expr::col(outbox::Column::Attempts), 1),
                    )
                    .filter(outbox::Column::Id.in_subquery(due))
                    .exec_with_returning(&tx.db)
                    .await?;
                Ok(claimed)
            })
        })
        .await
}

/// A transport error as it may be logged and stored: on one line, with every word that looks
/// like an e-mail address (an `@`, also percent-encoded as `%40`) and every mention of the
/// recipient (`to`: the address, and its local part when it is not a common word) replaced.
/// Mail servers quote the recipient in their refusals, in many forms.
pub fn redact_addresses(text: &str, to: Option<&str>) -> String {
    let to = to
        .map(|t| t.trim().to_lowercase())
        .filter(|t| !t.is_empty());
    let local = to
        .as_deref()
        .and_then(|t| t.split('@').next())
        .filter(|l| l.chars().count() >= 4)
        .map(str::to_string);
    text.split_whitespace()
        .map(|word| {
            let lower = word.to_lowercase();
            let personal = lower.contains('@')
                || lower.contains("%40")
                || to.as_deref().is_some_and(|t| lower.contains(t))
                || local.as_deref().is_some_and(|l| lower.contains(l));
            if personal { "<address>" } else { word }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rows to send at `now`: pending ones whose time has come, and sending ones whose lease ran out.
fn due_at(now: chrono::DateTime<Utc>) -> sea_orm::Condition {
    sea_orm::Condition::any()
        .add(
            sea_orm::Condition::all()
                .add(outbox::Column::Status.eq(Status::Pending.as_str()))
                .add(outbox::Column::NextAttemptAt.lte(now)),
        )
        .add(
            sea_orm::Condition::all()
                .add(outbox::Column::Status.eq(Status::Sending.as_str()))
                .add(outbox::Column::LeaseUntil.lt(now)),
        )
}

enum Outcome {
    Sent,
    /// Worth another try (the server is down, refused for now).
    Retry(String),
    /// Will never work (the stored row cannot be read, the address is invalid).
    Permanent(String),
}

async fn deliver(app: &Core, row: outbox::Model) {
    let sender = sender_name(app, &row).await;
    let outcome = match prepare(app, &row, sender.as_deref()) {
        Err(reason) => Outcome::Permanent(redact_addresses(&reason, None)),
        Ok((message, to)) => match app.mailer.send(message).await {
            Ok(()) => Outcome::Sent,
            // Servers often quote the recipient in their refusal: keep addresses out of logs.
            Err(e) => Outcome::Retry(redact_addresses(&e.to_string(), Some(&to))),
        },
    };
    if let Err(e) = finish(app, &row, outcome).await {
        tracing::warn!(error = %e, "could not record a send; the message will be claimed again");
    }
}

/// The name a message to the person is sent under: the controller's that handles the request
/// (`None` for staff messages, or when the request or its controller cannot be read: then the
/// configured From stands).
async fn sender_name(app: &Core, row: &outbox::Model) -> Option<String> {
    let template = Template::parse(&row.template)?;
    if template.is_staff() {
        return None;
    }
    let request = entity::request::Entity::find_by_id(row.request_id?)
        .one(&app.db)
        .await
        .ok()??;
    let registry = app.registry.get(&app.db).await.ok()?;
    registry
        .controllers
        .get(&request.controller_id)
        .map(|c| c.name.clone())
}

/// The message and its recipient's address (to keep it out of any error text).
fn prepare(
    app: &Core,
    row: &outbox::Model,
    sender: Option<&str>,
) -> Result<(lettre::Message, String), String> {
    let template = Template::parse(&row.template)
        .ok_or_else(|| format!("unknown template {}", row.template))?;
    let params: Params =
        serde_json::from_str(&row.params).map_err(|e| format!("bad parameters: {e}"))?;
    let to = app
        .vault
        .open(&row.recipient)
        .map_err(|_| "the recipient cannot be decrypted".to_string())?;
    let rendered = templates::render(template, row.language, &params);
    build_message(&app.settings.mail.from, sender, &to, row.id, rendered)
        .map(|message| (message, to))
        .map_err(|e| match e {
            MailError::Build(m) => m,
            other => other.to_string(),
        })
}

/// Writes the outcome, if this instance still holds the row's lease.
async fn finish(app: &Core, row: &outbox::Model, outcome: Outcome) -> ServiceResult<()> {
    let owner = app.notifier.owner().to_string();
    let mail = &app.settings.mail;
    let (base, max, max_attempts) = (mail.backoff_base_ms, mail.backoff_max_ms, mail.max_attempts);
    let (id, attempts) = (row.id, row.attempts);
    let give_up = attempts >= max_attempts as i32;
    if let Outcome::Retry(e) | Outcome::Permanent(e) = &outcome {
        tracing::info!(outbox_id = %id, attempts, error = %e, "an e-mail could not be sent");
    }
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let now = tx.now;
                let mut update = outbox::Entity::update_many()
                    .col_expr(outbox::Column::LeaseOwner, Expr::value(None::<String>))
                    .col_expr(
                        outbox::Column::LeaseUntil,
                        Expr::value(None::<chrono::DateTime<Utc>>),
                    )
                    .filter(outbox::Column::Id.eq(id))
                    .filter(outbox::Column::LeaseOwner.eq(owner))
                    .filter(outbox::Column::Attempts.eq(attempts))
                    .filter(outbox::Column::Status.eq(Status::Sending.as_str()));
                update = match outcome {
                    Outcome::Sent => update
                        .col_expr(outbox::Column::Status, Expr::value(Status::Sent.as_str()))
                        .col_expr(outbox::Column::SentAt, Expr::value(now))
                        .col_expr(outbox::Column::LastError, Expr::value(None::<String>)),
                    Outcome::Retry(e) if !give_up => {
                        let delay = backoff(base, max, attempts.max(1) as u32);
                        let next = now
                            + chrono::Duration::from_std(delay)
                                .unwrap_or(chrono::Duration::seconds(30));
                        update
                            .col_expr(
                                outbox::Column::Status,
                                Expr::value(Status::Pending.as_str()),
                            )
                            .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
                            .col_expr(outbox::Column::LastError, Expr::value(e))
                    }
                    Outcome::Retry(e) | Outcome::Permanent(e) => update
                        .col_expr(outbox::Column::Status, Expr::value(Status::Failed.as_str()))
                        .col_expr(outbox::Column::LastError, Expr::value(e)),
                };
                // Zero rows: another instance took the row over; its outcome is the one that counts.
                update.exec(&tx.db).await?;
                Ok(())
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_redacted_from_errors() {
        const TO: Option<&str> = Some("Kari.Nordmann@example.no");
        for (error, logged) in [
            (
                "permanent error (550): 5.1.1 <kari.nordmann@example.no>: Recipient unknown",
                "permanent error (550): 5.1.1 <address> Recipient unknown",
            ),
            // Multi-line server answers and tabs: one line, every address gone.
            (
                "permanent error (550): 5.1.1 user unknown\n<kari.nordmann@example.no>\tno such mailbox",
                "permanent error (550): 5.1.1 user unknown <address> no such mailbox",
            ),
            // The recipient in other forms: percent-encoded, without its domain, in capitals.
            (
                "transient error (452): mailbox kari.nordmann%40example.no full",
                "transient error (452): mailbox <address> full",
            ),
            (
                "permanent error (550): user \"KARI.NORDMANN\" does not exist",
                "permanent error (550): user <address> does not exist",
            ),
            // Some other address the server mentions.
            (
                "permanent error (553): relaying for ola@example.com denied",
                "permanent error (553): relaying for <address> denied",
            ),
            (
                "Connection error: connection refused",
                "Connection error: connection refused",
            ),
        ] {
            let redacted = redact_addresses(error, TO);
            assert_eq!(redacted, logged);
            assert!(!redacted.to_lowercase().contains("kari"), "{redacted}");
        }
        // Without a known recipient still every `@` word.
        assert_eq!(
            redact_addresses("5.1.1 <kari@example.no>: unknown", None),
            "5.1.1 <address> unknown"
        );
        // A short local part is not hunted for in ordinary words.
        assert_eq!(
            redact_addresses("bad gateway", Some("bad@example.no")),
            "bad gateway"
        );
    }
}
