//! Who may do what: one table of role × action × the relation to the case the role needs.
//! `docs/security.md` shows the same table (a test keeps the two equal). The relation itself
//! (own request, the staff member's units, their controller) is enforced by
//! [`crate::requests::queries::visibility`]; this table says which relation each role needs
//! for each action, or that the role never may.
use crate::{
    auth::{Principal, Staff},
    error::{ServiceError, ServiceResult},
    lifecycle::Role,
};

/// What is done with a case or a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Read a request, its timeline and documents (a citizen gets their own projection).
    ReadCase,
    /// See staff usernames, internal notes, drafts, return comments and source errors.
    ReadInternal,
    /// Change a case: steps, assignment, notes, extension, forwarding, collection, decisions,
    /// recipient notices, lifting a restriction.
    WorkCase,
    /// Read the person's full identity number (audited).
    RevealPid,
    /// Record that a d-nummer and a fødselsnummer are the same person.
    LinkNumbers,
    /// Approve merging two existing persons (not one's own request to merge).
    ApproveMerge,
    /// Approve or return a withdrawal or forward another staff member proposed under four eyes.
    ApproveClosing,
    /// Be told which unit a newly registered request was routed to.
    SeeRoutedUnit,
}

/// The relation to the case a role needs for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The citizen's own requests (all numbers of the person).
    Own,
    /// Requests of the staff member's units.
    Unit,
    /// Requests of the staff member's controller.
    Controller,
    /// Not allowed.
    Never,
}

impl Act {
    pub const ALL: [Act; 8] = [
        Act::ReadCase,
        Act::ReadInternal,
        Act::WorkCase,
        Act::RevealPid,
        Act::LinkNumbers,
        Act::ApproveMerge,
        Act::ApproveClosing,
        Act::SeeRoutedUnit,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Act::ReadCase => "read_case",
            Act::ReadInternal => "read_internal",
            Act::WorkCase => "work_case",
            Act::RevealPid => "reveal_pid",
            Act::LinkNumbers => "link_numbers",
            Act::ApproveMerge => "approve_merge",
            Act::ApproveClosing => "approve_closing",
            Act::SeeRoutedUnit => "see_routed_unit",
        }
    }
}

impl Scope {
    pub fn as_str(&self) -> &'static str {
        match self {
            Scope::Own => "own",
            Scope::Unit => "unit",
            Scope::Controller => "controller",
            Scope::Never => "never",
        }
    }
}

/// The roles in the table's column order.
pub const ROLES: [Role; 5] = [
    Role::Citizen,
    Role::Caseworker,
    Role::PrivacyOfficer,
    Role::Auditor,
    Role::Admin,
];

/// The table: for each action, the scope per role in [`ROLES`] order.
pub fn scopes(act: Act) -> [Scope; 5] {
    use Scope::*;
    match act {
        //                    citizen caseworker privacy_officer auditor admin
        Act::ReadCase => [Own, Unit, Controller, Controller, Never],
        Act::ReadInternal => [Never, Unit, Controller, Controller, Never],
        Act::WorkCase => [Never, Unit, Controller, Never, Never],
        Act::RevealPid => [Never, Unit, Controller, Never, Never],
        Act::LinkNumbers => [Never, Unit, Controller, Never, Never],
        Act::ApproveMerge => [Never, Never, Controller, Never, Never],
        Act::ApproveClosing => [Never, Never, Controller, Never, Never],
        Act::SeeRoutedUnit => [Never, Unit, Controller, Never, Never],
    }
}

/// The relation `role` needs for `act`.
pub fn scope(role: Role, act: Act) -> Scope {
    ROLES
        .iter()
        .position(|r| *r == role)
        .map(|i| scopes(act)[i])
        .unwrap_or(Scope::Never)
}

/// Whether the role may ever do `act` (the relation to the case is checked by the caller
/// through [`crate::requests::queries::visibility`]).
pub fn allows(role: Role, act: Act) -> bool {
    scope(role, act) != Scope::Never
}

/// Whether a staff member sees requests of this unit and controller: the pure form of the
/// relation [`crate::requests::queries::visibility`] enforces in queries.
pub fn staff_sees(staff: &Staff, unit_id: uuid::Uuid, controller_id: uuid::Uuid) -> bool {
    match staff.role {
        Role::Caseworker => staff.unit_ids.contains(&unit_id),
        Role::PrivacyOfficer | Role::Auditor => match staff.controller_id {
            Some(c) => c == controller_id,
            None if staff.role == Role::Auditor => true,
            None => staff.unit_ids.contains(&unit_id),
        },
        Role::Admin | Role::Citizen => false,
    }
}

/// The staff member, when their role may do `act`; otherwise 403.
pub fn require_staff(principal: &Principal, act: Act) -> ServiceResult<&Staff> {
    match principal.staff() {
        Some(s) if allows(s.role, act) => Ok(s),
        _ => Err(ServiceError::Forbidden(format!(
            "this role may not {}",
            act.as_str().replace('_', " ")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/security.md` shows the table the code enforces: every row, same scopes.
    #[test]
    fn the_documented_table_is_the_enforced_table() {
        let doc = include_str!("../docs/security.md");
        let mut rows = 0;
        for line in doc.lines() {
            let cells: Vec<&str> = line
                .trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`'))
                .collect();
            let Some(act) = Act::ALL.iter().find(|a| a.as_str() == cells[0]) else {
                continue;
            };
            let want: Vec<&str> = scopes(*act).iter().map(Scope::as_str).collect();
            assert_eq!(cells[1..=5], want[..], "row {}", act.as_str());
            rows += 1;
        }
        assert_eq!(
            rows,
            Act::ALL.len(),
            "every action has a row in docs/security.md"
        );
    }

    #[test]
    fn roles_are_checked_against_the_table() {
        for (role, act, allowed) in [
            (Role::Citizen, Act::ReadCase, true),
            (Role::Citizen, Act::ReadInternal, false),
            (Role::Caseworker, Act::LinkNumbers, true),
            (Role::Caseworker, Act::ApproveMerge, false),
            (Role::PrivacyOfficer, Act::ApproveMerge, true),
            (Role::Caseworker, Act::ApproveClosing, false),
            (Role::PrivacyOfficer, Act::ApproveClosing, true),
            (Role::Auditor, Act::ReadCase, true),
            (Role::Auditor, Act::WorkCase, false),
            (Role::Auditor, Act::RevealPid, false),
            (Role::Admin, Act::ReadCase, false),
        ] {
            assert_eq!(allows(role, act), allowed, "{role:?} {act:?}");
        }
    }
}
