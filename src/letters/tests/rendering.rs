//! Both renderers: the PDF's text read back (every kind and language, logical order, Arabic and
//! Tigrinya), escaping, long values over pages, and the one model both print.
use super::*;

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
