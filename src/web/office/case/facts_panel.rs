//! The case page's facts and person panels: what was asked, when and through which channel, the
//! deadline, who handles it, the form to change the language, the description; the person
//! (number masked until revealed, where they live), the form for another number, the
//! representation the request came through or a claim not yet proven, and how the requester's
//! identity was verified, with the form to record it.
use entity::values::VerificationMethod;
use maud::{Markup, html};
use uuid::Uuid;

use super::{
    page::{Page, language_name},
    state::CaseState,
};
use crate::{
    requests::verification::DocumentType,
    web::{
        components::status_badge,
        office::{date, kind_label, outcome_label, status_label},
    },
};

/// The request's facts and deadline, its language and description.
pub(super) fn facts(page: &Page) -> Markup {
    let office = page.office;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let registry = &page.registry;
    let today = page.today;
    let open = page.open;
    let name_of = |username: &str| page.name_of(username);
    html! {
        dl.facts {
            div { dt { (t("office.case.kind")) } dd { (kind_label(lang, v.kind)) } }
            div { dt { (t("office.case.status")) } dd { (status_badge(v.status, status_label(lang, v.status))) } }
            div { dt { (t("office.case.received")) } dd { (date(v.received_on)) " (" (t(&format!("office.channel.{}", v.channel.as_str()))) ")" } }
            div {
                dt { (t("office.case.due")) }
                dd {
                    strong { (date(v.due_on)) }
                    @if open && v.due_on < today { " " span.tag.overdue { (t("office.queue.overdue_tag")) } }
                    @if v.due_on != v.first_due_on { br; small { (t("office.case.first_due")) " " (date(v.first_due_on)) } }
                }
            }
            div { dt { (t("office.case.controller")) } dd { (v.controller.name) } }
            div { dt { (t("office.case.unit")) } dd { (v.unit.name) } }
            div { dt { (t("office.case.assignee")) } dd { (v.assignee.as_deref().map(name_of).unwrap_or_else(|| "–".into())) } }
            @if let Some(area) = &v.service_area {
                div { dt { (t("office.case.area")) } dd { (registry.service_areas.get(area).map(|a| a.name.as_str()).unwrap_or(area)) } }
            }
            div { dt { (t("office.case.language")) } dd { (language_name(lang, v.language)) } }
            @if let Some(o) = v.outcome {
                div { dt { (t("office.case.outcome")) } dd { (outcome_label(lang, o)) } }
            }
        }
        (crate::web::office::case_person_panel::language_form(office, v, &data.events, state.field("language", "language"), csrf))
        @if let Some(reason) = &v.extension_reason {
            p.notice { strong { (t("office.case.extended")) } " " (reason) }
        }
        h2 { (t("office.case.description")) }
        p.pre { (v.description) }
    }
}

