//! The language the person is written to in a request: staff change it when they learn the
//! person understands another one better (GDPR art. 12(1)). Every letter and e-mail made after
//! the change reads the request's language, so nothing else is rewritten.
use entity::{request, values::Language};
use sea_orm::ActiveValue::Set;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    case::{Change, with_request},
    view::RequestView,
};
use crate::{
    access::{Act, require_staff},
    auth::Principal,
    core::Core,
    error::{ServiceError, ServiceResult},
    lifecycle::{Outcome, RightKind, Status},
};

/// `POST /requests/{id}/language`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageInput {
    /// The language letters and e-mails of the request are written in from now on.
    pub language: Language,
}

/// The timeline action (and `request.language_changed` in the audit trail).
pub const LANGUAGE_CHANGED: &str = "language_changed";

/// Why the language of a request is not changed now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Closed, and no letter will be made on it any more.
    Closed,
    /// The approver is looking at the answer in its language; a change would send another
    /// letter than the one approved.
    AwaitingApproval,
}

impl Refusal {
    pub fn message(self) -> &'static str {
        match self {
            Self::Closed => {
                "the request is closed and no further letter is made on it: the language is kept"
            }
            Self::AwaitingApproval => {
                "the answer waits for approval in its language: have it sent back first"
            }
        }
    }
}

/// Whether the language may change: while the request is open and its answer is not waiting
/// for approval, and after a granted restriction until the person is told that it ends (the
/// last letter such a request gets). Anything else that is closed gets no more letters.
pub fn may_change(
    status: Status,
    kind: RightKind,
    outcome: Option<Outcome>,
    lift_notice_sent: bool,
) -> Result<(), Refusal> {
    let restriction_letter_to_come = status == Status::Completed
        && kind == RightKind::Begrensning
        && outcome.is_some_and(|o| o != Outcome::Refused)
        && !lift_notice_sent;
    match status {
        Status::AwaitingApproval => Err(Refusal::AwaitingApproval),
        s if !s.is_terminal() => Ok(()),
        _ if restriction_letter_to_come => Ok(()),
        _ => Err(Refusal::Closed),
    }
}

/// Changes the language of the request: caseworkers and privacy officers who see it. On the
/// timeline and in the audit trail with the language before and after.
pub async fn change(
    app: &Core,
    principal: &Principal,
    id: Uuid,
    input: LanguageInput,
) -> ServiceResult<RequestView> {
    require_staff(principal, Act::WorkCase)?;
    let to = input.language;
    with_request(app, principal, id, move |tx, before, _principal| {
        Box::pin(async move {
            let from = before.language;
            if from == to {
                return Err(ServiceError::invalid(
                    "language",
                    "the request is already in this language",
                ));
            }
            let notified =
                crate::decisions::restriction::lift_notice_sent(&tx.db, before.id).await?;
            may_change(before.status, before.kind, before.outcome, notified)
                .map_err(|r| ServiceError::Conflict(r.message().into()))?;
            let mut row: request::ActiveModel = before.into();
            row.language = Set(to);
            Ok(Change {
                row,
                action: LANGUAGE_CHANGED,
                details: serde_json::json!({ "from": from, "to": to }),
            })
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_changes_while_letters_are_still_made() {
        use Outcome::*;
        use RightKind::*;
        use Status::*;
        // (status, kind, outcome, lift notice sent, expected)
        let cases = [
            (Received, Innsyn, None, false, Ok(())),
            (InProgress, Retting, None, false, Ok(())),
            (AwaitingRequester, Sletting, None, false, Ok(())),
            (
                AwaitingApproval,
                Innsyn,
                None,
                false,
                Err(Refusal::AwaitingApproval),
            ),
            (
                Completed,
                Innsyn,
                Some(Granted),
                false,
                Err(Refusal::Closed),
            ),
            (Withdrawn, Innsyn, None, false, Err(Refusal::Closed)),
            (Forwarded, Innsyn, None, false, Err(Refusal::Closed)),
            // A granted restriction still gets the letter before it is lifted.
            (Completed, Begrensning, Some(Granted), false, Ok(())),
            (
                Completed,
                Begrensning,
                Some(PartiallyGranted),
                false,
                Ok(()),
            ),
            (
                Completed,
                Begrensning,
                Some(Granted),
                true,
                Err(Refusal::Closed),
            ),
            (
                Completed,
                Begrensning,
                Some(Refused),
                false,
                Err(Refusal::Closed),
            ),
        ];
        for (status, kind, outcome, told, expected) in cases {
            assert_eq!(
                may_change(status, kind, outcome, told),
                expected,
                "{status:?} {kind:?} {outcome:?} {told}"
            );
        }
    }
}
