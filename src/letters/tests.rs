//! Letters for every kind × outcome × language, checked for the parts the law requires of
//! each, with phrases taken from the locale files (not hard-coded), in HTML and in the text
//! extracted from the PDF.
#![allow(clippy::unwrap_used)]

use super::{sample, *};
use crate::{
    i18n::{Language, t, tf, tn},
    legal_bases::{Catalogue, DATA_CORRECT, LegalBasisError},
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

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

#[test]
fn every_kind_outcome_and_language_renders_the_required_parts() {
    let fx = Fixture::new();
    for lang in Language::ALL {
        for kind in RightKind::ALL {
            for outcome in Outcome::ALL {
                let case = format!("{} {} {}", lang.as_str(), kind.as_str(), outcome.as_str());
                let ctx = sample::context(lang, kind);
                let ans = sample::answer(kind, outcome, 120);
                let doc = answer(&ctx, &ans, fx.res()).unwrap_or_else(|e| panic!("{case}: {e}"));
                let html = html::render_html(&doc);
                assert!(html.starts_with("<!DOCTYPE html>"), "{case}");
                assert!(
                    html.contains(&format!(
                        "<html lang=\"{}\" dir=\"{}\">",
                        lang.as_str(),
                        lang.dir()
                    )),
                    "{case}"
                );
                // The letter's title, and the binding Norwegian letter's after it.
                let letters = 1 + usize::from(doc.binding.is_some());
                assert_eq!(html.matches("<h1>").count(), letters, "{case}");
                for (what, phrase) in required_answer_phrases(&fx, &ctx, &ans) {
                    assert!(
                        html.contains(&esc(&phrase)),
                        "{case}: HTML lacks {what}: {phrase}"
                    );
                }
                assert!(!html.contains(sample::THIRD_PARTY_MARKER), "{case}");
                let changed_not_refused = matches!(
                    kind,
                    RightKind::Retting | RightKind::Sletting | RightKind::Begrensning
                ) && outcome == Outcome::Refused;
                if changed_not_refused {
                    // Nothing changed, so no recipient was told.
                    assert!(
                        !html.contains(&esc(stem(l(lang, "operations.recipients_told")))),
                        "{case}"
                    );
                }
                if kind == RightKind::Innsyn && outcome == Outcome::Refused {
                    assert!(
                        !html.contains(&esc(l(lang, "innsyn.records_heading"))),
                        "{case}"
                    );
                }
            }
        }
    }
}

#[test]
fn pdf_text_of_every_kind_and_language_has_reference_name_outcome_and_page_numbers() {
    let fx = Fixture::new();
    for lang in Language::ALL {
        for kind in RightKind::ALL {
            let outcome = Outcome::PartiallyGranted;
            let case = format!("{} {}", lang.as_str(), kind.as_str());
            let ctx = sample::context(lang, kind);
            let ans = sample::answer(kind, outcome, 60);
            let doc = answer(&ctx, &ans, fx.res()).unwrap();
            let pdf = pdf::render_pdf(&doc).unwrap();
            assert!(pdf.starts_with(b"%PDF-"), "{case}");
            let text = squash(&pdf_text(&pdf));
            let body = pdf_body(&pdf, &doc);
            let pages = own_pages(&doc);
            if kind == RightKind::Innsyn {
                assert!(pages > 1, "{case}: 60 records span pages");
            }
            // Right to left, "(" is drawn with the mirrored glyph of ")", whose text krilla gives
            // as /ActualText, which pdf-extract does not read; the zero-width non-joiner of Dari
            // has no glyph: compare without them there.
            let brackets = |s: &str| -> String {
                if lang.is_rtl() {
                    s.chars()
                        .filter(|c| !matches!(c, '(' | ')' | '\u{200c}'))
                        .collect()
                } else {
                    s.to_string()
                }
            };
            let body = brackets(&body);
            for (what, phrase) in required_answer_phrases(&fx, &ctx, &ans) {
                assert!(
                    body.contains(&brackets(&squash(&phrase))),
                    "{case}: PDF lacks {what}: {phrase}\nPDF: {body}"
                );
            }
            for page in [1, pages] {
                let label = tn(
                    lang,
                    "letters.common.page",
                    &[("page", page.into()), ("pages", pages.into())],
                );
                assert!(text.contains(&squash(&label)), "{case}: {label}");
            }
            assert!(!text.contains(sample::THIRD_PARTY_MARKER), "{case}");
        }
    }
}

#[test]
fn norwegian_and_ukrainian_letters_survive_pdf_extraction() {
    let fx = Fixture::new();
    let ctx = sample::context(Language::Uk, RightKind::Innsyn);
    let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 16);
    let doc = answer(&ctx, &ans, fx.res()).unwrap();
    let text = pdf_text(&pdf::render_pdf(&doc).unwrap());
    // Extraction may join or split lines, so compare words, not layout.
    for word in [
        "Олександр",
        "Коваленко",
        "використовуємо",
        "Tøyengata",
        "Grønland",
        "Ødegård",
        "Ukrainsk",
        "морсмål",
    ] {
        let must = word != "морсмål";
        assert_eq!(text.contains(word), must, "{word}");
    }
    assert!(squash(&text).contains(&squash(l(Language::Uk, "innsyn.purposes_heading"))));
}

