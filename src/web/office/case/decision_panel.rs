//! The case page's decision panel: the decision so far, the approval box (the exact letter and
//! files, approve or return) for a privacy officer or, without four eyes, for the drafter
//! sending the answer; why a decision must wait for collection, with the waiver form; and the
//! decision form with outcome, legal bases and text. The notices and documents below it are
//! `letters_panel`'s.
use maud::{Markup, html};

use super::{
    page::{Page, language_name},
    state::CaseState,
};
use uuid::Uuid;

use crate::{
    decisions::{self, DecisionStatus},
    lifecycle::{Outcome, Role, Status},
    web::office::{Office, outcome_label},
};

/// The decision, its approval, and the form to make it.
pub(super) fn decision(page: &Page) -> Markup {
    let bases: Vec<_> = page.catalogue.for_kind(page.data.view.kind).collect();
    let office = page.office;
    let id = page.id;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let four_eyes = page.four_eyes;
    let drafter_is_me = page.drafter_is_me;
    let sending = page.sending;
    let stuck = page.stuck;
    let may_decide = page.may_decide;
    let letter = &page.letter;
    let ready = &page.ready;
    let catalogue = &page.catalogue;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    html! {
        section.panel aria-labelledby="decision-title" {
            h2 #decision-title { (t("office.case.decision")) }
            @if let Some(d) = &data.decision {
                dl.facts {
                    div { dt { (t("office.case.decision_status")) } dd { (t(&format!("office.decision.{}", d.status.as_str()))) } }
                    div { dt { (t("office.case.outcome")) } dd { (outcome_label(lang, d.outcome)) } }
                    div { dt { (t("office.case.drafted")) } dd { (crate::web::date_time(lang, d.drafted_at)) } }
                    @if !d.legal_bases.is_empty() {
                        div { dt { (t("office.case.legal_bases")) } dd { ul { @for b in &d.legal_bases {
                            li { (catalogue.get(b).map(|x| x.title.get(lang).to_string()).unwrap_or_else(|| b.clone())) }
                        } } } }
                    }
                    @if let Some(c) = &d.review_comment {
                        div { dt { (t("office.case.review_comment")) } dd.pre { (c) } }
                    }
                }
                @if !d.text.is_empty() { p.pre { (d.text) } }
                @if v.status == Status::AwaitingApproval && d.status == DecisionStatus::Draft && office.staff.role == Role::PrivacyOfficer {
                    @if drafter_is_me {
                        p.notice { (t("office.case.own_draft")) }
                    } @else {
                        div.approve-box #approval tabindex="-1" {
                            @if let Some(letter) = &letter {
                                (letter_check(office, id, letter))
                                form.inline method="post" action=(format!("/office/sak/{id}/vedtak/godkjenn")) {
                                    (csrf)
                                    input type="hidden" name="decision_id" value=(letter.decision_id);
                                    button type="submit" { (t("office.case.approve")) }
                                }
                            }
                            details open[state.form == "return"] {
                                summary { (t("office.case.return")) }
                                form method="post" action=(format!("/office/sak/{id}/vedtak/returner")) {
                                    (csrf)
                                    (form_level("return"))
                                    div.field {
                                        label for="return-comment" { (t("office.case.return_comment")) }
                                        textarea #return-comment name="comment" rows="3" required aria-invalid=[state.error("return", "comment").map(|_| "true")] aria-describedby=[described("return", "comment")] { (state.value("return", "comment")) }
                                        (field_error("return", "comment"))
                                    }
                                    button.secondary type="submit" { (t("office.case.return_button")) }
                                }
                            }
                        }
                    }
                }
                @if sending {
                    @if let Some(letter) = &letter {
                        div.approve-box #approval tabindex="-1" {
                            (letter_check(office, id, letter))
                            form.inline method="post" action=(format!("/office/sak/{id}/vedtak/godkjenn")) {
                                (csrf)
                                input type="hidden" name="decision_id" value=(letter.decision_id);
                                button type="submit" { (t("office.case.send_answer")) }
                            }
                        }
                    }
                }
            }
            @if stuck {
                p.notice.notice--warning #stuck role="note" { (t(if four_eyes { "office.case.stuck_no_draft" } else { "office.case.stuck_no_draft_alone" })) }
            }
            @if may_decide && !ready.allows_deciding() {
                (collection_blocked(office, id, ready, state, csrf))
            }
            @if may_decide && ready.allows_deciding() {
                @if let decisions::collected::Readiness::Waived { reason } = &ready {
                    p.hint { strong { (t("office.case.collection_waived")) } " " (reason) }
                }
                @let current = data.decision.as_ref().filter(|d| matches!(d.status, DecisionStatus::Draft | DecisionStatus::Returned));
                @let outcome_value = if state.form == "decision" { state.value("decision", "outcome") } else { current.map(|d| d.outcome.as_str().to_string()).unwrap_or_default() };
                @let chosen = if state.form == "decision" { state.values_of("decision", "legal_bases") } else { current.map(|d| d.legal_bases.clone()).unwrap_or_default() };
                @let text_value = if state.form == "decision" { state.value("decision", "text") } else { current.map(|d| d.text.clone()).unwrap_or_default() };
                form.decision-form #decision-form tabindex="-1" method="post" action=(format!("/office/sak/{id}/vedtak")) {
                    (csrf)
                    (form_level("decision"))
                    @if data.verification.is_none() && !page.claim_open {
                        p.notice.notice--warning #decision-identity role="note" { (t("office.case.identity_not_verified")) }
                    }
                    (field_error("decision", "identity"))
                    fieldset #decision-outcome aria-describedby=[described("decision", "outcome")] {
                        legend { (t("office.case.outcome")) }
                        @for o in Outcome::ALL {
                            div.choice {
                                input type="radio" name="outcome" value=(o.as_str()) id=(format!("outcome-{}", o.as_str())) checked[outcome_value == o.as_str()] required;
                                label for=(format!("outcome-{}", o.as_str())) { (outcome_label(lang, o)) }
                            }
                        }
                        (field_error("decision", "outcome"))
                    }
                    fieldset #decision-legal_bases aria-describedby=[described("decision", "legal_bases")] {
                        legend { (t("office.case.legal_bases")) }
                        p.hint { (t("office.case.legal_bases_hint")) }
                        @for b in bases {
                            @let view = b.view(lang);
                            div.choice {
                                input type="checkbox" name="legal_bases" value=(view.id) id=(format!("basis-{}", view.id)) checked[chosen.iter().any(|c| c == view.id)];
                                label for=(format!("basis-{}", view.id)) {
                                    strong { (view.title) } br;
                                    small { (view.citation) }
                                }
                            }
                        }
                        (field_error("decision", "legal_bases"))
                    }
                    div.field {
                        label for="decision-text" { (t("office.case.decision_text")) }
                        p.hint #decision-text-hint {
                            (t("office.case.decision_text_hint")) " "
                            (crate::i18n::tf(lang, "office.case.answer_language", &[("language", &language_name(lang, v.language))]))
                            @if v.language != crate::i18n::Language::Nb {
                                " " strong.language-warning { (crate::i18n::tf(lang, "office.case.reasons_marked", &[("language", &language_name(lang, v.language))])) }
                            }
                        }
                        textarea #decision-text name="text" rows="8" aria-invalid=[state.error("decision", "text").map(|_| "true")] aria-describedby=(described("decision", "text").map(|e| format!("{e} decision-text-hint")).unwrap_or_else(|| "decision-text-hint".into())) { (text_value) }
                        (field_error("decision", "text"))
                    }
                    div.actions {
                        button.secondary type="submit" name="go" value="preview" formtarget="_blank" { (t("office.case.preview")) }
                        button type="submit" name="go" value="save" { (t(if four_eyes { "office.case.submit_for_approval" } else { "office.case.save_draft" })) }
                    }
                }
            }
            (super::letters_panel::letters(page))
        }
    }
}

