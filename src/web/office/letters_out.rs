//! Printed letters to the person: the page "Brev til utsending" (the letters to post, per unit,
//! earliest deadline first, late ones marked, each with its printable PDF and "mark as posted"),
//! and the case page's section on how each letter went out. The same domain calls as
//! `GET /api/v1/print-jobs` and `POST /api/v1/print-jobs/{id}`; no address is ever shown.
use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};
use uuid::Uuid;

use super::{FormErrors, Office, Section, date, frame, with_status};
use entity::print_job::PrintStatus;

use crate::{
    app::AppState,
    clock::today_oslo,
    decisions::delivery::{self, LetterDelivery, PrintAction, PrintInput, PrintJobView},
    error::{ServiceError, ServiceResult},
    i18n::Language,
    web::{
        CsrfForm, PageQuery, csrf_field,
        form::{Typed, trimmed},
    },
};

pub const PATH: &str = "/office/utsending";

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Done {
    /// `posted`: only this key is shown, never the raw value.
    done: String,
}

/// A refused "mark as posted": the job, its errors and what was typed.
struct Refused {
    job: Uuid,
    errors: FormErrors,
    values: Typed,
}

/// "Mark as posted": the posting day and, where the job has none, the address (one line each).
#[derive(Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct PostedForm {
    #[serde(deserialize_with = "trimmed")]
    posted_on: String,
    #[serde(deserialize_with = "trimmed")]
    address: String,
}

fn kind_label(office: &Office, job: &PrintJobView) -> &'static str {
    office.t(&format!("office_print.kind_{}", job.letter_kind.as_str()))
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(query): PageQuery<Done>,
) -> Response {
    let done = (query.done == "posted").then(|| office.t("office_print.done_posted"));
    match build(&app, &office, done, None).await {
        Ok(r) => r,
        Err(e) => office.error(e),
    }
}