#[test]
fn special_categories_are_marked_and_third_party_records_left_out() {
    let fx = Fixture::new();
    let lang = Language::Nb;
    let ctx = sample::context(lang, RightKind::Innsyn);
    let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 100);
    let third = ans.records.iter().filter(|r| r.third_party).count();
    assert_eq!(third, 2);
    let doc = answer(&ctx, &ans, fx.res()).unwrap();
    let html = html::render_html(&doc);
    let marker = l(lang, "innsyn.special_marker");
    let health = ans
        .records
        .iter()
        .find(|r| r.special_category && !r.third_party)
        .unwrap();
    let marked_label = esc(&format!("{} ({marker})", health.label));
    assert!(html.contains(&marked_label));
    assert!(html.contains("<tr class=\"marked\">"));
    assert!(html.contains(&esc(&tn(
        lang,
        "letters.innsyn.withheld",
        &[("count", 2_usize.into())]
    ))));
    for r in ans.records.iter().filter(|r| r.third_party) {
        assert!(!html.contains(&esc(&r.value_text())));
        assert!(!html.contains(&r.id));
    }
    let text = squash(&pdf_text(&pdf::render_pdf(&doc).unwrap()));
    assert!(text.contains(&squash(&format!("{} ({marker})", health.label))));
    assert!(!text.contains(&squash(sample::THIRD_PARTY_MARKER)));
}

#[test]
fn receipt_extension_and_clarification_in_every_language() {
    for lang in Language::ALL {
        let mut ctx = sample::context(lang, RightKind::Sletting);
        let due = format_date(lang, ctx.due_on);
        let received = format_date(lang, ctx.received_on);
        let kind = t(lang, "letters.kind.sletting");

        let doc = receipt(&ctx);
        let html = html::render_html(&doc);
        for phrase in [
            l(lang, "receipt.title").to_string(),
            tf(lang, "letters.receipt.due", &[("due", &due)]),
            tf(
                lang,
                "letters.receipt.intro",
                &[
                    ("kind", kind),
                    ("received", &received),
                    ("reference", ctx.reference.as_str()),
                ],
            ),
            ctx.controller.dpo.email.clone(),
        ] {
            assert!(html.contains(&esc(&phrase)), "{lang:?} receipt: {phrase}");
        }

        assert!(matches!(
            extension_notice(&ctx),
            Err(LetterError::MissingExtension)
        ));
        ctx.extension = Some(Extension {
            new_due_on: chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            reason: "Vi må hente opplysninger fra åtte systemer.".into(),
        });
        let doc = extension_notice(&ctx).unwrap();
        let html = html::render_html(&doc);
        let new_due = format_date(lang, chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap());
        for phrase in [
            l(lang, "extension.title").to_string(),
            l(lang, "extension.reason_heading").to_string(),
            "Vi må hente opplysninger fra åtte systemer.".to_string(),
            tf(
                lang,
                "letters.extension.new_due",
                &[("new_due", &new_due), ("due", &due)],
            ),
            l(lang, "extension.legal").to_string(),
            l(lang, "common.complaint_77").to_string(),
        ] {
            assert!(html.contains(&esc(&phrase)), "{lang:?} extension: {phrase}");
        }
        let text = squash(&pdf_text(&pdf::render_pdf(&doc).unwrap()));
        assert!(text.contains(&squash(&new_due)));
        if let Some(ext) = ctx.extension.as_mut() {
            ext.reason = "  ".into();
        }
        assert!(matches!(
            extension_notice(&ctx),
            Err(LetterError::EmptyText(_))
        ));

        let doc = clarification(&ctx, "Hvilken periode gjelder kravet?").unwrap();
        let html = html::render_html(&doc);
        for phrase in [
            l(lang, "clarification.title").to_string(),
            "Hvilken periode gjelder kravet?".to_string(),
            l(lang, "clarification.next").to_string(),
        ] {
            assert!(
                html.contains(&esc(&phrase)),
                "{lang:?} clarification: {phrase}"
            );
        }
        assert!(matches!(
            clarification(&ctx, ""),
            Err(LetterError::EmptyText("questions"))
        ));
    }
}

