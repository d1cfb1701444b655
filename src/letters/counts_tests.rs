//! Every letter kind in every language with 0, 1, 2, 5 and 21 items (records, withheld records,
//! operations, recipients, sources): the plural forms follow CLDR, nothing is left unformatted,
//! no bidi isolation marks, and the caseworker's Norwegian is marked in every other language.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;

use super::{model::Block, sample, *};
use crate::{
    i18n::{Language, t},
    legal_bases::Catalogue,
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

const COUNTS: [usize; 5] = [0, 1, 2, 5, 21];

/// The withheld-records sentence's number and noun as a person writes it, per CLDR plural
/// rules: nb/nn/en one for 1 only; uk one for 1 and 21, few for 2, many for 5; ar one for 1, two
/// for 2, few for 3–10, many for 11–99; ti, fa-AF and so one for 0 and 1 (or 1) only.
fn withheld_phrase(lang: Language, n: usize) -> String {
    let noun = match (lang, n) {
        (Language::Nb | Language::Nn, 1) => "opplysning",
        (Language::Nb, _) => "opplysninger",
        (Language::Nn, _) => "opplysningar",
        (Language::En, 1) => "item",
        (Language::En, _) => "items",
        (Language::Uk, 1 | 21) => "запис",
        (Language::Uk, 2) => "записи",
        (Language::Uk, _) => "записів",
        // Arabic names one and two with the noun alone (the number follows in brackets).
        (Language::Ar, 1) => return "بندا واحدا (1)".into(),
        (Language::Ar, 2) => return "بندين (2)".into(),
        (Language::Ar, 3..=10) => "بنود",
        (Language::Ar, _) => "بندا",
        (Language::Ti, 1) => "ኣርእስቲ",
        (Language::Ti, _) => "ኣርእስትታት",
        (Language::FaAf, _) => "مورد",
        (Language::So, _) => "shay",
    };
    // Ukrainian puts a comma after the noun, the others a space.
    let after = if lang == Language::Uk { ',' } else { ' ' };
    format!("{n} {noun}{after}")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// `shown` records of the person and `withheld` about someone else, over `sources` sources.
fn records(shown: usize, withheld: usize) -> Vec<CollectedRecord> {
    let mut out: Vec<CollectedRecord> = sample::records(shown + withheld)
        .into_iter()
        .map(|mut r| {
            r.third_party = false;
            r.value = serde_json::json!(r.value_text().replace(sample::THIRD_PARTY_MARKER, "x"));
            r
        })
        .collect();
    for r in out.iter_mut().take(withheld) {
        r.third_party = true;
        r.value = serde_json::json!(sample::THIRD_PARTY_MARKER);
    }
    out
}

/// `n` operations of `kind`, each with a reason when `kept`.
fn operations(kind: RightKind, n: usize) -> Vec<OperationResult> {
    let base = sample::operations(kind);
    (0..n)
        .map(|i| {
            let mut op = base[i % base.len()].clone();
            op.record_id = format!("{}-{i}", op.record_id);
            op
        })
        .collect()
}

/// Every letter of one language with `n` items of each kind, and the free texts it carries.
fn letters(lang: Language, n: usize, catalogue: &Catalogue, registry: &Registry) -> Vec<Letter> {
    let res = Resources {
        legal_bases: catalogue,
        registry,
    };
    let mut out = Vec::new();
    let reason = "Saken gjelder opplysninger i mange systemer.";
    for kind in RightKind::ALL {
        let mut ctx = sample::context(lang, kind);
        out.push(Letter::new(format!("receipt {kind:?}"), receipt(&ctx), &[]));
        let questions = "Hvilket år gjelder kravet?";
        out.push(Letter::new(
            format!("clarification {kind:?}"),
            clarification(&ctx, questions).unwrap(),
            &[questions],
        ));
        let to = ForwardedTo::Controller {
            name: "Lillestrøm kommune".into(),
            onward: Onward {
                reference: "PV-2026-000321".into(),
                due_on: date(2026, 3, 2),
            },
        };
        for (what, to) in [("controller", to), ("outside", ForwardedTo::Outside)] {
            out.push(Letter::new(
                format!("forwarded {what} {kind:?}"),
                forwarded_notice(&ctx, &to, reason).unwrap(),
                &[reason],
            ));
        }
        for outcome in Outcome::ALL {
            let mut answer = sample::answer(kind, outcome, 0);
            answer.decision.text = format!("{reason} ({n})");
            if kind == RightKind::Innsyn {
                // n records shown, and n more withheld (art. 15(4)).
                answer.records = records(n, n);
            } else {
                answer.operations = operations(kind, n)
                    .into_iter()
                    .filter(|o| match outcome {
                        Outcome::Granted => o.outcome != OperationOutcome::Kept,
                        Outcome::PartiallyGranted => true,
                        Outcome::Refused => o.outcome == OperationOutcome::Kept,
                    })
                    .collect();
            }
            answer.notified_recipients = (0..n).map(|i| format!("Mottaker {i}")).collect();
            let doc = super::answer(&ctx, &answer, res).unwrap();
            let reasons = answer.operations.iter().any(|o| o.reason.is_some());
            let mut letter = Letter::new(
                format!("answer {kind:?} {outcome:?}"),
                doc,
                &[&answer.decision.text],
            );
            letter.reasons_table = reasons;
            letter.withheld =
                (kind == RightKind::Innsyn && outcome != Outcome::Refused).then_some(n);
            out.push(letter);
        }
        if matches!(
            kind,
            RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
        ) && n > 0
        {
            let notice = RecipientNotice {
                organisation: "NAV".into(),
                address: vec![],
                language: lang,
                operations: operations(kind, n),
            };
            let mut letter = Letter::new(
                format!("art. 19 notice {kind:?}"),
                recipient_notice(&ctx, &notice, catalogue).unwrap(),
                &[],
            );
            letter.reasons_table = notice.operations.iter().any(|o| o.reason.is_some());
            out.push(letter);
        }
        if kind == RightKind::Begrensning {
            out.push(Letter::new(
                "lift notice".into(),
                restriction_lift_notice(&ctx, date(2026, 3, 20), reason).unwrap(),
                &[reason],
            ));
        }
        ctx.extension = Some(Extension {
            new_due_on: date(2026, 5, 4),
            reason: reason.into(),
        });
        out.push(Letter::new(
            format!("extension {kind:?}"),
            extension_notice(&ctx).unwrap(),
            &[reason],
        ));
    }
    out
}

struct Letter {
    case: String,
    doc: LetterDocument,
    /// The caseworker's own words in the letter.
    free_texts: Vec<String>,
    /// Whether the operations table carries reasons.
    reasons_table: bool,
    /// The number of withheld records where the letter is an innsyn answer with a copy.
    withheld: Option<usize>,
}

impl Letter {
    fn new(case: String, doc: LetterDocument, free_texts: &[&str]) -> Self {
        Letter {
            case,
            doc,
            free_texts: free_texts.iter().map(|s| s.to_string()).collect(),
            reasons_table: false,
            withheld: None,
        }
    }
}

#[test]
fn every_letter_in_every_language_with_0_1_2_5_and_21_items() {
    let catalogue = Catalogue::built_in();
    let registry = Registry::built_in().unwrap();
    let mut rendered = 0;
    for lang in Language::ALL {
        let free_text_note = t(lang, "letters.common.free_text_note");
        let reasons_note = t(lang, "letters.common.reasons_note");
        for n in COUNTS {
            for letter in letters(lang, n, &catalogue, &registry) {
                let case = format!("{} n={n} {}", lang.as_str(), letter.case);
                let doc = &letter.doc;
                let html = html::render_html(doc);
                let mut texts: Vec<String> = doc.texts().iter().map(|s| s.to_string()).collect();
                texts.push(doc.page_label(1, n.max(1)));
                for text in &texts {
                    assert!(
                        !text.contains(['{', '}', '$']),
                        "{case}: unformatted {text}"
                    );
                    assert!(
                        !text.contains(['\u{2068}', '\u{2069}']),
                        "{case}: isolation marks in {text:?}"
                    );
                }
                assert!(!html.contains(['\u{2068}', '\u{2069}']), "{case}");

                // The withheld records: the sentence only where some are, in the right form.
                let withheld: Vec<&String> = doc
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::Notice(text) if texts_withheld(lang, text) => Some(text),
                        _ => None,
                    })
                    .collect();
                match letter.withheld {
                    Some(w) if w > 0 => {
                        assert_eq!(withheld.len(), 1, "{case}");
                        let phrase = withheld_phrase(lang, w);
                        assert!(
                            withheld[0].contains(&phrase),
                            "{case}: {phrase:?} in {}",
                            withheld[0]
                        );
                    }
                    _ => assert!(withheld.is_empty(), "{case}: {withheld:?}"),
                }

                // The caseworker's Norwegian: a marked note right before it, except in bokmål.
                for free in &letter.free_texts {
                    let at = doc
                        .blocks
                        .iter()
                        .position(
                            |b| matches!(b, Block::Paragraph(t) | Block::Notice(t) if t == free),
                        )
                        .unwrap_or_else(|| panic!("{case}: {free} not in the letter"));
                    let before = at.checked_sub(1).map(|i| &doc.blocks[i]);
                    if lang == Language::Nb {
                        assert!(!matches!(before, Some(Block::LanguageNote(_))), "{case}");
                    } else {
                        assert_eq!(
                            before,
                            Some(&Block::LanguageNote(free_text_note.to_string())),
                            "{case}"
                        );
                    }
                }
                let notes: Vec<&String> = doc
                    .blocks
                    .iter()
                    .filter_map(|b| match b {
                        Block::LanguageNote(text) => Some(text),
                        _ => None,
                    })
                    .collect();
                let expected_notes = if lang == Language::Nb {
                    0
                } else {
                    letter.free_texts.len() + usize::from(letter.reasons_table)
                };
                assert_eq!(notes.len(), expected_notes, "{case}: {notes:?}");
                if letter.reasons_table && lang != Language::Nb {
                    assert!(notes.contains(&&reasons_note.to_string()), "{case}");
                }
                for note in notes {
                    assert!(
                        html.contains(&format!(
                            "<p class=\"language-note\" role=\"note\">{}</p>",
                            maud::html! { (note) }.into_string()
                        )),
                        "{case}"
                    );
                }
                rendered += 1;
            }
        }
    }
    assert!(rendered > 4 * 5 * 20, "{rendered}");
}

