//! The reports page for privacy officers and auditors: pick a period and a controller, read the
//! figures on the page, download the report and the pseudonymised case list in the formats the
//! API gives (the same code and the same audit events as `/api/v1/reports`).
use axum::{
    extract::State,
    response::{IntoResponse, Response},
};
use chrono::{Datelike, NaiveDate};
use maud::html;
use serde::Deserialize;
use uuid::Uuid;

use super::{FormErrors, Office, Section, date, frame, with_status};
use crate::{
    app::AppState,
    clock::today_oslo,
    error::ServiceError,
    http::{api::reports as api, extract::ApiQuery},
    lifecycle::Role,
    reports::{self, Format, ReportQuery, k as report_text, summary},
    web::{PageQuery, components::Form},
};

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ReportForm {
    from: String,
    to: String,
    controller: String,
    format: String,
    what: String,
    lang: String,
}

impl ReportForm {
    /// The period and controller, or the errors to show beside the fields.
    fn parse(&self, office: &Office) -> Result<(NaiveDate, NaiveDate, Option<Uuid>), FormErrors> {
        let today = today_oslo();
        let mut errors = FormErrors::default();
        let from = if self.from.is_empty() {
            NaiveDate::from_ymd_opt(today.year(), 1, 1)
        } else {
            self.from.parse().ok()
        };
        let to = if self.to.is_empty() {
            Some(today)
        } else {
            self.to.parse().ok()
        };
        if from.is_none() {
            errors.push("from", office.t("office.err.date"));
        }
        if to.is_none() {
            errors.push("to", office.t("office.err.date"));
        }
        let controller = match self.controller.as_str() {
            "" => None,
            c => match c.parse() {
                Ok(c) => Some(c),
                Err(_) => {
                    errors.push("controller", office.t("office.err.controller"));
                    None
                }
            },
        };
        match (from, to) {
            (Some(from), Some(to)) if errors.is_empty() => {
                if to < from {
                    errors.push("to", office.t("office.err.period"));
                    Err(errors)
                } else {
                    Ok((from, to, controller))
                }
            }
            _ => Err(errors),
        }
    }
}

fn may_read_reports(office: &Office) -> bool {
    matches!(office.staff.role, Role::PrivacyOfficer | Role::Auditor)
}