#[test]
fn forwarded_letter_names_where_why_and_the_onward_case_in_every_language() {
    for lang in Language::ALL {
        let ctx = sample::context(lang, RightKind::Innsyn);
        let onward = Onward {
            reference: "PV-2026-000042".into(),
            due_on: chrono::NaiveDate::from_ymd_opt(2026, 5, 4).unwrap(),
        };
        let reason = "Kravet gjelder norskopplæringen.";
        let to = ForwardedTo::Controller {
            name: "Utdanningsetaten".into(),
            onward: onward.clone(),
        };
        let doc = forwarded_notice(&ctx, &to, reason).unwrap();
        let html = html::render_html(&doc);
        let due = format_date(lang, onward.due_on);
        for phrase in [
            l(lang, "forwarded.title").to_string(),
            tf(
                lang,
                "letters.forwarded.onward",
                &[
                    ("to", "Utdanningsetaten"),
                    ("reference", "PV-2026-000042"),
                    ("due", &due),
                ],
            ),
            reason.to_string(),
            l(lang, "forwarded.closed").to_string(),
            l(lang, "forwarded.legal").to_string(),
        ] {
            assert!(html.contains(&esc(&phrase)), "{lang:?} forwarded: {phrase}");
        }
        for placeholder in ["{$", "{ $", "{to}", "{kind}", "{received}", "{reference}"] {
            assert!(!html.contains(placeholder), "{lang:?}: {placeholder} left");
        }
        assert!(matches!(
            forwarded_notice(&ctx, &to, " "),
            Err(LetterError::EmptyText(_))
        ));
        // Sent out of this system: no case number or date is promised, the reason says where.
        let doc = forwarded_notice(
            &ctx,
            &ForwardedTo::Outside,
            "Sendt til IMDi, som fører registeret.",
        )
        .unwrap();
        let html = html::render_html(&doc);
        for phrase in [
            l(lang, "forwarded.onward_outside").to_string(),
            l(lang, "forwarded.where_heading").to_string(),
            "Sendt til IMDi, som fører registeret.".to_string(),
            l(lang, "forwarded.closed").to_string(),
        ] {
            assert!(html.contains(&esc(&phrase)), "{lang:?} outside: {phrase}");
        }
        assert!(!html.contains(&esc(l(lang, "forwarded.reason_heading"))));
    }
}

#[test]
fn recipient_notice_for_the_three_rights_that_need_it() {
    let fx = Fixture::new();
    for kind in RightKind::ALL {
        for lang in Language::ALL {
            let ctx = sample::context(Language::Uk, kind);
            let notice = RecipientNotice {
                organisation: "NAV Gamle Oslo".into(),
                address: vec![],
                language: lang,
                operations: sample::operations(kind),
            };
            let result = recipient_notice(&ctx, &notice, &fx.catalogue);
            match kind {
                RightKind::Retting | RightKind::Sletting | RightKind::Begrensning => {
                    let doc = result.unwrap();
                    assert_eq!(doc.lang, lang, "the recipient's language, not the person's");
                    let html = html::render_html(&doc);
                    let action = l(lang, &format!("notice.action.{}", kind.as_str()));
                    for phrase in [
                        tf(lang, "letters.notice.title", &[("action", action)]),
                        tf(
                            lang,
                            "letters.notice.intro",
                            &[("subject", &ctx.recipient.name)],
                        ),
                        l(lang, "notice.duty").to_string(),
                        "NAV Gamle Oslo".to_string(),
                        ctx.reference.as_str().to_string(),
                    ] {
                        assert!(html.contains(&esc(&phrase)), "{kind:?} {lang:?}: {phrase}");
                    }
                    if kind == RightKind::Retting {
                        assert!(html.contains("Tøyengata 14, 0578 Oslo"));
                    }
                }
                _ => assert!(matches!(result, Err(LetterError::NoticeNotApplicable(_)))),
            }
        }
    }
    let ctx = sample::context(Language::Nb, RightKind::Sletting);
    let empty = RecipientNotice {
        organisation: "NAV".into(),
        address: vec![],
        language: Language::Nb,
        operations: vec![],
    };
    assert!(matches!(
        recipient_notice(&ctx, &empty, &fx.catalogue),
        Err(LetterError::NoOperations)
    ));
}

