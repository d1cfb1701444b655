//! Art. 19: where a retting, sletting or begrensning changed data, each organisation that
//! received the changed data from us is told, and only about what it received. The notices are
//! planned when the decision is approved (one per recipient, with the printable letter), then
//! delivered through the recipient's own source system where it takes notices over the source
//! protocol (`sources::notices`), or sent as a printed letter by a caseworker, who records it.
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use entity::recipient_notice;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    letters::{CollectedRecord, OperationOutcome, OperationResult},
    lifecycle::{Outcome, RightKind},
    requests::{intake::record_action, queries::load_visible},
    sources::{SourceSystem, protocol::Operation},
};

pub use entity::values::{NoticeChannel, NoticeStatus};

/// One recipient's notice: only the changes to records it received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedNotice {
    pub recipient: String,
    pub operations: Vec<OperationResult>,
}

/// Why the recipients cannot be known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "data was changed at {0}, but what it holds (and so whom it disclosed the data to) was \
         never collected; collect access from the sources first so the recipients can be told"
    )]
    RecipientsUnknown(String),
}

/// Whether art. 19 applies: a right it covers (arts. 16, 17(1), 18), not refused.
pub fn applies(kind: RightKind, outcome: Outcome) -> bool {
    matches!(
        kind,
        RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
    ) && outcome != Outcome::Refused
}

/// A change art. 19 passes on: corrected, erased or restricted (kept and stopped are not).
pub fn is_change(outcome: OperationOutcome) -> bool {
    matches!(
        outcome,
        OperationOutcome::Corrected | OperationOutcome::Erased | OperationOutcome::Restricted
    )
}

/// One notice per recipient named on the changed records, each with only the changes to the
/// records that recipient received, recipients in name order. The recipients come from what each
/// source said it holds (`records`, the access answers); a change at a source whose holdings were
/// never collected is an error, because "nobody was told" would then be a guess.
pub fn plan(
    kind: RightKind,
    outcome: Outcome,
    records: &[CollectedRecord],
    operations: &[OperationResult],
) -> Result<Vec<PlannedNotice>, PlanError> {
    if !applies(kind, outcome) {
        return Ok(vec![]);
    }
    let mut by_recipient: BTreeMap<String, Vec<OperationResult>> = BTreeMap::new();
    for op in operations.iter().filter(|op| is_change(op.outcome)) {
        if !records.iter().any(|r| r.source_id == op.source_id) {
            return Err(PlanError::RecipientsUnknown(op.source_name.clone()));
        }
        let received_by = records
            .iter()
            .filter(|r| !r.third_party)
            .filter(|r| r.source_id == op.source_id && r.id == op.record_id)
            .flat_map(|r| r.recipients.iter())
            .map(|s| s.trim())
            .filter(|s| !s.is_empty());
        for recipient in received_by {
            let list = by_recipient.entry(recipient.to_string()).or_default();
            if !list.contains(op) {
                list.push(op.clone());
            }
        }
    }
    Ok(by_recipient
        .into_iter()
        .map(|(recipient, operations)| PlannedNotice {
            recipient,
            operations,
        })
        .collect())
}

/// The source system through which `recipient` takes notices: an active system with an
/// endpoint and the `notify` capability whose id or name (or the name's part before " – ") is
/// the recipient's name. Owners are not matched: an organisation may run a system that is not
/// where the data it received lives (Skatteetaten runs Folkeregisteret).
pub fn channel_for<'a>(recipient: &str, sources: &'a [SourceSystem]) -> Option<&'a SourceSystem> {
    let wanted = recipient.trim();
    sources.iter().find(|s| {
        s.active
            && s.endpoint.is_some()
            && s.capabilities.contains(&Operation::Notify)
            && (s.id.eq_ignore_ascii_case(wanted)
                || s.name.trim().to_lowercase() == wanted.to_lowercase()
                || s.name
                    .split(" – ")
                    .next()
                    .is_some_and(|head| head.trim().to_lowercase() == wanted.to_lowercase()))
    })
}

