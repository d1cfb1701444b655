//! The citizen's pages: the start page (the five rights in plain words, and who answers), and
//! after login `/min-side` with the person's requests and unfinished drafts, one request's page
//! with its deadline, any extension and its reason, a clarification to answer, what has
//! happened, who among the staff opened it, the answer to download, and withdrawing. This file
//! holds the start page, the statements and the words the pages share; Min side is `overview`,
//! a request's page `request_page` (its parts `request_parts`), what the person does there
//! `actions`, and files `attachments`.
use axum::{
    extract::State,
    response::{IntoResponse, Redirect, Response},
};
use maud::{Markup, html};

use super::{Lang, MaybeSession, PageError, PageSession, date, layout, status_variant};
use crate::{
    app::AppState,
    auth::{Principal, sessions::SessionKind},
    decisions,
    error::ServiceError,
    i18n::{Language, t, tf},
    lifecycle::{RightKind, Status},
    requests::{RequestView, represented::CitizenSide},
};

mod actions;
pub mod attachments;
mod overview;
mod request_page;
mod request_parts;

pub use actions::{
    AnswerForm, DeleteDraftForm, WithdrawForm, answer, delete_draft, withdraw, withdraw_confirm,
};
pub use overview::{MyPageQuery, my_page};
pub(super) use request_page::{AnswerAttempt, render_case};
pub use request_page::{CaseQuery, case_page, download};

/// The longest answer to a clarification (as the API's `note`).
pub const MAX_ANSWER: usize = 4000;

fn status_text(lang: Language, status: Status) -> &'static str {
    t(lang, &format!("portal.status.{}", status.as_str()))
}

/// A status as a coloured tag (the same colours as in the office).
pub fn status_tag(lang: Language, status: Status) -> Markup {
    html! { span class={ "tag tag--" (status_variant(status)) } { (status_text(lang, status)) } }
}

fn right_short(lang: Language, kind: RightKind) -> &'static str {
    t(lang, &format!("portal.right_short.{}", kind.as_str()))
}

/// `?lang=xx` for links that keep the page's language.
fn lq(lang: Language) -> String {
    format!("lang={}", lang.as_str())
}

/// A Norwegian name (a public body, a unit, a service area) on a page in another language,
/// marked as bokmål so screen readers pronounce it as Norwegian (WCAG 3.1.2).
pub fn norwegian(lang: Language, text: &str) -> Markup {
    html! {
        @if lang == Language::Nb { (text) } @else { span lang="nb" { (text) } }
    }
}

/// The login's assurance level in plain words (`None` for a level we do not know).
fn assurance(lang: Language, acr: &str) -> Option<&'static str> {
    if acr.ends_with("high") {
        Some(t(lang, "portal.assurance.high"))
    } else if acr.ends_with("substantial") {
        Some(t(lang, "portal.assurance.substantial"))
    } else {
        None
    }
}

/// Whether the request is open and its due date has passed (the due date is the last day).
pub fn overdue(r: &RequestView, today: chrono::NaiveDate) -> bool {
    !r.status.is_terminal() && r.due_on < today
}

/// A document's size as people read it: "31 kB", "1,2 MB" (at least 1 kB).
pub fn size_text(lang: Language, bytes: i64) -> String {
    let kb = (bytes.max(0) as f64 / 1000.0).ceil().max(1.0);
    if kb < 1000.0 {
        format!("{kb} kB")
    } else {
        let mb = format!("{:.1}", kb / 1000.0);
        let mb = if lang == Language::En {
            mb
        } else {
            mb.replace('.', ",")
        };
        format!("{mb} MB")
    }
}

/// The file type people know from a media type.
fn type_text(media_type: &str) -> &'static str {
    match media_type.split(';').next().unwrap_or("").trim() {
        "application/pdf" => "PDF",
        "text/html" => "HTML",
        "application/zip" => "ZIP",
        "application/json" => "JSON",
        "text/csv" => "CSV",
        _ => "",
    }
}

/// "PDF, 31 kB".
fn type_and_size(lang: Language, d: &decisions::DocumentView) -> String {
    let kind = type_text(&d.media_type);
    let size = size_text(lang, d.size);
    if kind.is_empty() {
        size
    } else {
        format!("{kind}, {size}")
    }
}

