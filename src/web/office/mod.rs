//! The office: the pages caseworkers, privacy officers, auditors and administrators work in all
//! day. Server-rendered, keyboard-first, every page usable without JavaScript. Each page is a thin
//! layer over the same domain functions the JSON API calls, with the logged-in staff member as
//! the principal, so visibility, audit and the lifecycle rules are the same in both.
pub mod admin;
pub mod admin_registry;
pub mod admin_rules;
pub mod admin_sources;
pub mod admin_staff;
pub mod admin_staff_units;
pub mod case;
pub mod case_person;
pub mod case_person_panel;
pub mod complaints;
pub mod complaints_panel;
pub mod letters_out;
pub mod merges;
pub mod queue;
pub mod register;
pub mod reports;
pub mod representatives;

use axum::{
    Router,
    extract::FromRequestParts,
    http::{StatusCode, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use maud::{Markup, html};

use super::{ErrorKind, Lang, MaybeSession, PageError, PageSession, layout_wide};
use crate::{
    app::AppState,
    auth::{Principal, Staff, sessions::SessionKind},
    error::ServiceError,
    i18n::{Language, t},
    lifecycle::{Outcome, RightKind, Role, Status},
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/office", get(queue::page))
        .route("/office/tildel", post(queue::bulk_assign))
        .route("/office/sak/{id}", get(case::page))
        .route(
            "/office/sak/{id}/vedlegg/{file}",
            get(case::download_attachment),
        )
        .route("/office/sak/{id}/tildel", post(case::assign))
        .route("/office/sak/{id}/frist", post(case::extend))
        .route("/office/sak/{id}/videresend", post(case::forward))
        .route("/office/sak/{id}/notat", post(case::note))
        .route("/office/sak/{id}/klage", post(complaints::register))
        .route(
            "/office/sak/{id}/klage/{complaint}/klageinstans",
            post(complaints::sent_on),
        )
        .route(
            "/office/sak/{id}/klage/{complaint}/utfall",
            post(complaints::outcome),
        )
        .route("/office/sak/{id}/steg", post(case::transition))
        .route("/office/sak/{id}/fnr", post(case::reveal_pid))
        .route("/office/sak/{id}/identitet", post(case::verify_identity))
        .route(
            "/office/sak/{id}/representasjon/sjekk",
            post(case::check_claim),
        )
        .route("/office/sak/{id}/sprak", post(case_person::change_language))
        .route("/office/sak/{id}/nummer", post(case_person::link_number))
        .route("/office/sak/{id}/innhenting", post(case::collect))
        .route("/office/sak/{id}/innhenting/frafall", post(case::waive))
        .route(
            "/office/sak/{id}/forventet-svar",
            post(case::expected_answer),
        )
        .route(
            "/office/sak/{id}/innhenting/{source}/igjen",
            post(case::retry),
        )
        .route(
            "/office/sak/{id}/innhenting/{source}/manuell",
            post(case::manual),
        )
        .route("/office/sak/{id}/vedtak", post(case::decide))
        .route("/office/sak/{id}/vedtak/godkjenn", post(case::approve))
        .route("/office/sak/{id}/vedtak/returner", post(case::send_back))
        .route(
            "/office/sak/{id}/vedtak/utkast/{part}",
            get(case::draft_document),
        )
        .route(
            "/office/sak/{id}/avslutning/godkjenn",
            post(case::closing_approve),
        )
        .route(
            "/office/sak/{id}/avslutning/returner",
            post(case::closing_return),
        )
        .route("/office/sak/{id}/dokument/{doc}", get(case::download))
        .route(
            "/office/sak/{id}/begrensning/varsel",
            post(case::lift_notice),
        )
        .route("/office/sak/{id}/begrensning/opphev", post(case::lift))
        .route(
            "/office/sak/{id}/begrensning/opphevet/{source}",
            post(case::lifted_by_hand),
        )
        .route(
            "/office/sak/{id}/melding/{notice}/sendt",
            post(case::notice_sent),
        )
        .route(
            "/office/sak/{id}/melding/{notice}/igjen",
            post(case::notice_retry),
        )
        .route(
            "/office/registrer",
            get(register::page).post(register::submit),
        )
        .route(letters_out::PATH, get(letters_out::page))
        .route(
            "/office/utsending/{job}/postet",
            post(letters_out::mark_posted),
        )
        .route(
            representatives::PATH,
            get(representatives::page).post(representatives::submit),
        )
        .route(merges::PATH, get(merges::page))
        .route("/office/sammenslaing/{id}/godkjenn", post(merges::approve))
        .route("/office/sammenslaing/{id}/avvis", post(merges::refuse))
        .route("/office/rapporter", get(reports::page))
        .route("/office/rapporter/last-ned", get(reports::download))
        .route("/office/admin", get(admin::page))
        .route(
            "/office/admin/ansatte",
            get(admin_staff::staff_page).post(admin_staff::add_staff),
        )
        .route(
            "/office/admin/ansatte/{id}",
            get(admin_staff::person_page).post(admin_staff::update_staff),
        )
        .route(
            "/office/admin/ansatte/{id}/enheter",
            post(admin_staff_units::add_units),
        )
        .route(
            "/office/admin/ansatte/{id}/enheter/{unit}/fjern",
            get(admin_staff_units::confirm_remove_unit).post(admin_staff_units::remove_unit),
        )
        .route("/office/admin/kilder", get(admin_sources::sources_page))
        .route(
            "/office/admin/kilder/{id}",
            post(admin_sources::toggle_source),
        )
        .route(
            "/office/admin/kilder/{id}/ta-ut",
            get(admin_sources::confirm_source_off),
        )
        .route(
            "/office/admin/behandlingsansvarlige",
            get(admin::controllers_page),
        )
        .route(
            "/office/admin/behandlingsansvarlige/{id}",
            get(admin_registry::controller_page).post(admin_registry::update_controller),
        )
        .route("/office/admin/enheter", get(admin::units_page))
        .route(
            "/office/admin/enheter/{id}",
            get(admin_registry::unit_page).post(admin_registry::update_unit),
        )
        .route(
            "/office/admin/regler",
            get(admin_rules::rules_page).post(admin_rules::add_rule),
        )
        .route(
            "/office/admin/regler/{id}/slett",
            get(admin_rules::confirm_rule_off).post(admin_rules::deactivate_rule),
        )
        .route(
            "/office/admin/regler/{id}/pa",
            post(admin_rules::activate_rule),
        )
}

/// A logged-in staff member on an office page. Anyone else is sent to the staff login.
pub struct Office {
    pub lang: Language,
    pub staff: Staff,
    pub principal: Principal,
    pub session: PageSession,
}

/// The office speaks bokmål and English.
pub fn office_lang(lang: Language) -> Language {
    if Language::OFFICE.contains(&lang) {
        lang
    } else {
        Language::Nb
    }
}

impl FromRequestParts<AppState> for Office {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let Lang(lang) = Lang::from_request_parts(parts, app)
            .await
            .unwrap_or(Lang(Language::Nb));
        let lang = office_lang(lang);
        let MaybeSession(session) = MaybeSession::from_request_parts(parts, app)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(session) = session.filter(|s| s.session.kind == SessionKind::Staff) else {
            return Err(Redirect::to("/office/login").into_response());
        };
        let principal = match app.login.principal(app, &session.session).await {
            Ok(p @ Principal::Staff(_)) => p,
            // Deactivated since login, or lost the role: the session no longer grants anything.
            _ => {
                return Err(PageError::new(lang, ErrorKind::StaffRefused)
                    .retry("/office/login")
                    .into_response());
            }
        };
        let Principal::Staff(staff) = principal.clone() else {
            return Err(PageError::new(lang, ErrorKind::StaffRefused).into_response());
        };
        Ok(Self {
            lang,
            staff,
            principal,
            session,
        })
    }
}

impl Office {
    pub fn t(&self, key: &str) -> &'static str {
        t(self.lang, key)
    }

    /// Works cases: sees a queue, opens cases, collects and decides.
    pub fn works_cases(&self) -> bool {
        matches!(
            self.staff.role,
            Role::Caseworker | Role::PrivacyOfficer | Role::Auditor
        )
    }

    /// The page for a failed domain call that is not a form error.
    pub fn error(&self, e: ServiceError) -> Response {
        service_error_page(self.lang, e)
    }

    /// The page `render` builds, or the error page for its failure.
    pub async fn page(
        &self,
        render: impl std::future::Future<Output = Result<Response, ServiceError>>,
    ) -> Response {
        render.await.unwrap_or_else(|e| self.error(e))
    }
}