/// A notice as the API and the case page show it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NoticeView {
    pub id: Uuid,
    pub recipient: String,
    pub channel: NoticeChannel,
    /// The recipient's source system (protocol channel).
    pub source: Option<String>,
    pub status: NoticeStatus,
    pub attempts: i32,
    /// Why the last delivery attempt failed.
    pub error: Option<String>,
    /// How many changed records it tells about.
    pub changes: usize,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    /// The printable letter (PDF).
    pub document_href: Option<String>,
}

/// The sealed content of a notice.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NoticePayload {
    pub operations: Vec<OperationResult>,
}

pub fn view(row: &recipient_notice::Model, vault: &crate::crypto::PidVault) -> NoticeView {
    let changes = vault
        .open(&row.payload)
        .ok()
        .and_then(|p| serde_json::from_str::<NoticePayload>(&p).ok())
        .map(|p| p.operations.len())
        .unwrap_or(0);
    NoticeView {
        id: row.id,
        recipient: row.recipient.clone(),
        channel: row.channel,
        source: row.source_id.clone(),
        status: row.status,
        attempts: row.attempts,
        error: row.error.clone(),
        changes,
        created_at: row.created_at,
        delivered_at: row.delivered_at,
        document_href: row
            .document_id
            .map(|d| format!("/api/v1/requests/{}/documents/{d}", row.request_id)),
    }
}

/// Inserts the planned notices of an approved decision, each with its letter and channel.
pub async fn insert(
    tx: &crate::writer::Tx,
    vault: &crate::crypto::PidVault,
    sources: &[SourceSystem],
    request_id: Uuid,
    decision_id: Uuid,
    notices: Vec<(PlannedNotice, Uuid)>,
) -> ServiceResult<Vec<recipient_notice::Model>> {
    let mut rows = Vec::with_capacity(notices.len());
    for (planned, document_id) in notices {
        let source = channel_for(&planned.recipient, sources);
        let (channel, status) = match source {
            Some(_) => (NoticeChannel::Protocol, NoticeStatus::Pending),
            None => (NoticeChannel::Manual, NoticeStatus::Manual),
        };
        let payload = NoticePayload {
            operations: planned.operations,
        };
        let row = recipient_notice::ActiveModel {
            id: Set(Uuid::now_v7()),
            request_id: Set(request_id),
            decision_id: Set(decision_id),
            recipient: Set(planned.recipient),
            source_id: Set(source.map(|s| s.id.clone())),
            channel: Set(channel),
            status: Set(status),
            payload: Set(vault.seal(&serde_json::to_string(&payload).unwrap_or_default())),
            document_id: Set(Some(document_id)),
            attempts: Set(0),
            error: Set(None),
            next_attempt_at: Set(tx.now),
            created_at: Set(tx.now),
            updated_at: Set(tx.now),
            delivered_at: Set(None),
            delivered_by: Set(None),
        }
        .insert(&tx.db)
        .await?;
        rows.push(row);
    }
    Ok(rows)
}

/// The notices of a request (staff who work on decisions).
pub async fn list(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
) -> ServiceResult<Vec<NoticeView>> {
    super::staff_of(principal)?;
    load_visible(&app.db, principal, request_id).await?;
    Ok(recipient_notice::Entity::find()
        .filter(recipient_notice::Column::RequestId.eq(request_id))
        .order_by_asc(recipient_notice::Column::Recipient)
        .all(&app.db)
        .await?
        .iter()
        .map(|r| view(r, &app.vault))
        .collect())
}

/// What a caseworker does with one notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeAction {
    /// The printable letter was sent (a manual notice, or a failed protocol delivery sent by post).
    Sent,
    /// Try the protocol delivery again (a failed one).
    Retry,
}