/// Whom a request made through a representation is about, or who sent it for the reader, in
/// words: (the case page's label, the person, Min side's line). Names as the case knows them;
/// without one, the relation alone (with a birth date where the number gives it), never a
/// number.
fn side_words(lang: Language, side: &CitizenSide) -> (&'static str, String, String) {
    let named = |name: &str, relation: &str| {
        tf(
            lang,
            "portal.on_behalf.named",
            &[("name", name), ("relation", relation)],
        )
    };
    match side {
        CitizenSide::ForSomeone { basis, name, born } => {
            let relation = t(lang, &format!("portal.on_behalf.subject.{basis}"));
            let who = match (name, born) {
                (Some(name), _) => named(name, relation),
                (None, Some(born)) => tf(
                    lang,
                    "portal.on_behalf.born",
                    &[("relation", relation), ("date", &date(lang, *born))],
                ),
                (None, None) => relation.to_string(),
            };
            let line = tf(lang, "portal.on_behalf.for_line", &[("who", &who)]);
            (t(lang, "portal.on_behalf.for_label"), who, line)
        }
        CitizenSide::ForYou {
            basis,
            representative_name,
        } => {
            let relation = t(lang, &format!("portal.on_behalf.representative.{basis}"));
            let who = match representative_name {
                Some(name) => named(name, relation),
                None => relation.to_string(),
            };
            let line = tf(lang, "portal.on_behalf.sent_by_line", &[("who", &who)]);
            (t(lang, "portal.on_behalf.sent_by_label"), who, line)
        }
    }
}

pub async fn start(
    State(app): State<AppState>,
    Lang(lang): Lang,
    MaybeSession(session): MaybeSession,
) -> Response {
    let logged_in = session
        .as_ref()
        .is_some_and(|s| s.session.kind == SessionKind::Citizen);
    let mut controllers: Vec<String> = match app.registry.get(&app.db).await {
        Ok(r) => r.controllers.values().map(|c| c.name.clone()).collect(),
        Err(_) => vec![],
    };
    controllers.sort();
    let body = html! {
        p.lead { (t(lang, "auth.start_intro")) }
        div.actions {
            @if logged_in {
                a.button href={ "/min-side?" (lq(lang)) } { (t(lang, "auth.my_page_title")) }
                a.button.button--secondary href={ "/min-side/ny?" (lq(lang)) } { (t(lang, "portal.wizard.new_request")) }
            } @else {
                a.button href="/login?return_to=/min-side" { (t(lang, "auth.login_idporten")) }
            }
        }
        h2 { (t(lang, "portal.rights_title")) }
        ul.cards {
            @for kind in RightKind::ALL {
                li {
                    h3 { (right_short(lang, kind)) }
                    p { (t(lang, &format!("portal.right_desc.{}", kind.as_str()))) }
                    p.muted { (tf(lang, "portal.law", &[("article", kind.gdpr_article())])) }
                }
            }
        }
        h2 { (t(lang, "portal.how_title")) }
        ol {
            li { (t(lang, "portal.how_1")) }
            li { (t(lang, "portal.how_2")) }
            li { (t(lang, "portal.how_3")) }
        }
        @if !controllers.is_empty() {
            h2 { (t(lang, "portal.who_title")) }
            p { (t(lang, "portal.who_intro")) }
            ul.columns { @for c in &controllers { li { (norwegian(lang, c)) } } }
        }
    };
    layout(
        lang,
        t(lang, "auth.start_title"),
        session.as_ref().map(|s| &s.session),
        body,
    )
    .into_response()
}

/// The logged-in citizen, or a redirect to the login that comes back to `here`.
pub(super) async fn citizen(
    app: &AppState,
    lang: Language,
    session: Option<PageSession>,
    here: &str,
) -> Result<Result<(PageSession, Principal), Response>, PageError> {
    let Some(s) = session.filter(|s| s.session.kind == SessionKind::Citizen) else {
        return Ok(Err(
            Redirect::to(&format!("/login?return_to={here}")).into_response()
        ));
    };
    let principal = app
        .login
        .principal(app, &s.session)
        .await
        .map_err(|e| page_error(lang, e))?;
    Ok(Ok((s, principal)))
}