#[test]
fn decisions_are_checked_against_the_catalogue_and_registry() {
    let fx = Fixture::new();
    let ctx = sample::context(Language::Nb, RightKind::Sletting);
    let mut ans = sample::answer(RightKind::Sletting, Outcome::Refused, 0);
    ans.decision.legal_bases.clear();
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::MissingLegalBasis)
    ));
    ans.decision.legal_bases = vec!["gdpr-15-4".into()];
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::LegalBasis(
            LegalBasisError::NotApplicable { .. }
        ))
    ));
    ans.decision.legal_bases = vec!["no-such".into()];
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::LegalBasis(LegalBasisError::Unknown(_)))
    ));

    let ctx = sample::context(Language::Nb, RightKind::Innsyn);
    let mut ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 3);
    ans.activity_ids.clear();
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::MissingActivity)
    ));
    ans.activity_ids = vec!["oslo-bydel-bosetting".into(), "nope".into()];
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::UnknownActivity(_))
    ));
}

#[test]
fn no_records_found_is_said_plainly() {
    let fx = Fixture::new();
    for lang in Language::ALL {
        let ctx = sample::context(lang, RightKind::Innsyn);
        let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 0);
        let html = html::render_html(&answer(&ctx, &ans, fx.res()).unwrap());
        assert!(html.contains(&esc(l(lang, "innsyn.confirmation_none"))));
        assert!(!html.contains(&esc(l(lang, "innsyn.confirmation"))));
    }
}

/// After the caseworker waived collection, the letter never speaks of "the systems we searched"
/// as if every system had been searched: with nothing found it says the answer does not tell,
/// with records found it says there may be more.
#[test]
fn a_waived_collection_is_not_called_a_search() {
    let fx = Fixture::new();
    for lang in Language::ALL {
        let ctx = sample::context(lang, RightKind::Innsyn);
        let mut none = sample::answer(RightKind::Innsyn, Outcome::Granted, 0);
        none.collection_waived = true;
        let html = html::render_html(&answer(&ctx, &none, fx.res()).unwrap());
        assert!(html.contains(&esc(l(lang, "innsyn.confirmation_none_waived"))));
        assert!(!html.contains(&esc(l(lang, "innsyn.confirmation_none"))));

        let mut some = sample::answer(RightKind::Innsyn, Outcome::Granted, 3);
        some.collection_waived = true;
        let html = html::render_html(&answer(&ctx, &some, fx.res()).unwrap());
        assert!(html.contains(&esc(l(lang, "innsyn.held_categories_intro_waived"))));
        assert!(!html.contains(&esc(l(lang, "innsyn.held_categories_intro"))));
        some.collection_waived = false;
        let html = html::render_html(&answer(&ctx, &some, fx.res()).unwrap());
        assert!(html.contains(&esc(l(lang, "innsyn.held_categories_intro"))));
    }
}

#[test]
fn user_text_is_escaped_everywhere() {
    let fx = Fixture::new();
    let evil = "<script>alert('x')</script>&";
    let mut ctx = sample::context(Language::En, RightKind::Innsyn);
    ctx.recipient.name = evil.into();
    ctx.controller.unit = Some(evil.into());
    let mut ans = sample::answer(RightKind::Innsyn, Outcome::PartiallyGranted, 10);
    ans.decision.text = evil.into();
    ans.records[0].label = evil.into();
    ans.records[1].value = serde_json::json!(evil);
    ans.records[2].source_name = evil.into();
    let html = html::render_html(&answer(&ctx, &ans, fx.res()).unwrap());
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;&amp;"));
}

#[test]
fn long_values_and_many_rows_flow_over_pages() {
    let fx = Fixture::new();
    let ctx = sample::context(Language::Nb, RightKind::Innsyn);
    let mut ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 400);
    let long = "Lang fritekst fra saksbehandlingssystemet. ".repeat(300);
    ans.records[3].value = serde_json::json!(long);
    let doc = answer(&ctx, &ans, fx.res()).unwrap();
    let pages = pdf::page_count(&doc).unwrap();
    assert!(pages >= 10, "{pages} pages");
    let pdf = pdf::render_pdf(&doc).unwrap();
    let text = squash(&pdf_text(&pdf));
    // Every line of the long value made it into the PDF (table cells are extracted row by
    // row, so count a word rather than the sentence).
    assert_eq!(text.matches("saksbehandlingssystemet.").count(), 300);
    let last = ans.records.iter().rev().find(|r| !r.third_party).unwrap();
    assert!(text.contains(&squash(&last.value_text())));
    assert!(text.contains(&squash(&format!("side {pages} av {pages}"))));
}