pub async fn act(
    app: &Core,
    principal: &Principal,
    request_id: Uuid,
    notice_id: Uuid,
    action: NoticeAction,
) -> ServiceResult<NoticeView> {
    let staff = super::staff_of(principal)?.clone();
    let principal = principal.clone();
    let vault = app.vault.clone();
    let row = app
        .writer
        .run(move |tx| {
            Box::pin(async move {
                load_visible(&tx.db, &principal, request_id).await?;
                let row = recipient_notice::Entity::find_by_id(notice_id)
                    .filter(recipient_notice::Column::RequestId.eq(request_id))
                    .one(&tx.db)
                    .await?
                    .ok_or(ServiceError::NotFound("notice"))?;
                let (status, channel) = (row.status, row.channel);
                let recipient = row.recipient.clone();
                let mut update: recipient_notice::ActiveModel = row.into();
                let event = match (action, status, channel) {
                    (NoticeAction::Sent, NoticeStatus::Manual | NoticeStatus::Failed, _) => {
                        update.status = Set(NoticeStatus::Delivered);
                        update.delivered_at = Set(Some(tx.now));
                        update.delivered_by = Set(Some(staff.id));
                        "recipient_notice_sent"
                    }
                    (NoticeAction::Retry, NoticeStatus::Failed, NoticeChannel::Protocol) => {
                        update.status = Set(NoticeStatus::Pending);
                        update.attempts = Set(0);
                        update.next_attempt_at = Set(tx.now);
                        "recipient_notice_retried"
                    }
                    _ => {
                        return Err(ServiceError::Conflict(format!(
                            "the notice is {}; that is not possible now",
                            status.as_str()
                        )));
                    }
                };
                update.updated_at = Set(tx.now);
                let row = update.update(&tx.db).await?;
                let details = serde_json::json!({ "notice_id": notice_id, "recipient": recipient });
                record_action(tx, request_id, Some(&principal), event, None, None, details).await?;
                Ok(row)
            })
        })
        .await?;
    if action == NoticeAction::Retry {
        app.collector.wake();
    }
    Ok(view(&row, &vault))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn record(source: &str, id: &str, recipients: &[&str]) -> CollectedRecord {
        CollectedRecord {
            source_id: source.into(),
            source_name: source.to_uppercase(),
            id: id.into(),
            category: "c".into(),
            label: id.into(),
            value: serde_json::Value::String("v".into()),
            recorded_at: None,
            purpose: None,
            legal_basis: None,
            recipients: recipients.iter().map(|s| s.to_string()).collect(),
            retention: None,
            special_category: false,
            third_party: false,
        }
    }

    fn op(source: &str, id: &str, outcome: OperationOutcome) -> OperationResult {
        OperationResult {
            source_id: source.into(),
            source_name: source.to_uppercase(),
            record_id: id.into(),
            label: id.into(),
            outcome,
            new_value: None,
            old_value: None,
            reason: None,
            legal_basis: None,
            restricted_until: None,
        }
    }

    fn recipients(plan: &[PlannedNotice]) -> Vec<(String, Vec<String>)> {
        plan.iter()
            .map(|n| {
                (
                    n.recipient.clone(),
                    n.operations
                        .iter()
                        .map(|o| format!("{}.{}", o.source_id, o.record_id))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn each_recipient_gets_only_the_changes_to_what_it_received() {
        use OperationOutcome::*;
        let records = vec![
            record("kommune", "fravaer", &["NAV"]),
            record("kommune", "plan", &["NAV"]),
            record("imdi", "bosetting", &["Kommunen"]),
            record("imdi", "utdanning", &["Kommunen", "NAV"]),
            record("nav", "kontor", &[]),
        ];
        type Case<'a> = (
            &'a str,
            RightKind,
            Outcome,
            Vec<OperationResult>,
            Vec<(&'a str, Vec<&'a str>)>,
        );
        let cases: Vec<Case> = vec![
            (
                "two sources, two recipients, each its own",
                RightKind::Retting,
                Outcome::Granted,
                vec![
                    op("kommune", "fravaer", Corrected),
                    op("imdi", "bosetting", Corrected),
                ],
                vec![
                    ("Kommunen", vec!["imdi.bosetting"]),
                    ("NAV", vec!["kommune.fravaer"]),
                ],
            ),
            (
                "a record with two recipients goes to both",
                RightKind::Sletting,
                Outcome::PartiallyGranted,
                vec![op("imdi", "utdanning", Erased), op("kommune", "plan", Kept)],
                vec![
                    ("Kommunen", vec!["imdi.utdanning"]),
                    ("NAV", vec!["imdi.utdanning"]),
                ],
            ),
            (
                "kept records are not passed on",
                RightKind::Sletting,
                Outcome::PartiallyGranted,
                vec![op("kommune", "plan", Kept)],
                vec![],
            ),
            (
                "a changed record nobody received",
                RightKind::Begrensning,
                Outcome::Granted,
                vec![op("nav", "kontor", Restricted)],
                vec![],
            ),
            (
                "refused: nothing to pass on",
                RightKind::Sletting,
                Outcome::Refused,
                vec![op("kommune", "fravaer", Erased)],
                vec![],
            ),
            (
                "an objection is not an art. 19 right",
                RightKind::Protest,
                Outcome::Granted,
                vec![op("kommune", "fravaer", Stopped)],
                vec![],
            ),
        ];
        for (name, kind, outcome, ops, want) in cases {
            let got = plan(kind, outcome, &records, &ops).unwrap();
            let want: Vec<(String, Vec<String>)> = want
                .into_iter()
                .map(|(r, o)| (r.to_string(), o.into_iter().map(String::from).collect()))
                .collect();
            assert_eq!(recipients(&got), want, "{name}");
        }
    }

    #[test]
    fn a_change_at_a_source_never_collected_cannot_be_planned() {
        let err = plan(
            RightKind::Sletting,
            Outcome::Granted,
            &[record("kommune", "fravaer", &["NAV"])],
            &[op("udi", "opphold", OperationOutcome::Erased)],
        )
        .unwrap_err();
        assert_eq!(err, PlanError::RecipientsUnknown("UDI".into()));
    }

    #[test]
    fn the_channel_is_the_recipients_own_system_with_notices() {
        let source =
            |id: &str, name: &str, owner: &str, notify: bool, endpoint: bool| SourceSystem {
                id: id.into(),
                name: name.into(),
                owner: owner.into(),
                capabilities: if notify {
                    vec![Operation::Access, Operation::Notify]
                } else {
                    vec![Operation::Access]
                },
                endpoint: endpoint.then(|| "http://x".into()),
                auth_mode: Default::default(),
                maskinporten_scope: None,
                maskinporten_resource: None,
                timeout_ms: 1000,
                max_attempts: 3,
                backoff_ms: 100,
                service_areas: vec![],
                active: true,
                population_register: false,
                finds_by_duf: false,
            };
        let sources = vec![
            source(
                "folkeregisteret",
                "Folkeregisteret",
                "Skatteetaten",
                true,
                true,
            ),
            source(
                "nav",
                "NAV – ytelser",
                "Arbeids- og velferdsetaten",
                true,
                true,
            ),
            source("imdi", "IMDi – bosetting", "IMDi", false, true),
            source("papirarkiv", "Kommunen", "Kommunen", true, false),
        ];
        let cases = [
            ("NAV", Some("nav")),
            ("nav", Some("nav")),
            ("IMDi", None),         // no notify capability
            ("Kommunen", None),     // no endpoint: manual
            ("Skatteetaten", None), // owners are not matched
            ("Statistisk sentralbyrå", None),
        ];
        for (recipient, want) in cases {
            assert_eq!(
                channel_for(recipient, &sources).map(|s| s.id.as_str()),
                want,
                "{recipient}"
            );
        }
    }
}
