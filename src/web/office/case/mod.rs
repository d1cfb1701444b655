//! One case as the caseworker works it: the facts and deadline, the person (number masked until
//! revealed, and the reveal audited), the collection panel per source with retry and manual
//! entry, the decision form with the legal-basis picker and a preview of the letter, approval,
//! extend, forward, assign, internal notes, and the timeline.
//!
//! Every form posts to its own route; success redirects back to the case (post/redirect/get),
//! a refused form renders the case again with what was typed and the error beside the field.
//!
//! The files: `data` reads the case through the domain, `state` is what a refused form or a
//! reveal adds, and `page` derives from both what the page shows (the view model). The
//! `*_panel` files only render it, one part of the page each. `actions`, `collection_actions`
//! and `decision_actions` handle the forms. This file holds the page's handler, where the panels
//! go, and the ways back to the page after a form (`render`, `refuse`, `settle`).
mod actions;
mod actions_panel;
mod attachment_actions;
mod attachments_panel;
mod closing_panel;
mod collection_actions;
mod collection_panel;
mod data;
mod decision_actions;
mod decision_panel;
mod facts_panel;
mod history_panel;
mod letters_panel;
mod page;
mod state;

pub use actions::{
    assign, check_claim, closing_approve, closing_return, expected_answer, extend, forward, note,
    reveal_pid, transition, verify_identity,
};
pub use attachment_actions::download_attachment;
pub use collection_actions::{collect, manual, retry, waive};
pub use decision_actions::{
    approve, decide, download, draft_document, lift, lift_notice, lifted_by_hand, notice_retry,
    notice_sent, send_back,
};

use axum::{
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use serde::Deserialize;
use uuid::Uuid;

use super::{CaseId, FormErrors, Office, Section, form_error, frame, kind_label, with_status};
use crate::{
    app::AppState,
    error::ServiceResult,
    web::{PageQuery, form::Typed},
};
use page::Page;
use state::CaseState;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CaseQuery {
    done: String,
    lang: String,
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    PageQuery(query): PageQuery<CaseQuery>,
) -> Response {
    let state = CaseState {
        done: (!query.done.is_empty()).then(|| query.done.clone()),
        ..Default::default()
    };
    render(&app, &office, id, state).await
}

/// The page again with the errors of a refused form beside its fields and what was typed kept.
pub(super) async fn refuse(
    app: &AppState,
    office: &Office,
    id: Uuid,
    form: &'static str,
    errors: FormErrors,
    values: Typed,
) -> Response {
    render(app, office, id, CaseState::refused(form, errors, values)).await
}

/// An optional date field: empty is `None`; what is not a date is refused beside the field.
fn optional_date(
    office: &Office,
    raw: &str,
    field: &'static str,
) -> Result<Option<chrono::NaiveDate>, FormErrors> {
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| {
        let mut errors = FormErrors::default();
        errors.push(field, office.t("office.err.date"));
        errors
    })
}

async fn render(app: &AppState, office: &Office, id: Uuid, state: CaseState) -> Response {
    let refused = !state.errors.is_empty();
    match build(app, office, id, state).await {
        Ok(r) if refused => with_status(StatusCode::UNPROCESSABLE_ENTITY, r),
        Ok(r) => r,
        Err(e) => office.error(e),
    }
}

/// After a domain call from a form: back to the case on success, the case with the error
/// beside its field when the input was refused, an error page otherwise.
pub(super) async fn settle<T>(
    app: &AppState,
    office: &Office,
    id: Uuid,
    form: &'static str,
    values: Typed,
    result: ServiceResult<T>,
    done: &str,
) -> Response {
    match result {
        Ok(_) => Redirect::to(&format!("/office/sak/{id}?done={done}#notice")).into_response(),
        Err(e) => match form_error(office.lang, &e) {
            Some((field, message)) => {
                let mut errors = FormErrors::default();
                errors.push(&field, message);
                render(app, office, id, CaseState::refused(form, errors, values)).await
            }
            None => office.error(e),
        },
    }
}

async fn build(
    app: &AppState,
    office: &Office,
    id: Uuid,
    state: CaseState,
) -> ServiceResult<Response> {
    let page = Page::load(app, office, id, state).await?;
    let link_panel = super::case_person_panel::link_panel(
        app,
        office,
        id,
        &page.data.person,
        page.state.field("link", "other_pid"),
        &page.csrf,
    )
    .await?;
    let complaints = super::complaints_panel::panel(
        app,
        office,
        &page.data.view,
        super::complaints_panel::FormState {
            error: &|form, field| page.state.error(form, field).map(str::to_string),
            value: &|form, field| page.state.value(form, field),
        },
        &page.csrf,
    )
    .await?;
    let body = layout(&page, link_panel, complaints);
    let v = &page.data.view;
    let title = format!("{} – {}", v.reference, kind_label(office.lang, v.kind));
    Ok(frame(office, Section::Queue, &title, body))
}

/// The panels in their places, below the notice of what was just done (or refused) and the
/// links that skip to the actions and the decision.
fn layout(page: &Page, link_panel: Markup, complaints: Markup) -> Markup {
    let facts = facts_panel::facts(page);
    let person = facts_panel::person(page, link_panel);
    let actions = actions_panel::actions(page);
    let sources = collection_panel::sources(page);
    let decision = decision_panel::decision(page);
    let closing = closing_panel::closing(page);
    let lift = closing_panel::lift(page);
    let notes = actions_panel::notes(page);
    let timeline = history_panel::timeline(page);
    let attachments = attachments_panel::attachments(page);
    let (lang, state, ready) = (page.lang(), &page.state, &page.ready);
    let t = |k: &str| page.t(k);
    let (works, open, approving, sending, may_decide) = (
        page.works,
        page.open,
        page.approving,
        page.sending,
        page.may_decide,
    );

    let confirmation = state
        .done
        .as_deref()
        .and_then(|d| crate::i18n::lookup(lang, &format!("office.done.{d}")));
    // After an action the page lands on its notice (or the refusal), not at the top.
    let form_refused =
        state.form == "form" || (!state.form.is_empty() && state.errors.get("form").is_some());
    let skip_to = if approving || sending {
        Some("#approval")
    } else if works && open {
        Some("#actions")
    } else {
        None
    };
    let decision_form = may_decide;
    // The notice first (focus lands there after an action), then the skip links, so one Tab
    // from the notice reaches them.
    html! {
        @if let Some(c) = confirmation {
            p.notice.notice--success #notice role="status" tabindex="-1" autofocus { (c) }
        }
        @if form_refused {
            div.error-summary #notice role="alert" tabindex="-1" autofocus {
                p { (state.errors.get("form").unwrap_or_default()) }
            }
        }
        @if let Some(target) = skip_to {
            a.skip-link href=(target) { (t("office.case.skip_to_actions")) }
        }
        @if decision_form {
            a.skip-link href=(if ready.allows_deciding() { "#decision-form" } else { "#collection-blocked" }) { (t("office.case.skip_to_decision")) }
        }
        p.back { a href="/office" { "← " (t("office.case.back")) } }
        div.case-grid {
            div.case-main {
                (facts)
                (attachments)
                (closing)
                (decision)
                (sources)
                (timeline)
            }
            div.case-side {
                (person)
                (actions)
                (lift)
                (notes)
                (complaints)
            }
        }
    }
}
