//! The messages: subject, plain text and HTML, from the texts in `locales/<lang>/email.toml`
//! (to requesters, four languages) and `office_email.toml` (to staff, nb and en). Only the
//! [`Params`] reach a message: the reference, a link, a date, a count.
use maud::{DOCTYPE, html};

use super::Params;
use crate::i18n::{Arg, Language, t, tn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// To the requester: we received your request.
    Receipt,
    /// To the requester: an answer is ready in the portal.
    AnswerReady,
    /// To the requester: we need more information.
    Clarification,
    /// To the requester: the deadline is extended.
    Extension,
    /// To the requester: the request went to another controller (the letter says where, why).
    Forwarded,
    /// To the requester: a new letter about the request is on Min side (what it says is only
    /// there).
    NewLetter,
    /// To the unit: a request is due in N working days.
    Reminder,
    /// To the privacy officer: a request is overdue.
    Escalation,
}

impl Template {
    pub const ALL: [Template; 8] = [
        Template::Receipt,
        Template::AnswerReady,
        Template::Clarification,
        Template::Extension,
        Template::Forwarded,
        Template::NewLetter,
        Template::Reminder,
        Template::Escalation,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Template::Receipt => "receipt",
            Template::AnswerReady => "answer_ready",
            Template::Clarification => "clarification",
            Template::Extension => "extension",
            Template::Forwarded => "forwarded",
            Template::NewLetter => "new_letter",
            Template::Reminder => "reminder",
            Template::Escalation => "escalation",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Staff messages use the office texts (nb and en only).
    pub fn is_staff(&self) -> bool {
        matches!(self, Template::Reminder | Template::Escalation)
    }
}

/// A rendered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

fn format_date(lang: Language, date: chrono::NaiveDate) -> String {
    match lang {
        Language::En => date.format("%-d %B %Y").to_string(),
        _ => date.format("%d.%m.%Y").to_string(),
    }
}

pub fn render(template: Template, lang: Language, params: &Params) -> Rendered {
    // Staff texts exist in nb and en; anything else reads bokmål.
    let (area, lang) = if template.is_staff() {
        let lang = if lang == Language::En {
            Language::En
        } else {
            Language::Nb
        };
        ("office_email", lang)
    } else {
        ("email", lang)
    };
    let due = params
        .due_on
        .map(|d| format_date(lang, d))
        .unwrap_or_default();
    let args = [
        ("reference", Arg::from(params.reference.as_str())),
        ("due_on", Arg::from(due.as_str())),
        ("days", Arg::from(params.days.unwrap_or_default())),
    ];
    let key = |k: &str| format!("{area}.{}.{k}", template.as_str());
    let subject = tn(lang, &key("subject"), &args);
    let heading = tn(lang, &key("heading"), &args);
    let body = tn(lang, &key("body"), &args);
    let action = t(lang, &format!("{area}.common.open_link"));
    let footer = t(lang, &format!("{area}.common.footer"));
    let signature = t(lang, &format!("{area}.common.signature"));
    let text = format!(
        "{heading}\n\n{body}\n\n{action}: {link}\n\n-- \n{signature}\n{footer}\n",
        link = params.link
    );
    let html = html! {
        (DOCTYPE)
        html lang=(lang.html_lang()) {
            head {
                meta charset="utf-8";
                title { (subject) }
            }
            body style="font-family: sans-serif; line-height: 1.5; max-width: 40em" {
                h1 style="font-size: 1.3em" { (heading) }
                p { (body) }
                p { a href=(params.link) { (action) } }
                hr;
                p style="color: #555; font-size: 0.9em" { (signature) br; (footer) }
            }
        }
    }
    .into_string();
    Rendered {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            reference: "DSAR-2026-000042".into(),
            link: "https://dsar.example.no/min-side".into(),
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 23),
            days: Some(7),
        }
    }

    #[test]
    fn every_template_renders_in_every_language() {
        for template in Template::ALL {
            for lang in Language::ALL {
                let r = render(template, lang, &params());
                for part in [&r.subject, &r.text, &r.html] {
                    // No key left unresolved, no placeholder left unfilled.
                    assert!(!part.contains("email."), "{template:?} {lang:?}: {part}");
                    assert!(!part.contains('{'), "{template:?} {lang:?}: {part}");
                }
                assert!(
                    r.subject.contains("DSAR-2026-000042"),
                    "{template:?} {lang:?}"
                );
                assert!(r.text.contains("https://dsar.example.no/min-side"));
                assert!(r.html.contains("href=\"https://dsar.example.no/min-side\""));
                assert!(r.html.starts_with("<!DOCTYPE html>"));
                if template == Template::Receipt || template == Template::Extension {
                    let date = if lang == Language::En && !template.is_staff() {
                        "23 December 2026"
                    } else {
                        "23.12.2026"
                    };
                    assert!(r.text.contains(date), "{template:?} {lang:?}: {}", r.text);
                }
                if template == Template::Reminder {
                    assert!(r.text.contains('7'), "{lang:?}: {}", r.text);
                }
            }
        }
    }

    #[test]
    fn texts_differ_by_language() {
        for template in Template::ALL {
            let nb = render(template, Language::Nb, &params());
            let en = render(template, Language::En, &params());
            assert_ne!(nb.text, en.text, "{template:?}");
            if !template.is_staff() {
                for lang in [Language::Nn, Language::Uk] {
                    assert_ne!(nb.text, render(template, lang, &params()).text);
                }
            }
        }
    }

    #[test]
    fn html_escapes_what_it_shows() {
        let mut p = params();
        p.reference = "<b>x</b>".into();
        let r = render(Template::Receipt, Language::Nb, &p);
        assert!(!r.html.contains("<b>x</b>"));
        assert!(r.html.contains("&lt;b&gt;x&lt;/b&gt;"));
    }
}
