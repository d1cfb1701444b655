//! What the person does on a request's page: withdraw it (after a confirmation), answer a
//! clarification; and deleting a draft from Min side.
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use crate::app::AppState;
use crate::drafts;
use crate::i18n::{t, tf};
use crate::lifecycle::Action;
use crate::requests::{RequestView, case, queries};
use crate::web::{CsrfForm, ErrorKind, Lang, MaybeSession, PageError, csrf_field, layout};

use super::request_page::{AnswerAttempt, render_case};
use super::{MAX_ANSWER, attachments, citizen, lq, norwegian, page_error, right_short};

/// The confirmation step before withdrawing: what it means, then a form that withdraws (no
/// JavaScript needed). A request that can no longer be withdrawn goes back to its page.
pub async fn withdraw_confirm(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (s, principal) =
        match citizen(&app, lang, session, &format!("/min-side/sak/{id}/trekk")).await? {
            Ok(found) => found,
            Err(redirect) => return Ok(redirect),
        };
    let r: RequestView = queries::get(&app, &principal, id)
        .await
        .map_err(|e| page_error(lang, e))?;
    let q = lq(lang);
    if !r.allowed_actions.contains(&Action::Withdraw) {
        return Ok(Redirect::to(&format!("/min-side/sak/{id}?{q}")).into_response());
    }
    let title = tf(
        lang,
        "portal.withdraw_confirm.title",
        &[("reference", &r.reference)],
    );
    let body = html! {
        dl.summary {
            dt { (t(lang, "portal.reference")) } dd { (r.reference) }
            dt { (t(lang, "auth.col_kind")) } dd { (right_short(lang, r.kind)) }
            dt { (t(lang, "portal.handled_by")) } dd { (norwegian(lang, &r.controller.name)) }
        }
        h2 { (t(lang, "portal.withdraw_confirm.means")) }
        ul {
            li { (t(lang, "portal.withdraw_confirm.closes")) }
            li { (t(lang, "portal.withdraw_confirm.final")) }
            li { (t(lang, "portal.withdraw_confirm.new_request")) }
        }
        p { (t(lang, "portal.withdraw_confirm_hint")) }
        form method="post" action={ "/min-side/sak/" (id) "/trekk?" (q) } {
            (csrf_field(&s.session))
            input type="hidden" name="confirm" value="yes";
            div.actions {
                button.danger type="submit" { (t(lang, "portal.withdraw_confirm.yes")) }
                a.button.button--secondary href={ "/min-side/sak/" (id) "?" (q) } { (t(lang, "portal.withdraw_confirm.no")) }
            }
        }
    };
    Ok(layout(lang, &title, Some(&s.session), body).into_response())
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    /// `yes` from the confirmation step; without it nothing is withdrawn.
    #[serde(default)]
    confirm: String,
}

pub async fn withdraw(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<WithdrawForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let CsrfForm { form, session } = form;
    let (_, principal) =
        match citizen(&app, lang, Some(session), &format!("/min-side/sak/{id}")).await? {
            Ok(found) => found,
            Err(redirect) => return Ok(redirect),
        };
    // Not confirmed (an old form, a stray post): ask first.
    if form.confirm != "yes" {
        return Ok(Redirect::to(&format!("/min-side/sak/{id}/trekk?{}", lq(lang))).into_response());
    }
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::Withdraw,
            note: None,
            withdrawal: None,
            outcome: None,
            for_identity: false,
        },
    )
    .await
    .map_err(|e| page_error(lang, e))?;
    // Post/redirect/get: a reload does not send the form again.
    Ok(Redirect::to(&format!("/min-side/sak/{id}?trukket=1&{}", lq(lang))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// The person answers a request for more information: the answer goes into the timeline (as
/// the `requester_answered` step's note) and the request goes back to the caseworker. Sent
/// from the page the form is multipart and may carry a file, kept first: a refused file is
/// named next to its field with the answer as typed, and nothing is sent.
pub async fn answer(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    req: axum::extract::Request,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let here = format!("/min-side/sak/{id}");
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let (s, principal, text, mut form) = if multipart {
        match attachments::read_page_form(&app, lang, req, &here).await? {
            Ok((s, principal, form)) => {
                let text = form.fields.get("answer").cloned().unwrap_or_default();
                (s, principal, text, Some(form))
            }
            Err(redirect) => return Ok(redirect),
        }
    } else {
        // This route takes large bodies for its multipart form: a plain form keeps the usual
        // limit.
        let (parts, body) = req.into_parts();
        let bytes = axum::body::to_bytes(body, app.settings.max_body_bytes)
            .await
            .map_err(|_| PageError::new(lang, ErrorKind::BadRequest))?;
        let req = axum::extract::Request::from_parts(parts, Body::from(bytes));
        let CsrfForm { form, session } =
            <CsrfForm<AnswerForm> as axum::extract::FromRequest<AppState>>::from_request(req, &app)
                .await?;
        match citizen(&app, lang, Some(session), &here).await? {
            Ok((s, principal)) => (s, principal, form.answer, None),
            Err(redirect) => return Ok(redirect),
        }
    };
    let has_file = form
        .as_ref()
        .is_some_and(|f| f.file.is_some() || f.file_too_large);
    let trimmed = text.trim();
    let problem = if trimmed.is_empty() && !has_file {
        Some("portal.clarify.err_empty")
    } else if trimmed.chars().count() > MAX_ANSWER {
        Some("portal.clarify.err_too_long")
    } else {
        None
    };
    if let Some(error) = problem {
        let attempt = AnswerAttempt::answer(lang, text.clone(), error);
        return render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await;
    }
    // The file first: a refused one sends nothing, and the answer stays in the form.
    if let Some(form) = form.as_mut()
        && let Some(Err(r)) = attachments::keep(&app, lang, &principal, id, form).await?
    {
        let attempt = AnswerAttempt::file_refused(
            text.clone(),
            "file",
            attachments::refusal_text(&app, lang, r),
            attachments::refusal_status(r),
        );
        return render_case(&app, lang, &s, &principal, id, None, Some(attempt)).await;
    }
    case::transition(
        &app,
        &principal,
        id,
        case::TransitionInput {
            action: Action::RequesterAnswered,
            note: (!trimmed.is_empty()).then(|| trimmed.to_string()),
            withdrawal: None,
            outcome: None,
            for_identity: false,
        },
    )
    .await
    .map_err(|e| page_error(lang, e))?;
    Ok(Redirect::to(&format!("/min-side/sak/{id}?svar=sendt&{}", lq(lang))).into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteDraftForm {}

pub async fn delete_draft(
    State(app): State<AppState>,
    Lang(lang): Lang,
    Path(id): Path<String>,
    form: CsrfForm<DeleteDraftForm>,
) -> Result<Response, PageError> {
    let id = Uuid::parse_str(&id).map_err(|_| PageError::new(lang, ErrorKind::NotFound))?;
    let (_, principal) = match citizen(&app, lang, Some(form.session), "/min-side").await? {
        Ok(found) => found,
        Err(redirect) => return Ok(redirect),
    };
    let owner =
        drafts::owner(&principal).ok_or_else(|| PageError::new(lang, ErrorKind::NotFound))?;
    if !drafts::delete(&app, owner, id)
        .await
        .map_err(|e| page_error(lang, e))?
    {
        return Err(PageError::new(lang, ErrorKind::NotFound));
    }
    Ok(Redirect::to(&format!("/min-side?utkast=slettet&{}", lq(lang))).into_response())
}
