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

/// How the request reached the controller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Portal,
    Api,
    Letter,
    Email,
    InPerson,
}

impl Channel {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Portal => "portal",
            Self::Api => "api",
            Self::Letter => "letter",
            Self::Email => "email",
            Self::InPerson => "in_person",
        }
    }
    pub fn parse(s: &str) -> Self {
        match s {
            "portal" => Self::Portal,
            "letter" => Self::Letter,
            "email" => Self::Email,
            "in_person" => Self::InPerson,
            _ => Self::Api,
        }
    }
}

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
    pub controller: ControllerRef,
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
            actor_kind: e.actor_kind,
            actor: e.actor,
            action: e.action,
            from_status: e.from_status.as_deref().and_then(Status::parse),
            to_status: e.to_status.as_deref().and_then(Status::parse),
            details: serde_json::from_str(&e.details).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Builds the view; `assignee` is the assignee's username when there is one.
pub fn build(
    row: &request::Model,
    registry: &Registry,
    assignee: Option<String>,
    viewer: &Principal,
) -> RequestView {
    let status = Status::parse(&row.status).unwrap_or(Status::Received);
    let controller = registry.controllers.get(&row.controller_id);
    let unit = registry.units.get(&row.unit_id);
    let policy = Policy {
        four_eyes: controller.is_some_and(|c| c.four_eyes),
    };
    RequestView {
        id: row.id,
        reference: row.reference.clone(),
        kind: RightKind::parse(&row.kind).unwrap_or(RightKind::Innsyn),
        status,
        outcome: row.outcome.as_deref().and_then(Outcome::parse),
        outcome_note: row.outcome_note.clone(),
        description: row.description.clone(),
        service_area: row.service_area.clone(),
        language: Language::parse(&row.language),
        channel: Channel::parse(&row.channel),
        received_on: row.received_on,
        due_on: row.due_on,
        first_due_on: row.first_due_on,
        extended_due_on: deadlines::extended_due_date(row.received_on),
        extension_reason: row.extension_reason.clone(),
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
    }
}
