//! Deadline reminders to the unit's mailbox (default 7 and 2 working days before the due date)
//! and escalations to the privacy officer when a request is overdue. The pass runs every minute
//! in each instance; the dedupe keys make a second run, or a second instance, queue nothing new.
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use entity::{controller, outbox, request, unit};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{Email, Params, Recipient, Template, enqueue, office_link};
use crate::{
    audit::AuditRecord, core::Core, deadlines::working_days_between, error::ServiceResult,
    i18n::Language, lifecycle::Status, writer::find_where_in,
};

/// Which reminder (by its configured number of working days) is due for a request with `left`
/// working days to go: the smallest configured `n >= left`, so a pass that missed the exact
/// day (the service was down) still reminds once.
pub fn reminder_due(days: &[u32], left: i64) -> Option<u32> {
    if left < 0 {
        return None;
    }
    days.iter().copied().filter(|n| i64::from(*n) >= left).min()
}

/// Runs one pass for `today`; returns how many messages it queued.
pub async fn run(app: &Core, today: NaiveDate) -> ServiceResult<usize> {
    let days = app.settings.mail.reminder_days.clone();
    let longest = days.iter().copied().max().unwrap_or(0);
    // Working days are never more than about twice the calendar days plus the Easter holidays.
    let horizon = today + chrono::Duration::days(i64::from(longest) * 2 + 10);
    let candidates = request::Entity::find()
        .filter(request::Column::Status.is_in(Status::open_states()))
        .filter(request::Column::DueOn.lte(horizon))
        .all(&app.db)
        .await?;
    if candidates.is_empty() {
        return Ok(0);
    }
    let base = app.settings.base_url();
    let mut wanted: Vec<(request::Model, Template, String, Option<u32>)> = Vec::new();
    for req in candidates {
        if req.due_on < today {
            let key = format!("escalation:{}:{}", req.id, req.due_on);
            wanted.push((req, Template::Escalation, key, None));
        } else if let Some(n) = reminder_due(&days, working_days_between(today, req.due_on)) {
            let left = working_days_between(today, req.due_on) as u32;
            let key = format!("reminder:{}:{}:{n}", req.id, req.due_on);
            wanted.push((req, Template::Reminder, key, Some(left)));
        }
    }
    // Skip what is already queued: most passes find nothing new.
    let keys: Vec<String> = wanted.iter().map(|w| w.2.clone()).collect();
    let queued: HashSet<String> =
        find_where_in::<outbox::Entity, _>(&app.db, outbox::Column::DedupeKey, &keys)
            .await?
            .into_iter()
            .map(|r| r.dedupe_key)
            .collect();
    wanted.retain(|w| !queued.contains(&w.2));
    if wanted.is_empty() {
        return Ok(0);
    }
    let units: HashMap<_, _> = unit::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.id, u))
        .collect();
    let controllers: HashMap<_, _> = controller::Entity::find()
        .all(&app.db)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut emails = Vec::new();
    for (req, template, key, left) in wanted {
        let to = match template {
            Template::Escalation => controllers
                .get(&req.controller_id)
                .and_then(|c| c.dpo_email.clone()),
            _ => units.get(&req.unit_id).and_then(|u| u.email.clone()),
        };
        let Some(to) = to.filter(|t| !t.trim().is_empty()) else {
            tracing::debug!(request_id = %req.id, template = template.as_str(), "no mailbox to notify");
            continue;
        };
        emails.push(Email {
            template,
            request_id: Some(req.id),
            recipient: Recipient::Address(to),
            language: Language::Nb,
            params: Params {
                reference: req.reference.clone(),
                link: office_link(&base),
                due_on: Some(req.due_on),
                days: left,
            },
            dedupe_key: key,
        });
    }
    if emails.is_empty() {
        return Ok(0);
    }
    let vault = app.vault.clone();
    app.writer
        .run(move |tx| {
            Box::pin(async move {
                let mut added = 0;
                for email in emails {
                    let request_id = email.request_id;
                    let details = serde_json::json!({
                        "template": email.template.as_str(),
                        "due_on": email.params.due_on,
                        "working_days_left": email.params.days,
                    });
                    // Another instance may have queued it since we looked: then nothing is added.
                    if enqueue(tx, &vault, email).await? {
                        added += 1;
                        tx.audit(AuditRecord {
                            actor: "system".into(),
                            action: "notification.queued".into(),
                            request_id,
                            details,
                        })
                        .await?;
                    }
                }
                Ok(added)
            })
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminder_is_the_smallest_configured_day_not_below_what_is_left() {
        let days = [7, 2];
        assert_eq!(reminder_due(&days, 8), None);
        assert_eq!(reminder_due(&days, 7), Some(7));
        assert_eq!(reminder_due(&days, 5), Some(7));
        assert_eq!(reminder_due(&days, 3), Some(7));
        assert_eq!(reminder_due(&days, 2), Some(2));
        assert_eq!(reminder_due(&days, 0), Some(2));
        assert_eq!(reminder_due(&days, -1), None);
        assert_eq!(reminder_due(&[], 1), None);
    }
}