/// A service error as a page, answered by the table the API uses (`error::ErrorClass`); the
/// domain already answers "not found" for a case the person may not see (no existence leak).
pub(super) fn page_error(lang: Language, e: ServiceError) -> PageError {
    PageError::from_service(lang, e)
}

/// The privacy statement (footer link).
pub async fn privacy(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    statement(lang, session.as_ref(), "privacy", 5)
}

/// The accessibility statement (footer link; required of public bodies).
pub async fn accessibility(Lang(lang): Lang, MaybeSession(session): MaybeSession) -> Response {
    statement(lang, session.as_ref(), "accessibility", 4)
}

fn statement(
    lang: Language,
    session: Option<&PageSession>,
    area: &str,
    paragraphs: u8,
) -> Response {
    let body = html! {
        @for i in 1..=paragraphs {
            p { (t(lang, &format!("portal.{area}.p{i}"))) }
        }
    };
    layout(
        lang,
        t(lang, &format!("portal.{area}.title")),
        session.map(|s| &s.session),
        body,
    )
    .into_response()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(size_text(Language::Nb, 0), "1 kB");
        assert_eq!(size_text(Language::Nb, 30_100), "31 kB");
        assert_eq!(size_text(Language::Nb, 999_000), "999 kB");
        assert_eq!(size_text(Language::Nb, 1_234_567), "1,2 MB");
        assert_eq!(size_text(Language::En, 1_254_567), "1.3 MB");
        assert_eq!(type_text("text/html; charset=utf-8"), "HTML");
        assert_eq!(type_text("application/pdf"), "PDF");
        assert_eq!(type_text("application/octet-stream"), "");
    }

    #[test]
    fn assurance_levels_in_plain_words() {
        assert_eq!(
            assurance(Language::Nb, "idporten-loa-substantial"),
            Some("Betydelig (som MinID)")
        );
        assert_eq!(
            assurance(Language::En, "idporten-loa-high"),
            Some("High (like BankID)")
        );
        assert_eq!(assurance(Language::Nb, "something-else"), None);
    }

    /// The texts the person reads (portal, e-mails, login), without the accessibility
    /// statement, where "krav" are WCAG's requirements.
    fn citizen_words(lang: &str) -> Vec<String> {
        let file = |name: &str| {
            std::fs::read_to_string(format!(
                "{}/locales/{lang}/{name}.toml",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        let mut text = String::new();
        for name in ["portal", "email", "auth"] {
            let mut t = file(name);
            if let Some(start) = t.find("[accessibility]") {
                let end = t[start + 1..]
                    .find("\n[")
                    .map_or(t.len(), |e| start + 1 + e);
                t.replace_range(start..end, "");
            }
            text.push_str(&t);
            text.push('\n');
        }
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }

    #[test]
    fn one_word_for_a_request_in_each_language() {
        // nb forespørsel, nn førespurnad, en request, uk запит.
        for (lang, used, others) in [
            ("nb", "forespørsel", &["henvendels", "krav"][..]),
            ("nn", "førespurnad", &["henvending", "krav"][..]),
            ("en", "request", &["enquir", "claim"][..]),
            ("uk", "запит", &["звернен", "вимог"][..]),
        ] {
            let words = citizen_words(lang);
            assert!(words.iter().any(|w| w.starts_with(used)), "{lang}");
            let strays: Vec<&String> = words
                .iter()
                .filter(|w| others.iter().any(|o| w.starts_with(o)))
                .collect();
            assert!(strays.is_empty(), "{lang}: {strays:?}");
        }
    }

    #[test]
    fn no_full_stop_after_a_ukrainian_date() {
        // Ukrainian dates end in "р.", so a sentence ending with one takes no second stop.
        let uk = include_str!("../../locales/uk/portal.toml");
        for placeholder in ["$date", "$due", "$due_on"] {
            assert!(
                !uk.contains(&format!("{{ {placeholder} }}.")),
                "{placeholder}"
            );
        }
        let extended = tf(
            Language::Uk,
            "portal.extended",
            &[
                (
                    "date",
                    &super::date(
                        Language::Uk,
                        chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
                    ),
                ),
                ("reason", "x"),
            ],
        );
        assert!(!extended.contains("р.."), "{extended}");
    }
}
