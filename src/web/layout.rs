//! The page frame every page is drawn in (header, language switcher, footer), and dates as
//! people read them.
use maud::{DOCTYPE, Markup, html};

use crate::auth::sessions::{Session, SessionKind};
use crate::i18n::{Language, t, tf};

use super::components::csrf_field;

/// The page frame: language, skip link, header (service name, language switcher, logout when
/// logged in), the page's `h1`, the main content, and a footer. See `static/dsar.css` for the
/// classes the body can use.
pub fn layout(lang: Language, title: &str, session: Option<&Session>, body: Markup) -> Markup {
    frame(lang, title, session, body, false, None)
}

/// `layout` for a page that answers a form post (a wizard step, a receipt): its links to
/// other languages (the switcher, the notice that the Norwegian text is binding) go to `here`,
/// where a GET shows the same page (`?lang=` on the post's address would not).
pub fn layout_at(
    lang: Language,
    title: &str,
    session: Option<&Session>,
    body: Markup,
    here: &str,
) -> Markup {
    frame(lang, title, session, body, false, Some(here))
}

/// `layout` with a wide main column, for pages with wide tables (the office queue).
pub fn layout_wide(lang: Language, title: &str, session: Option<&Session>, body: Markup) -> Markup {
    frame(lang, title, session, body, true, None)
}

/// The address of the page in language `l`: `here` (or this address) with `lang=`.
fn in_language(here: Option<&str>, l: Language) -> String {
    match here {
        None => format!("?lang={}", l.as_str()),
        Some(h) if h.contains('?') => format!("{h}&lang={}", l.as_str()),
        Some(h) => format!("{h}?lang={}", l.as_str()),
    }
}

fn frame(
    lang: Language,
    title: &str,
    session: Option<&Session>,
    body: Markup,
    wide: bool,
    here: Option<&str>,
) -> Markup {
    let logged_in = session.filter(|s| s.kind != SessionKind::Pending);
    let staff = logged_in.is_some_and(|s| s.kind == SessionKind::Staff);
    let citizen = logged_in.is_some_and(|s| s.kind == SessionKind::Citizen);
    let (service, home) = if staff {
        (t(lang, "common.office_name"), "/office")
    } else {
        (t(lang, "common.service_name"), "/")
    };
    // The office speaks bokmål and English; the portal all four languages.
    let languages: &[Language] = if staff {
        &Language::OFFICE
    } else {
        &Language::ALL
    };
    html! {
        (DOCTYPE)
        html lang=(lang.html_lang()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – " (service) }
                link rel="stylesheet" href="/static/dsar.css";
            }
            body class=[wide.then_some("layout-wide-page")] {
                a.skip-link href="#main" { (t(lang, "auth.skip_to_content")) }
                header.site-header {
                    div.site-header__bar {
                        nav.site-header__inner aria-label=(t(lang, "common.language_nav")) {
                            ul.lang-switch {
                                @for l in languages {
                                    li {
                                        a href=(in_language(here, *l)) lang=(l.html_lang()) hreflang=(l.html_lang())
                                            aria-current=[(*l == lang).then_some("true")] { (l.native_name()) }
                                    }
                                }
                            }
                        }
                    }
                    div.site-header__inner {
                        a.brand href=(home) { (service) }
                        @if citizen {
                            nav.site-nav aria-label=(t(lang, "common.main_nav")) {
                                ul { li { a href="/min-side" { (t(lang, "common.my_page")) } } }
                            }
                        }
                        @if let Some(s) = logged_in {
                            form.logout method="post" action="/logout" {
                                (csrf_field(s))
                                button.button--small type="submit" { (t(lang, "auth.logout")) }
                            }
                        }
                    }
                }
                main #main class=[wide.then_some("layout-wide")] {
                    @if !crate::i18n::reviewed(lang) {
                        (unreviewed_notice(lang, &in_language(here, Language::Nb)))
                    }
                    h1 { (title) }
                    (body)
                }
                footer.site-footer {
                    div.site-footer__inner {
                        p.site-footer__name { (service) }
                        nav aria-label=(t(lang, "common.footer_nav")) {
                            ul {
                                li { a href="/personvern" { (t(lang, "common.footer_privacy")) } }
                                li { a href="/tilgjengelighet" { (t(lang, "common.footer_accessibility")) } }
                                @if staff {
                                    li { a href="/" { (t(lang, "common.footer_portal")) } }
                                } @else {
                                    li { a href="/office" { (t(lang, "common.footer_staff")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// On every page in a language no qualified translator has reviewed: the Norwegian text is the
/// binding one, with a link to this page in bokmål, `bokmal` (docs/languages.md).
pub fn unreviewed_notice(lang: Language, bokmal: &str) -> Markup {
    html! {
        aside.notice.notice--translation aria-label=(t(lang, "common.unreviewed_label")) {
            p { (t(lang, "common.unreviewed_notice")) }
            p {
                a href=(bokmal) lang="nb" hreflang="nb" dir="ltr" {
                    (t(Language::Nb, "common.unreviewed_link"))
                }
            }
        }
    }
}

/// A date as people read it: "23. november 2026", "23 November 2026", "23 листопада 2026".
pub fn date(lang: Language, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    tf(
        lang,
        "common.date_format",
        &[
            ("day", &d.day().to_string()),
            ("month", t(lang, &format!("common.month.{}", d.month()))),
            ("year", &d.year().to_string()),
        ],
    )
}

/// A moment in Norwegian time, as people read it: "23. november 2026 kl. 14:05".
pub fn date_time(lang: Language, at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono_tz::Europe::Oslo);
    tf(
        lang,
        "common.datetime_format",
        &[
            ("date", &date(lang, local.date_naive())),
            ("time", &local.format("%H:%M").to_string()),
        ],
    )
}