/// The person, their representation or claim, and the verification of their identity.
pub(super) fn person(page: &Page, link_panel: Markup) -> Markup {
    let id = page.id;
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let v = &page.data.view;
    let state = &page.state;
    let csrf = &page.csrf;
    let works = page.works;
    let open = page.open;
    let field_error = |form: &str, field: &str| page.field_error(form, field);
    let described = |form: &str, field: &str| page.described(form, field);
    let form_level = |form: &str| page.form_level(form);
    let name_of = |username: &str| page.name_of(username);
    html! {
        section.panel aria-labelledby="person-title" {
            h2 #person-title { (t("office.case.person")) }
            @if data.person.strictly_confidential {
                p.notice.notice--warning role="note" { (t("office.case.confidential")) }
            }
            dl.facts {
                div {
                    dt { (t(identifier_label(data.person.subject.kind()))) }
                    dd {
                        @if let Some(p) = &state.revealed {
                            span.pid { (p.revealed()) }
                        } @else {
                            span.pid aria-label=(t("office.case.pid_masked")) { (data.person.subject.masked()) }
                        }
                    }
                }
                @if let Some(g) = &data.person.geography {
                    div { dt { (t("office.case.geography")) } dd { (place_label(lang, g)) } }
                }
            }
            @if works && state.revealed.is_none() {
                form.inline method="post" action=(format!("/office/sak/{id}/fnr")) {
                    (csrf)
                    button.secondary type="submit" { (t("office.case.reveal")) }
                    " " small { (t("office.case.reveal_logged")) }
                }
            }
            (link_panel)
            @if let Some((rep, person_name)) = &data.representation {
                h3 #representation-title { (t("office.case.representation")) }
                @if rep.in_force {
                    p { (t("office.case.representation_letters")) }
                } @else {
                    p.notice.notice--warning role="note" { (t("office.case.representation_ended")) }
                }
                dl.facts #representation {
                    div { dt { (t("office.case.representation_for")) } dd {
                        (if person_name.is_empty() { t("office.case.name_unknown") } else { person_name.as_str() })
                    } }
                    div { dt { (t("office.case.representation_name")) } dd {
                        (rep.representative_name.as_deref().unwrap_or(t("office.case.name_unknown")))
                        " " span.pid { (rep.representative) }
                    } }
                    div { dt { (t("office.case.representation_basis")) } dd { (t(&format!("portal.basis.{}", rep.basis.as_str()))) } }
                    div { dt { (t("office.case.representation_from")) } dd {
                        (date(rep.verified_at.with_timezone(&chrono_tz::Europe::Oslo).date_naive()))
                    } }
                    div { dt { (t("office.case.representation_to")) } dd {
                        @match rep.ends_on.and_then(|e| e.pred_opt()) {
                            Some(last) => { (date(last)) }
                            None => { (t("office.case.representation_until_revoked")) }
                        }
                    } }
                    div { dt { (t("office.case.representation_evidence")) } dd {
                        (rep.evidence)
                        @if let Some(by) = &rep.verified_by { ", " (name_of(by)) }
                    } }
                }
            }
            @if let Some(claim) = &data.claim {
                (claim_panel(lang, id, claim, works && v.status.is_open(), csrf, state))
            }
            h3 #identity-title { (t("office.case.identity")) }
            @match &data.verification {
                Some(ver) => {
                    dl.facts #identity {
                        div { dt { (t("office.case.identity_method")) } dd { (t(&format!("office.case.method_{}", ver.method.as_str()))) } }
                        @if let Some(level) = &ver.level {
                            div { dt { (t("office.case.identity_level")) } dd { (level) } }
                        }
                        @if let Some(doc) = ver.document_type {
                            div { dt { (t("office.case.identity_document")) } dd {
                                (t(&format!("office.case.document_{}", doc.as_str())))
                                @if let Some(n) = &ver.document_number_masked { " " span.pid { (n) } }
                            } }
                        }
                        @if let Some(note) = &ver.note {
                            div { dt { (t("office.case.identity_note")) } dd.pre { (note) } }
                        }
                        div { dt { (t("office.case.identity_by")) } dd {
                            (if ver.verified_by == "id_porten" { t("office.case.method_id_porten").to_string() } else { name_of(&ver.verified_by) })
                            ", " time datetime=(ver.verified_at.to_rfc3339()) { (crate::web::date_time(lang, ver.verified_at)) }
                        } }
                    }
                }
                None if page.claim_open => {}
                None => {
                    p.notice.notice--warning #identity role="note" { (t("office.case.identity_not_verified")) }
                }
            }
            @if works && open {
                details open[state.form == "identity"] {
                    summary { (t("office.case.identity_record")) }
                    form method="post" action=(format!("/office/sak/{id}/identitet")) {
                        (csrf)
                        (form_level("identity"))
                        fieldset {
                            legend { (t("office.case.identity_method")) }
                            @for m in [VerificationMethod::IdDocumentInPerson, VerificationMethod::LetterWithIdCopy, VerificationMethod::KnownFromCase] {
                                div.choice {
                                    input type="radio" name="method" id=(format!("identity-{}", m.as_str())) value=(m.as_str()) required checked[state.value("identity", "method") == m.as_str()];
                                    label for=(format!("identity-{}", m.as_str())) { (t(&format!("office.case.method_{}", m.as_str()))) }
                                }
                            }
                            (field_error("identity", "method"))
                        }
                        div.field {
                            label for="identity-document_type" { (t("office.case.identity_document")) }
                            select #identity-document_type name="document_type" aria-invalid=[state.error("identity", "document_type").map(|_| "true")] aria-describedby=[described("identity", "document_type")] {
                                option value="" { (t("office.case.identity_choose")) }
                                @for d in DocumentType::ALL {
                                    option value=(d.as_str()) selected[state.value("identity", "document_type") == d.as_str()] { (t(&format!("office.case.document_{}", d.as_str()))) }
                                }
                            }
                            (field_error("identity", "document_type"))
                        }
                        div.field {
                            label for="identity-document_number" { (t("office.case.identity_document_number")) }
                            input #identity-document_number type="text" name="document_number" autocomplete="off" maxlength="60" value=(state.value("identity", "document_number")) aria-invalid=[state.error("identity", "document_number").map(|_| "true")] aria-describedby=[described("identity", "document_number")];
                            (field_error("identity", "document_number"))
                        }
                        div.field {
                            label for="identity-note" { (t("office.case.identity_note")) }
                            p.hint #identity-note-hint { (t("office.case.identity_note_hint")) }
                            textarea #identity-note name="note" rows="2" aria-invalid=[state.error("identity", "note").map(|_| "true")] aria-describedby=(described("identity", "note").map_or("identity-note-hint".to_string(), |e| format!("identity-note-hint {e}"))) { (state.value("identity", "note")) }
                            (field_error("identity", "note"))
                        }
                        button type="submit" { (t("office.case.identity_record_button")) }
                    }
                }
            }
        }
    }
}

