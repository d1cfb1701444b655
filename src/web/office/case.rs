//! One case as the caseworker works it: the facts and deadline, the person (number masked until
//! revealed, and the reveal audited), the collection panel per source with retry and manual
//! entry, the decision form with the legal-basis picker and a preview of the letter, approval,
//! extend, forward, assign, internal notes, and the timeline.
//!
//! Every form posts to its own route; success redirects back to the case (post/redirect/get),
//! a refused form renders the case again with what was typed and the error beside the field.
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use std::collections::HashMap;

use entity::{staff_user, values::VerificationMethod};
use maud::{Markup, html};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    CaseId, FormErrors, Office, Pairs, Section, date, form_error, frame, kind_label, one,
    outcome_label, queue::assignable_staff, status_label, with_status,
};
use crate::{
    app::AppState,
    clock::today_oslo,
    decisions::{
        self, DecisionStatus, DecisionView, DraftInput, ReturnInput,
        recipients::{NoticeAction, NoticeChannel, NoticeStatus},
    },
    error::{ServiceError, ServiceResult},
    lifecycle::{Action, Outcome, RightKind, Role, Status},
    persons,
    requests::{
        case::{self, AssignInput, ForwardInput, NoteInput, Stepped, TransitionInput},
        closing::{self, ClosingReturnInput, ClosingStatus, ClosingStepView},
        queries,
        verification::{self, DocumentType, VerificationView, VerifyIdentity},
        view::RequestView,
    },
    sources::{
        collection::{self, CollectInput, ManualInput, SourceTaskView, TaskStatus},
        protocol::{Correction, Operation, Record, RecordOutcome, RecordResult},
    },
    web::{CsrfForm, PageQuery, csrf_field},
};

/// What the page shows beyond the case itself: a refused form with its input, a revealed
/// number, a confirmation.
#[derive(Default)]
pub struct CaseState {
    /// Which form the errors and values belong to.
    form: &'static str,
    errors: FormErrors,
    values: Vec<(String, String)>,
    revealed: Option<crate::identity::SubjectId>,
    done: Option<String>,
}

impl CaseState {
    fn refused(form: &'static str, errors: FormErrors, values: Vec<(String, String)>) -> Self {
        Self {
            form,
            errors,
            values,
            ..Default::default()
        }
    }

    pub(super) fn value(&self, form: &str, field: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.values
            .iter()
            .find(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    fn values_of(&self, form: &str, field: &str) -> Vec<String> {
        if self.form != form {
            return vec![];
        }
        self.values
            .iter()
            .filter(|(k, _)| k == field)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(super) fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.form == form)
            .then(|| self.errors.get(field))
            .flatten()
    }

    /// One field's error and typed value, for a part of the page drawn elsewhere.
    fn field(&self, form: &str, field: &str) -> super::case_person_panel::Field<'_> {
        super::case_person_panel::Field {
            error: self.error(form, field),
            value: self.value(form, field),
        }
    }
}

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
    values: Pairs,
) -> Response {
    render(app, office, id, CaseState::refused(form, errors, values)).await
}

async fn render(app: &AppState, office: &Office, id: Uuid, state: CaseState) -> Response {
    let refused = !state.errors.is_empty();
    match build(app, office, id, state).await {
        Ok(r) if refused => with_status(StatusCode::UNPROCESSABLE_ENTITY, r),
        Ok(r) => r,
        Err(e) => office.error(e),
    }
}

/// Everything the case page shows, read through the domain (each read is audited there).
struct CaseData {
    view: RequestView,
    events: Vec<crate::requests::view::TimelineEvent>,
    tasks: Vec<SourceTaskView>,
    decision: Option<DecisionView>,
    documents: Vec<decisions::DocumentView>,
    /// Art. 19 notices with their delivery status (staff who work decisions).
    notices: Vec<decisions::recipients::NoticeView>,
    person: persons::CasePerson,
    /// The latest withdrawal or forward proposed under four eyes.
    closing: Option<ClosingStepView>,
    /// Retting in progress: the collected records a corrected value can be given for.
    correctable: Vec<(String, Record)>,
    /// Staff usernames on the page (assignee, history, proposals) with the person's name.
    names: HashMap<String, String>,
    /// How the requester's identity was verified (none yet: no decision).
    verification: Option<VerificationView>,
    /// The representation the request was made through, and the represented person's name as
    /// Folkeregisteret gave it for the request (empty where not known).
    representation: Option<(crate::representation::RepresentationView, String)>,
    /// The representation the writer of a registered letter claims but has not proven.
    claim: Option<crate::representation::claim::ClaimView>,
}