#[test]
fn the_document_model_is_what_both_renderers_print() {
    let fx = Fixture::new();
    let ctx = sample::context(Language::Nn, RightKind::Protest);
    let ans = sample::answer(RightKind::Protest, Outcome::Refused, 0);
    let doc = answer(&ctx, &ans, fx.res()).unwrap();
    let html = html::render_html(&doc);
    let text = squash(&pdf_text(&pdf::render_pdf(&doc).unwrap()));
    for piece in doc.texts() {
        assert!(html.contains(&esc(piece)), "HTML lacks {piece}");
        // Table cells wrap and interleave with their neighbours when extracted: check words.
        for word in piece.split_whitespace() {
            assert!(text.contains(word), "PDF lacks {word} of {piece}");
        }
    }
}

/// Letters greet the person by name; without a known name they greet without one and never
/// call the person by a label ("the data subject"), in every language and letter kind.
#[test]
fn greeting_by_name_or_without_a_name() {
    let fx = Fixture::new();
    let labels = ["registrerte", "data subject", "Суб’єкт даних"];
    for lang in Language::ALL {
        for named in [true, false] {
            let mut ctx = sample::context(lang, RightKind::Sletting);
            if !named {
                ctx.recipient.name = " ".into();
            }
            let ans = sample::answer(RightKind::Sletting, Outcome::Refused, 3);
            let docs = [
                answer(&ctx, &ans, fx.res()).unwrap(),
                receipt(&ctx),
                clarification(&ctx, "Hvilken adresse?").unwrap(),
            ];
            for doc in docs {
                let html = html::render_html(&doc);
                let want = if named {
                    tf(
                        lang,
                        "letters.common.greeting",
                        &[("name", &ctx.recipient.name)],
                    )
                } else {
                    l(lang, "common.greeting_no_name").to_string()
                };
                assert!(html.contains(&esc(&want)), "{lang:?} {named}: {want}");
                for label in labels {
                    assert!(!html.contains(label), "{lang:?} {named}: {label}");
                }
            }
        }
    }
}

/// A refusal is headed as a vedtak with the appeal information (fvl § 27 third paragraph) only
/// where the controller names an appeal body; a grant, or a refusal without one, is an answer.
#[test]
fn vedtak_with_appeal_information_only_where_the_controller_has_an_appeal_body() {
    let fx = Fixture::new();
    for lang in Language::ALL {
        for (appeal, outcome, vedtak) in [
            (true, Outcome::Refused, true),
            (true, Outcome::PartiallyGranted, true),
            (true, Outcome::Granted, false),
            (false, Outcome::Refused, false),
        ] {
            let mut ctx = sample::context(lang, RightKind::Sletting);
            if !appeal {
                ctx.controller.appeal_body = None;
            }
            let ans = sample::answer(RightKind::Sletting, outcome, 3);
            let html = html::render_html(&answer(&ctx, &ans, fx.res()).unwrap());
            let case = format!("{lang:?} {appeal} {outcome:?}");
            let has = |key: &str| html.contains(&esc(stem(l(lang, key))));
            assert_eq!(has("answer.decision_heading"), vedtak, "{case}");
            assert_eq!(has("answer.answer_heading"), !vedtak, "{case}");
            for key in [
                "answer.appeal_heading",
                "answer.appeal_deadline",
                "answer.appeal_documents",
            ] {
                assert_eq!(has(key), vedtak, "{case}: {key}");
            }
            assert_eq!(
                html.contains("Klagenemnda i Oslo kommune"),
                vedtak,
                "{case}"
            );
            assert!(has("common.complaint_77"), "{case}");
        }
    }
}

