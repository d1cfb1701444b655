//! What was done at the sources for retting, sletting and begrensning: the operations table
//! and its sections in the answer, and the art. 19 notice to recipients.
use crate::i18n::{Language, t, tf};
use crate::legal_bases::Catalogue;
use crate::letters::LetterError;
use crate::letters::input::{
    Answer, LetterContext, OperationOutcome, OperationResult, RecipientNotice,
};
use crate::letters::model::{Block, LetterDocument, Table, TableRow};
use crate::lifecycle::RightKind;

use super::{Builder, format_date, require_text};

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

pub(super) fn operation_sections(
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