async fn load(app: &AppState, office: &Office, id: Uuid) -> ServiceResult<CaseData> {
    let p = &office.principal;
    let view = queries::get(app, p, id).await?;
    let events = queries::events(app, p, id).await?;
    let tasks = collection::list(app, p, id).await?;
    // An auditor reads the case, not the decision being worked on: drafts are not theirs.
    let decision = if office.staff.role == Role::Auditor {
        None
    } else {
        match decisions::get(app, p, id).await {
            Ok(d) => Some(d),
            Err(ServiceError::NotFound(_)) => None,
            Err(e) => return Err(e),
        }
    };
    let documents = decisions::documents(app, p, id).await?;
    let notices = if office.staff.role == Role::Auditor {
        vec![]
    } else {
        decisions::recipients::list(app, p, id).await?
    };
    let person = persons::of_request(app, p, id).await?;
    let closing = closing::current(app, p, id).await?;
    let verification = verification::of_request(app, p, id).await?;
    let representation = match crate::requests::represented::of_request(app, p, id).await? {
        Some(rep) => Some((rep, decisions::generate::subject_name(app, id).await?)),
        None => None,
    };
    let claim = crate::requests::represented::claim_of(app, p, id).await?;
    let works = crate::access::allows(office.staff.role, crate::access::Act::WorkCase);
    let correctable = if works && view.kind == RightKind::Retting && view.status.is_open() {
        collection::records(app, p, id)
            .await?
            .into_iter()
            .filter(|r| r.operation == Operation::Access && !r.third_party)
            .filter_map(|r| r.record.map(|rec| (r.source, rec)))
            .collect()
    } else {
        vec![]
    };
    let mut usernames: Vec<String> = data_usernames(&events, view.assignee.as_deref());
    if let Some(by) = closing.as_ref().and_then(|c| c.proposed_by.clone()) {
        usernames.push(by);
    }
    // Who checked the representative's document, by name like everyone else on the page.
    if let Some(by) = representation
        .as_ref()
        .and_then(|(rep, _)| rep.verified_by.clone())
    {
        usernames.push(by);
    }
    let names = staff_names(app, usernames).await?;
    Ok(CaseData {
        representation,
        claim,
        verification,
        names,
        correctable,
        closing,
        view,
        events,
        tasks,
        decision,
        documents,
        notices,
        person,
    })
}

/// The staff usernames a case page names: the assignee and the actors of its history.
fn data_usernames(
    events: &[crate::requests::view::TimelineEvent],
    assignee: Option<&str>,
) -> Vec<String> {
    let mut names: Vec<String> = events
        .iter()
        .filter(|e| e.actor_kind == "staff" && !e.actor.is_empty())
        .map(|e| e.actor.clone())
        .collect();
    names.extend(assignee.map(str::to_string));
    names.sort();
    names.dedup();
    names
}