#[test]
fn what_the_person_is_told_about_recipients_per_case() {
    let fx = Fixture::new();
    let erased = || sample::operations(RightKind::Sletting);
    let kept_only = || {
        sample::operations(RightKind::Sletting)
            .into_iter()
            .filter(|o| o.outcome == OperationOutcome::Kept)
            .collect::<Vec<_>>()
    };
    // (case, kind, outcome, operations, recipients told, expect: told, none, ask)
    type Case = (
        &'static str,
        RightKind,
        Outcome,
        Vec<OperationResult>,
        Vec<&'static str>,
        (bool, bool, bool),
    );
    let cases: Vec<Case> = vec![
        (
            "changed, two recipients",
            RightKind::Sletting,
            Outcome::PartiallyGranted,
            erased(),
            vec!["Kommunen", "NAV"],
            (true, false, true),
        ),
        (
            "changed, nobody received it",
            RightKind::Sletting,
            Outcome::PartiallyGranted,
            erased(),
            vec![],
            (false, true, true),
        ),
        (
            "retting, one recipient",
            RightKind::Retting,
            Outcome::Granted,
            sample::operations(RightKind::Retting)
                .into_iter()
                .filter(|o| o.outcome != OperationOutcome::Kept)
                .collect(),
            vec!["NAV"],
            (true, false, true),
        ),
        (
            "begrensning, nobody received it",
            RightKind::Begrensning,
            Outcome::Granted,
            sample::operations(RightKind::Begrensning)
                .into_iter()
                .filter(|o| o.outcome != OperationOutcome::Kept)
                .collect(),
            vec![],
            (false, true, true),
        ),
        (
            "nothing changed: recipients are not mentioned",
            RightKind::Sletting,
            Outcome::Refused,
            kept_only(),
            vec![],
            (false, false, false),
        ),
        (
            "an objection is not passed on under art. 19",
            RightKind::Protest,
            Outcome::Granted,
            sample::operations(RightKind::Protest)
                .into_iter()
                .filter(|o| o.outcome != OperationOutcome::Kept)
                .collect(),
            vec![],
            (false, false, false),
        ),
        (
            "innsyn: no recipients sentence",
            RightKind::Innsyn,
            Outcome::Granted,
            vec![],
            vec![],
            (false, false, false),
        ),
    ];
    for lang in Language::ALL {
        let told_stem = esc(stem(l(lang, "operations.recipients_told")));
        let none = esc(l(lang, "operations.recipients_none"));
        let ask = esc(l(lang, "operations.recipients_ask"));
        for (name, kind, outcome, operations, recipients, (told, said_none, asked)) in &cases {
            let case = format!("{} {name}", lang.as_str());
            let ctx = sample::context(lang, *kind);
            let mut ans = sample::answer(*kind, *outcome, 3);
            ans.operations = operations.clone();
            ans.notified_recipients = recipients.iter().map(|s| s.to_string()).collect();
            let doc = answer(&ctx, &ans, fx.res()).unwrap_or_else(|e| panic!("{case}: {e}"));
            let html = html::render_html(&doc);
            assert_eq!(html.contains(&told_stem), *told, "{case}: told");
            if *told {
                let full = tf(
                    lang,
                    "letters.operations.recipients_told",
                    &[("recipients", &recipients.join(", "))],
                );
                assert!(html.contains(&esc(&full)), "{case}: the list");
            }
            assert_eq!(html.contains(&none), *said_none, "{case}: none");
            assert_eq!(html.contains(&ask), *asked, "{case}: may ask");
        }
    }
}

/// A retting refused because the data held was checked and is correct says so, names what was
/// checked, gives the caseworker's reasons, and tells the right to a supplementary statement and
/// to complain (GDPR art. 16, 12(4)); other retting refusals keep the generic wording.
#[test]
fn retting_refused_because_the_data_is_correct_says_so() {
    let fx = Fixture::new();
    let reasons = "Adressen stemmer med Folkeregisteret.";
    // (case, outcome, bases, expect the "data is correct" letter)
    let cases: &[(&str, Outcome, &[&str], bool)] = &[
        ("correct, refused", Outcome::Refused, &[DATA_CORRECT], true),
        (
            "correct in part",
            Outcome::PartiallyGranted,
            &[DATA_CORRECT],
            true,
        ),
        (
            "other basis",
            Outcome::Refused,
            &["arkivloven-arkivplikt"],
            false,
        ),
    ];
    for lang in Language::ALL {
        for (name, outcome, bases, correct) in cases {
            let case = format!("{} {name}", lang.as_str());
            let ctx = sample::context(lang, RightKind::Retting);
            let mut ans = sample::answer(RightKind::Retting, *outcome, 0);
            ans.decision.legal_bases = bases.iter().map(|s| s.to_string()).collect();
            ans.decision.text = reasons.into();
            let doc = answer(&ctx, &ans, fx.res()).unwrap_or_else(|e| panic!("{case}: {e}"));
            let html = html::render_html(&doc);
            let has = |key: &str| html.contains(&esc(l(lang, key)));
            assert_eq!(
                has("correct.refused"),
                *correct && *outcome == Outcome::Refused,
                "{case}"
            );
            assert_eq!(
                has("answer.retting.refused"),
                !*correct && *outcome == Outcome::Refused,
                "{case}: generic refusal"
            );
            for key in [
                "correct.heading",
                "correct.checked",
                "correct.checked_records",
                "correct.statement",
                "correct.disagree",
            ] {
                assert_eq!(has(key), *correct, "{case}: {key}");
            }
            assert!(html.contains(&esc(reasons)), "{case}: reasons");
            if *correct {
                // What was checked: the records kept, by name and system.
                assert!(
                    html.contains(&esc(
                        "Introduksjonsprogram (Nasjonalt introduksjonsregister (NIR))"
                    )),
                    "{case}: what was checked"
                );
            }
            assert!(has("common.complaint_77"), "{case}");
        }
    }
    // Without reasons, or beside a full grant, there is no such letter.
    let ctx = sample::context(Language::Nb, RightKind::Retting);
    let mut ans = sample::answer(RightKind::Retting, Outcome::Refused, 0);
    ans.decision.legal_bases = vec![DATA_CORRECT.into()];
    ans.decision.text = "  ".into();
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::EmptyText("reasons"))
    ));
    let mut ans = sample::answer(RightKind::Retting, Outcome::Granted, 0);
    ans.decision.legal_bases = vec![DATA_CORRECT.into()];
    assert!(matches!(
        answer(&ctx, &ans, fx.res()),
        Err(LetterError::CorrectButGranted)
    ));
}

