//! The case page's forms for working a case: assign, a lifecycle step (start, ask the person,
//! their answer), the expected answer date, extend, forward, approve or return a proposed
//! closing step, an internal note, check a claimed representation again, record how the
//! requester's identity was verified, reveal the person's number. Each calls the domain and
//! goes back to the page (`settle`), with a refused field's error beside it.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{optional_date, render, settle, state::CaseState};
use entity::values::VerificationMethod;

use crate::{
    app::AppState,
    decisions,
    error::ServiceError,
    lifecycle::{Action, Role},
    persons,
    requests::{
        case::{self, AssignInput, ForwardInput, NoteInput, Stepped, TransitionInput},
        closing::{self, ClosingReturnInput},
        verification::{self, DocumentType, VerifyIdentity},
    },
    web::{
        CsrfForm,
        form::{Button, Typed, trimmed},
        office::{CaseId, FormErrors, Office, date},
    },
};

/// The assign form. "Assign to me" sends a second `assignee`; the button pressed comes last.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AssignForm {
    assignee: Vec<String>,
}

impl AssignForm {
    fn input(&self) -> AssignInput {
        let assignee = self
            .assignee
            .last()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        AssignInput { assignee }
    }
}

pub async fn assign(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<AssignForm>,
) -> Response {
    let result = case::assign(&app, &office.principal, id, form.input()).await;
    settle(
        &app,
        &office,
        id,
        "assign",
        Typed::of(&form),
        result,
        "assigned",
    )
    .await
}

/// The expected-answer form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ExpectedForm {
    #[serde(deserialize_with = "trimmed")]
    expected_on: String,
}

/// The date the person can expect the answer by (empty clears it); a past or unreadable date
/// is refused beside the field.
pub async fn expected_answer(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<ExpectedForm>,
) -> Response {
    let typed = Typed::of(&form);
    let expected_on = match optional_date(&office, &form.expected_on, "expected_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("expected", errors, typed),
            )
            .await;
        }
    };
    let input = case::ExpectedAnswerInput { expected_on };
    let result = case::expected_answer(&app, &office.principal, id, input).await;
    if matches!(&result, Err(ServiceError::Invalid { .. })) {
        let mut errors = FormErrors::default();
        errors.push("expected_on", office.t("office.err.expected_on"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("expected", errors, typed),
        )
        .await;
    }
    settle(&app, &office, id, "expected", typed, result, "expected").await
}

/// The extension form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ExtendForm {
    #[serde(deserialize_with = "trimmed")]
    reason: String,
    #[serde(deserialize_with = "trimmed")]
    due_on: String,
}

pub async fn extend(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<ExtendForm>,
) -> Response {
    let typed = Typed::of(&form);
    let due_on = match optional_date(&office, &form.due_on, "due_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("extend", errors, typed),
            )
            .await;
        }
    };
    let input = decisions::extension::ExtendInput {
        reason: form.reason,
        due_on,
    };
    let result = decisions::extension::extend(&app, &office.principal, id, input).await;
    if let Err(ServiceError::Extension(x)) = &result {
        let (field, message) = extension_error(office.lang, x);
        let mut errors = FormErrors::default();
        errors.push(field, message);
        return render(
            &app,
            &office,
            id,
            CaseState::refused("extend", errors, typed),
        )
        .await;
    }
    settle(&app, &office, id, "extend", typed, result, "extended").await
}

/// An extension refused by the deadline rule, in the page's language, beside the field it is
/// about.
fn extension_error(
    lang: crate::i18n::Language,
    e: &crate::deadlines::ExtensionError,
) -> (&'static str, String) {
    use crate::deadlines::ExtensionError as X;
    match e {
        X::FirstDeadlinePassed { first_due_on } => (
            "due_on",
            crate::i18n::tf(
                lang,
                "office.case.extend_too_late",
                &[("date", &date(*first_due_on))],
            ),
        ),
        X::BeyondMaximum { max_due_on } => (
            "due_on",
            crate::i18n::tf(
                lang,
                "office.err.extend_beyond",
                &[("date", &date(*max_due_on))],
            ),
        ),
        X::NotLater { current_due_on } => (
            "due_on",
            crate::i18n::tf(
                lang,
                "office.err.extend_not_later",
                &[("date", &date(*current_due_on))],
            ),
        ),
    }
}

/// The forward form: the unit and, to another controller, the reason the person is told.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ForwardForm {
    #[serde(deserialize_with = "trimmed")]
    unit_id: String,
    #[serde(deserialize_with = "trimmed")]
    note: String,
}

