//! Composes each letter into the document model. All wording comes from
//! `locales/<lang>/letters.toml`; this file only decides what goes where.
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate};

use super::{
    LetterError,
    input::{
        Answer, CollectedRecord, LetterContext, OnBehalfOf, OperationOutcome, OperationResult,
        RecipientNotice,
    },
    model::{Block, LetterDocument, Letterhead, Table, TableRow},
};
use crate::{
    i18n::{Arg, Language, t, tf, tn},
    legal_bases::{Catalogue, DATA_CORRECT},
    lifecycle::{Outcome, RightKind},
    processing_activities::{Declared, Registry},
};

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

/// The receipt (kvittering).
fn receipt_in(ctx: &LetterContext) -> LetterDocument {
    let mut b = Builder::new(ctx, ctx.recipient.language);
    let kind = kind_text(b.lang, ctx.kind);
    b.opening();
    let received = b.date(ctx.received_on);
    let due = b.date(ctx.due_on);
    b.para(b.tf(
        "receipt.intro",
        &[
            ("kind", kind),
            ("received", &received),
            ("reference", ctx.reference.as_str()),
        ],
    ));
    b.blocks
        .push(Block::Notice(b.tf("receipt.due", &[("due", &due)])));
    b.para(b.tf("receipt.extension", &[("due", &due)]));
    b.para(b.t("receipt.more_info"));
    b.para(b.t("receipt.portal"));
    b.contact_and_complaint(false);
    b.closing();
    let title = b.t("receipt.title").to_string();
    b.finish(title, person_recipient(ctx))
}

/// The extension notice (art. 12(3)); needs `ctx.extension` with a reason.
fn extension_notice_in(ctx: &LetterContext) -> Result<LetterDocument, LetterError> {
    let ext = ctx
        .extension
        .as_ref()
        .ok_or(LetterError::MissingExtension)?;
    require_text("extension reason", &ext.reason)?;
    let mut b = Builder::new(ctx, ctx.recipient.language);
    let kind = kind_text(b.lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    b.para(b.tf(
        "extension.intro",
        &[("kind", kind), ("received", &received)],
    ));
    let new_due = b.date(ext.new_due_on);
    let due = b.date(ctx.due_on);
    b.blocks.push(Block::Notice(
        b.tf("extension.new_due", &[("new_due", &new_due), ("due", &due)]),
    ));
    b.heading(2, b.t("extension.reason_heading"));
    b.free_text(&ext.reason, Block::Paragraph);
    b.para(b.t("extension.legal"));
    b.contact_and_complaint(true);
    b.closing();
    let title = b.t("extension.title").to_string();
    Ok(b.finish(title, person_recipient(ctx)))
}

/// Where a forwarded request went inside this system: the receiving controller's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Onward {
    pub reference: String,
    pub due_on: NaiveDate,
}

/// Where a forwarded request went: a controller in this system, with the onward case, or a
/// body outside it, named in the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ForwardedTo {
    Controller { name: String, onward: Onward },
    Outside,
}

