//! The case page's collection panel: each source system asked, for what, its status, records and
//! attempts, with retry for a failed call, the manual entry form for a source without an API,
//! marking a restriction lifted by hand; and the form to start collecting (with the corrected
//! values for a rectification).
use maud::{Markup, html};

use super::{page::Page, state::CaseState};
use uuid::Uuid;

use crate::{
    lifecycle::RightKind,
    sources::{
        collection::{SourceTaskView, TaskStatus},
        protocol::Operation,
    },
    web::office::Office,
};

/// The source systems asked and the form to ask them.
pub(super) fn sources(page: &Page) -> Markup {
    let office = page.office;
    let id = page.id;
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let registry = &page.registry;
    let works = page.works;
    let open = page.open;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    html! {
        section.panel aria-labelledby="sources-title" {
            h2 #sources-title { (t("office.case.sources")) }
            @if data.tasks.is_empty() {
                p { (t("office.case.no_collection")) }
            } @else {
                div.table-scroll tabindex="0" role="region" aria-labelledby="sources-title" {
                    table {
                        thead { tr {
                            th scope="col" { (t("office.case.source")) }
                            th scope="col" { (t("office.case.operation")) }
                            th scope="col" { (t("office.case.task_status")) }
                            th scope="col" { (t("office.case.records")) }
                            th scope="col" { (t("office.case.attempts")) }
                            th scope="col" { span.visually-hidden { (t("office.case.actions")) } }
                        } }
                        tbody {
                            @for task in &data.tasks {
                                tr {
                                    th scope="row" { (task.name) br; small { (task.owner) } }
                                    td { (t(&format!("office.operation.{}", task.operation.as_str()))) }
                                    td {
                                        span class=(format!("tag task-{}", task.status.as_str())) { (t(&format!("office.task.{}", task.status.as_str()))) }
                                        @if let Some(e) = &task.error { br; small.error-text { (e) } }
                                    }
                                    td { (task.record_count) }
                                    td { (task.attempts) }
                                    td {
                                        @if works && task.operation == Operation::Lift && task.status == TaskStatus::Manual {
                                            form.inline method="post" action=(format!("/office/sak/{id}/begrensning/opphevet/{}", task.source)) {
                                                (csrf)
                                                button.secondary type="submit" aria-label=(format!("{} – {}", t("office.case.lift_mark_done"), task.name)) { (t("office.case.lift_mark_done")) }
                                            }
                                        }
                                        @if works && open && task.status == TaskStatus::Failed {
                                            form.inline method="post" action=(format!("/office/sak/{id}/innhenting/{}/igjen", task.source)) {
                                                (csrf)
                                                input type="hidden" name="operation" value=(task.operation.as_str());
                                                button.secondary type="submit" aria-label=(format!("{} – {}", t("office.case.retry"), task.name)) { (t("office.case.retry")) }
                                            }
                                        }
                                    }
                                }
                                @if works && open && task.status == TaskStatus::Manual {
                                    tr.manual-row {
                                        td colspan="6" {
                                            (manual_form(office, id, task, state, csrf))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if works && data.tasks.iter().any(|t| t.operation == Operation::Lift && t.status == TaskStatus::Manual) {
                p.hint { (t("office.case.lift_manual_hint")) }
            }
            @if works && open && page.claim_open {
                p.hint { (t("office.case.claim_no_collection")) }
            } @else if works && open {
                form.inline method="post" action=(format!("/office/sak/{id}/innhenting")) {
                    (csrf)
                    (form_level("collect"))
                    label for="collect-operation" { (t("office.case.collect_what")) " " }
                    select #collect-operation name="operation" {
                        option value="access" { (t("office.operation.access")) }
                        @if let Some(op) = operation_for(v.kind) {
                            option value=(op.as_str()) { (t(&format!("office.operation.{}", op.as_str()))) }
                        }
                    }
                    " "
                    button type="submit" { (t("office.case.collect")) }
                    @if !data.correctable.is_empty() {
                        fieldset #collect-corrections aria-describedby="collect-corrections-hint" {
                            legend { (t("office.case.corrections_title")) }
                            p.hint #collect-corrections-hint { (t("office.case.corrections_hint")) }
                            (field_error("collect", "corrections"))
                            @for (n, (source, record)) in data.correctable.iter().enumerate() {
                                @let field = format!("correction_value_{n}");
                                @let source_name = registry.sources.iter().find(|s| &s.id == source).map(|s| s.name.as_str()).unwrap_or(source.as_str());
                                div.field {
                                    input type="hidden" name=(format!("correction_record_{n}")) value=(record.id);
                                    label for=(format!("collect-{field}")) { (source_name) ": " (record.label) }
                                    p.hint { (t("office.case.correction_now")) ": " (record.value) }
                                    input type="text" id=(format!("collect-{field}")) name=(field) value=(state.value("collect", &field)) aria-invalid=[state.error("collect", &field).map(|_| "true")] aria-describedby=[described("collect", &field)];
                                    (field_error("collect", &field))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The operation that carries out a decision for this right (besides access).
fn operation_for(kind: RightKind) -> Option<Operation> {
    match kind {
        RightKind::Innsyn => None,
        RightKind::Retting => Some(Operation::Rectify),
        RightKind::Sletting => Some(Operation::Erase),
        RightKind::Begrensning => Some(Operation::Restrict),
        RightKind::Protest => Some(Operation::Object),
    }
}

/// The form for a source without an API: the caseworker types what the source holds (access),
/// one record a line `category; what; value`, or what was done (other operations), one record a
/// line `record id; what; outcome`.
fn manual_form(
    office: &Office,
    id: Uuid,
    task: &SourceTaskView,
    state: &CaseState,
    csrf: &Markup,
) -> Markup {
    let t = |k: &str| office.t(k);
    let form = "manual";
    let access = task.operation == Operation::Access;
    let field_id = format!("manual-{}-lines", task.source);
    html! {
        form method="post" action=(format!("/office/sak/{id}/innhenting/{}/manuell", task.source)) {
            (csrf)
            input type="hidden" name="operation" value=(task.operation.as_str());
            div.field {
                label for=(field_id) { (t(if access { "office.case.manual_records" } else { "office.case.manual_results" })) }
                p.hint { (t(if access { "office.case.manual_records_hint" } else { "office.case.manual_results_hint" })) }
                textarea id=(field_id) name="lines" rows="4" aria-invalid=[state.error(form, "lines").map(|_| "true")] { (state.value(form, "lines")) }
                @if let Some(e) = state.error(form, "lines") { p.field-error { (e) } }
            }
            @if access {
                div.field {
                    label for=(format!("manual-{}-purpose", task.source)) { (t("office.case.manual_purpose")) }
                    input type="text" id=(format!("manual-{}-purpose", task.source)) name="purpose" value=(state.value(form, "purpose"));
                }
                div.field {
                    label for=(format!("manual-{}-legal_basis", task.source)) { (t("office.case.manual_legal_basis")) }
                    input type="text" id=(format!("manual-{}-legal_basis", task.source)) name="legal_basis" value=(state.value(form, "legal_basis"));
                }
                div.field {
                    label for=(format!("manual-{}-retention", task.source)) { (t("office.case.manual_retention")) }
                    input type="text" id=(format!("manual-{}-retention", task.source)) name="retention" value=(state.value(form, "retention"));
                }
            }
            button type="submit" { (t("office.case.manual_button")) }
        }
    }
}