pub async fn forward(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<ForwardForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Ok(unit_id) = form.unit_id.parse::<Uuid>() else {
        let mut errors = FormErrors::default();
        errors.push("unit_id", office.t("office.err.unit_id"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("forward", errors, typed),
        )
        .await;
    };
    let note = Some(form.note).filter(|n| !n.is_empty());
    let without_note = note.is_none();
    let result = case::forward(&app, &office.principal, id, ForwardInput { unit_id, note }).await;
    // To another controller the note is the reason the person is told: say so, not "too long".
    if without_note && matches!(&result, Err(ServiceError::Invalid { field: "note", .. })) {
        let mut errors = FormErrors::default();
        errors.push("note", office.t("office.err.forward_reason"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("forward", errors, typed),
        )
        .await;
    }
    // Forwarded elsewhere, the case may no longer be visible here: back to the queue then.
    match result {
        Ok(Stepped::Done(view))
            if !office.staff.unit_ids.contains(&view.unit.id)
                && office.staff.role == Role::Caseworker =>
        {
            Redirect::to("/office?done=forwarded").into_response()
        }
        Ok(Stepped::Pending(_)) => {
            Redirect::to(&format!("/office/sak/{id}?done=closing_proposed#notice")).into_response()
        }
        other => settle(&app, &office, id, "forward", typed, other, "forwarded").await,
    }
}

/// Four eyes: approves the proposed withdrawal or forward, which is then carried out.
pub async fn closing_approve(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    let result = closing::approve(&app, &office.principal, id).await;
    settle(
        &app,
        &office,
        id,
        "closing",
        Typed::default(),
        result,
        "closing_approved",
    )
    .await
}

/// A form with a comment: returning a proposed closing step or a draft decision.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct CommentForm {
    #[serde(deserialize_with = "trimmed")]
    pub(super) comment: String,
}

/// Four eyes: returns the proposed withdrawal or forward with a comment.
pub async fn closing_return(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<CommentForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = ClosingReturnInput {
        comment: form.comment,
    };
    let result = closing::send_back(&app, &office.principal, id, input).await;
    settle(
        &app,
        &office,
        id,
        "closing",
        typed,
        result,
        "closing_returned",
    )
    .await
}

/// The internal note form.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NoteForm {
    #[serde(deserialize_with = "trimmed")]
    text: String,
}

pub async fn note(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<NoteForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = NoteInput { text: form.text };
    let result = case::note(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "note", typed, result, "noted").await
}

/// A lifecycle step's form: the step, a note (the question when asking the person) and the ask
/// form's checkbox.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct TransitionForm {
    #[serde(deserialize_with = "trimmed")]
    action: String,
    #[serde(deserialize_with = "trimmed")]
    note: String,
    #[serde(deserialize_with = "trimmed")]
    for_identity: String,
}

pub async fn transition(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<TransitionForm>,
) -> Response {
    let typed = Typed::of(&form);
    // The page offers only the steps that are not a decision's; completing goes through one.
    let (action, form_name) = match form.action.as_str() {
        "start" => (Action::Start, "start"),
        "ask_requester" => (Action::AskRequester, "ask"),
        "requester_answered" => (Action::RequesterAnswered, "answered"),
        _ => return office.error(ServiceError::invalid("action", "unknown step")),
    };
    let note = Some(form.note).filter(|n| !n.is_empty());
    if action == Action::AskRequester && note.is_none() {
        let mut errors = FormErrors::default();
        errors.push("note", office.t("office.err.question"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused(form_name, errors, typed),
        )
        .await;
    }
    let input = TransitionInput {
        action,
        note,
        withdrawal: None,
        outcome: None,
        // The ask form's checkbox: the question asks for proof of identity.
        for_identity: action == Action::AskRequester && form.for_identity == "true",
    };
    let result = case::transition(&app, &office.principal, id, input).await;
    settle(&app, &office, id, form_name, typed, result, action.as_str()).await
}

/// Checks a claimed representation again (after its document was registered): proven, the case
/// goes on as a represented request; still not proven, said beside the button.
pub async fn check_claim(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    let typed = Typed::default();
    match crate::requests::represented::prove_claim(&app, &office.principal, id).await {
        Err(ServiceError::Conflict(_)) => {
            let mut errors = FormErrors::default();
            errors.push("claim", office.t("office.err.claim_unproven"));
            render(
                &app,
                &office,
                id,
                CaseState::refused("claim", errors, typed),
            )
            .await
        }
        result => {
            settle(
                &app,
                &office,
                id,
                "claim",
                typed,
                result,
                "representation_proven",
            )
            .await
        }
    }
}

/// How the requester's identity was verified: the method and, where used, the document.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct IdentityForm {
    #[serde(deserialize_with = "trimmed")]
    method: String,
    #[serde(deserialize_with = "trimmed")]
    document_type: String,
    #[serde(deserialize_with = "trimmed")]
    document_number: String,
    #[serde(deserialize_with = "trimmed")]
    note: String,
}

/// Records how the requester's identity was verified; refused fields are shown beside them.
pub async fn verify_identity(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<IdentityForm>,
) -> Response {
    let typed = Typed::of(&form);
    let Some(method) = VerificationMethod::parse(&form.method) else {
        let mut errors = FormErrors::default();
        errors.push("method", office.t("office.err.verification_method"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("identity", errors, typed),
        )
        .await;
    };
    let optional = |v: String| Some(v).filter(|v| !v.is_empty());
    let input = VerifyIdentity {
        method,
        document_type: optional(form.document_type).and_then(|d| DocumentType::parse(&d)),
        document_number: optional(form.document_number),
        note: optional(form.note),
    };
    let result = verification::record(&app, &office.principal, id, input).await;
    settle(
        &app,
        &office,
        id,
        "identity",
        typed,
        result,
        "identity_verified",
    )
    .await
}

/// Shows the full number on this one answer (never in a URL), after auditing the reveal.
pub async fn reveal_pid(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    match persons::reveal(&app, &office.principal, id).await {
        Ok(pid) => {
            let state = CaseState {
                revealed: Some(pid),
                ..Default::default()
            };
            render(&app, &office, id, state).await
        }
        Err(e) => office.error(e),
    }
}