/// The letter that tells the person their request went to another controller, where and why
/// (forvaltningsloven § 7), and that their case here is closed.
fn forwarded_notice_in(
    ctx: &LetterContext,
    to: &ForwardedTo,
    reason: &str,
) -> Result<LetterDocument, LetterError> {
    require_text("forwarding reason", reason)?;
    let mut b = Builder::new(ctx, ctx.recipient.language);
    let kind = kind_text(b.lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    match to {
        ForwardedTo::Controller { name, onward } => {
            require_text("receiving controller", name)?;
            b.para(b.tf(
                "forwarded.intro",
                &[("kind", kind), ("received", &received), ("to", name)],
            ));
            let due = b.date(onward.due_on);
            b.blocks.push(Block::Notice(b.tf(
                "forwarded.onward",
                &[
                    ("to", name),
                    ("reference", &onward.reference),
                    ("due", &due),
                ],
            )));
            b.heading(2, b.t("forwarded.reason_heading"));
        }
        ForwardedTo::Outside => {
            b.para(b.tf(
                "forwarded.intro_outside",
                &[("kind", kind), ("received", &received)],
            ));
            b.blocks
                .push(Block::Notice(b.t("forwarded.onward_outside").to_string()));
            b.heading(2, b.t("forwarded.where_heading"));
        }
    }
    b.free_text(reason, Block::Paragraph);
    b.para(b.t("forwarded.closed"));
    b.para(b.t("forwarded.legal"));
    b.contact_and_complaint(false);
    b.closing();
    let title = b.t("forwarded.title").to_string();
    Ok(b.finish(title, person_recipient(ctx)))
}

/// The art. 18(3) notice to the person before a restriction is lifted: from which date, and why.
fn restriction_lift_notice_in(
    ctx: &LetterContext,
    lift_on: chrono::NaiveDate,
    reason: &str,
) -> Result<LetterDocument, LetterError> {
    require_text("reason", reason)?;
    let mut b = Builder::new(ctx, ctx.recipient.language);
    b.opening();
    b.para(b.t("restriction_lift.intro"));
    let date = b.date(lift_on);
    b.blocks.push(Block::Notice(
        b.tf("restriction_lift.when", &[("date", &date)]),
    ));
    b.heading(2, b.t("restriction_lift.reason_heading"));
    b.free_text(reason, Block::Paragraph);
    b.para(b.t("restriction_lift.effect"));
    b.para(b.t("restriction_lift.legal"));
    b.contact_and_complaint(true);
    b.closing();
    let title = b.t("restriction_lift.title").to_string();
    Ok(b.finish(title, person_recipient(ctx)))
}

fn representation_refused_in(
    ctx: &LetterContext,
    reasons: &str,
) -> Result<LetterDocument, LetterError> {
    require_text("reasons", reasons)?;
    let mut b = Builder::new(ctx, ctx.recipient.language);
    let kind = kind_text(b.lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    b.para(b.tf(
        "representation_refused.intro",
        &[("kind", kind), ("received", &received)],
    ));
    // Dismissing a case is an individual decision (forvaltningsloven § 2 third paragraph):
    // headed and appealable as one where the controller names an appeal body.
    let appeal_body = ctx
        .controller
        .appeal_body
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    b.heading(
        2,
        b.t(if appeal_body.is_some() {
            "answer.decision_heading"
        } else {
            "answer.answer_heading"
        }),
    );
    b.blocks.push(Block::Notice(
        b.t("representation_refused.outcome").to_string(),
    ));
    b.heading(3, b.t("answer.reasons_heading"));
    b.free_text(reasons, Block::Paragraph);
    b.para(b.t("representation_refused.legal"));
    b.heading(2, b.t("representation_refused.next_heading"));
    b.para(b.t("representation_refused.next"));
    if let Some(appeal_body) = appeal_body {
        b.heading(2, b.t("answer.appeal_heading"));
        b.para(b.t("answer.appeal_deadline"));
        b.para(b.tf("answer.appeal_how", &[("appeal_body", appeal_body)]));
        b.para(b.t("answer.appeal_documents"));
    }
    b.heading(2, b.t("common.complaint_heading"));
    b.para(b.t("representation_refused.complaint"));
    b.contact_and_complaint(false);
    b.closing();
    let title = b.t("representation_refused.title").to_string();
    Ok(b.finish(title, person_recipient(ctx)))
}

/// The clarification request (art. 12(6) and unclear requests).
fn clarification_in(ctx: &LetterContext, questions: &str) -> Result<LetterDocument, LetterError> {
    require_text("questions", questions)?;
    let mut b = Builder::new(ctx, ctx.recipient.language);
    let kind = kind_text(b.lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    b.para(b.tf(
        "clarification.intro",
        &[("kind", kind), ("received", &received)],
    ));
    b.free_text(questions, Block::Notice);
    b.para(b.tf(
        "clarification.how",
        &[
            ("email", &ctx.controller.email),
            ("reference", ctx.reference.as_str()),
        ],
    ));
    b.para(b.t("clarification.next"));
    b.contact_and_complaint(false);
    b.closing();
    let title = b.t("clarification.title").to_string();
    Ok(b.finish(title, person_recipient(ctx)))
}

/// The answer to the request, for every kind and outcome.
fn answer_in(
    ctx: &LetterContext,
    answer: &Answer,
    res: Resources<'_>,
) -> Result<LetterDocument, LetterError> {
    let decision = &answer.decision;
    let bases = res.legal_bases.resolve(ctx.kind, &decision.legal_bases)?;
    if decision.outcome != Outcome::Granted && bases.is_empty() {
        return Err(LetterError::MissingLegalBasis);
    }
    let activities = answer
        .activity_ids
        .iter()
        .map(|id| {
            res.registry
                .get(id)
                .ok_or_else(|| LetterError::UnknownActivity(id.clone()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if ctx.kind == RightKind::Innsyn
        && decision.outcome != Outcome::Refused
        && activities.is_empty()
    {
        return Err(LetterError::MissingActivity);
    }

    let mut b = Builder::new(ctx, ctx.recipient.language);
    let lang = b.lang;
    let kind = kind_text(lang, ctx.kind);
    let received = b.date(ctx.received_on);
    b.opening();
    b.para(b.tf("answer.intro", &[("kind", kind), ("received", &received)]));
    if let Some(ext) = &ctx.extension {
        let new_due = b.date(ext.new_due_on);
        b.para(b.tf("answer.extended", &[("new_due", &new_due)]));
    }
    // A refusal (in full or in part) is a vedtak where the controller says so; a grant, or a
    // refusal where it is not, is an answer and is not headed as a vedtak.
    let appeal_body = ctx
        .controller
        .appeal_body
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty() && decision.outcome != Outcome::Granted);
    let is_vedtak = appeal_body.is_some();
    b.heading(
        2,
        b.t(if is_vedtak {
            "answer.decision_heading"
        } else {
            "answer.answer_heading"
        }),
    );
    // A retting refused because the data held was checked and is correct says so, not a
    // generic refusal.
    let data_correct = ctx.kind == RightKind::Retting && bases.iter().any(|b| b.id == DATA_CORRECT);
    if data_correct {
        if decision.outcome == Outcome::Granted {
            return Err(LetterError::CorrectButGranted);
        }
        require_text("reasons", &decision.text)?;
    }
    let cites = |id: &str| bases.iter().any(|b| b.id == id);
    let headline = if data_correct && decision.outcome == Outcome::Refused {
        b.t("correct.refused")
    } else if ctx.kind == RightKind::Protest && decision.outcome == Outcome::Refused {
        // Art. 21(1): compelling grounds only where the decision rests on them; processing the
        // law requires (art. 6(1)(c)) carries no right to object; anything else says only why.
        b.t(if cites("gdpr-21-1") {
            "answer.protest.refused"
        } else if cites("gdpr-6-1-c") {
            "protest_refused.obligation"
        } else {
            "protest_refused.other"
        })
    } else {
        b.t(&format!(
            "answer.{}.{}",
            ctx.kind.as_str(),
            decision.outcome.as_str()
        ))
    };
    b.blocks.push(Block::Notice(headline.to_string()));
    if !decision.text.trim().is_empty() {
        b.heading(3, b.t("answer.reasons_heading"));
        b.free_text(&decision.text, Block::Paragraph);
    }
    if data_correct {
        data_correct_section(&mut b, answer);
    }
    if !bases.is_empty() {
        b.heading(3, b.t("answer.legal_bases_heading"));
        b.para(b.t(if is_vedtak {
            "answer.legal_bases_intro"
        } else {
            "answer.answer_bases_intro"
        }));
        let pairs = bases
            .iter()
            .map(|basis| {
                (
                    format!("{} – {}", basis.citation.get(lang), basis.title.get(lang)),
                    basis.explanation.get(lang).to_string(),
                )
            })
            .collect();
        b.blocks.push(Block::Facts(pairs));
    }

    match ctx.kind {
        RightKind::Innsyn => {
            if decision.outcome != Outcome::Refused {
                innsyn_sections(&mut b, answer, &activities, res.registry);
            }
        }
        _ => operation_sections(&mut b, ctx.kind, answer, res.legal_bases),
    }

    if let Some(appeal_body) = appeal_body {
        b.heading(2, b.t("answer.appeal_heading"));
        b.para(b.t("answer.appeal_deadline"));
        b.para(b.tf("answer.appeal_how", &[("appeal_body", appeal_body)]));
        b.para(b.t("answer.appeal_documents"));
    }
    b.contact_and_complaint(true);
    b.closing();
    let title = b.tf("answer.title", &[("kind", kind)]);
    Ok(b.finish(title, person_recipient(ctx)))
}

/// What was checked and found correct, and what the person can do: add a supplementary
/// statement (art. 16) or complain.
fn data_correct_section(b: &mut Builder<'_>, answer: &Answer) {
    b.heading(3, b.t("correct.heading"));
    b.para(b.t("correct.checked"));
    let checked: Vec<String> = answer
        .operations
        .iter()
        .filter(|op| op.outcome == OperationOutcome::Kept)
        .map(|op| format!("{} ({})", op.label, op.source_name))
        .collect();
    if !checked.is_empty() {
        b.para(b.t("correct.checked_records"));
        b.blocks.push(Block::Bullets(checked));
    }
    b.para(b.t("correct.statement"));
    b.para(b.t("correct.disagree"));
}

fn innsyn_sections(
    b: &mut Builder<'_>,
    answer: &Answer,
    activities: &[&crate::processing_activities::ProcessingActivity],
    registry: &Registry,
) {
    let lang = b.lang;
    let shown: Vec<&CollectedRecord> = answer.records.iter().filter(|r| !r.third_party).collect();
    let withheld = answer.records.len() - shown.len();

    // art. 15(1): confirmation
    if shown.is_empty() && withheld == 0 {
        b.para(b.t(if answer.collection_waived {
            "innsyn.confirmation_none_waived"
        } else {
            "innsyn.confirmation_none"
        }));
    } else {
        b.para(b.t("innsyn.confirmation"));
    }

    let category_name = |id: &str| -> String {
        registry
            .category_name(id, lang)
            .map(str::to_string)
            .unwrap_or_else(|| id.to_string())
    };
    let marker = b.t("innsyn.special_marker");

    // (b) the categories of data about this person: only those found in the records shown.
    let mut held: Vec<String> = Vec::new();
    for r in &shown {
        let name = mark(
            &category_name(&r.category),
            r.special_category || registry.is_special_category(&r.category),
            marker,
        );
        if !held.contains(&name) {
            held.push(name);
        }
    }
    if !held.is_empty() {
        b.heading(2, b.t("innsyn.categories_heading"));
        b.para(b.t(if answer.collection_waived {
            "innsyn.held_categories_intro_waived"
        } else {
            "innsyn.held_categories_intro"
        }));
        b.blocks.push(Block::Bullets(held));
        b.para(b.t("innsyn.special_note"));
    }

    if activities.len() > 1 {
        b.para(b.t("innsyn.activities_intro"));
    }
    for activity in activities {
        let view = registry.view(activity, lang);
        b.heading(2, b.tf("innsyn.about_heading", &[("activity", view.name)]));
        // (a) purposes
        b.heading(3, b.t("innsyn.purposes_heading"));
        b.blocks.push(Block::Bullets(
            view.purposes.iter().map(|s| s.to_string()).collect(),
        ));
        // legal basis of the processing
        b.heading(3, b.t("innsyn.basis_heading"));
        b.blocks.push(Block::Bullets(
            view.legal_bases.iter().map(|s| s.to_string()).collect(),
        ));
        // The categories the activity covers for everyone in the service, labelled as such.
        b.heading(3, b.t("innsyn.activity_categories_heading"));
        b.blocks.push(Block::Bullets(
            view.categories
                .iter()
                .map(|(name, special)| mark(name, *special, marker))
                .collect(),
        ));
        b.para(b.t("innsyn.activity_categories_note"));
        // (c) recipients and transfers, as the register states them
        b.heading(3, b.t("innsyn.recipients_heading"));
        b.blocks.push(Block::Bullets(
            view.recipients.iter().map(|s| s.to_string()).collect(),
        ));
        b.para(view.transfers);
        // (d) retention
        b.heading(3, b.t("innsyn.retention_heading"));
        b.para(view.retention);
        // (g) sources
        b.heading(3, b.t("innsyn.sources_heading"));
        b.blocks.push(Block::Bullets(
            view.sources.iter().map(|s| s.to_string()).collect(),
        ));
        // (h) automated decisions: "none" only where the register says none
        b.heading(3, b.t("innsyn.automated_heading"));
        b.para(match view.automated_decisions {
            Declared::None => b.t("innsyn.automated_none"),
            Declared::Text(text) => text,
        });
    }

    // (e) rights
    b.heading(2, b.t("innsyn.rights_heading"));
    b.blocks.push(Block::Bullets(vec![
        b.t("innsyn.right_retting").to_string(),
        b.t("innsyn.right_sletting").to_string(),
        b.t("innsyn.right_begrensning").to_string(),
        b.t("innsyn.right_protest").to_string(),
    ]));

    // The copy of the data: by source, then by category.
    b.heading(2, b.t("innsyn.records_heading"));
    if withheld > 0 {
        let text = b.tn("innsyn.withheld", &[("count", withheld.into())]);
        b.blocks.push(Block::Notice(text));
    }
    if shown.is_empty() {
        return;
    }
    b.para(b.t("innsyn.records_intro"));
    let marker = b.t("innsyn.special_marker");
    let mut by_source: Vec<(&str, BTreeMap<String, Vec<&CollectedRecord>>)> = Vec::new();
    for r in &shown {
        let idx = match by_source.iter().position(|(s, _)| *s == r.source_name) {
            Some(i) => i,
            None => {
                by_source.push((&r.source_name, BTreeMap::new()));
                by_source.len() - 1
            }
        };
        by_source[idx]
            .1
            .entry(category_name(&r.category))
            .or_default()
            .push(r);
    }
    let headers = vec![
        b.t("innsyn.col_label").to_string(),
        b.t("innsyn.col_value").to_string(),
        b.t("innsyn.col_recorded").to_string(),
        b.t("innsyn.col_purpose").to_string(),
        b.t("innsyn.col_sharing").to_string(),
    ];
    for (source, categories) in by_source {
        b.heading(3, b.tf("innsyn.records_source", &[("source", source)]));
        for (category, records) in categories {
            let rows = records
                .iter()
                .map(|r| {
                    let special = r.special_category || registry.is_special_category(&r.category);
                    let purpose = [r.purpose.as_deref(), r.legal_basis.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("\n");
                    let mut sharing = r.recipients.join(", ");
                    if let Some(ret) = &r.retention {
                        if !sharing.is_empty() {
                            sharing.push('\n');
                        }
                        sharing.push_str(ret);
                    }
                    TableRow {
                        cells: vec![
                            mark(&r.label, special, marker),
                            r.value_text(),
                            r.recorded_at
                                .as_deref()
                                .map(|raw| format_recorded(lang, raw))
                                .unwrap_or_default(),
                            purpose,
                            sharing,
                        ],
                        marked: special,
                    }
                })
                .collect();
            b.blocks.push(Block::Table(Table {
                caption: Some(category),
                headers: headers.clone(),
                widths: vec![20.0, 30.0, 12.0, 20.0, 18.0],
                rows,
            }));
        }
    }
    b.para(b.t("innsyn.package"));
}

fn mark(text: &str, special: bool, marker: &str) -> String {
    if special {
        format!("{text} ({marker})")
    } else {
        text.to_string()
    }
}

fn outcome_text(lang: Language, outcome: OperationOutcome) -> &'static str {
    t(lang, &format!("letters.operations.{}", outcome.as_str()))
}

/// The per-record table of what was done, shared by the answer and the art. 19 notice.
fn operations_table(
    lang: Language,
    operations: &[OperationResult],
    catalogue: &Catalogue,
) -> Table {
    let k = |key: &str| t(lang, &format!("letters.operations.{key}"));
    let rows = operations
        .iter()
        .map(|op| {
            let mut reason: Vec<String> = Vec::new();
            if let Some(v) = &op.old_value {
                reason.push(tf(lang, "letters.operations.old_value", &[("value", v)]));
            }
            if let Some(v) = &op.new_value {
                reason.push(tf(lang, "letters.operations.new_value", &[("value", v)]));
            }
            if let Some(d) = op.restricted_until {
                let d = format_date(lang, d);
                reason.push(tf(lang, "letters.operations.until", &[("date", &d)]));
            }
            if let Some(r) = &op.reason {
                reason.push(r.clone());
            }
            if let Some(basis) = &op.legal_basis {
                let text = catalogue
                    .get(basis)
                    .map(|b| b.citation.get(lang).to_string())
                    .unwrap_or_else(|| basis.clone());
                reason.push(tf(lang, "letters.operations.basis", &[("basis", &text)]));
            }
            TableRow {
                cells: vec![
                    op.source_name.clone(),
                    op.label.clone(),
                    outcome_text(lang, op.outcome).to_string(),
                    reason.join("\n"),
                ],
                marked: false,
            }
        })
        .collect();
    Table {
        caption: None,
        headers: vec![
            k("col_source").to_string(),
            k("col_record").to_string(),
            k("col_result").to_string(),
            k("col_reason").to_string(),
        ],
        widths: vec![22.0, 26.0, 14.0, 38.0],
        rows,
    }
}

/// The reasons in the operations table are written in Norwegian: a letter in another language
/// says so above the table.
fn reasons_note(b: &mut Builder<'_>, operations: &[OperationResult]) {
    if b.lang != Language::Nb && operations.iter().any(|op| op.reason.is_some()) {
        let note = b.t("common.reasons_note").to_string();
        b.blocks.push(Block::LanguageNote(note));
    }
}

fn operation_sections(
    b: &mut Builder<'_>,
    kind: RightKind,
    answer: &Answer,
    catalogue: &Catalogue,
) {
    if !answer.operations.is_empty() {
        b.heading(2, b.t("operations.heading"));
        reasons_note(b, &answer.operations);
        b.blocks.push(Block::Table(operations_table(
            b.lang,
            &answer.operations,
            catalogue,
        )));
    }
    let changed = answer.operations.iter().any(|op| {
        matches!(
            op.outcome,
            OperationOutcome::Corrected | OperationOutcome::Erased | OperationOutcome::Restricted
        )
    });
    // art. 19: rectification, erasure and restriction are passed on to recipients.
    if matches!(
        kind,
        RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
    ) && changed
    {
        if answer.notified_recipients.is_empty() {
            b.para(b.t("operations.recipients_none"));
        } else {
            let list = answer.notified_recipients.join(", ");
            b.para(b.tf("operations.recipients_told", &[("recipients", &list)]));
        }
        // Art. 19 second sentence: the person is told about the recipients on request.
        b.para(b.t("operations.recipients_ask"));
    }
    if kind == RightKind::Begrensning && changed {
        b.para(b.t("operations.restriction_lift"));
    }
}

/// The art. 19 notice to one recipient of the data, in the recipient's language.
pub fn recipient_notice(
    ctx: &LetterContext,
    notice: &RecipientNotice,
    catalogue: &Catalogue,
) -> Result<LetterDocument, LetterError> {
    if !matches!(
        ctx.kind,
        RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
    ) {
        return Err(LetterError::NoticeNotApplicable(ctx.kind.as_str()));
    }
    require_text("organisation", &notice.organisation)?;
    if notice.operations.is_empty() {
        return Err(LetterError::NoOperations);
    }
    let mut b = Builder::new(ctx, notice.language);
    let action = b.t(&format!("notice.action.{}", ctx.kind.as_str()));
    b.para(b.tf("notice.intro", &[("subject", ctx.subject_name())]));
    reasons_note(&mut b, &notice.operations);
    b.blocks.push(Block::Table(operations_table(
        b.lang,
        &notice.operations,
        catalogue,
    )));
    b.para(b.t("notice.duty"));
    b.contact_and_complaint(false);
    b.closing();
    let title = b.tf("notice.title", &[("action", action)]);
    let mut recipient = vec![notice.organisation.clone()];
    recipient.extend(notice.address.iter().cloned());
    Ok(b.finish(title, recipient))
}
