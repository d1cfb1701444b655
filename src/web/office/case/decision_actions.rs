//! The case page's forms and downloads for the decision and after it: save or preview the draft,
//! approve it (only the draft whose letter was shown) or return it, the draft's documents as
//! approving would send them, the two steps of lifting a restriction and a lift done by hand,
//! an art. 19 notice sent by hand or tried again, and the case's documents.
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use uuid::Uuid;

use super::{render, settle, state::CaseState};
use serde::{Deserialize, Serialize};

use super::{actions::CommentForm, collection_actions::SourcePath, optional_date};
use crate::{
    app::AppState,
    decisions::{self, DraftInput, ReturnInput, recipients::NoticeAction},
    error::ServiceError,
    lifecycle::Outcome,
    requests::verification,
    web::{
        CsrfForm,
        form::{Button, Typed, trimmed},
        office::{CaseId, FormErrors, Office},
    },
};

/// The decision form: the outcome, its legal bases (checkboxes), the text, and `go=preview`
/// from the preview button.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct DecisionForm {
    #[serde(deserialize_with = "trimmed")]
    outcome: String,
    legal_bases: Vec<String>,
    #[serde(deserialize_with = "trimmed")]
    text: String,
    #[serde(deserialize_with = "trimmed")]
    go: String,
}

fn draft_input(office: &Office, form: &DecisionForm) -> Result<DraftInput, FormErrors> {
    let Some(outcome) = Outcome::parse(&form.outcome) else {
        let mut errors = FormErrors::default();
        errors.push("outcome", office.t("office.err.outcome"));
        return Err(errors);
    };
    Ok(DraftInput {
        outcome,
        legal_bases: form.legal_bases.clone(),
        text: form.text.clone(),
    })
}