/// The `{id}` of a case route; anything that is not a UUID is the "not found" page.
pub struct CaseId(pub uuid::Uuid);

impl FromRequestParts<AppState> for CaseId {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Response> {
        let params =
            axum::extract::Path::<std::collections::HashMap<String, String>>::from_request_parts(
                parts, app,
            )
            .await
            .ok();
        match params.and_then(|p| p.get("id").and_then(|id| id.parse().ok())) {
            Some(id) => Ok(Self(id)),
            None => {
                let Lang(lang) = Lang::from_request_parts(parts, app)
                    .await
                    .unwrap_or(Lang(Language::Nb));
                Err(PageError::new(office_lang(lang), ErrorKind::NotFound).into_response())
            }
        }
    }
}

/// A domain error as a page, answered by the table the API uses (`error::ErrorClass`).
pub fn service_error_page(lang: Language, e: ServiceError) -> Response {
    PageError::from_service(lang, e).into_response()
}

/// The sections of the office, shown as navigation to those whose role uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Queue,
    Register,
    Letters,
    Reports,
    Merges,
    Admin,
    None,
}

/// The office page frame: the shared layout with the office navigation and wide main area.
pub fn frame(office: &Office, section: Section, title: &str, body: Markup) -> Response {
    let role = office.staff.role;
    let items: Vec<(Section, &str, &str)> = [
        (Section::Queue, "/office", "office.nav.queue"),
        (
            Section::Register,
            "/office/registrer",
            "office.nav.register",
        ),
        (Section::Letters, letters_out::PATH, "office_print.nav"),
        (Section::Reports, "/office/rapporter", "office.nav.reports"),
        (Section::Merges, merges::PATH, "office.nav.merges"),
        (Section::Admin, "/office/admin", "office.nav.admin"),
    ]
    .into_iter()
    .filter(|(s, _, _)| match s {
        Section::Queue => office.works_cases(),
        Section::Register => matches!(role, Role::Caseworker | Role::PrivacyOfficer),
        Section::Letters => matches!(role, Role::Caseworker | Role::PrivacyOfficer),
        Section::Reports => matches!(role, Role::PrivacyOfficer | Role::Auditor),
        Section::Merges => role == Role::PrivacyOfficer,
        Section::Admin => role == Role::Admin,
        Section::None => false,
    })
    .collect();
    let body = html! {
        link rel="stylesheet" href="/static/office.css";
        div.office-page {
            nav.office-nav aria-label=(office.t("office.nav.label")) {
                ul {
                    @for (s, href, key) in &items {
                        li {
                            @if *s == section {
                                a href=(href) aria-current="page" { (office.t(key)) }
                            } @else {
                                a href=(href) { (office.t(key)) }
                            }
                        }
                    }
                }
                p.office-who {
                    (office.staff.display_name) " · "
                    (office.t(&format!("office.role_{}", role.as_str())))
                }
            }
            (body)
        }
    };
    let mut response =
        layout_wide(office.lang, title, Some(&office.session.session), body).into_response();
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A page answered with a status other than 200 (e.g. 422 for a form with errors).
pub fn with_status(status: StatusCode, mut response: Response) -> Response {
    *response.status_mut() = status;
    response
}

pub fn status_label(lang: Language, s: Status) -> &'static str {
    t(lang, &format!("office.status.{}", s.as_str()))
}

pub fn kind_label(lang: Language, k: RightKind) -> &'static str {
    t(lang, &format!("office.kind.{}", k.as_str()))
}

pub fn outcome_label(lang: Language, o: Outcome) -> &'static str {
    t(lang, &format!("office.outcome.{}", o.as_str()))
}

/// A date in the office's tables: `24.12.2026` (compact and aligned, unlike `web::date`).
pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub use crate::web::components::FormErrors;

/// A domain error during a form post: a field error to show next to the field, or anything else
/// shown at the top of the form.
pub fn form_error(lang: Language, e: &ServiceError) -> Option<(String, String)> {
    match e {
        ServiceError::Invalid { field, message } => {
            // No keyed text for this field: the domain's own words.
            let text = crate::i18n::lookup(lang, &format!("office.err.{field}"))
                .map_or_else(|| message.clone(), str::to_string);
            Some(((*field).to_string(), text))
        }
        ServiceError::Conflict(m) => Some(("form".into(), m.clone())),
        ServiceError::Transition(_) => {
            Some(("form".into(), t(lang, "office.err.transition").into()))
        }
        ServiceError::Extension(x) => Some(("reason".into(), x.to_string())),
        _ => None,
    }
}