/// A refused protest speaks of compelling grounds only where the decision rests on them (art.
/// 21(1), processing under art. 6(1)(e)/(f)); under a legal obligation (art. 6(1)(c)) it says
/// there is no right to object; on other bases it says only that the processing goes on and why.
#[test]
fn refused_protest_wording_follows_the_basis() {
    let fx = Fixture::new();
    let cases: &[(&[&str], &str)] = &[
        (&["gdpr-21-1"], "answer.protest.refused"),
        (&["gdpr-21-1", "gdpr-6-1-c"], "answer.protest.refused"),
        (&["gdpr-6-1-c"], "protest_refused.obligation"),
        (&["integreringsforskriften-62"], "protest_refused.other"),
    ];
    let keys = [
        "answer.protest.refused",
        "protest_refused.obligation",
        "protest_refused.other",
    ];
    for lang in Language::ALL {
        for (bases, want) in cases {
            let case = format!("{} {bases:?}", lang.as_str());
            let ctx = sample::context(lang, RightKind::Protest);
            let mut ans = sample::answer(RightKind::Protest, Outcome::Refused, 0);
            ans.decision.legal_bases = bases.iter().map(|s| s.to_string()).collect();
            let doc = answer(&ctx, &ans, fx.res()).unwrap_or_else(|e| panic!("{case}: {e}"));
            let html = html::render_html(&doc);
            for key in keys {
                assert_eq!(
                    html.contains(&esc(l(lang, key))),
                    key == *want,
                    "{case}: {key}"
                );
            }
        }
    }
}

/// The innsyn letter's HTML for `ans` with `registry`.
fn innsyn_html(lang: Language, ans: &Answer, registry: &Registry) -> String {
    let catalogue = Catalogue::built_in();
    let res = Resources {
        legal_bases: &catalogue,
        registry,
    };
    let ctx = sample::context(lang, RightKind::Innsyn);
    html::render_html(&answer(&ctx, ans, res).unwrap())
}

#[test]
fn every_applicable_activity_is_described() {
    let fx = Fixture::new();
    let two = ["oslo-bydel-bosetting", "oslo-velferdsetaten-statistikk"];
    for lang in Language::ALL {
        let mut ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 3);
        let one = innsyn_html(lang, &ans, &fx.registry);
        assert!(!one.contains(&esc(l(lang, "innsyn.activities_intro"))));
        ans.activity_ids = two.iter().map(|id| id.to_string()).collect();
        let html = innsyn_html(lang, &ans, &fx.registry);
        assert!(html.contains(&esc(l(lang, "innsyn.activities_intro"))));
        for id in two {
            let a = fx.registry.get(id).unwrap();
            let heading = tf(
                lang,
                "letters.innsyn.about_heading",
                &[("activity", a.name.get(lang))],
            );
            // (a), (c), (d), (g) and the legal basis of each, not only the first.
            for (what, phrase) in [
                ("name", heading.as_str()),
                ("purpose", a.purposes[0].get(lang)),
                ("basis", a.legal_bases[0].get(lang)),
                ("retention", a.retention.get(lang)),
                ("transfers", a.transfers.get(lang)),
                ("source", fx.registry.sources[&a.sources[0]].get(lang)),
                (
                    "recipient",
                    fx.registry.recipients[&a.recipients[0]].get(lang),
                ),
            ] {
                assert!(html.contains(&esc(phrase)), "{lang:?} {id} {what}");
            }
        }
        assert_eq!(
            html.matches(&esc(l(lang, "innsyn.automated_heading")))
                .count(),
            2,
            "{lang:?}"
        );
    }
}