/// A letter registered from someone whose representation of the person is not proven: who
/// wrote, what they claimed and why it is not proven, and the two ways forward (check again once
/// the document is registered, or refuse the representation by a decision).
fn claim_panel(
    lang: crate::i18n::Language,
    id: Uuid,
    claim: &crate::representation::claim::ClaimView,
    works: bool,
    csrf: &maud::Markup,
    state: &CaseState,
) -> maud::Markup {
    use entity::values::{ClaimStatus, RepresentationBasis};
    let t = |k: &str| crate::i18n::t(lang, k);
    let reason = match claim.basis {
        RepresentationBasis::ParentalResponsibility => "office.case.claim_reason_parent",
        _ => "office.case.claim_reason_document",
    };
    html! {
        h3 #claim-title { (t("office.case.claim")) }
        @match claim.status {
            ClaimStatus::Open => {
                p.notice.notice--warning role="note" { (t("office.case.claim_open")) }
            }
            ClaimStatus::Proven => { p { (t("office.case.claim_proven")) } }
            ClaimStatus::Refused => { p { (t("office.case.claim_refused")) } }
        }
        dl.facts #claim {
            div { dt { (t("office.case.claim_writer")) } dd {
                (claim.representative_name.as_deref().unwrap_or(t("office.case.name_unknown")))
                " " span.pid { (claim.representative) }
            } }
            div { dt { (t("office.case.claim_basis")) } dd { (t(&format!("portal.basis.{}", claim.basis.as_str()))) } }
            @if claim.status == ClaimStatus::Open {
                div { dt { (t("office.case.claim_why")) } dd { (t(reason)) } }
            }
        }
        @if works && claim.status == ClaimStatus::Open {
            p { (t("office.case.claim_ways")) }
            form.inline method="post" action=(format!("/office/sak/{id}/representasjon/sjekk")) {
                (csrf)
                @if let Some(e) = state.error("claim", "claim") {
                    p.field-error #claim-claim-error role="alert" { (e) }
                }
                button.secondary type="submit" { (t("office.case.claim_check")) }
                " "
                a href=(format!("/office/representanter/ny?sak={id}")) { (t("office.case.claim_register")) }
            }
        }
    }
}

/// The case page's label for what identifies the person.
fn identifier_label(kind: entity::values::IdentifierKind) -> &'static str {
    use entity::values::IdentifierKind as K;
    match kind {
        K::Fodselsnummer => "office.case.pid",
        K::DNummer => "office.case.d_number",
        K::Duf => "office.case.duf",
        K::NameBirthDate => "office.case.name_birth_date",
    }
}

/// The name of a Norwegian municipality or Oslo district (SSB numbers) for the codes the
/// service routes by; `None` for others, which the page then labels as a number.
fn place_name(code: &str) -> Option<&'static str> {
    const PLACES: [(&str, &str); 18] = [
        ("0301", "Oslo"),
        ("3420", "Elverum"),
        ("3205", "Lillestrøm"),
        ("030101", "Gamle Oslo"),
        ("030102", "Grünerløkka"),
        ("030103", "Sagene"),
        ("030104", "St. Hanshaugen"),
        ("030105", "Frogner"),
        ("030106", "Ullern"),
        ("030107", "Vestre Aker"),
        ("030108", "Nordre Aker"),
        ("030109", "Bjerke"),
        ("030110", "Grorud"),
        ("030111", "Stovner"),
        ("030112", "Alna"),
        ("030113", "Østensjø"),
        ("030114", "Nordstrand"),
        ("030115", "Søndre Nordstrand"),
    ];
    PLACES.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

/// A municipality or district by name ("Gamle Oslo (bydel 030101)"), its number labelled when
/// the name is not known.
fn place_label(lang: crate::i18n::Language, code: &str) -> String {
    let key = if code.len() == 6 {
        "office.case.place_district"
    } else {
        "office.case.place_municipality"
    };
    let number = crate::i18n::tf(lang, key, &[("number", code)]);
    match place_name(code) {
        Some(name) => format!("{name} ({number})"),
        None => number,
    }
}
