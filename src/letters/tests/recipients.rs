//! Recipients: the art. 19 notice for the three rights that need it, and what the person is
//! told about recipients.
use super::*;

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
