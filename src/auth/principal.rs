//! Who is calling: a citizen (identified by the token's `pid`) or a staff member (the token's
//! `sub`, known in the staff table with a role and units). Decides what each may see. Plain
//! data: finding the principal for a token or a session is `resolve.rs`.
use uuid::Uuid;

use crate::{identity::Pid, lifecycle::Role};

#[derive(Debug, Clone)]
pub struct Staff {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub unit_ids: Vec<Uuid>,
    pub controller_id: Option<Uuid>,
}

#[derive(Debug, Clone)]
pub enum Principal {
    Citizen { pid: Pid, lookup_hash: String },
    Staff(Staff),
}

impl Principal {
    pub fn role(&self) -> Role {
        match self {
            Self::Citizen { .. } => Role::Citizen,
            Self::Staff(s) => s.role,
        }
    }

    /// How the audit trail names the actor: staff by username, citizens by pseudonym.
    pub fn audit_actor(&self) -> String {
        match self {
            Self::Citizen { lookup_hash, .. } => {
                format!("citizen:{}", &lookup_hash[..16.min(lookup_hash.len())])
            }
            Self::Staff(s) => format!("staff:{}", s.username),
        }
    }

    /// Timeline actor: (kind, name). Citizens are not named in the timeline.
    pub fn timeline_actor(&self) -> (entity::values::ActorKind, String) {
        use entity::values::ActorKind;
        match self {
            Self::Citizen { .. } => (ActorKind::Citizen, String::new()),
            Self::Staff(s) => (ActorKind::Staff, s.username.clone()),
        }
    }

    /// Stable key for idempotency records.
    pub fn idempotency_scope(&self) -> String {
        match self {
            Self::Citizen { lookup_hash, .. } => format!("citizen:{lookup_hash}"),
            Self::Staff(s) => format!("staff:{}", s.id),
        }
    }

    pub fn staff(&self) -> Option<&Staff> {
        match self {
            Self::Staff(s) => Some(s),
            Self::Citizen { .. } => None,
        }
    }
}

/// The staff roles (a citizen is never a staff role).
pub fn parse_staff_role(role: &str) -> Option<Role> {
    match role {
        "caseworker" => Some(Role::Caseworker),
        "privacy_officer" => Some(Role::PrivacyOfficer),
        "auditor" => Some(Role::Auditor),
        "admin" => Some(Role::Admin),
        _ => None,
    }
}