/// Staff members' names by username, so pages name people rather than their log-in names.
async fn staff_names(
    app: &AppState,
    usernames: Vec<String>,
) -> ServiceResult<HashMap<String, String>> {
    if usernames.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(staff_user::Entity::find()
        .filter(staff_user::Column::Username.is_in(usernames))
        .all(&app.db)
        .await?
        .into_iter()
        .map(|u| (u.username, u.display_name))
        .collect())
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

/// The language's name in the page's language ("ukrainsk"), not its code.
fn language_name(lang: crate::i18n::Language, language: crate::i18n::Language) -> String {
    crate::i18n::t(lang, &format!("office.language.{}", language.as_str())).to_string()
}

async fn build(
    app: &AppState,
    office: &Office,
    id: Uuid,
    state: CaseState,
) -> ServiceResult<Response> {
    let lang = office.lang;
    let t = |k: &str| office.t(k);
    let data = load(app, office, id).await?;
    let deliveries = super::letters_out::case_section(app, office, id).await?;
    let v = &data.view;
    let today = today_oslo();
    // Forms and actions only for the roles that work cases (an auditor reads).
    let works = crate::access::allows(office.staff.role, crate::access::Act::WorkCase);
    let open = v.status.is_open();
    let registry = app.registry.get(&app.db).await?;
    let colleagues = if works && open {
        assignable_staff(app, &[v.unit.id]).await?
    } else {
        vec![]
    };
    let mut units: Vec<(String, String, Uuid)> = registry
        .units
        .values()
        .filter(|u| u.id != v.unit.id)
        .map(|u| {
            let controller = registry
                .controllers
                .get(&u.controller_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (controller, u.name.clone(), u.id)
        })
        .collect();
    units.sort();
    let catalogue = decisions::catalogue::load(&app.db).await?;
    let bases: Vec<_> = catalogue.for_kind(v.kind).collect();
    let allowed = |a: Action| v.allowed_actions.contains(&a);
    let csrf = csrf_field(&office.session.session);
    let field_error = |form: &str, field: &str| -> Markup {
        html! {
            @if let Some(e) = state.error(form, field) {
                p.field-error id=(format!("{form}-{field}-error")) { (e) }
            }
        }
    };
    let described = |form: &str, field: &str| -> Option<String> {
        state
            .error(form, field)
            .map(|_| format!("{form}-{field}-error"))
    };
    let form_level = |form: &str| -> Markup {
        html! {
            @if state.form == form && !state.errors.is_empty() && state.errors.get("form").is_none() {
                div #notice tabindex="-1" autofocus { (state.errors.summary(lang, form)) }
            }
        }
    };
    let drafter_is_me = data.decision.as_ref().is_some_and(|d| {
        // The domain refuses approving one's own draft; the page does not offer it either.
        data.events
            .iter()
            .rev()
            .any(|e| e.action == "decision_drafted" && e.actor == office.staff.username)
            && d.status == DecisionStatus::Draft
    });
    let name_of = |username: &str| -> String {
        data.names
            .get(username)
            .cloned()
            .unwrap_or_else(|| username.to_string())
    };
    let four_eyes = registry
        .controllers
        .get(&v.controller.id)
        .is_some_and(|c| c.four_eyes);
    let draft = data
        .decision
        .as_ref()
        .filter(|d| d.status == DecisionStatus::Draft);
    // The approver (or, without four eyes, the drafter sending the answer) sees the exact letter
    // and package before the button that sends it; the button names the draft they saw.
    let approving = v.status == Status::AwaitingApproval
        && draft.is_some()
        && office.staff.role == Role::PrivacyOfficer
        && !drafter_is_me;
    let sending = v.status == Status::InProgress && draft.is_some() && works && !four_eyes;
    let letter = if approving || sending {
        Some(decisions::draft_documents(app, &office.principal, id).await?)
    } else {
        None
    };
    // Awaiting approval with nothing to approve: the page offers to make the draft.
    let stuck = works && v.status == Status::AwaitingApproval && draft.is_none();
    // Deciding waits for collection (or a privacy officer's waiver).
    let ready = decisions::collected::readiness(&app.db, id).await?;
    // An unproven representation: nothing to collect, no identity to check before refusing it.
    let claim_open = ready == decisions::collected::Readiness::NotCollected;
    let may_decide = works && (v.status == Status::InProgress || stuck);

    let facts = html! {
        dl.facts {
            div { dt { (t("office.case.kind")) } dd { (kind_label(lang, v.kind)) } }
            div { dt { (t("office.case.status")) } dd { span class=(format!("tag status-{}", v.status.as_str())) { (status_label(lang, v.status)) } } }
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
        (super::case_person_panel::language_form(office, v, &data.events, state.field("language", "language"), &csrf))
        @if let Some(reason) = &v.extension_reason {
            p.notice { strong { (t("office.case.extended")) } " " (reason) }
        }
        h2 { (t("office.case.description")) }
        p.pre { (v.description) }
    };

    let link_panel = super::case_person_panel::link_panel(
        app,
        office,
        id,
        &data.person,
        state.field("link", "other_pid"),
        &csrf,
    )
    .await?;
    let person = html! {
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
                (claim_panel(lang, id, claim, works && v.status.is_open(), &csrf, &state))
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
                None if claim_open => {}
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
    };

    let actions = html! {
        @if works && open {
            section.panel #actions tabindex="-1" aria-labelledby="actions-title" {
                h2 #actions-title { (t("office.case.actions")) }
                @if allowed(Action::Start) {
                    form.inline method="post" action=(format!("/office/sak/{id}/steg")) {
                        (csrf)
                        input type="hidden" name="action" value="start";
                        button type="submit" { (t("office.case.start")) }
                    }
                }
                form method="post" action=(format!("/office/sak/{id}/tildel")) {
                    (csrf)
                    (form_level("assign"))
                    div.field {
                        label for="assign-assignee" { (t("office.case.assign_to")) }
                        select #assign-assignee name="assignee" {
                            option value="" { (t("office.case.nobody")) }
                            @for c in &colleagues {
                                option value=(c.username) selected[v.assignee.as_deref() == Some(c.username.as_str())] { (c.display_name) }
                            }
                        }
                    }
                    div.actions {
                        button type="submit" { (t("office.case.assign")) }
                        @if v.assignee.as_deref() != Some(office.staff.username.as_str()) {
                            button.secondary type="submit" name="assignee" value=(office.staff.username) { (t("office.case.assign_me")) }
                        }
                    }
                }
                @if allowed(Action::AskRequester) {
                    details open[state.form == "ask"] {
                        summary { (t("office.case.ask")) }
                        form method="post" action=(format!("/office/sak/{id}/steg")) {
                            (csrf)
                            (form_level("ask"))
                            input type="hidden" name="action" value="ask_requester";
                            div.field {
                                label for="ask-note" { (t("office.case.question")) }
                                textarea #ask-note name="note" rows="4" required aria-invalid=[state.error("ask", "note").map(|_| "true")] aria-describedby=[described("ask", "note")] { (state.value("ask", "note")) }
                                (field_error("ask", "note"))
                            }
                            div.choice {
                                input #ask-for_identity type="checkbox" name="for_identity" value="true" checked[state.value("ask", "for_identity") == "true"];
                                label for="ask-for_identity" { (t("office.case.ask_for_identity")) }
                            }
                            button type="submit" { (t("office.case.ask_button")) }
                        }
                    }
                }
                @if allowed(Action::RequesterAnswered) {
                    form method="post" action=(format!("/office/sak/{id}/steg")) {
                        (csrf)
                        input type="hidden" name="action" value="requester_answered";
                        div.field {
                            label for="answered-note" { (t("office.case.answered_note")) }
                            textarea #answered-note name="note" rows="3" { (state.value("answered", "note")) }
                        }
                        button type="submit" { (t("office.case.answered")) }
                    }
                }
                details open[state.form == "extend"] {
                    summary { (t("office.case.extend")) }
                    @if let Some(why) = extend_closed(lang, v, today) {
                        p.hint { (why) }
                    } @else {
                    form method="post" action=(format!("/office/sak/{id}/frist")) {
                        (csrf)
                        (form_level("extend"))
                        p.hint { (t("office.case.extend_hint")) " " (date(v.extended_due_on)) "." }
                        div.field {
                            label for="extend-reason" { (t("office.case.reason")) }
                            textarea #extend-reason name="reason" rows="3" required aria-invalid=[state.error("extend", "reason").map(|_| "true")] aria-describedby=[described("extend", "reason")] { (state.value("extend", "reason")) }
                            (field_error("extend", "reason"))
                        }
                        div.field {
                            label for="extend-due_on" { (t("office.case.new_due")) }
                            input #extend-due_on type="date" name="due_on" value=(state.value("extend", "due_on")) min=(v.due_on.succ_opt().unwrap_or(v.due_on)) max=(v.extended_due_on) aria-invalid=[state.error("extend", "due_on").map(|_| "true")] aria-describedby=[described("extend", "due_on")];
                            (field_error("extend", "due_on"))
                        }
                        button type="submit" { (t("office.case.extend_button")) }
                    }
                    }
                }
                details #expected open[state.form == "expected" || (v.due_on < today && v.expected_answer_on.is_none())] {
                    summary { (t("office.case.expected")) }
                    form method="post" action=(format!("/office/sak/{id}/forventet-svar")) {
                        (csrf)
                        (form_level("expected"))
                        p.hint { (t("office.case.expected_hint")) }
                        div.field {
                            label for="expected-expected_on" { (t("office.case.expected_on")) }
                            input #expected-expected_on type="date" name="expected_on" value=(if state.form == "expected" { state.value("expected", "expected_on") } else { v.expected_answer_on.map(|d| d.to_string()).unwrap_or_default() }) min=(today) aria-invalid=[state.error("expected", "expected_on").map(|_| "true")] aria-describedby=[described("expected", "expected_on")];
                            (field_error("expected", "expected_on"))
                        }
                        button type="submit" { (t("office.case.expected_button")) }
                    }
                }
                details open[state.form == "forward"] {
                    summary { (t("office.case.forward")) }
                    form method="post" action=(format!("/office/sak/{id}/videresend")) {
                        (csrf)
                        (form_level("forward"))
                        div.field {
                            label for="forward-unit_id" { (t("office.case.forward_to")) }
                            select #forward-unit_id name="unit_id" required aria-invalid=[state.error("forward", "unit_id").map(|_| "true")] aria-describedby=[described("forward", "unit_id")] {
                                option value="" { (t("office.case.choose")) }
                                @for (controller, unit, uid) in &units {
                                    option value=(uid) selected[state.value("forward", "unit_id") == uid.to_string()] { (unit) " – " (controller) }
                                }
                            }
                            (field_error("forward", "unit_id"))
                        }
                        div.field {
                            label for="forward-note" { (t("office.case.forward_note")) }
                            textarea #forward-note name="note" rows="2" { (state.value("forward", "note")) }
                            (field_error("forward", "note"))
                        }
                        button type="submit" { (t("office.case.forward_button")) }
                    }
                }
            }
        }
    };

    let sources = html! {
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
                                            (manual_form(office, id, task, &state, &csrf))
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
            @if works && open && claim_open {
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
    };

    let decision = html! {
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
                (collection_blocked(office, id, &ready, &state, &csrf))
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
                    @if data.verification.is_none() && !claim_open {
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
                        @for b in &bases {
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
            @if !data.notices.is_empty() {
                h3 #notices-title { (t("office.case.notices")) }
                p.hint { (t("office.case.notices_hint")) }
                table aria-labelledby="notices-title" {
                    thead { tr {
                        th scope="col" { (t("office.case.notice_recipient")) }
                        th scope="col" { (t("office.case.notice_channel")) }
                        th scope="col" { (t("office.case.notice_status")) }
                        th scope="col" { (t("office.case.notice_letter")) }
                        th scope="col" { span.visually-hidden { (t("office.case.notice_actions")) } }
                    } }
                    tbody {
                        @for n in &data.notices {
                            tr {
                                td { (n.recipient) }
                                td { (t(&format!("office.case.notice_channel_{}", n.channel.as_str()))) }
                                td {
                                    (t(&format!("office.case.notice_status_{}", n.status.as_str())))
                                    @if let Some(e) = &n.error { br; small { (e) } }
                                }
                                td {
                                    @if let Some(doc) = n.document_href.as_deref().and_then(|h| h.rsplit('/').next()) {
                                        a href=(format!("/office/sak/{id}/dokument/{doc}")) { (t("office.case.notice_letter")) }
                                    }
                                }
                                td {
                                    @if works && matches!(n.status, NoticeStatus::Manual | NoticeStatus::Failed) {
                                        form method="post" action=(format!("/office/sak/{id}/melding/{}/sendt", n.id)) {
                                            (csrf)
                                            button.secondary type="submit" { (t("office.case.notice_mark_sent")) }
                                        }
                                    }
                                    @if works && n.status == NoticeStatus::Failed && n.channel == NoticeChannel::Protocol {
                                        form method="post" action=(format!("/office/sak/{id}/melding/{}/igjen", n.id)) {
                                            (csrf)
                                            button.secondary type="submit" { (t("office.case.notice_retry")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if !data.documents.is_empty() {
                h3 { (t("office.case.documents")) }
                ul {
                    @for d in &data.documents {
                        li { a href=(format!("/office/sak/{id}/dokument/{}", d.id)) { (d.name) } " (" (d.size / 1024 + 1) " kB)" }
                    }
                }
            }
            (deliveries)
        }
    };

    // Four eyes on a withdrawal or forward: what waits, and approve/return for another officer.
    let closing = html! {
        @if let Some(step) = data.closing.as_ref().filter(|s| open && s.status != ClosingStatus::Approved) {
            section.panel aria-labelledby="closing-title" {
                h2 #closing-title { (t("office.case.closing_title")) }
                (form_level("closing"))
                dl.facts {
                    div { dt { (t("office.case.closing_step")) } dd { (t(&format!("office.case.closing_step_{}", step.action.as_str()))) } }
                    div { dt { (t("office.case.closing_status")) } dd { (t(&format!("office.case.closing_status_{}", step.status.as_str()))) } }
                    div { dt { (t("office.case.closing_proposed_by")) } dd { (step.proposed_by.as_deref().map(name_of).unwrap_or_else(|| "–".into())) " " (crate::web::date_time(lang, step.proposed_at)) } }
                    @if let Some(unit) = step.unit_id.and_then(|u| registry.units.get(&u)) {
                        div { dt { (t("office.case.closing_to")) } dd { (unit.name) " – " (registry.controllers.get(&unit.controller_id).map(|c| c.name.as_str()).unwrap_or_default()) } }
                    }
                    @if let Some(w) = &step.withdrawal {
                        div { dt { (t("office.case.closing_withdrawal")) } dd { (t(&format!("office.case.closing_channel_{}", w.channel.as_str()))) " " (date(w.received_on)) @if let Some(r) = &w.reference { " (" (r) ")" } } }
                    }
                    @if let Some(n) = &step.note {
                        div { dt { (t("office.case.closing_note")) } dd.pre { (n) } }
                    }
                    @if let Some(c) = &step.review_comment {
                        div { dt { (t("office.case.review_comment")) } dd.pre { (c) } }
                    }
                }
                @if step.status == ClosingStatus::Pending && office.staff.role == Role::PrivacyOfficer {
                    @if step.proposed_by.as_deref() == Some(office.staff.username.as_str()) {
                        p.notice { (t("office.case.closing_own")) }
                    } @else {
                        div.approve-box {
                            form.inline method="post" action=(format!("/office/sak/{id}/avslutning/godkjenn")) {
                                (csrf)
                                button type="submit" { (t("office.case.closing_approve")) }
                            }
                            details open[state.form == "closing"] {
                                summary { (t("office.case.closing_return")) }
                                form method="post" action=(format!("/office/sak/{id}/avslutning/returner")) {
                                    (csrf)
                                    div.field {
                                        label for="closing-comment" { (t("office.case.return_comment")) }
                                        textarea #closing-comment name="comment" rows="3" required aria-invalid=[state.error("closing", "comment").map(|_| "true")] aria-describedby=[described("closing", "comment")] { (state.value("closing", "comment")) }
                                        (field_error("closing", "comment"))
                                    }
                                    button.secondary type="submit" { (t("office.case.return_button")) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };

    // Art. 18(3): a granted restriction is lifted only after the person is told.
    let has_event = |action: &str| data.events.iter().any(|e| e.action == action);
    let restriction_in_force = works
        && v.kind == RightKind::Begrensning
        && v.status == Status::Completed
        && v.outcome.is_some_and(|o| o != Outcome::Refused)
        && !has_event("restriction_lifted");
    let told = has_event("restriction_lift_notified");
    let lift = html! {
        @if restriction_in_force {
            section.panel aria-labelledby="lift-title" {
                h2 #lift-title { (t("office.case.lift_title")) }
                (form_level("lift"))
                @if told {
                    p { (t("office.case.lift_told")) }
                    form method="post" action=(format!("/office/sak/{id}/begrensning/opphev")) {
                        (csrf)
                        button type="submit" { (t("office.case.lift_button")) }
                    }
                } @else {
                    p.hint { (t("office.case.lift_hint")) }
                    form method="post" action=(format!("/office/sak/{id}/begrensning/varsel")) {
                        (csrf)
                        div.field {
                            label for="lift-reason" { (t("office.case.lift_reason")) }
                            textarea #lift-reason name="reason" rows="3" required aria-invalid=[state.error("lift", "reason").map(|_| "true")] aria-describedby=[described("lift", "reason")] { (state.value("lift", "reason")) }
                            (field_error("lift", "reason"))
                        }
                        div.field {
                            label for="lift-on" { (t("office.case.lift_on")) }
                            input #lift-on type="date" name="lift_on" value=(state.value("lift", "lift_on")) aria-invalid=[state.error("lift", "lift_on").map(|_| "true")] aria-describedby=[described("lift", "lift_on")];
                            (field_error("lift", "lift_on"))
                        }
                        button type="submit" { (t("office.case.lift_notify_button")) }
                    }
                }
            }
        }
    };

    let notes = html! {
        @if works {
            section.panel aria-labelledby="note-title" {
                h2 #note-title { (t("office.case.note")) }
                form method="post" action=(format!("/office/sak/{id}/notat")) {
                    (csrf)
                    (form_level("note"))
                    div.field {
                        label for="note-text" { (t("office.case.note_label")) }
                        textarea #note-text name="text" rows="3" required aria-invalid=[state.error("note", "text").map(|_| "true")] aria-describedby=[described("note", "text")] { (state.value("note", "text")) }
                        (field_error("note", "text"))
                    }
                    button.secondary type="submit" { (t("office.case.add_note")) }
                }
            }
        }
    };

    let complaints = super::complaints_panel::panel(
        app,
        office,
        v,
        super::complaints_panel::FormState {
            error: &|form, field| state.error(form, field).map(str::to_string),
            value: &|form, field| state.value(form, field),
        },
        &csrf,
    )
    .await?;

    let timeline = html! {
        section.panel aria-labelledby="timeline-title" {
            h2 #timeline-title { (t("office.case.timeline")) }
            ol.timeline {
                @for e in data.events.iter().rev().filter(|e| !no_op(e)) {
                    @let label = crate::i18n::lookup(lang, &format!("office.event.{}", e.action)).unwrap_or(e.action.as_str());
                    li {
                        time datetime=(e.at.to_rfc3339()) { (crate::web::date_time(lang, e.at)) }
                        " "
                        strong { (label) }
                        @if let Some(d) = super::case_person_panel::event_detail(lang, e) { " " (d) }
                        @if e.actor_kind == "citizen" { " – " (t("office.case.actor_citizen")) }
                        @else if !e.actor.is_empty() { " – " (name_of(&e.actor)) }
                        @if let Some(to) = e.to_status.filter(|to| e.from_status != Some(*to) && status_label(lang, *to) != label) { " → " (status_label(lang, to)) }
                        @for key in ["note", "reason", "comment"] {
                            @if let Some(text) = e.details.get(key).and_then(|x| x.as_str()) {
                                p.pre.event-text { (text) }
                            }
                        }
                    }
                }
            }
        }
    };

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
    let body = html! {
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
    };
    let title = format!("{} – {}", v.reference, kind_label(lang, v.kind));
    Ok(frame(office, Section::Queue, &title, body))
}

/// A history line that changes nothing ("Mottatt → Mottatt" with nothing said) is left out.
fn no_op(e: &crate::requests::view::TimelineEvent) -> bool {
    let said = ["note", "reason", "comment"].iter().any(|k| {
        e.details
            .get(*k)
            .and_then(|x| x.as_str())
            .is_some_and(|t| !t.is_empty())
    });
    e.from_status.is_some() && e.from_status == e.to_status && !said
}

/// Why the extend form is not offered: the first deadline has passed (art. 12(3) extends only
/// within it), or the deadline is already the latest allowed. `None`: a later date can be chosen.
fn extend_closed(
    lang: crate::i18n::Language,
    v: &RequestView,
    today: chrono::NaiveDate,
) -> Option<String> {
    let first_due_on = crate::deadlines::due_date(v.received_on);
    if today > first_due_on {
        return Some(crate::i18n::tf(
            lang,
            "office.case.extend_too_late",
            &[("date", &date(first_due_on))],
        ));
    }
    (v.due_on >= v.extended_due_on).then(|| {
        crate::i18n::tf(
            lang,
            "office.case.extend_at_latest",
            &[("date", &date(v.extended_due_on))],
        )
    })
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

/// The source part of `/office/sak/{id}/innhenting/{source}/…`.
#[derive(Debug, Deserialize)]
pub struct SourcePath {
    #[allow(dead_code)]
    id: String,
    source: String,
}

/// After a domain call from a form: back to the case on success, the case with the error
/// beside its field when the input was refused, an error page otherwise.
pub(super) async fn settle<T>(
    app: &AppState,
    office: &Office,
    id: Uuid,
    form: &'static str,
    values: Pairs,
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

pub async fn assign(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    // "Assign to me" sends a second `assignee`; the button pressed comes last.
    let assignee = form
        .iter()
        .rev()
        .find(|(k, _)| k == "assignee")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let result = case::assign(&app, &office.principal, id, AssignInput { assignee }).await;
    settle(&app, &office, id, "assign", form, result, "assigned").await
}

/// An optional date field: empty is `None`; what is not a date is refused beside the field.
fn optional_date(
    office: &Office,
    form: &Pairs,
    field: &'static str,
) -> Result<Option<chrono::NaiveDate>, FormErrors> {
    let raw = one(form, field);
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse().map(Some).map_err(|_| {
        let mut errors = FormErrors::default();
        errors.push(field, office.t("office.err.date"));
        errors
    })
}

/// The date the person can expect the answer by (empty clears it); a past or unreadable date
/// is refused beside the field.
pub async fn expected_answer(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let expected_on = match optional_date(&office, &form, "expected_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("expected", errors, form),
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
            CaseState::refused("expected", errors, form),
        )
        .await;
    }
    settle(&app, &office, id, "expected", form, result, "expected").await
}

pub async fn extend(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let due_on = match optional_date(&office, &form, "due_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("extend", errors, form),
            )
            .await;
        }
    };
    let input = decisions::extension::ExtendInput {
        reason: one(&form, "reason"),
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
            CaseState::refused("extend", errors, form),
        )
        .await;
    }
    settle(&app, &office, id, "extend", form, result, "extended").await
}

pub async fn forward(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let Ok(unit_id) = one(&form, "unit_id").parse::<Uuid>() else {
        let mut errors = FormErrors::default();
        errors.push("unit_id", office.t("office.err.unit_id"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("forward", errors, form),
        )
        .await;
    };
    let note = Some(one(&form, "note")).filter(|n| !n.trim().is_empty());
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
            CaseState::refused("forward", errors, form),
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
        other => settle(&app, &office, id, "forward", form, other, "forwarded").await,
    }
}

/// Four eyes: approves the proposed withdrawal or forward, which is then carried out.
pub async fn closing_approve(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let result = closing::approve(&app, &office.principal, id).await;
    settle(
        &app,
        &office,
        id,
        "closing",
        form,
        result,
        "closing_approved",
    )
    .await
}

/// Four eyes: returns the proposed withdrawal or forward with a comment.
pub async fn closing_return(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = ClosingReturnInput {
        comment: one(&form, "comment"),
    };
    let result = closing::send_back(&app, &office.principal, id, input).await;
    settle(
        &app,
        &office,
        id,
        "closing",
        form,
        result,
        "closing_returned",
    )
    .await
}

pub async fn note(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = NoteInput {
        text: one(&form, "text"),
    };
    let result = case::note(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "note", form, result, "noted").await
}

pub async fn transition(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    // The page offers only the steps that are not a decision's; completing goes through one.
    let (action, form_name) = match one(&form, "action").as_str() {
        "start" => (Action::Start, "start"),
        "ask_requester" => (Action::AskRequester, "ask"),
        "requester_answered" => (Action::RequesterAnswered, "answered"),
        _ => return office.error(ServiceError::invalid("action", "unknown step")),
    };
    let note = Some(one(&form, "note")).filter(|n| !n.is_empty());
    if action == Action::AskRequester && note.is_none() {
        let mut errors = FormErrors::default();
        errors.push("note", office.t("office.err.question"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused(form_name, errors, form),
        )
        .await;
    }
    let input = TransitionInput {
        action,
        note,
        withdrawal: None,
        outcome: None,
        // The ask form's checkbox: the question asks for proof of identity.
        for_identity: action == Action::AskRequester && one(&form, "for_identity") == "true",
    };
    let result = case::transition(&app, &office.principal, id, input).await;
    settle(&app, &office, id, form_name, form, result, action.as_str()).await
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

/// Checks a claimed representation again (after its document was registered): proven, the case
/// goes on as a represented request; still not proven, said beside the button.
pub async fn check_claim(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    match crate::requests::represented::prove_claim(&app, &office.principal, id).await {
        Err(ServiceError::Conflict(_)) => {
            let mut errors = FormErrors::default();
            errors.push("claim", office.t("office.err.claim_unproven"));
            render(&app, &office, id, CaseState::refused("claim", errors, form)).await
        }
        result => {
            settle(
                &app,
                &office,
                id,
                "claim",
                form,
                result,
                "representation_proven",
            )
            .await
        }
    }
}

/// Records how the requester's identity was verified; refused fields are shown beside them.
pub async fn verify_identity(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let Some(method) = VerificationMethod::parse(&one(&form, "method")) else {
        let mut errors = FormErrors::default();
        errors.push("method", office.t("office.err.verification_method"));
        return render(
            &app,
            &office,
            id,
            CaseState::refused("identity", errors, form),
        )
        .await;
    };
    let optional = |field: &str| Some(one(&form, field)).filter(|v| !v.trim().is_empty());
    let input = VerifyIdentity {
        method,
        document_type: optional("document_type").and_then(|d| DocumentType::parse(&d)),
        document_number: optional("document_number"),
        note: optional("note"),
    };
    let result = verification::record(&app, &office.principal, id, input).await;
    settle(
        &app,
        &office,
        id,
        "identity",
        form,
        result,
        "identity_verified",
    )
    .await
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

/// Shows the full number on this one answer (never in a URL), after auditing the reveal.
pub async fn reveal_pid(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { .. }: CsrfForm<Pairs>,
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

fn operation_of(form: &Pairs) -> Option<Operation> {
    Operation::parse(&one(form, "operation"))
}

/// The longest corrected value (the API's limit).
const MAX_CORRECTION: usize = 2000;

/// The collection form as the API's input: the operation and, for rectify, the corrected value
/// per record (`correction_record_{n}` names the record, `correction_value_{n}` its new value;
/// an empty value means the record is not corrected), which narrows the rectification to those
/// records. A value refused is reported beside its field, in the page's language.
fn collect_input(office: &Office, form: &Pairs) -> Result<CollectInput, FormErrors> {
    let operation = operation_of(form);
    let mut errors = FormErrors::default();
    let mut corrections = Vec::new();
    for (key, record_id) in form {
        let Some(n) = key.strip_prefix("correction_record_") else {
            continue;
        };
        let field = format!("correction_value_{n}");
        let value = one(form, &field).trim().to_string();
        if value.is_empty() {
            continue;
        }
        if operation != Some(Operation::Rectify) {
            errors.push(&field, office.t("office.err.correction_not_rectify"));
        } else if value.chars().count() > MAX_CORRECTION {
            errors.push(&field, office.t("office.err.correction_too_long"));
        } else {
            corrections.push(Correction {
                record_id: record_id.clone(),
                value,
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // Corrected values narrow the rectification to the records they are for.
    let record_ids = corrections.iter().map(|c| c.record_id.clone()).collect();
    Ok(CollectInput {
        operation,
        record_ids,
        corrections,
    })
}

pub async fn collect(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = match collect_input(&office, &form) {
        Ok(input) => input,
        Err(errors) => {
            return render(
                &app,
                &office,
                id,
                CaseState::refused("collect", errors, form),
            )
            .await;
        }
    };
    let result = collection::start(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "collect", form, result, "collecting").await
}

pub async fn retry(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let result = collection::retry(&app, &office.principal, id, source, operation_of(&form)).await;
    settle(&app, &office, id, "collect", form, result, "retrying").await
}

/// Parses the manual entry lines; the error says which line is wrong.
fn manual_input(form: &Pairs, operation: Operation) -> Result<ManualInput, String> {
    let lines: Vec<&str> = form
        .iter()
        .find(|(k, _)| k == "lines")
        .map(|(_, v)| v.lines().map(str::trim).filter(|l| !l.is_empty()).collect())
        .unwrap_or_default();
    let mut input = ManualInput {
        records: vec![],
        results: vec![],
    };
    for (n, line) in lines.iter().enumerate() {
        let parts: Vec<&str> = line.splitn(3, ';').map(str::trim).collect();
        let [a, b, c] = parts[..] else {
            return Err(format!("{}: {line}", n + 1));
        };
        if a.is_empty() || b.is_empty() || c.is_empty() {
            return Err(format!("{}: {line}", n + 1));
        }
        if operation == Operation::Access {
            input.records.push(Record {
                id: format!("manual-{}", n + 1),
                category: a.into(),
                label: b.into(),
                value: c.into(),
                recorded_at: None,
                purpose: one(form, "purpose"),
                legal_basis: one(form, "legal_basis"),
                recipients: vec![],
                retention: one(form, "retention"),
                special_category: false,
                third_party: false,
            });
        } else {
            let outcome: RecordOutcome =
                serde_json::from_value(serde_json::Value::String(c.into()))
                    .map_err(|_| format!("{}: {c}", n + 1))?;
            input.results.push(RecordResult {
                record_id: a.into(),
                category: String::new(),
                label: b.into(),
                outcome,
                reason: None,
                legal_basis: None,
                until: None,
                third_party: false,
                new_value: None,
            });
        }
    }
    Ok(input)
}

pub async fn manual(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let operation = operation_of(&form).unwrap_or(Operation::Access);
    let input = match manual_input(&form, operation) {
        Ok(input) => input,
        Err(line) => {
            let mut errors = FormErrors::default();
            errors.push(
                "lines",
                crate::i18n::tf(office.lang, "office.err.manual_line", &[("line", &line)]),
            );
            return render(
                &app,
                &office,
                id,
                CaseState::refused("manual", errors, form),
            )
            .await;
        }
    };
    let result =
        collection::complete_manual(&app, &office.principal, id, source, Some(operation), input)
            .await;
    settle(&app, &office, id, "manual", form, result, "recorded").await
}

fn draft_input(office: &Office, form: &Pairs) -> Result<DraftInput, FormErrors> {
    let Some(outcome) = Outcome::parse(&one(form, "outcome")) else {
        let mut errors = FormErrors::default();
        errors.push("outcome", office.t("office.err.outcome"));
        return Err(errors);
    };
    Ok(DraftInput {
        outcome,
        legal_bases: form
            .iter()
            .filter(|(k, _)| k == "legal_bases")
            .map(|(_, v)| v.clone())
            .collect(),
        text: one(form, "text"),
    })
}

/// Saves the draft (to approval under four eyes), or with `go=preview` shows the letter it
/// would give, in the person's language, without saving anything.
pub async fn decide(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    // Before collection has finished (or been waived) there is nothing to decide on: the page
    // says so beside the waiver's reason, in its language.
    match decisions::collected::readiness(&app.db, id).await {
        Ok(ready) if !ready.allows_deciding() => {
            let mut errors = FormErrors::default();
            errors.push("reason", office.t("office.err.collection_first"));
            return render(&app, &office, id, CaseState::refused("waive", errors, form)).await;
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
                CaseState::refused("decision", errors, form),
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
            CaseState::refused("decision", errors, form),
        )
        .await;
    }
    if one(&form, "go") == "preview" {
        return match decisions::preview(&app, &office.principal, id, input).await {
            Ok(html) => letter_preview(html),
            Err(e) => settle::<()>(&app, &office, id, "decision", form, Err(e), "").await,
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
            CaseState::refused("decision", errors, form),
        )
        .await;
    }
    // Under four eyes saving sends the draft to approval: the notice says so.
    let done = if result.as_ref().is_ok_and(|d| d.four_eyes) {
        "submitted"
    } else {
        "drafted"
    };
    settle(&app, &office, id, "decision", form, result, done).await
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

pub async fn approve(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    // From the page, only the draft whose letter was shown beside the button is approved.
    let Ok(seen) = one(&form, "decision_id").parse::<Uuid>() else {
        let mut errors = FormErrors::default();
        errors.push("form", office.t("office.err.letter_not_seen"));
        return render(&app, &office, id, CaseState::refused("form", errors, form)).await;
    };
    let result = decisions::approve_seen(&app, &office.principal, id, Some(seen)).await;
    if matches!(&result, Err(ServiceError::Conflict(_))) {
        let mut errors = FormErrors::default();
        errors.push("form", office.t("office.err.letter_changed"));
        return render(&app, &office, id, CaseState::refused("form", errors, form)).await;
    }
    settle(&app, &office, id, "form", form, result, "approved").await
}

/// The caseworker waives collection so the decision can be made (reason recorded).
pub async fn waive(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = decisions::collected::WaiveInput {
        reason: one(&form, "reason"),
    };
    let result = decisions::collected::waive(&app, &office.principal, id, input).await;
    if matches!(&result, Err(ServiceError::Invalid { .. })) {
        let mut errors = FormErrors::default();
        errors.push("reason", office.t("office.err.waive_reason"));
        return render(&app, &office, id, CaseState::refused("waive", errors, form)).await;
    }
    settle(&app, &office, id, "waive", form, result, "waived").await
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
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let input = ReturnInput {
        comment: one(&form, "comment"),
    };
    let result = decisions::send_back(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "return", form, result, "returned").await
}

/// Art. 18(3) step 1 from the case page: tell the person before the restriction is lifted.
pub async fn lift_notice(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let lift_on = match optional_date(&office, &form, "lift_on") {
        Ok(d) => d,
        Err(errors) => {
            return render(&app, &office, id, CaseState::refused("lift", errors, form)).await;
        }
    };
    let input = decisions::restriction::LiftNoticeInput {
        reason: one(&form, "reason"),
        lift_on,
    };
    let result = decisions::restriction::notify(&app, &office.principal, id, input).await;
    settle(&app, &office, id, "lift", form, result, "lift_notified").await
}

/// Art. 18(3) step 2 from the case page: lift, after the notice and from its date.
pub async fn lift(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let result = decisions::restriction::lift(&app, &office.principal, id).await;
    settle(&app, &office, id, "lift", form, result, "lifted").await
}

/// Art. 18(3) at a source without a protocol lift: the caseworker lifted it by hand.
pub async fn lifted_by_hand(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(SourcePath { source, .. }): Path<SourcePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    let result = decisions::restriction::lifted_by_hand(&app, &office.principal, id, source).await;
    settle(&app, &office, id, "lift", form, result, "lift_done").await
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
    form: Pairs,
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
    settle(&app, &office, id, "notice", form, result, done).await
}

pub async fn notice_sent(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(NoticePath { notice, .. }): Path<NoticePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    notice_action(app, office, id, &notice, form, NoticeAction::Sent).await
}

pub async fn notice_retry(
    State(app): State<AppState>,
    office: Office,
    CaseId(id): CaseId,
    Path(NoticePath { notice, .. }): Path<NoticePath>,
    CsrfForm { form, .. }: CsrfForm<Pairs>,
) -> Response {
    notice_action(app, office, id, &notice, form, NoticeAction::Retry).await
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