/// Whether `text` is the withheld-records sentence of `lang` (any of its plural forms).
fn texts_withheld(lang: Language, text: &str) -> bool {
    (0_i64..=30)
        .any(|n| text == crate::i18n::tn(lang, "letters.innsyn.withheld", &[("count", n.into())]))
}

#[test]
fn the_page_label_and_a_free_text_note_reach_the_pdf() {
    let catalogue = Catalogue::built_in();
    let registry = Registry::built_in().unwrap();
    let res = Resources {
        legal_bases: &catalogue,
        registry: &registry,
    };
    for lang in [Language::Uk, Language::En] {
        let ctx = sample::context(lang, RightKind::Sletting);
        let doc = super::answer(
            &ctx,
            &sample::answer(RightKind::Sletting, Outcome::Refused, 0),
            res,
        )
        .unwrap();
        let pdf = pdf::render_pdf(&doc).unwrap();
        let text: String = pdf_extract::extract_text_from_mem(&pdf)
            .unwrap()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let squash = |s: &str| -> String { s.chars().filter(|c| !c.is_whitespace()).collect() };
        assert!(text.contains(&squash(t(lang, "letters.common.free_text_note"))));
        assert!(text.contains(&squash(&doc.page_label(1, pdf::page_count(&doc).unwrap()))));
        assert!(!text.contains(['\u{2068}', '\u{2069}', '{', '$']));
    }
}
