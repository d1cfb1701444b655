//! The answer for every kind, outcome and language: the parts the law requires, special
//! categories marked, the legal bases checked, nothing found said plainly, a waived collection,
//! the greeting, appeal information, and refusals worded after their basis.
use super::*;

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
