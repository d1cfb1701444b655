//! Merges waiting for approval, for privacy officers: two persons found to be one (a d-nummer
//! and the fødselsnummer that replaced it). The numbers are shown masked; the officer approves
//! or refuses each merge someone else asked for. The same domain calls as
//! `POST /api/v1/persons/links/{id}/approve`, audited on every request of both persons.
use axum::{
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{Office, Section, date, frame};
use crate::{
    app::AppState,
    error::ServiceError,
    lifecycle::Role,
    web::{CsrfForm, PageQuery, csrf_field},
};

pub const PATH: &str = "/office/sammenslaing";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Done {
    /// `approved` or `refused`: only these keys are shown, never the raw value.
    done: String,
}

fn require_officer(office: &Office) -> Option<Response> {
    (office.staff.role != Role::PrivacyOfficer).then(|| {
        office.error(ServiceError::Forbidden(
            "merges are approved by a privacy officer".into(),
        ))
    })
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<Done>,
) -> Response {
    if let Some(refused) = require_officer(&office) {
        return refused;
    }
    let merges = match crate::persons::pending_merges(&app, &office.principal).await {
        Ok(m) => m,
        Err(e) => return office.error(e),
    };
    let t = |k: &str| office.t(k);
    let confirmation = match query.done.as_str() {
        "approved" => Some(t("office.merges.done_approved")),
        "refused" => Some(t("office.merges.done_refused")),
        _ => None,
    };
    let csrf = csrf_field(&office.session.session);
    let body = html! {
        h1 { (t("office.merges.title")) }
        @if let Some(c) = confirmation { p.notice.notice--success role="status" { (c) } }
        p { (t("office.merges.intro")) }
        @if merges.is_empty() {
            p { (t("office.merges.none")) }
        } @else {
            table.merges {
                caption { (t("office.merges.caption")) }
                thead { tr {
                    th scope="col" { (t("office.merges.numbers")) }
                    th scope="col" { (t("office.merges.requested_by")) }
                    th scope="col" { (t("office.merges.requested_at")) }
                    th scope="col" { (t("office.merges.requests")) }
                    th scope="col" { (t("office.merges.decision")) }
                } }
                tbody {
                    @for m in &merges {
                        tr {
                            td { span.pid { (m.numbers[0]) } " + " span.pid { (m.numbers[1]) } }
                            td { (m.requested_by) }
                            td { (date(m.requested_at.date_naive())) }
                            td { (m.requests) }
                            td {
                                @if m.own {
                                    (t("office.merges.own"))
                                } @else {
                                    form method="post" action=(format!("{PATH}/{}/godkjenn", m.id)) {
                                        (csrf)
                                        button type="submit" { (t("office.merges.approve")) }
                                    }
                                    form method="post" action=(format!("{PATH}/{}/avvis", m.id)) {
                                        (csrf)
                                        button.secondary type="submit" { (t("office.merges.refuse")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    frame(&office, Section::Merges, t("office.merges.title"), body)
}

async fn decide(app: AppState, office: Office, id: String, approve: bool) -> Response {
    if let Some(refused) = require_officer(&office) {
        return refused;
    }
    let Ok(id) = id.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("person link"));
    };
    let result = if approve {
        crate::persons::approve_link(&app, &office.principal, id)
            .await
            .map(|_| "approved")
    } else {
        crate::persons::refuse_link(&app, &office.principal, id)
            .await
            .map(|_| "refused")
    };
    match result {
        Ok(done) => Redirect::to(&format!("{PATH}?done={done}")).into_response(),
        Err(e) => office.error(e),
    }
}

pub async fn approve(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { .. }: CsrfForm<crate::web::form::Button>,
) -> Response {
    decide(app, office, id, true).await
}

pub async fn refuse(
    State(app): State<AppState>,
    office: Office,
    Path(id): Path<String>,
    CsrfForm { .. }: CsrfForm<crate::web::form::Button>,
) -> Response {
    decide(app, office, id, false).await
}
