//! The short letters: the receipt, the extension notice, the forwarded notice, the notice that a
//! restriction is lifted, the refused representation and the clarification request.
use chrono::NaiveDate;

use crate::letters::LetterError;
use crate::letters::input::LetterContext;
use crate::letters::model::{Block, LetterDocument};

use super::{Builder, kind_text, person_recipient, require_text};

/// The receipt (kvittering).
pub(super) fn receipt_in(ctx: &LetterContext) -> LetterDocument {
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
pub(super) fn extension_notice_in(ctx: &LetterContext) -> Result<LetterDocument, LetterError> {
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
pub(super) fn forwarded_notice_in(
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
pub(super) fn restriction_lift_notice_in(
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

pub(super) fn representation_refused_in(
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
pub(super) fn clarification_in(
    ctx: &LetterContext,
    questions: &str,
) -> Result<LetterDocument, LetterError> {
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
