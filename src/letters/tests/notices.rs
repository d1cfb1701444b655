//! The receipt, the extension notice, the clarification request and the forwarded letter in
//! every language.
use super::*;

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
