//! Request lifecycle: the states a data-subject request moves through, who may move it, and
//! the single transition rule (GDPR art. 12).
//!
//! `received` → `in_progress` → `awaiting_approval` → `completed`, with the side states
//! `awaiting_requester` (clarification or identity, art. 12(6)), `withdrawn` and `forwarded`
//! (the request left this system). The outcome on completion (`granted`, `partially_granted`,
//! `refused`, incl. manifestly unfounded or excessive under art. 12(5)) is recorded by the
//! caller; an extension (art. 12(3)) is an attribute of the request, not a state.
//!
//! This module is pure: [`transition`] decides *whether* a move is allowed and what the new
//! state is. Writing the change, the audit event and any outbox message in one transaction,
//! checking that a citizen owns the request, and requiring an outcome on completion are the
//! caller's job.
//!
//! Over 500 lines on purpose: the one transition rule with its table-driven tests (most of the file).

use std::fmt;

pub use entity::values::{Outcome, RightKind, Status};

/// Who is acting. Auditors and admins never move requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The data subject (ownership of the request is checked by the caller).
    Citizen,
    /// Staff member handling requests in a unit's queue.
    Caseworker,
    /// The controller's privacy adviser, shown as "Godkjenner (personvernrådgiver)": approves
    /// decisions under four eyes. Not the data protection officer (personvernombud), who must not
    /// approve individual decisions (GDPR art. 38(6)); a controller's DPO is its contact
    /// (`dpo_name`), not a role here.
    PrivacyOfficer,
    /// Read-only access for audit.
    Auditor,
    /// Configuration only.
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 5] = [
        Role::Citizen,
        Role::Caseworker,
        Role::PrivacyOfficer,
        Role::Auditor,
        Role::Admin,
    ];

    /// snake_case name, for messages and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Caseworker => "caseworker",
            Role::PrivacyOfficer => "privacy_officer",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
        }
    }

    /// Caseworker or privacy officer.
    pub fn is_staff(&self) -> bool {
        matches!(self, Role::Caseworker | Role::PrivacyOfficer)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A move in the lifecycle. See [`transition`] for who may take it and from where.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// `received` → `in_progress` (staff).
    Start,
    /// `in_progress` → `awaiting_requester` (staff): clarification or identity.
    AskRequester,
    /// `awaiting_requester` → `in_progress` (owning citizen, or staff registering a reply).
    RequesterAnswered,
    /// `in_progress` → `awaiting_approval` (staff).
    SubmitForApproval,
    /// `awaiting_approval` → `in_progress` (privacy officer only).
    SendBack,
    /// `awaiting_approval` → `completed` (privacy officer only).
    Approve,
    /// `in_progress` → `completed` (staff), only when four-eyes approval is off.
    Complete,
    /// Any open state → `withdrawn` (owning citizen, or staff registering a letter).
    Withdraw,
    /// `received` | `in_progress` | `awaiting_requester` → `forwarded` (staff).
    ForwardOut,
}

impl Action {
    /// Every action.
    pub const ALL: [Action; 9] = [
        Action::Start,
        Action::AskRequester,
        Action::RequesterAnswered,
        Action::SubmitForApproval,
        Action::SendBack,
        Action::Approve,
        Action::Complete,
        Action::Withdraw,
        Action::ForwardOut,
    ];

