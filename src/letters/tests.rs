//! Letters for every kind × outcome × language, checked for the parts the law requires of
//! each, with phrases taken from the locale files (not hard-coded), in HTML and in the text
//! extracted from the PDF.
//!
//! Here the fixture and the readers; the tests by letter: `answers.rs`, `innsyn.rs`,
//! `notices.rs`, `recipients.rs`, and `rendering.rs` for what both renderers print.
#![allow(clippy::unwrap_used)]

use super::{sample, *};
use crate::{
    i18n::{Language, t, tf, tn},
    legal_bases::{Catalogue, DATA_CORRECT, LegalBasisError},
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

mod answers;
mod innsyn;
mod notices;
mod recipients;
mod rendering;

fn esc(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

/// Whitespace-free text, so wrapped lines and extractor spacing do not matter.
fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn pdf_text(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf).unwrap()
}

/// The squashed PDF text without the page footers, which the extractor places wherever a
/// paragraph crosses a page break.
fn pdf_body(pdf: &[u8], doc: &LetterDocument) -> String {
    let mut text = squash(&pdf_text(pdf));
    text = text.replace(&squash(&doc.footer), "");
    let pages = own_pages(doc);
    for page in 1..=pages {
        let label = doc.page_label(page, pages);
        text = text.replace(&squash(&label), "");
    }
    text
}

/// The pages of the letter itself, without a binding Norwegian version after it.
fn own_pages(doc: &LetterDocument) -> usize {
    let alone = LetterDocument {
        binding: None,
        ..doc.clone()
    };
    pdf::page_count(&alone).unwrap()
}

fn l(lang: Language, key: &str) -> &'static str {
    t(lang, &format!("letters.{key}"))
}

/// The part of a text before its first placeholder (for texts with values filled in).
fn stem(text: &str) -> &str {
    text.split('{').next().unwrap_or(text).trim()
}

struct Fixture {
    catalogue: Catalogue,
    registry: Registry,
}

impl Fixture {
    fn new() -> Self {
        Fixture {
            catalogue: Catalogue::built_in(),
            registry: Registry::built_in().unwrap(),
        }
    }
    fn res(&self) -> Resources<'_> {
        Resources {
            legal_bases: &self.catalogue,
            registry: &self.registry,
        }
    }
}

/// Phrases every answer must contain in `lang`.
fn required_answer_phrases(
    fx: &Fixture,
    ctx: &LetterContext,
    answer: &Answer,
) -> Vec<(String, String)> {
    let lang = ctx.recipient.language;
    let kind = ctx.kind;
    let outcome = answer.decision.outcome;
    let mut p: Vec<(String, String)> = vec![
        ("reference".into(), ctx.reference.as_str().into()),
        ("name".into(), ctx.recipient.name.clone()),
        ("controller".into(), ctx.controller.name.clone()),
        ("controller e-mail".into(), ctx.controller.email.clone()),
        ("dpo".into(), ctx.controller.dpo.email.clone()),
        (
            "outcome".into(),
            l(
                lang,
                &format!("answer.{}.{}", kind.as_str(), outcome.as_str()),
            )
            .into(),
        ),
        ("art. 77".into(), l(lang, "common.complaint_77").into()),
        ("art. 79".into(), l(lang, "common.complaint_79").into()),
    ];
    for id in &answer.decision.legal_bases {
        let b = fx.catalogue.get(id).unwrap();
        p.push((format!("{id} citation"), b.citation.get(lang).into()));
        p.push((format!("{id} explanation"), b.explanation.get(lang).into()));
    }
    if kind == RightKind::Innsyn && outcome != Outcome::Refused {
        for key in [
            "confirmation",
            "purposes_heading",
            "categories_heading",
            "recipients_heading",
            "retention_heading",
            "sources_heading",
            "basis_heading",
            "automated_heading",
            "rights_heading",
            "right_retting",
            "right_sletting",
            "right_begrensning",
            "right_protest",
            "records_heading",
            "special_marker",
            "special_note",
        ] {
            p.push((key.into(), l(lang, &format!("innsyn.{key}")).into()));
        }
        let activity = fx.registry.get("oslo-bydel-bosetting").unwrap();
        p.push(("retention".into(), activity.retention.get(lang).into()));
        p.push(("purpose".into(), activity.purposes[0].get(lang).into()));
        for (_, name, _) in sample::SOURCES {
            p.push((
                format!("source {name}"),
                tf(lang, "letters.innsyn.records_source", &[("source", name)]),
            ));
        }
        p.push(("withheld".into(), stem(l(lang, "innsyn.withheld")).into()));
    }
    let changes = matches!(
        kind,
        RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
    ) && outcome != Outcome::Refused;
    if changes {
        p.push((
            "art. 19".into(),
            tf(
                lang,
                "letters.operations.recipients_told",
                &[("recipients", &answer.notified_recipients.join(", "))],
            ),
        ));
    }
    if kind != RightKind::Innsyn {
        p.push(("operations".into(), l(lang, "operations.heading").into()));
        if outcome != Outcome::Granted {
            p.push(("kept".into(), l(lang, "operations.kept").into()));
        }
    }
    if kind == RightKind::Begrensning && outcome != Outcome::Refused {
        p.push((
            "art. 18(3)".into(),
            l(lang, "operations.restriction_lift").into(),
        ));
    }
    p
}
