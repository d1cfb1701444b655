//! The receipt (kvittering) the person downloads from Min side, after filing and on the case
//! page: the receipt letter ([`compose::receipt`]) — the reference, what they asked for, when it
//! was received, the controller, the deadline, what happens next, and, filed by a
//! representative, whom it is about — with the deadline as it stands on the day it is made: once
//! the deadline has been extended it says the new deadline and the first one, and no longer that
//! an extension may come (art. 12(3) allows one extension).
use super::{
    LetterContext, LetterDocument,
    compose::{self, format_date},
    model::Block,
};
use crate::i18n::tf;

/// The receipt for a case that is still open.
pub fn portal_receipt(ctx: &LetterContext) -> LetterDocument {
    let mut doc = compose::receipt(ctx);
    if let Some(ext) = &ctx.extension {
        extended(&mut doc, ctx, ext.new_due_on);
        if let Some(binding) = doc.binding.as_deref_mut() {
            extended(binding, ctx, ext.new_due_on);
        }
    }
    doc
}

/// The first deadline's notice becomes the extended one; the paragraph on a possible
/// extension goes.
fn extended(doc: &mut LetterDocument, ctx: &LetterContext, new_due_on: chrono::NaiveDate) {
    let lang = doc.lang;
    let due = format_date(lang, ctx.due_on);
    let new_due = format_date(lang, new_due_on);
    let first = Block::Notice(tf(lang, "letters.receipt.due", &[("due", &due)]));
    let possible = Block::Paragraph(tf(lang, "letters.receipt.extension", &[("due", &due)]));
    doc.blocks.retain(|b| *b != possible);
    for block in &mut doc.blocks {
        if *block == first {
            *block = Block::Notice(tf(
                lang,
                "letters.extension.new_due",
                &[("new_due", &new_due), ("due", &due)],
            ));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::{
        i18n::Language,
        letters::{Extension, pdf, sample},
        lifecycle::RightKind,
    };

    fn squash(s: &str) -> String {
        s.chars().filter(|c| !c.is_whitespace()).collect()
    }

    #[test]
    fn the_receipt_states_the_deadline_as_it_stands_in_every_language() {
        for lang in Language::ALL {
            let mut ctx = sample::context(lang, RightKind::Sletting);
            let due = format_date(lang, ctx.due_on);
            let first = tf(lang, "letters.receipt.due", &[("due", &due)]);
            let possible = tf(lang, "letters.receipt.extension", &[("due", &due)]);
            let doc = portal_receipt(&ctx);
            assert!(doc.texts().contains(&first.as_str()), "{lang:?}");
            assert!(doc.texts().contains(&possible.as_str()), "{lang:?}");
            assert!(doc.texts().contains(&ctx.reference.as_str()));

            let new_due_on = ctx.due_on + chrono::Days::new(60);
            ctx.extension = Some(Extension {
                new_due_on,
                reason: "Mange kilder".into(),
            });
            let doc = portal_receipt(&ctx);
            for part in std::iter::once(&doc).chain(doc.binding.as_deref()) {
                let lang = part.lang;
                let due = format_date(lang, ctx.due_on);
                let new_due = format_date(lang, new_due_on);
                let now = tf(
                    lang,
                    "letters.extension.new_due",
                    &[("new_due", &new_due), ("due", &due)],
                );
                let possible = tf(lang, "letters.receipt.extension", &[("due", &due)]);
                let texts = part.texts();
                assert!(texts.contains(&now.as_str()), "{lang:?}");
                assert!(
                    !texts.iter().any(|t| t.contains(&due) && *t != now),
                    "{lang:?}: {texts:?}"
                );
                assert!(!texts.contains(&possible.as_str()), "{lang:?}");
            }
        }
    }

    #[test]
    fn the_receipt_pdf_has_the_reference_and_deadline_as_text() {
        for lang in [Language::Nb, Language::Ar, Language::Ti] {
            let ctx = sample::context(lang, RightKind::Innsyn);
            let doc = portal_receipt(&ctx);
            let pdf = pdf::render_pdf(&doc).unwrap();
            let text = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
            assert!(text.contains(&squash(ctx.reference.as_str())), "{lang:?}");
            let due = format_date(Language::Nb, ctx.due_on);
            // The bokmål deadline: the letter itself in bokmål, or its binding version.
            assert!(text.contains(&squash(&due)), "{lang:?}: {text}");
        }
    }
}