    /// The API value (snake_case), identical to the serde representation.
    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::AskRequester => "ask_requester",
            Action::RequesterAnswered => "requester_answered",
            Action::SubmitForApproval => "submit_for_approval",
            Action::SendBack => "send_back",
            Action::Approve => "approve",
            Action::Complete => "complete",
            Action::Withdraw => "withdraw",
            Action::ForwardOut => "forward_out",
        }
    }

    /// Parses an API value produced by [`Action::as_str`] (exact match).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// A step of the decision: drafting sends it for approval, the approver sends it back or
    /// approves it, and without four eyes the drafter completes it. These are taken only through
    /// the decision endpoints, which record the outcome per part, its legal basis and reasons,
    /// and generate the letter, so that no request is closed as answered without a decision.
    pub fn is_decision_step(&self) -> bool {
        matches!(
            self,
            Action::SubmitForApproval | Action::SendBack | Action::Approve | Action::Complete
        )
    }

    /// Past-participle phrase for error messages ("cannot be …").
    fn past(&self) -> &'static str {
        match self {
            Action::Start => "started",
            Action::AskRequester => "put on hold for the requester",
            Action::RequesterAnswered => "resumed after the requester's answer",
            Action::SubmitForApproval => "submitted for approval",
            Action::SendBack => "sent back from approval",
            Action::Approve => "approved",
            Action::Complete => "completed",
            Action::Withdraw => "withdrawn",
            Action::ForwardOut => "forwarded",
        }
    }

    /// The states this action may be taken from.
    fn sources(&self) -> &'static [Status] {
        use Status::*;
        match self {
            Action::Start => &[Received],
            Action::AskRequester => &[InProgress],
            Action::RequesterAnswered => &[AwaitingRequester],
            Action::SubmitForApproval => &[InProgress],
            Action::SendBack => &[AwaitingApproval],
            Action::Approve => &[AwaitingApproval],
            Action::Complete => &[InProgress],
            Action::Withdraw => &[Received, InProgress, AwaitingRequester, AwaitingApproval],
            Action::ForwardOut => &[Received, InProgress, AwaitingRequester],
        }
    }

    /// The state the action leads to.
    fn target(&self) -> Status {
        match self {
            Action::Start | Action::RequesterAnswered | Action::SendBack => Status::InProgress,
            Action::AskRequester => Status::AwaitingRequester,
            Action::SubmitForApproval => Status::AwaitingApproval,
            Action::Approve | Action::Complete => Status::Completed,
            Action::Withdraw => Status::Withdrawn,
            Action::ForwardOut => Status::Forwarded,
        }
    }

    /// Whether `role` may take this action at all (ownership is the caller's check).
    fn permits(&self, role: Role) -> bool {
        match self {
            Action::SendBack | Action::Approve => role == Role::PrivacyOfficer,
            Action::RequesterAnswered | Action::Withdraw => {
                role == Role::Citizen || role.is_staff()
            }
            Action::Start
            | Action::AskRequester
            | Action::SubmitForApproval
            | Action::Complete
            | Action::ForwardOut => role.is_staff(),
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-controller settings that affect the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Policy {
    /// Four-eyes: every answer must be approved by the privacy officer, so a caseworker cannot
    /// [`Action::Complete`] directly but must [`Action::SubmitForApproval`].
    pub four_eyes: bool,
}

/// Why a transition was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not possible from the current state, whoever asks.
    #[error("a request that is {from} cannot be {} (action {action})", .action.past())]
    NotAllowedFrom {
        /// Current state.
        from: Status,
        /// Attempted action.
        action: Action,
    },
    /// The action is possible from this state, but not for this role.
    #[error("role {role} may not take action {action}")]
    RoleNotAllowed {
        /// Acting role.
        role: Role,
        /// Attempted action.
        action: Action,
    },
    /// `complete` was attempted while four-eyes approval is required.
    #[error(
        "four-eyes approval is required: submit the answer for approval instead of completing it"
    )]
    ApprovalRequired,
    /// A decision step was asked for outside the decision endpoints.
    #[error(
        "a request is answered only through its decision (outcome, legal basis, reasons and the letter): \
         draft it with POST /api/v1/requests/{{id}}/decision and approve it with \
         POST /api/v1/requests/{{id}}/decision/approve; {action} is not a step of its own"
    )]
    DecisionRequired {
        /// Attempted action.
        action: Action,
    },
}

/// The single rule: may `role` do `action` on a request in state `from`; returns the new state.
///
/// Checked in order: the state ([`TransitionError::NotAllowedFrom`]), the role
/// ([`TransitionError::RoleNotAllowed`]), then the policy ([`TransitionError::ApprovalRequired`]).
/// The caller checks that a citizen owns the request and that completion carries an outcome.
pub fn transition(
    from: Status,
    action: Action,
    role: Role,
    policy: Policy,
) -> Result<Status, TransitionError> {
    if !action.sources().contains(&from) {
        return Err(TransitionError::NotAllowedFrom { from, action });
    }
    if !action.permits(role) {
        return Err(TransitionError::RoleNotAllowed { role, action });
    }
    if action == Action::Complete && policy.four_eyes {
        return Err(TransitionError::ApprovalRequired);
    }
    Ok(action.target())
}

/// A step taken on its own (the transitions endpoint and the office's step buttons): every
/// action but the decision steps, which only the decision module takes (see
/// [`Action::is_decision_step`]).
pub fn step(
    from: Status,
    action: Action,
    role: Role,
    policy: Policy,
) -> Result<Status, TransitionError> {
    if action.is_decision_step() {
        return Err(TransitionError::DecisionRequired { action });
    }
    transition(from, action, role, policy)
}

