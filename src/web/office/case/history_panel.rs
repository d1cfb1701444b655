//! The case page's history: every event newest first, with who did it, the status it led to and
//! what was said, leaving out lines that change nothing.
use maud::{Markup, html};

use super::page::Page;
use crate::web::office::status_label;

/// The timeline.
pub(super) fn timeline(page: &Page) -> Markup {
    let lang = page.lang();
    let t = |k: &str| page.t(k);
    let data = &page.data;
    let name_of = |username: &str| page.name_of(username);
    html! {
        section.panel aria-labelledby="timeline-title" {
            h2 #timeline-title { (t("office.case.timeline")) }
            ol.timeline {
                @for e in data.events.iter().rev().filter(|e| !no_op(e)) {
                    @let label = crate::i18n::lookup(lang, &format!("office.event.{}", e.action)).unwrap_or(e.action.as_str());
                    li {
                        time datetime=(e.at.to_rfc3339()) { (crate::web::date_time(lang, e.at)) }
                        " "
                        strong { (label) }
                        @if let Some(d) = crate::web::office::case_person_panel::event_detail(lang, e) { " " (d) }
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
    }
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
