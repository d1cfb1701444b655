//! What the API shows of a request.
use chrono::{DateTime, NaiveDate, Utc};
use entity::{request, request_event};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{
    auth::Principal,
    deadlines,
    lifecycle::{self, Action, Outcome, Policy, RightKind, Status},
    registry::Registry,
};

pub use crate::i18n::Language;

pub use entity::values::Channel;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ControllerRef {
    pub id: Uuid,
    pub name: String,
    pub org_number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnitRef {
    pub id: Uuid,
    pub name: String,
    /// External unit number (e.g. a NAV office's enhetsnummer), when it has one.
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    /// Human reference, e.g. `PV-2026-000123`.
    pub reference: String,
    pub kind: RightKind,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub outcome_note: Option<String>,
    pub description: String,
    pub service_area: Option<String>,
    pub language: Language,
    pub channel: Channel,
    /// Day of receipt (Europe/Oslo); the deadline runs from it.
    pub received_on: NaiveDate,
    /// Current due date.
    pub due_on: NaiveDate,
    /// The first deadline (receipt + one month); extension is possible only until it passes.
    pub first_due_on: NaiveDate,
    /// Latest possible due date with an extension (receipt + three months).
    pub extended_due_on: NaiveDate,
    pub extension_reason: Option<String>,
    /// Past the deadline: the date the caseworker expects to answer by, when one is set.
    pub expected_answer_on: Option<NaiveDate>,
    /// The person asked for the answers on paper: every letter is also posted.
    pub wants_paper: bool,
    /// Empty (nil id) for staff who registered a request routed where they cannot see.
    pub controller: ControllerRef,
    /// Empty (nil id) for staff who registered a request routed where they cannot see.
    pub unit: UnitRef,
    /// Username of the assigned caseworker.
    pub assignee: Option<String>,
    /// Why the request went to this unit.
    #[schema(value_type = Object)]
    pub routing: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// What the caller may do with the request now.
    pub allowed_actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TimelineEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    /// `citizen`, `staff` or `system`.
    pub actor_kind: String,
    /// Staff username; empty for the citizen and the system.
    pub actor: String,
    pub action: String,
    pub from_status: Option<Status>,
    pub to_status: Option<Status>,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

impl From<request_event::Model> for TimelineEvent {
    fn from(e: request_event::Model) -> Self {
        Self {
            id: e.id,
            at: e.at,
            actor_kind: e.actor_kind.to_string(),
            actor: e.actor,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Builds the view; `assignee` is the assignee's username when there is one. A citizen gets
/// their own projection ([`for_citizen`]).
pub fn build(
    row: &request::Model,
    registry: &Registry,
    assignee: Option<String>,
    viewer: &Principal,
) -> RequestView {
    let status = row.status;
    let controller = registry.controllers.get(&row.controller_id);
    let unit = registry.units.get(&row.unit_id);
    let policy = Policy {
        four_eyes: controller.is_some_and(|c| c.four_eyes),
    };
    let view = RequestView {
        id: row.id,
        reference: row.reference.clone(),
        kind: row.kind,
        status,
        outcome: row.outcome,
        outcome_note: row.outcome_note.clone(),
        description: row.description.clone(),
        service_area: row.service_area.clone(),
        language: row.language,
        channel: row.channel,
        received_on: row.received_on,
        due_on: row.due_on,
        first_due_on: row.first_due_on,
        extended_due_on: deadlines::extended_due_date(row.received_on),
        extension_reason: row.extension_reason.clone(),
        expected_answer_on: row.expected_answer_on,
        wants_paper: row.wants_paper,
        controller: ControllerRef {
            id: row.controller_id,
            name: controller.map(|c| c.name.clone()).unwrap_or_default(),
            org_number: controller.map(|c| c.org_number.clone()).unwrap_or_default(),
        },
        unit: UnitRef {
            id: row.unit_id,
            name: unit.map(|u| u.name.clone()).unwrap_or_default(),
            code: unit.and_then(|u| u.code.clone()),
        },
        assignee,
        routing: serde_json::from_str(&row.routing).unwrap_or(serde_json::Value::Null),
        created_at: row.created_at,
        updated_at: row.updated_at,
        closed_at: row.closed_at,
        allowed_actions: lifecycle::allowed_actions(status, viewer.role(), policy),
    };
    match viewer {
        Principal::Citizen { .. } => for_citizen(view),
        Principal::Staff(_) => view,
    }
}

/// What staff who registered a request routed where they cannot see are told: the reference
/// and what they typed, never the controller, unit or routing (which could tell where the
/// person lives, or that their address is protected).
pub fn registered_elsewhere(v: RequestView) -> RequestView {
    RequestView {
        controller: ControllerRef {
            id: Uuid::nil(),
            name: String::new(),
            org_number: String::new(),
        },
        unit: UnitRef {
            id: Uuid::nil(),
            name: String::new(),
            code: None,
        },
        assignee: None,
        routing: serde_json::Value::Null,
        allowed_actions: vec![],
        ..v
    }
}

/// What a citizen sees of their own request: a whitelist. No staff username, and the outcome
/// only once the request is closed (before that it is a draft).
pub fn for_citizen(v: RequestView) -> RequestView {
    let closed = v.status.is_terminal();
    RequestView {
        id: v.id,
        reference: v.reference,
        kind: v.kind,
        status: v.status,
        outcome: v.outcome.filter(|_| closed),
        outcome_note: v.outcome_note.filter(|_| closed),
        description: v.description,
        service_area: v.service_area,
        language: v.language,
        channel: v.channel,
        received_on: v.received_on,
        due_on: v.due_on,
        first_due_on: v.first_due_on,
        extended_due_on: v.extended_due_on,
        extension_reason: v.extension_reason,
        expected_answer_on: v.expected_answer_on,
        wants_paper: v.wants_paper,
        controller: v.controller,
        unit: v.unit,
        assignee: None,
        routing: v.routing,
        created_at: v.created_at,
        updated_at: v.updated_at,
        closed_at: v.closed_at,
        allowed_actions: v.allowed_actions,
    }
}

/// The timeline actions a citizen sees, each with the detail keys they may read. Everything
/// else (assignment, internal notes, drafts, returns from approval, source calls and their
/// errors) is internal.
const CITIZEN_EVENTS: &[(&str, &[&str])] = &[
    ("created", &[]),
    ("start", &[]),
    ("ask_requester", &["note"]),
    ("requester_answered", &["note"]),
    ("attachment_added", &[]),
    ("extended", &["from_due_on", "due_on", "reason"]),
    ("complete", &["outcome", "note"]),
    ("approve", &["outcome", "note"]),
    ("decision_approved", &[]),
    ("withdraw", &[]),
    ("forwarded", &[]),
    // The reason is the one the person's letter gives (where the request went, and why).
    ("forward_out", &["note"]),
    ("rerouted", &[]),
];

/// A forward to another controller closes the case with a letter that names the receiving body,
/// the reason and its case number: the person may read those. A forward between units of one
/// controller keeps its note internal.
const CITIZEN_FORWARDED_OUT: &[&str] = &["to_controller_id", "onward_reference", "note"];

/// A citizen's projection of a timeline event; `None` for internal events. Staff are never
/// named.
pub fn citizen_event(e: TimelineEvent) -> Option<TimelineEvent> {
    let (_, keys) = CITIZEN_EVENTS.iter().find(|(a, _)| *a == e.action)?;
    let keys: &[&str] = if e.action == "forwarded" && e.to_status == Some(Status::Forwarded) {
        CITIZEN_FORWARDED_OUT
    } else {
        keys
    };
    let details: serde_json::Map<String, serde_json::Value> = keys
        .iter()
        .filter_map(|k| e.details.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    Some(TimelineEvent {
        id: e.id,
        at: e.at,
        actor_kind: e.actor_kind.to_string(),
        actor: String::new(),
        action: e.action,
        from_status: e.from_status,
        to_status: e.to_status,
        details: serde_json::Value::Object(details),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(action: &str, details: serde_json::Value) -> TimelineEvent {
        TimelineEvent {
            id: Uuid::nil(),
            at: Utc::now(),
            actor_kind: "staff".into(),
            actor: "saksbehandler.gamleoslo".into(),
            action: action.into(),
            from_status: None,
            to_status: None,
            details,
        }
    }

    /// Each internal event is dropped; each shown event keeps only its whitelisted details and
    /// never names the staff member.
    #[test]
    fn citizens_see_a_whitelist_of_events_and_details() {
        for (action, details, shown) in [
            ("assigned", json!({ "assignee": "kari" }), None),
            ("internal_note", json!({ "note": "internal" }), None),
            (
                "submit_for_approval",
                json!({ "outcome": "refused", "note": "draft" }),
                None,
            ),
            (
                "send_back",
                json!({ "note": "internal return comment" }),
                None,
            ),
            ("decision_drafted", json!({ "outcome": "refused" }), None),
            ("decision_returned", json!({ "comment": "fix it" }), None),
            (
                "source_failed",
                json!({ "error": "timeout at 10.0.0.1" }),
                None,
            ),
            ("source_answered", json!({ "record_count": 3 }), None),
            ("collection_started", json!({}), None),
            (
                "ask_requester",
                json!({ "note": "Which years?", "outcome": null }),
                Some(json!({ "note": "Which years?" })),
            ),
            (
                "complete",
                json!({ "outcome": "granted", "note": "Here it is" }),
                Some(json!({ "outcome": "granted", "note": "Here it is" })),
            ),
            (
                "rerouted",
                json!({ "from_unit_id": "x", "cause": "folkeregisteret" }),
                Some(json!({})),
            ),
            (
                "extended",
                json!({ "due_on": "2027-01-01", "reason": "many sources", "by": "kari" }),
                Some(json!({ "due_on": "2027-01-01", "reason": "many sources" })),
            ),
            (
                "forwarded",
                json!({ "to_unit_id": "x", "note": "internal: wrong unit" }),
                Some(json!({})),
            ),
            (
                "forward_out",
                json!({ "note": "Sent to IMDi, which holds the data", "by": "kari" }),
                Some(json!({ "note": "Sent to IMDi, which holds the data" })),
            ),
        ] {
            let got = citizen_event(event(action, details));
            assert_eq!(got.as_ref().map(|e| e.details.clone()), shown, "{action}");
            if let Some(e) = got {
                assert_eq!(e.actor, "", "{action}");
            }
        }
        // To another controller, closing the case: where, the onward case and the reason.
        let mut out = event(
            "forwarded",
            json!({ "to_unit_id": "u", "to_controller_id": "c", "onward_reference": "PV-2026-000002",
                    "note": "The school holds it", "documents": [{ "name": "x" }] }),
        );
        out.to_status = Some(Status::Forwarded);
        assert_eq!(
            citizen_event(out).map(|e| e.details),
            Some(
                json!({ "to_controller_id": "c", "onward_reference": "PV-2026-000002", "note": "The school holds it" })
            )
        );
    }
}