pub async fn page(
    State(app): State<AppState>,
    office: Office,
    PageQuery(form): PageQuery<ReportForm>,
) -> Response {
    if !may_read_reports(&office) {
        return office.error(ServiceError::Forbidden(
            "reports are for privacy officers and auditors".into(),
        ));
    }
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let registry = match app.registry.get(&app.db).await {
        Ok(r) => r,
        Err(e) => return office.error(e.into()),
    };
    let mut controllers: Vec<(String, Uuid)> = registry
        .controllers
        .values()
        .filter(|c| {
            office
                .staff
                .controller_id
                .is_none_or(|own| own == c.id || c.public_body_id == Some(own))
        })
        .map(|c| (c.name.clone(), c.id))
        .collect();
    controllers.sort();
    let parsed = form.parse(&office);
    let (figures, errors) = match parsed {
        Ok((from, to, controller)) => {
            match reports::scope(&office.principal, &registry, from, to, controller) {
                Ok(scope) => match summary::summary(&app.db, &scope, today_oslo()).await {
                    Ok(s) => (Some(s), FormErrors::default()),
                    Err(e) => return office.error(e),
                },
                Err(ServiceError::Forbidden(_)) => {
                    let mut errors = FormErrors::default();
                    errors.push("controller", t("office.err.controller"));
                    (None, errors)
                }
                Err(e) => {
                    let mut errors = FormErrors::default();
                    if let Some((field, message)) = super::form_error(lang, &e) {
                        errors.push(&field, message);
                    }
                    (None, errors)
                }
            }
        }
        Err(errors) => (None, errors),
    };
    let today = today_oslo();
    let from_value = if form.from.is_empty() {
        NaiveDate::from_ymd_opt(today.year(), 1, 1)
            .map(|d| d.to_string())
            .unwrap_or_default()
    } else {
        form.from.clone()
    };
    let to_value = if form.to.is_empty() {
        today.to_string()
    } else {
        form.to.clone()
    };
    let download = |what: &str, format: &str| {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("what", what)
            .append_pair("from", &from_value)
            .append_pair("to", &to_value)
            .append_pair("controller", &form.controller)
            .append_pair("format", format)
            .finish();
        format!("/office/rapporter/last-ned?{q}")
    };
    let f = Form::new("report", &errors);
    let body = html! {
        (errors.summary(lang, "report"))
        form.filters method="get" action="/office/rapporter" {
            (f.text("from", t("office.reports.from")).kind("date").value(&from_value))
            (f.text("to", t("office.reports.to")).kind("date").value(&to_value))
            (f.select("controller", t("office.reports.controller"), html! {
                @if office.staff.controller_id.is_none() {
                    option value="" { (t("office.reports.all_controllers")) }
                }
                @for (name, id) in &controllers {
                    option value=(id) selected[form.controller == id.to_string()] { (name) }
                }
            }))
            div.field.filter-submit {
                button type="submit" { (t("office.reports.show")) }
            }
        }
        @if let Some(s) = &figures {
            section.panel aria-labelledby="downloads-title" {
                h2 #downloads-title { (t("office.reports.downloads")) }
                ul.download-list {
                    li { (t("office.reports.summary")) ": "
                        a href=(download("summary", "pdf")) { "PDF" } " · "
                        a href=(download("summary", "csv")) { "CSV" } " · "
                        a href=(download("summary", "xlsx")) { "XLSX" } " · "
                        a href=(download("summary", "json")) { "JSON" }
                    }
                    li { (t("office.reports.cases")) ": "
                        a href=(download("cases", "csv")) { "CSV" } " · "
                        a href=(download("cases", "xlsx")) { "XLSX" } " · "
                        a href=(download("cases", "json")) { "JSON" }
                    }
                }
            }
            section.panel aria-labelledby="figures-title" {
                h2 #figures-title { (t("office.reports.figures")) " " (date(s.from)) "–" (date(s.to)) }
                dl.facts.figures {
                    div { dt { (t("office.reports.received")) } dd { (s.received) } }
                    div { dt { (t("office.reports.completed")) } dd { (s.completed) } }
                    div { dt { (t("office.reports.within_first")) } dd { (s.within_first_deadline) } }
                    div { dt { (t("office.reports.within_extension")) } dd { (s.within_extension) } }
                    div { dt { (t("office.reports.late")) } dd { (s.late) } }
                    div { dt { (t("office.reports.withdrawn")) } dd { (s.withdrawn) } }
                    div { dt { (t("office.reports.forwarded")) } dd { (s.forwarded) } }
                    div { dt { (report_text(lang, "extended")) } dd { (s.extended) } }
                    div { dt { (t("office.reports.median")) } dd { (s.median_working_days.map(|d| d.to_string()).unwrap_or_else(|| "–".into())) } }
                    div { dt { (t("office.reports.p90")) } dd { (s.p90_working_days.map(|d| d.to_string()).unwrap_or_else(|| "–".into())) } }
                    div { dt { (t("office.reports.open_today")) } dd { (s.open_today) } }
                    div { dt { (t("office.reports.overdue_today")) } dd { (s.overdue_today) } }
                }
                h3 { (t("office.reports.by_kind")) }
                table {
                    thead { tr { th scope="col" { (t("office.queue.kind")) } th scope="col" { (t("office.reports.count")) } } }
                    tbody { @for (k, n) in &s.received_by_kind {
                        tr { th scope="row" { (crate::lifecycle::RightKind::parse(k).map(|k| super::kind_label(lang, k)).unwrap_or(k)) } td { (n) } }
                    } }
                }
                h3 { (t("office.reports.per_unit")) }
                div.table-scroll tabindex="0" role="region" aria-labelledby="figures-title" {
                    table {
                        thead { tr {
                            th scope="col" { (t("office.queue.unit")) }
                            th scope="col" { (t("office.reports.received")) }
                            th scope="col" { (t("office.reports.completed")) }
                            th scope="col" { (t("office.reports.late")) }
                            th scope="col" { (t("office.reports.still_open")) }
                        } }
                        tbody { @for u in &s.units {
                            tr { th scope="row" { (u.unit) } td { (u.received) } td { (u.completed) } td { (u.late) } td { (u.still_open) } }
                        } }
                    }
                }
                @if !s.controllers.is_empty() {
                    h3 #per-controller-title { (t("office.reports.per_controller")) }
                    div.table-scroll tabindex="0" role="region" aria-labelledby="per-controller-title" {
                        table {
                            thead { tr {
                                th scope="col" { (t("office.reports.controller")) }
                                th scope="col" { (t("office.reports.received")) }
                                th scope="col" { (t("office.reports.completed")) }
                                th scope="col" { (t("office.reports.late")) }
                                th scope="col" { (t("office.reports.withdrawn")) }
                                th scope="col" { (t("office.reports.forwarded")) }
                                th scope="col" { (t("office.reports.still_open")) }
                            } }
                            tbody { @for c in &s.controllers {
                                tr { th scope="row" { (c.controller) } td { (c.received) } td { (c.completed) } td { (c.late) } td { (c.withdrawn) } td { (c.forwarded) } td { (c.still_open) } }
                            } }
                        }
                    }
                }
            }
            section.panel aria-labelledby="complaints-title" {
                h2 #complaints-title { (report_text(lang, "complaints_heading")) }
                p { (report_text(lang, "complaints_note")) }
                dl.facts.figures {
                    div { dt { (report_text(lang, "complaints_received")) } dd { (s.complaints.received) } }
                    @for (kind, n) in &s.complaints.by_kind {
                        div { dt { (crate::reports::label(lang, "complaint_kinds", kind)) } dd { (n) } }
                    }
                    @for (outcome, n) in &s.complaints.outcomes {
                        div { dt { (crate::reports::label(lang, "complaint_outcomes", outcome)) } dd { (n) } }
                    }
                    div { dt { (report_text(lang, "complaints_open")) } dd { (s.complaints.open) } }
                }
            }
            @for ((heading, columns, rows), total) in crate::reports::summary::case_tables(s).into_iter().zip([s.extended, s.late, s.overdue_today]) {
                section.panel aria-labelledby=(format!("{heading}-title")) {
                    h2 id=(format!("{heading}-title")) { (report_text(lang, heading)) " (" (total) ")" }
                    @if heading == "extended_heading" { p { (report_text(lang, "extended_note")) } }
                    @if rows.is_empty() {
                        p { (report_text(lang, "none")) }
                    } @else {
                        @if (rows.len() as i64) < total {
                            p { (crate::reports::pdf::list_truncated(lang, rows.len(), total)) }
                        }
                        div.table-scroll tabindex="0" role="region" aria-labelledby=(format!("{heading}-title")) {
                            table {
                                thead { tr { @for c in &columns { th scope="col" { (report_text(lang, c)) } } } }
                                tbody { @for r in &rows {
                                    tr {
                                        @for (i, cell) in r.iter().enumerate() {
                                            @if i == 0 { th scope="row" { (cell.as_text()) } } @else { td { (cell.as_text()) } }
                                        }
                                    }
                                } }
                            }
                        }
                    }
                }
            }
        }
    };
    let response = frame(&office, Section::Reports, t("office.reports.title"), body);
    if errors.is_empty() {
        response
    } else {
        with_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, response)
    }
}

/// The downloads: the API's own handlers, with the logged-in staff member as the principal.
pub async fn download(
    State(app): State<AppState>,
    office: Office,
    PageQuery(form): PageQuery<ReportForm>,
) -> Response {
    if !may_read_reports(&office) {
        return office.error(ServiceError::Forbidden(
            "reports are for privacy officers and auditors".into(),
        ));
    }
    let Ok((from, to, controller)) = form.parse(&office) else {
        return office.error(ServiceError::invalid("from", "invalid period"));
    };
    let format: Option<Format> =
        serde_json::from_value(serde_json::Value::String(form.format.clone())).ok();
    let query = ReportQuery {
        from,
        to,
        controller,
        format,
        lang: Some(office.lang),
        delimiter: None,
    };
    let principal = office.principal.clone();
    let answer = match form.what.as_str() {
        "cases" => api::get_cases(State(app), principal, ApiQuery(query)).await,
        _ => api::get_summary(State(app), principal, ApiQuery(query)).await,
    };
    match answer {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}
