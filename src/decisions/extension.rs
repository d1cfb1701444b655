//! Extending the deadline (GDPR art. 12(3)): a staff member records the reasons, the new date is
//! checked against the rule in `deadlines::extend`, and the person gets the extension letter with
//! the reasons in their language, stored with the case (Min side) and announced by e-mail where
//! they gave an address, and queued for post where the delivery rule says so
//! (`decisions::delivery`), all in one transaction. The letter is generated before anything is
//! written, so a failure leaves the case as it was.
use chrono::NaiveDate;
use entity::request;
use sea_orm::{ActiveModelTrait, Set};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{delivery, generate, insert_documents, store_documents};
use crate::{
    auth::Principal,
    clock,
    core::Core,
    deadlines,
    error::{ServiceError, ServiceResult},
    notifications::{self, Template},
    requests::{
        case::require_open,
        intake::record_action,
        queries::{load_visible, username_of},
        view::{self, RequestView},
    },
};

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendInput {
    /// Why the request needs more time (complexity, number of requests). Told to the person in
    /// the extension letter.
    #[schema(min_length = 1, max_length = 4000)]
    pub reason: String,
    /// New due date; default is the latest allowed (see `deadlines::extended_due_date`).
    pub due_on: Option<NaiveDate>,
}

fn reason_of(reason: &str) -> ServiceResult<String> {
    let reason = reason.trim().to_string();
    if reason.is_empty() {
        return Err(ServiceError::invalid(
            "reason",
            "an extension needs a reason that is told to the person",
        ));
    }
    if reason.chars().count() > 4000 {
        return Err(ServiceError::invalid(
            "reason",
            "the reason is longer than 4000 characters",
        ));
    }
    Ok(reason)
}

pub async fn extend(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: ExtendInput,
) -> ServiceResult<RequestView> {
    super::staff_of(principal)?;
    let reason = reason_of(&input.reason)?;
    let before = load_visible(&app.db, principal, id).await?;
    require_open(&before)?;
    let new_due = deadlines::extend(
        before.received_on,
        before.due_on,
        clock::today_oslo(),
        input.due_on,
    )?;
    let mut extended = before.clone();
    extended.due_on = new_due;
    extended.extension_reason = Some(reason.clone());
    let letter = generate::extension_documents(app, &extended).await?;
    let stored = store_documents(app, letter).await?;
    let route = delivery::route(app, &extended).await?;
    let registry = app.registry.get(&app.db).await?;
    let (vault, base_url) = (app.vault.clone(), app.settings.base_url());
    let principal = principal.clone();
    let version = before.version;
    let view = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                let before = load_visible(&tx.db, &principal, id).await?;
                if before.version != version {
                    return Err(ServiceError::Conflict(
                        "the request changed meanwhile; look at it again".into(),
                    ));
                }
                let language = before.language;
                // The e-mail only says that the deadline moved and a letter is ready; the
                // reasons are in the letter on Min side.
                let mut notice = route.request(&before);
                notice.due_on = new_due;
                if let Some(email) = notifications::for_requester(
                    Template::Extension,
                    &notice,
                    &base_url,
                    &new_due.to_string(),
                ) {
                    notifications::enqueue(tx, &vault, email).await?;
                }
                let from_due_on = before.due_on;
                let mut row: request::ActiveModel = before.clone().into();
                row.due_on = Set(new_due);
                row.extension_reason = Set(Some(reason));
                row.updated_at = Set(tx.now);
                row.version = Set(before.version + 1);
                let row = row.update(&tx.db).await?;
                let rows = insert_documents(tx, id, None, &language, stored).await?;
                // By post too where the delivery rule says so: it must be posted before the
                // first deadline, the one the extension is told within (art. 12(3)).
                let printed = delivery::queue(
                    tx,
                    &vault,
                    &row,
                    &rows,
                    delivery::LetterKind::Extension,
                    row.first_due_on,
                    &route,
                )
                .await?;
                let documents: Vec<_> = rows
                    .iter()
                    .map(|d| serde_json::json!({ "document_id": d.id, "name": d.name, "sha256": d.sha256 }))
                    .collect();
                let details = serde_json::json!({
                    "from_due_on": from_due_on,
                    "due_on": new_due,
                    "reason": row.extension_reason,
                    "documents": documents,
                    "print_job_id": printed.map(|p| p.id),
                });
                record_action(tx, id, Some(&principal), "extended", None, None, details).await?;
                let assignee = username_of(&tx.db, row.assignee_id).await?;
                Ok(view::build(&row, &registry, assignee, &principal))
            })
        })
        .await?;
    app.notifier.wake();
    Ok(view)
}