async fn build(
    app: &AppState,
    office: &Office,
    done: Option<&str>,
    refused: Option<Refused>,
) -> ServiceResult<Response> {
    let jobs = delivery::list(app, &office.principal).await?;
    let registry = app.registry.get(&app.db).await?;
    let t = |k: &str| office.t(k);
    let csrf = csrf_field(&office.session.session);
    let today = today_oslo();
    // Per unit, in the order of the first (most urgent) letter of each.
    let mut units: Vec<(Uuid, Vec<&PrintJobView>)> = Vec::new();
    for j in &jobs {
        match units.iter_mut().find(|(u, _)| *u == j.unit_id) {
            Some((_, list)) => list.push(j),
            None => units.push((j.unit_id, vec![j])),
        }
    }
    let unit_name = |id: &Uuid| {
        registry
            .units
            .get(id)
            .map(|u| u.name.clone())
            .unwrap_or_default()
    };
    let body = html! {
        @if let Some(d) = done { p.notice.notice--success role="status" { (d) } }
        @if let Some(r) = &refused {
            div.notice.notice--error role="alert" {
                p { (t("office_print.refused")) }
                ul { @for (field, message) in &r.errors.0 {
                    li { a href=(format!("#post-{}-{field}", r.job)) { (message) } }
                } }
            }
        }
        p { (t("office_print.intro")) }
        @if jobs.is_empty() {
            p { (t("office_print.none")) }
        }
        @for (unit, list) in &units {
            section aria-labelledby=(format!("unit-{unit}")) {
                h2 id=(format!("unit-{unit}")) { (unit_name(unit)) }
                div.table-scroll role="region" tabindex="0" aria-labelledby=(format!("unit-{unit}")) {
                    table.queue {
                        caption { (t("office_print.caption")) }
                        thead { tr {
                            th scope="col" { (t("office_print.reference")) }
                            th scope="col" { (t("office_print.letter")) }
                            th scope="col" { (t("office_print.made")) }
                            th scope="col" { (t("office_print.deadline")) }
                            th scope="col" { (t("office_print.post")) }
                        } }
                        tbody {
                            @for j in list {
                                @let mine = refused.as_ref().filter(|r| r.job == j.id);
                                @let error = |field: &str| mine.and_then(|r| r.errors.get(field)).map(str::to_string);
                                @let value = |field: &str| mine.map(|r| r.values.get(field)).unwrap_or_default();
                                tr {
                                    td { a href=(format!("/office/sak/{}", j.request_id)) { (j.reference) } }
                                    td {
                                        (kind_label(office, j)) br;
                                        a href=(format!("/office/sak/{}/dokument/{}", j.request_id, j.document_id)) {
                                            (t("office_print.pdf")) span.visually-hidden { " " (j.reference) }
                                        }
                                    }
                                    td { (date(j.created_at.with_timezone(&chrono_tz::Europe::Oslo).date_naive())) }
                                    td {
                                        (date(j.serves_due_on))
                                        @if j.late { br; span.tag.overdue { (t("office_print.late")) } }
                                        @if j.letter_kind == delivery::LetterKind::Extension { br; small { (t("office_print.extension_hint")) } }
                                    }
                                    td {
                                        @if j.status == PrintStatus::Printed { p { (t("office_print.status_printed")) } }
                                        @if j.address_needed { p.notice.notice--warning { (t("office_print.address_needed")) } }
                                        form method="post" action=(format!("{PATH}/{}/postet", j.id)) {
                                            (csrf)
                                            div.field {
                                                label for=(format!("post-{}-posted_on", j.id)) { (t("office_print.posted_on")) }
                                                @let posted = if mine.is_some() { value("posted_on") } else { today.to_string() };
                                                input id=(format!("post-{}-posted_on", j.id)) type="date" name="posted_on" value=(posted) max=(today)
                                                    aria-invalid=[error("posted_on").map(|_| "true")]
                                                    aria-describedby=[error("posted_on").map(|_| format!("post-{}-posted_on-error", j.id))];
                                                @if let Some(e) = error("posted_on") { p.field-error id=(format!("post-{}-posted_on-error", j.id)) { (e) } }
                                            }
                                            @if j.address_needed {
                                                div.field {
                                                    label for=(format!("post-{}-address", j.id)) { (t("office_print.address")) }
                                                    p.hint id=(format!("post-{}-address-hint", j.id)) { (t("office_print.address_hint")) }
                                                    textarea id=(format!("post-{}-address", j.id)) name="address" rows="3" autocomplete="off"
                                                        aria-invalid=[error("address").map(|_| "true")]
                                                        aria-describedby=(match error("address") {
                                                            Some(_) => format!("post-{}-address-hint post-{}-address-error", j.id, j.id),
                                                            None => format!("post-{}-address-hint", j.id),
                                                        }) { (value("address")) }
                                                    @if let Some(e) = error("address") { p.field-error id=(format!("post-{}-address-error", j.id)) { (e) } }
                                                }
                                            }
                                            @if let Some(e) = error("form") { p.field-error { (e) } }
                                            button type="submit" { (t("office_print.mark_posted")) span.visually-hidden { " " (j.reference) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let response = frame(office, Section::Letters, t("office_print.title"), body);
    Ok(if refused.is_some() {
        with_status(StatusCode::UNPROCESSABLE_ENTITY, response)
    } else {
        response
    })
}

/// The message beside a refused field, in the office's language.
fn field_message(lang: Language, e: &ServiceError) -> Option<(String, String)> {
    match e {
        ServiceError::Invalid { field, .. } if matches!(*field, "address" | "posted_on") => Some((
            (*field).to_string(),
            crate::i18n::t(lang, &format!("office_print.err_{field}")).to_string(),
        )),
        other => super::form_error(lang, other),
    }
}

/// "Mark as posted": the posting day (default today) and, where the job has none, the address.
pub async fn mark_posted(
    State(app): State<AppState>,
    office: Office,
    Path(job): Path<String>,
    CsrfForm { form, .. }: CsrfForm<PostedForm>,
) -> Response {
    let Ok(job) = job.parse::<Uuid>() else {
        return office.error(ServiceError::NotFound("print job"));
    };
    let typed = Typed::of(&form);
    let refuse = |field: &str, message: String, values: Typed| {
        let mut errors = FormErrors::default();
        errors.push(field, message);
        Refused {
            job,
            errors,
            values,
        }
    };
    let raw = &form.posted_on;
    let posted_on = if raw.is_empty() {
        None
    } else {
        match raw.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                let r = refuse(
                    "posted_on",
                    office.t("office_print.err_posted_on").into(),
                    typed,
                );
                return office.page(build(&app, &office, None, Some(r))).await;
            }
        }
    };
    let input = PrintInput {
        action: PrintAction::Posted,
        posted_on,
        address: form.address.lines().map(str::to_string).collect(),
        reason: None,
    };
    match delivery::act(&app, &office.principal, job, input).await {
        Ok(_) => Redirect::to(&format!("{PATH}?done=posted")).into_response(),
        Err(e) => match field_message(office.lang, &e) {
            Some((field, message)) => {
                let r = refuse(&field, message, typed);
                office.page(build(&app, &office, None, Some(r))).await
            }
            None => office.error(e),
        },
    }
}

/// The case page's section: each letter to the person and how it went out.
pub async fn case_section(app: &AppState, office: &Office, id: Uuid) -> ServiceResult<Markup> {
    let letters = delivery::for_request(app, &office.principal, id).await?;
    Ok(section(office, id, &letters))
}

fn section(office: &Office, id: Uuid, letters: &[LetterDelivery]) -> Markup {
    let t = |k: &str| office.t(k);
    let oslo = |d: chrono::DateTime<chrono::Utc>| {
        date(d.with_timezone(&chrono_tz::Europe::Oslo).date_naive())
    };
    html! {
        @if !letters.is_empty() {
            h3 #delivery-title { (t("office_print.delivery")) }
            div.table-scroll role="region" tabindex="0" aria-labelledby="delivery-title" {
                table aria-labelledby="delivery-title" {
                    thead { tr {
                        th scope="col" { (t("office_print.letter")) }
                        th scope="col" { (t("office_print.min_side")) }
                        th scope="col" { (t("office_print.email")) }
                        th scope="col" { (t("office_print.by_post")) }
                    } }
                    tbody {
                        @for l in letters {
                            tr {
                                td {
                                    a href=(format!("/office/sak/{id}/dokument/{}", l.document_id)) {
                                        (t(&format!("office_print.kind_{}", l.letter_kind.as_str())))
                                    }
                                }
                                td { (t("office_print.min_side_stored")) " " (oslo(l.created_at)) }
                                td {
                                    @match l.email.as_deref() {
                                        None => (t("office_print.email_none")),
                                        Some("sent") => { (t("office_print.email_sent")) @if let Some(at) = l.email_sent_at { " " (oslo(at)) } },
                                        Some("failed") => span.tag.overdue { (t("office_print.email_failed")) },
                                        Some(_) => (t("office_print.email_pending")),
                                    }
                                }
                                td {
                                    @match &l.printed {
                                        None => (t("office_print.post_none")),
                                        Some(p) => {
                                            @match p.status {
                                                PrintStatus::Queued => (t("office_print.status_queued")),
                                                PrintStatus::Printed => (t("office_print.status_printed")),
                                                PrintStatus::Posted => {
                                                    (t("office_print.status_posted")) " "
                                                    @if let Some(on) = p.posted_on { (date(on)) }
                                                },
                                                PrintStatus::Cancelled => (t("office_print.status_cancelled")),
                                            }
                                            @if p.address_needed && p.status != PrintStatus::Cancelled { br; small { (t("office_print.address_needed")) } }
                                            @if p.late { br; span.tag.overdue { (t("office_print.late")) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