#[test]
fn a_category_not_held_is_not_stated_as_held() {
    let fx = Fixture::new();
    let activity = fx.registry.get("oslo-bydel-bosetting").unwrap();
    for lang in Language::ALL {
        // Three records: personalia (Folkeregisteret), residence permit (UDI), housing (IMDi).
        let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 3);
        let html = innsyn_html(lang, &ans, &fx.registry);
        let held_at = html
            .find(&esc(l(lang, "innsyn.categories_heading")))
            .unwrap();
        let activity_at = html
            .find(&esc(&tf(
                lang,
                "letters.innsyn.about_heading",
                &[("activity", activity.name.get(lang))],
            )))
            .unwrap();
        assert!(held_at < activity_at, "{lang:?}");
        let held = &html[held_at..activity_at];
        let listed = |id: &str| {
            let name = fx.registry.category_name(id, lang).unwrap();
            held.contains(&format!("<li>{}</li>", esc(name)))
        };
        for id in ["personalia", "residence_permit", "housing"] {
            assert!(listed(id), "{lang:?}: {id} is held");
        }
        for id in ["assets", "income", "health", "family"] {
            assert!(activity.categories.iter().any(|c| c == id));
            assert!(!listed(id), "{lang:?}: {id} is not held");
        }
        // The activity's own list is there, labelled as what it covers for everyone.
        let rest = &html[activity_at..];
        assert!(rest.contains(&esc(l(lang, "innsyn.activity_categories_heading"))));
        assert!(rest.contains(&esc(l(lang, "innsyn.activity_categories_note"))));
        let assets = fx.registry.category_name("assets", lang).unwrap();
        assert!(rest.contains(&format!("<li>{}</li>", esc(assets))));
        // Nothing found: no list of categories held at all.
        let none = sample::answer(RightKind::Innsyn, Outcome::Granted, 0);
        let html = innsyn_html(lang, &none, &fx.registry);
        assert!(!html.contains(&esc(l(lang, "innsyn.categories_heading"))));
    }
}

#[test]
fn automated_decisions_are_what_the_register_says() {
    use crate::{localized::Localized, processing_activities::Declared};
    let fx = Fixture::new();
    let stated = Localized::new(
        "Søknaden blir vurdert maskinelt",
        "Søknaden blir vurdert maskinelt",
        "The application is assessed by machine",
        "Заяву оцінює машина",
    );
    let table = [
        (Declared::None, true),
        (Declared::Text(stated.clone()), false),
    ];
    for (declared, none) in table {
        let mut registry = fx.registry.clone();
        for a in &mut registry.activities {
            a.automated_decisions = declared.clone();
        }
        for lang in Language::ALL {
            let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 3);
            let html = innsyn_html(lang, &ans, &registry);
            assert_eq!(
                html.contains(&esc(l(lang, "innsyn.automated_none"))),
                none,
                "{lang:?} {declared:?}"
            );
            assert_eq!(html.contains(&esc(stated.get(lang))), !none, "{lang:?}");
        }
    }
}

/// A letter in Arabic or Tigrinya: shaped glyphs from the embedded Arabic and Ethiopic fonts, and
/// the text read back from the PDF in the order it was written (logical order), with the
/// binding Norwegian letter on the pages after it.
fn extracts_in_logical_order(lang: Language, must: &[&str]) {
    let ctx = sample::context(lang, RightKind::Innsyn);
    let doc = receipt(&ctx);
    let pdf = pdf::render_pdf(&doc).unwrap();
    std::fs::write(format!("/tmp/dsar-{}.pdf", lang.as_str()), &pdf).ok();
    let text = pdf_text(&pdf);
    let flat = squash(&text);
    for phrase in must {
        assert!(
            flat.contains(&squash(phrase)),
            "{}: {phrase:?} not in the PDF text:\n{text}",
            lang.as_str()
        );
    }
    for block in &doc.blocks {
        if let super::model::Block::Paragraph(p) = block {
            assert!(
                flat.contains(&squash(p)),
                "{}: {p:?} not in the PDF text:\n{text}",
                lang.as_str()
            );
        }
    }
    // The binding Norwegian version follows the translation.
    let binding = doc.binding.as_deref().unwrap();
    let nb_title = squash(&binding.title);
    let at_title = flat.find(&squash(&doc.title)).unwrap();
    let at_nb = flat.find(&nb_title).unwrap();
    assert!(at_title < at_nb, "{}", lang.as_str());
    assert!(pdf::page_count(&doc).unwrap() >= 2);
}

#[test]
fn an_arabic_letter_is_shaped_and_reads_back_in_logical_order() {
    extracts_in_logical_order(
        Language::Ar,
        &[
            "لقد تلقينا طلبك",
            "ستحصل على ردنا في موعد أقصاه",
            l(Language::Ar, "common.unreviewed_notice"),
        ],
    );
}

#[test]
fn a_tigrinya_letter_reads_back_in_logical_order() {
    extracts_in_logical_order(
        Language::Ti,
        &[
            "ሕቶኻ ተቐቢልናዮ ኣለና",
            l(Language::Ti, "common.unreviewed_notice"),
        ],
    );
}