/// The actions a role may take from a state (for UIs / API `allowed_actions`), in
/// [`Action::ALL`] order.
pub fn allowed_actions(from: Status, role: Role, policy: Policy) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| transition(from, *a, role, policy).is_ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Action as A;
    use Role as R;
    use Status as S;

    /// Which policies a row holds under.
    #[derive(Clone, Copy)]
    enum When {
        Always,
        NoFourEyes,
    }

    /// Every allowed (from, action, role, policy) → to. Anything not here must fail.
    const ALLOWED: &[(Status, Action, Role, When, Status)] = &[
        (
            S::Received,
            A::Start,
            R::Caseworker,
            When::Always,
            S::InProgress,
        ),
        (
            S::Received,
            A::Start,
            R::PrivacyOfficer,
            When::Always,
            S::InProgress,
        ),
        (
            S::InProgress,
            A::AskRequester,
            R::Caseworker,
            When::Always,
            S::AwaitingRequester,
        ),
        (
            S::InProgress,
            A::AskRequester,
            R::PrivacyOfficer,
            When::Always,
            S::AwaitingRequester,
        ),
        (
            S::AwaitingRequester,
            A::RequesterAnswered,
            R::Citizen,
            When::Always,
            S::InProgress,
        ),
        (
            S::AwaitingRequester,
            A::RequesterAnswered,
            R::Caseworker,
            When::Always,
            S::InProgress,
        ),
        (
            S::AwaitingRequester,
            A::RequesterAnswered,
            R::PrivacyOfficer,
            When::Always,
            S::InProgress,
        ),
        (
            S::InProgress,
            A::SubmitForApproval,
            R::Caseworker,
            When::Always,
            S::AwaitingApproval,
        ),
        (
            S::InProgress,
            A::SubmitForApproval,
            R::PrivacyOfficer,
            When::Always,
            S::AwaitingApproval,
        ),
        (
            S::AwaitingApproval,
            A::SendBack,
            R::PrivacyOfficer,
            When::Always,
            S::InProgress,
        ),
        (
            S::AwaitingApproval,
            A::Approve,
            R::PrivacyOfficer,
            When::Always,
            S::Completed,
        ),
        (
            S::InProgress,
            A::Complete,
            R::Caseworker,
            When::NoFourEyes,
            S::Completed,
        ),
        (
            S::InProgress,
            A::Complete,
            R::PrivacyOfficer,
            When::NoFourEyes,
            S::Completed,
        ),
        (
            S::Received,
            A::Withdraw,
            R::Citizen,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::Received,
            A::Withdraw,
            R::Caseworker,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::Received,
            A::Withdraw,
            R::PrivacyOfficer,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::InProgress,
            A::Withdraw,
            R::Citizen,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::InProgress,
            A::Withdraw,
            R::Caseworker,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::InProgress,
            A::Withdraw,
            R::PrivacyOfficer,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingRequester,
            A::Withdraw,
            R::Citizen,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingRequester,
            A::Withdraw,
            R::Caseworker,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingRequester,
            A::Withdraw,
            R::PrivacyOfficer,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingApproval,
            A::Withdraw,
            R::Citizen,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingApproval,
            A::Withdraw,
            R::Caseworker,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::AwaitingApproval,
            A::Withdraw,
            R::PrivacyOfficer,
            When::Always,
            S::Withdrawn,
        ),
        (
            S::Received,
            A::ForwardOut,
            R::Caseworker,
            When::Always,
            S::Forwarded,
        ),
        (
            S::Received,
            A::ForwardOut,
            R::PrivacyOfficer,
            When::Always,
            S::Forwarded,
        ),
        (
            S::InProgress,
            A::ForwardOut,
            R::Caseworker,
            When::Always,
            S::Forwarded,
        ),
        (
            S::InProgress,
            A::ForwardOut,
            R::PrivacyOfficer,
            When::Always,
            S::Forwarded,
        ),
        (
            S::AwaitingRequester,
            A::ForwardOut,
            R::Caseworker,
            When::Always,
            S::Forwarded,
        ),
        (
            S::AwaitingRequester,
            A::ForwardOut,
            R::PrivacyOfficer,
            When::Always,
            S::Forwarded,
        ),
    ];

    const POLICIES: [Policy; 2] = [Policy { four_eyes: false }, Policy { four_eyes: true }];

    fn expected(from: Status, action: Action, role: Role, policy: Policy) -> Option<Status> {
        ALLOWED
            .iter()
            .find(|(f, a, r, w, _)| {
                *f == from
                    && *a == action
                    && *r == role
                    && match w {
                        When::Always => true,
                        When::NoFourEyes => !policy.four_eyes,
                    }
            })
            .map(|row| row.4)
    }

    /// Any role, any policy: is the action possible from this state at all (per the table)?
    fn state_allows(from: Status, action: Action) -> bool {
        ALLOWED.iter().any(|(f, a, ..)| *f == from && *a == action)
    }

    /// Any policy: may this role take the action from this state (per the table)?
    fn role_allows(from: Status, action: Action, role: Role) -> bool {
        ALLOWED
            .iter()
            .any(|(f, a, r, ..)| *f == from && *a == action && *r == role)
    }

    #[test]
    fn exhaustive_transition_table() {
        let mut ok = 0;
        let mut total = 0;
        for from in Status::ALL {
            for action in Action::ALL {
                for role in Role::ALL {
                    for policy in POLICIES {
                        total += 1;
                        let got = transition(from, action, role, policy);
                        match expected(from, action, role, policy) {
                            Some(to) => {
                                ok += 1;
                                assert_eq!(got, Ok(to), "{from} {action} {role} {policy:?}");
                            }
                            None => {
                                let want = if !state_allows(from, action) {
                                    TransitionError::NotAllowedFrom { from, action }
                                } else if !role_allows(from, action, role) {
                                    TransitionError::RoleNotAllowed { role, action }
                                } else {
                                    TransitionError::ApprovalRequired
                                };
                                assert_eq!(got, Err(want), "{from} {action} {role} {policy:?}");
                            }
                        }
                    }
                }
            }
        }
        assert_eq!(total, 7 * 9 * 5 * 2);
        // 29 rows hold under both policies, 2 (complete) only without four-eyes.
        assert_eq!(ok, 29 * 2 + 2);
    }

    #[test]
    fn table_rows_are_unique() {
        for (i, a) in ALLOWED.iter().enumerate() {
            for b in &ALLOWED[i + 1..] {
                assert!(
                    !(a.0 == b.0 && a.1 == b.1 && a.2 == b.2),
                    "duplicate row {:?} {:?} {:?}",
                    a.0,
                    a.1,
                    a.2
                );
            }
        }
    }

    #[test]
    fn terminal_states_and_read_only_roles_never_move() {
        for action in Action::ALL {
            for policy in POLICIES {
                for role in Role::ALL {
                    for from in Status::ALL.into_iter().filter(Status::is_terminal) {
                        assert_eq!(
                            transition(from, action, role, policy),
                            Err(TransitionError::NotAllowedFrom { from, action })
                        );
                    }
                }
                for role in [R::Auditor, R::Admin] {
                    for from in Status::ALL {
                        assert!(transition(from, action, role, policy).is_err());
                    }
                }
            }
        }
    }

    #[test]
    fn allowed_actions_matches_transition() {
        for from in Status::ALL {
            for role in Role::ALL {
                for policy in POLICIES {
                    let want: Vec<Action> = Action::ALL
                        .into_iter()
                        .filter(|a| expected(from, *a, role, policy).is_some())
                        .collect();
                    assert_eq!(allowed_actions(from, role, policy), want);
                }
            }
        }
        assert_eq!(
            allowed_actions(S::InProgress, R::Caseworker, Policy { four_eyes: true }),
            vec![
                A::AskRequester,
                A::SubmitForApproval,
                A::Withdraw,
                A::ForwardOut
            ]
        );
        assert_eq!(
            allowed_actions(S::InProgress, R::Caseworker, Policy { four_eyes: false }),
            vec![
                A::AskRequester,
                A::SubmitForApproval,
                A::Complete,
                A::Withdraw,
                A::ForwardOut
            ]
        );
        assert_eq!(
            allowed_actions(S::AwaitingApproval, R::Citizen, Policy::default()),
            vec![A::Withdraw]
        );
    }

    /// Decision steps are refused on their own, from every state, for every role and policy;
    /// every other action behaves exactly as [`transition`].
    #[test]
    fn decision_steps_are_not_steps_of_their_own() {
        let decision_steps = [A::SubmitForApproval, A::SendBack, A::Approve, A::Complete];
        for action in Action::ALL {
            assert_eq!(
                action.is_decision_step(),
                decision_steps.contains(&action),
                "{action}"
            );
            for from in Status::ALL {
                for role in Role::ALL {
                    for policy in POLICIES {
                        let got = step(from, action, role, policy);
                        if action.is_decision_step() {
                            assert_eq!(got, Err(TransitionError::DecisionRequired { action }));
                        } else {
                            assert_eq!(got, transition(from, action, role, policy));
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn check_order_state_then_role_then_policy() {
        let four = Policy { four_eyes: true };
        // Wrong state and wrong role: the state error wins.
        assert_eq!(
            transition(S::Completed, A::Approve, R::Auditor, four),
            Err(TransitionError::NotAllowedFrom {
                from: S::Completed,
                action: A::Approve
            })
        );
        // Right state, wrong role, policy would refuse too: the role error wins.
        assert_eq!(
            transition(S::InProgress, A::Complete, R::Citizen, four),
            Err(TransitionError::RoleNotAllowed {
                role: R::Citizen,
                action: A::Complete
            })
        );
        assert_eq!(
            transition(S::InProgress, A::Complete, R::Caseworker, four),
            Err(TransitionError::ApprovalRequired)
        );
    }

    #[test]
    fn error_messages_name_state_and_action() {
        let e = TransitionError::NotAllowedFrom {
            from: S::Completed,
            action: A::Withdraw,
        };
        assert_eq!(
            e.to_string(),
            "a request that is completed cannot be withdrawn (action withdraw)"
        );
        let e = TransitionError::RoleNotAllowed {
            role: R::Caseworker,
            action: A::Approve,
        };
        assert_eq!(e.to_string(), "role caseworker may not take action approve");
        assert!(
            TransitionError::ApprovalRequired
                .to_string()
                .contains("four-eyes")
        );
    }

    #[test]
    fn status_terminal_and_open() {
        for s in Status::ALL {
            let terminal = matches!(s, S::Completed | S::Withdrawn | S::Forwarded);
            assert_eq!(s.is_terminal(), terminal, "{s}");
            assert_eq!(s.is_open(), !terminal, "{s}");
        }
    }

    #[test]
    fn right_kind_articles() {
        let table = [
            (RightKind::Innsyn, "innsyn", "15"),
            (RightKind::Retting, "retting", "16"),
            (RightKind::Sletting, "sletting", "17"),
            (RightKind::Begrensning, "begrensning", "18"),
            (RightKind::Protest, "protest", "21"),
        ];
        for (k, s, art) in table {
            assert_eq!(k.as_str(), s);
            assert_eq!(k.gdpr_article(), art);
        }
    }

    fn roundtrip<T>(all: &[T], as_str: fn(&T) -> &'static str, parse: fn(&str) -> Option<T>)
    where
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug + Copy,
    {
        for v in all {
            let s = as_str(v);
            assert_eq!(parse(s), Some(*v));
            let json = serde_json::to_string(v).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            let back: T = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *v);
            assert!(
                s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{s}"
            );
        }
        assert_eq!(parse(""), None);
        assert_eq!(parse("nonsense"), None);
        if let Some(first) = all.first() {
            assert_eq!(parse(&as_str(first).to_uppercase()), None, "parse is exact");
        }
    }

    #[test]
    fn serde_and_parse_round_trip() {
        roundtrip(&RightKind::ALL, RightKind::as_str, RightKind::parse);
        roundtrip(&Status::ALL, Status::as_str, Status::parse);
        roundtrip(&Outcome::ALL, Outcome::as_str, Outcome::parse);
        roundtrip(&Action::ALL, Action::as_str, Action::parse);
        assert_eq!(
            serde_json::to_string(&S::AwaitingRequester).unwrap(),
            "\"awaiting_requester\""
        );
        assert_eq!(
            serde_json::to_string(&Outcome::PartiallyGranted).unwrap(),
            "\"partially_granted\""
        );
        assert!(serde_json::from_str::<Status>("\"InProgress\"").is_err());
    }

    #[test]
    fn display_is_as_str() {
        for k in RightKind::ALL {
            assert_eq!(k.to_string(), k.as_str());
        }
        for s in Status::ALL {
            assert_eq!(s.to_string(), s.as_str());
        }
        for o in Outcome::ALL {
            assert_eq!(o.to_string(), o.as_str());
        }
    }
}