/// Saves the draft (to approval under four eyes), or with `go=preview` shows the letter it
/// would give, in the person's language, without saving anything.
pub async fn decide(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<DecisionForm>,
) -> Response {
    let typed = Typed::of(&form);
    // Before collection has finished (or been waived) there is nothing to decide on: the page
    // says so beside the waiver's reason, in its language.
    match decisions::collected::readiness(&app.db, id).await {
        Ok(ready) if !ready.allows_deciding() => {
            let mut errors = FormErrors::default();
            errors.push("reason", office.t("office.err.collection_first"));
            return render(
                &app,
                &office,
                id,
                CaseState::refused("waive", errors, typed),
            )
            .await;
        }
        Ok(_) => {}
        Err(e) => return office.error(e),
    }
    let input = match draft_input(&office, &form) {
        Ok(input) => input,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("decision", errors, typed),
            )
            .await;
        }
    };
    // A writer who has not proven the representation gets only its refusal: said in the
    // page's language beside the outcome.
    if input.outcome != Outcome::Refused
        && matches!(
            decisions::collected::readiness(&app.db, id).await,
            Ok(decisions::collected::Readiness::NotCollected)
        )
    {
        let mut errors = FormErrors::default();
        errors.push("outcome", office.t("office.err.claim_outcome"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("decision", errors, typed),
        )
        .await;
    }
    if form.go == "preview" {
        return match decisions::preview(&app, &office.principal, id, input).await {
            Ok(html) => letter_preview(html),
            Err(e) => settle::<()>(&app, &office, id, "decision", typed, Err(e), "").await,
        };
    }
    let result = decisions::draft(&app, &office.principal, id, input).await;
    // Identity not verified: said beside the decision form, in the page's language.
    if matches!(result, Err(ServiceError::Conflict(_)))
        && matches!(
            verification::of_request(&app, &office.principal, id).await,
            Ok(None)
        )
    {
        let mut errors = FormErrors::default();
        errors.push("identity", office.t("office.err.identity_required"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("decision", errors, typed),
        )
        .await;
    }
    // Under four eyes saving sends the draft to approval: the notice says so.
    let done = if result.as_ref().is_ok_and(|d| d.four_eyes) {
        "submitted"
    } else {
        "drafted"
    };
    settle(&app, &office, id, "decision", typed, result, done).await
}

/// The letter as the person will get it. Its own styles are inline, so this one answer allows
/// inline style (nothing else: no script, no other host).
fn letter_preview(html: String) -> Response {
    let mut response = (StatusCode::OK, axum::response::Html(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The approve button's form: the draft whose letter was shown.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ApproveForm {
    #[serde(deserialize_with = "trimmed")]
    decision_id: String,
}

pub async fn approve(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<ApproveForm>,
) -> Response {
    let typed = Typed::of(&form);
    // From the page, only the draft whose letter was shown beside the button is approved.
    let Ok(seen) = form.decision_id.parse::<Uuid>() else {
        let mut errors = FormErrors::default();
        errors.push("form", office.t("office.err.letter_not_seen"));
        return render(&app, &office, id, CaseState::refused("form", errors, typed)).await;
    };
    let result = decisions::approve_seen(&app, &office.principal, id, Some(seen)).await;
    if matches!(&result, Err(ServiceError::Conflict(_))) {
        let mut errors = FormErrors::default();
        errors.push("form", office.t("office.err.letter_changed"));
        return render(&app, &office, id, CaseState::refused("form", errors, typed)).await;
    }
    settle(&app, &office, id, "form", typed, result, "approved").await
}

/// The part of `/office/sak/{id}/vedtak/utkast/{part}`.
#[derive(Debug, Deserialize)]
pub struct DraftPath {
    #[allow(dead_code)]
    id: String,
    part: String,
}

/// One of the current draft's documents as approving it would send it: the letter (shown in
/// the approval panel's frame), its PDF, the data package.
pub async fn draft_document(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(DraftPath { part, .. }): Path<DraftPath>,
) -> Response {
    let kind = match part.as_str() {
        "brev" => "answer_html",
        "pdf" => "answer_pdf",
        "data" => "data_package",
        _ => return office.error(ServiceError::NotFound("document")),
    };
    let doc = match decisions::draft_document(&app, &office.principal, id, kind).await {
        Ok(doc) => doc,
        Err(e) => return office.error(e),
    };
    if kind == "answer_html" {
        let html = String::from_utf8_lossy(&doc.bytes).into_owned();
        let mut response = (StatusCode::OK, axum::response::Html(html)).into_response();
        let headers = response.headers_mut();
        // Shown in the case page's frame (same origin only), with its own inline styles.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'self'",
            ),
        );
        headers.insert(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("SAMEORIGIN"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        doc.name.replace(['"', '\\', '\r', '\n'], "_")
    );
    let mut response = Response::new(Body::from(doc.bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(doc.media_type),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

pub async fn send_back(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<CommentForm>,
) -> Response {
    let typed = Typed::of(&form);
    let input = ReturnInput {
        comment: form.comment,
    };
    let result = decisions::send_back(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "return", typed, result, "returned").await
}

/// The notice before lifting a restriction: why, and from which day.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LiftNoticeForm {
    #[serde(deserialize_with = "trimmed")]
    reason: String,
    #[serde(deserialize_with = "trimmed")]
    lift_on: String,
}

/// Art. 18(3) step 1 from the case page: tell the person before the restriction is lifted.
pub async fn lift_notice(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<LiftNoticeForm>,
) -> Response {
    let typed = Typed::of(&form);
    let lift_on = match optional_date(&office, &form.lift_on, "lift_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(&app, &office, id, CaseState::refused("lift", errors, typed)).await;
        }
    };
    let input = decisions::restriction::LiftNoticeInput {
        reason: form.reason,
        lift_on,
    };
    let result = decisions::restriction::notify(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "lift", typed, result, "lift_notified").await
}

/// Art. 18(3) step 2 from the case page: lift, after the notice and from its date.
pub async fn lift(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    let result = decisions::restriction::lift(&app, &office.principal, id).await;
    settle(
        &app,
        &office,
        id,
        "lift",
        Typed::default(),
        result,
        "lifted",
    )
    .await
}

/// Art. 18(3) at a source without a protocol lift: the caseworker lifted it by hand.
pub async fn lifted_by_hand(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    let result = decisions::restriction::lifted_by_hand(&app, &office.principal, id, source).await;
    settle(
        &app,
        &office,
        id,
        "lift",
        Typed::default(),
        result,
        "lift_done",
    )
    .await
}

/// The notice part of `/office/sak/{id}/melding/{notice}/…`.
#[derive(Debug, Deserialize)]
pub struct NoticePath {
    #[allow(dead_code)]
    id: String,
    notice: String,
}

/// Records a printed art. 19 notice as sent (`…/sendt`) or tries a failed delivery again
/// (`…/igjen`).
async fn notice_action(
    app: AppState,
    office: Office,
    id: Uuid,
    notice: &str,
    action: NoticeAction,
) -> Response {
    let Ok(notice) = notice.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("notice"));
    };
    let result = decisions::recipients::act(&app, &office.principal, id, notice, action).await;
    let done = match action {
        NoticeAction::Sent => "notice_sent",
        NoticeAction::Retry => "notice_retrying",
    };
    settle(&app, &office, id, "notice", Typed::default(), result, done).await
}

pub async fn notice_sent(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(NoticePath { notice, .. }): Path<NoticePath>,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    notice_action(app, office, id, &notice, NoticeAction::Sent).await
}

pub async fn notice_retry(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(NoticePath { notice, .. }): Path<NoticePath>,
    CsrfForm { .. }: CsrfForm<Button>,
) -> Response {
    notice_action(app, office, id, &notice, NoticeAction::Retry).await
}

pub async fn download(
    State(app): State<AppState>,
    office: Office,
    Path((id, doc)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Ok(doc)) = (id.parse::<Uuid>(), doc.parse::<Uuid>()) else {
        return office.error(ServiceError::NotFound("document"));
    };
    match decisions::download(&app, &office.principal, id, doc).await {
        Ok((model, bytes)) => {
            let disposition = format!(
                "attachment; filename=\"{}\"",
                model.name.replace(['"', '\\', '\r', '\n'], "_")
            );
            let mut response = Response::new(Body::from(bytes));
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&model.media_type) {
                headers.insert(header::CONTENT_TYPE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => office.error(e),
    }
}
