//! Composes each letter into the document model. All wording comes from
//! `locales/<lang>/letters.toml`; this module only decides what goes where.
//!
//! Here: the builder the letters share and each letter's entry point (with its binding
//! Norwegian version). The letters themselves: `notices.rs` (the short letters), `answer.rs`
//! (the answer), `operations.rs` (what was done at the sources, and the notice to recipients).

use chrono::{DateTime, NaiveDate};

use super::{
    LetterError,
    input::{Answer, LetterContext, OnBehalfOf},
    model::{Block, LetterDocument, Letterhead},
};
use crate::{
    i18n::{Arg, Language, t, tf, tn},
    legal_bases::Catalogue,
    lifecycle::RightKind,
    processing_activities::Registry,
};

mod answer;
mod notices;
mod operations;

use answer::answer_in;
pub use notices::{ForwardedTo, Onward};
use notices::{
    clarification_in, extension_notice_in, forwarded_notice_in, receipt_in,
    representation_refused_in, restriction_lift_notice_in,
};
pub use operations::recipient_notice;

/// The shared reference data letters are built from.
#[derive(Debug, Clone, Copy)]
pub struct Resources<'a> {
    pub legal_bases: &'a Catalogue,
    pub registry: &'a Registry,
}

/// A date as people write it in `lang`.
pub fn format_date(lang: Language, date: NaiveDate) -> String {
    match lang {
        Language::En => date.format("%-d %B %Y").to_string(),
        _ => date.format("%d.%m.%Y").to_string(),
    }
}

/// `recorded_at` from a source: an RFC 3339 time is shown as its (Oslo) date, a plain date as a
/// date, anything else as given.
fn format_recorded(lang: Language, raw: &str) -> String {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return format_date(lang, t.with_timezone(&chrono_tz::Europe::Oslo).date_naive());
    }
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return format_date(lang, d);
    }
    raw.to_string()
}

fn kind_text(lang: Language, kind: RightKind) -> &'static str {
    t(lang, &format!("letters.kind.{}", kind.as_str()))
}

struct Builder<'c> {
    ctx: &'c LetterContext,
    lang: Language,
    blocks: Vec<Block>,
}

impl<'c> Builder<'c> {
    fn new(ctx: &'c LetterContext, lang: Language) -> Self {
        Builder {
            ctx,
            lang,
            blocks: Vec::new(),
        }
    }

    fn t(&self, key: &str) -> &'static str {
        t(self.lang, &format!("letters.{key}"))
    }

    fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        tf(self.lang, &format!("letters.{key}"), args)
    }

    fn tn(&self, key: &str, args: &[(&str, Arg)]) -> String {
        tn(self.lang, &format!("letters.{key}"), args)
    }

    fn date(&self, d: NaiveDate) -> String {
        format_date(self.lang, d)
    }

    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }

    fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    /// Greets the person by name; where no name is known (no answer from Folkeregisteret yet),
    /// a greeting without one, never a label such as "the data subject".
    fn greeting(&mut self, name: &str) {
        let name = name.trim();
        let g = if name.is_empty() {
            self.t("common.greeting_no_name").to_string()
        } else {
            self.tf("common.greeting", &[("name", name)])
        };
        self.para(g);
    }

    /// The greeting and, in a letter to a representative, right after it whom the letter is
    /// about and why it goes to them (GDPR art. 12(1): clear to the one who reads it).
    fn opening(&mut self) {
        let ctx = self.ctx;
        self.greeting(&ctx.recipient.name);
        if let Some(on) = &ctx.on_behalf {
            let about = about_line(self.lang, on);
            self.blocks.push(Block::Notice(about));
        }
    }

    fn contact_and_complaint(&mut self, complaint: bool) {
        let c = &self.ctx.controller;
        if complaint {
            self.heading(2, self.t("common.complaint_heading"));
            self.para(self.t("common.complaint_77"));
            self.para(self.t("common.complaint_79"));
        }
        self.heading(2, self.t("common.contact_heading"));
        let contact = self.tf(
            "common.contact",
            &[
                ("email", &c.email),
                ("reference", self.ctx.reference.as_str()),
            ],
        );
        self.para(contact);
        let dpo = match &c.dpo.name {
            Some(name) if !name.trim().is_empty() => format!("{name}, {}", c.dpo.email),
            _ => c.dpo.email.clone(),
        };
        let dpo = self.tf("common.dpo", &[("dpo", &dpo)]);
        self.para(dpo);
    }

    /// The caseworker's own words, as written: in Norwegian. A letter in another language (or
    /// in nynorsk) says so in a marked note right before them (art. 12(1)).
    fn free_text(&mut self, text: &str, block: fn(String) -> Block) {
        if self.lang != Language::Nb {
            let note = self.t("common.free_text_note").to_string();
            self.blocks.push(Block::LanguageNote(note));
        }
        self.blocks.push(block(text.to_string()));
    }

    fn closing(&mut self) {
        let c = &self.ctx.controller;
        let mut lines = vec![self.t("common.closing").to_string(), c.name.clone()];
        lines.extend(c.unit.iter().cloned());
        self.para(lines.join("\n"));
    }

    fn finish(self, title: String, recipient: Vec<String>) -> LetterDocument {
        let c = &self.ctx.controller;
        let mut sender = vec![c.name.clone()];
        sender.extend(c.unit.iter().cloned());
        sender.extend(c.address.iter().cloned());
        sender.push(tf(
            self.lang,
            "letters.common.org_number",
            &[("org_number", c.org_number.as_str())],
        ));
        sender.push(tf(
            self.lang,
            "letters.common.email",
            &[("email", &c.email)],
        ));
        if let Some(phone) = &c.phone {
            sender.push(tf(self.lang, "letters.common.phone", &[("phone", phone)]));
        }
        let facts = vec![
            (
                self.t("common.date").to_string(),
                format_date(self.lang, self.ctx.letter_date),
            ),
            (
                self.t("common.reference").to_string(),
                self.ctx.reference.as_str().to_string(),
            ),
        ];
        LetterDocument {
            lang: self.lang,
            title,
            letterhead: Letterhead {
                sender,
                recipient,
                facts,
            },
            footer: tf(
                self.lang,
                "letters.common.footer",
                &[
                    ("controller", &c.name),
                    ("reference", self.ctx.reference.as_str()),
                ],
            ),
            page_label_key: "letters.common.page".to_string(),
            blocks: self.blocks,
            binding: None,
        }
    }
}