/// Why the decision cannot be made yet (collection has not finished), with a link to the
/// collection's status, and the form to waive it with a reason.
fn collection_blocked(
    office: &Office,
    id: Uuid,
    ready: &decisions::collected::Readiness,
    state: &CaseState,
    csrf: &Markup,
) -> Markup {
    use decisions::collected::Readiness;
    let t = |k: &str| office.t(k);
    let why = match ready {
        Readiness::Unfinished { waiting } => crate::i18n::tn(
            office.lang,
            "office.case.collection_waiting",
            &[("n", (*waiting as i64).into())],
        ),
        _ => t("office.case.collection_not_started").to_string(),
    };
    let error = state.error("waive", "reason");
    html! {
        div.notice.notice--warning #collection-blocked tabindex="-1" role="note" {
            p {
                strong { (t("office.case.collection_blocked")) } " " (why) " "
                a href="#sources-title" { (t("office.case.see_collection")) }
            }
            @if matches!(office.staff.role, Role::Caseworker | Role::PrivacyOfficer) {
                form method="post" action=(format!("/office/sak/{id}/innhenting/frafall")) {
                    (csrf)
                    div.field {
                        label for="waive-reason" { (t("office.case.waive_reason")) }
                        p.hint #waive-reason-hint { (t("office.case.waive_hint")) }
                        textarea #waive-reason name="reason" rows="3" required aria-invalid=[error.map(|_| "true")] aria-describedby=(if error.is_some() { "waive-reason-error waive-reason-hint" } else { "waive-reason-hint" }) { (state.value("waive", "reason")) }
                        @if let Some(e) = error { p.field-error #waive-reason-error { (e) } }
                    }
                    button.secondary type="submit" { (t("office.case.waive_button")) }
                }
            }
        }
    }
}

/// The size of a file as people read it ("12 kB").
fn size_label(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else {
        format!("{} kB", bytes.div_ceil(1024))
    }
}

/// The draft's documents as a path segment of `/office/sak/{id}/vedtak/utkast/{part}`.
fn draft_part(kind: &str) -> Option<&'static str> {
    match kind {
        "answer_html" => Some("brev"),
        "answer_pdf" => Some("pdf"),
        "data_package" => Some("data"),
        _ => None,
    }
}

/// The exact letter the approval sends (the draft's rendering, in a sandboxed frame) and the
/// PDF and data package with their sizes, shown before the button that sends them.
fn letter_check(office: &Office, id: Uuid, letter: &decisions::DraftDocuments) -> Markup {
    let t = |k: &str| office.t(k);
    html! {
        section.letter-check aria-labelledby="letter-title" {
            h3 #letter-title { (t("office.case.letter_title")) }
            p.hint { (t("office.case.letter_hint")) }
            iframe.letter-frame src=(format!("/office/sak/{id}/vedtak/utkast/brev")) sandbox="" title=(t("office.case.letter_frame")) loading="eager" {}
            ul.letter-files {
                @for doc in letter.documents.iter().filter(|d| d.kind != "answer_html") {
                    @if let Some(part) = draft_part(doc.kind) {
                        li {
                            a href=(format!("/office/sak/{id}/vedtak/utkast/{part}")) download=(doc.name) {
                                (t(&format!("office.case.draft_{}", doc.kind)))
                            }
                            " (" (size_label(doc.bytes.len())) ")"
                        }
                    }
                }
            }
        }
    }
}