/// Whom a letter to a representative is about, and on what basis they receive it.
pub fn about_line(lang: Language, on: &OnBehalfOf) -> String {
    let name = on.person_name.trim();
    let basis = on.basis.as_str();
    // Not proven: what the writer said, never a confirmation that they act for the person.
    if on.unproven {
        return t(
            lang,
            &format!("letters.representation_refused.claimed_{basis}"),
        )
        .to_string();
    }
    if name.is_empty() {
        t(lang, &format!("letters.about.{basis}_unnamed")).to_string()
    } else {
        tf(lang, &format!("letters.about.{basis}"), &[("name", name)])
    }
}

fn person_recipient(ctx: &LetterContext) -> Vec<String> {
    let name = ctx.recipient.name.trim();
    let mut lines: Vec<String> = (!name.is_empty())
        .then(|| name.to_string())
        .into_iter()
        .collect();
    lines.extend(ctx.recipient.address.iter().cloned());
    lines
}

fn require_text(field: &'static str, text: &str) -> Result<(), LetterError> {
    if text.trim().is_empty() {
        Err(LetterError::EmptyText(field))
    } else {
        Ok(())
    }
}

/// A letter in a language no qualified translator has reviewed says so first and carries the
/// same letter in bokmål, the binding version, after it (docs/languages.md).
fn with_binding<E>(
    ctx: &LetterContext,
    compose: impl Fn(&LetterContext) -> Result<LetterDocument, E>,
) -> Result<LetterDocument, E> {
    let mut doc = compose(ctx)?;
    let lang = ctx.recipient.language;
    if !crate::i18n::reviewed(lang) {
        let mut nb = ctx.clone();
        nb.recipient.language = Language::Nb;
        doc.blocks.insert(
            0,
            Block::Notice(t(lang, "letters.common.unreviewed_notice").to_string()),
        );
        doc.binding = Some(Box::new(compose(&nb)?));
    }
    Ok(doc)
}

/// The receipt (kvittering).
pub fn receipt(ctx: &LetterContext) -> LetterDocument {
    match with_binding(ctx, |c| Ok::<_, std::convert::Infallible>(receipt_in(c))) {
        Ok(doc) => doc,
        Err(never) => match never {},
    }
}

/// The extension notice (art. 12(3)); needs `ctx.extension` with a reason.
pub fn extension_notice(ctx: &LetterContext) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, extension_notice_in)
}

/// The letter that tells the person their request went to another controller, where and why
/// (forvaltningsloven § 7), and that their case here is closed.
pub fn forwarded_notice(
    ctx: &LetterContext,
    to: &ForwardedTo,
    reason: &str,
) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, |c| forwarded_notice_in(c, to, reason))
}

/// The art. 18(3) notice to the person before a restriction is lifted: from which date, and why.
pub fn restriction_lift_notice(
    ctx: &LetterContext,
    lift_on: chrono::NaiveDate,
    reason: &str,
) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, |c| restriction_lift_notice_in(c, lift_on, reason))
}

/// The decision refusing a request written for someone else by a writer who has not shown that
/// they may act for them (forvaltningsloven § 12, GDPR art. 12(2), 12(4) and 12(6)): to the writer,
/// with the reasons, what they or the person can do, the appeal where the controller names an
/// appeal body, and the complaint to Datatilsynet. It tells nothing about the person.
pub fn representation_refused(
    ctx: &LetterContext,
    reasons: &str,
) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, |c| representation_refused_in(c, reasons))
}

/// The clarification request (art. 12(6) and unclear requests).
pub fn clarification(ctx: &LetterContext, questions: &str) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, |c| clarification_in(c, questions))
}

/// The answer to the request, for every kind and outcome.
pub fn answer(
    ctx: &LetterContext,
    answer: &Answer,
    res: Resources<'_>,
) -> Result<LetterDocument, LetterError> {
    with_binding(ctx, |c| answer_in(c, answer, res))
}

fn mark(text: &str, special: bool, marker: &str) -> String {
    if special {
        format!("{text} ({marker})")
    } else {
        text.to_string()
    }
}
