//! Letters in a request made through a representation: written to the representative by
//! name, saying right after the greeting whom the letter is about and on what basis, while the
//! case, the data package and the notices to recipients stay about the represented person.
#![allow(clippy::unwrap_used)]

use entity::values::RepresentationBasis;

use super::{model::Block, sample, *};
use crate::{
    i18n::{Language, t, tf},
    legal_bases::Catalogue,
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

const REPRESENTATIVE: &str = "Yonas Tesfaye";
const PERSON: &str = "Leah Yusuf";

fn esc(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

fn text_of(block: &Block) -> Option<&str> {
    match block {
        Block::Paragraph(t) | Block::Notice(t) => Some(t),
        _ => None,
    }
}

fn on_behalf(lang: Language, basis: RepresentationBasis, person: &str) -> LetterContext {
    let mut ctx = sample::context(lang, RightKind::Begrensning);
    ctx.recipient.name = REPRESENTATIVE.into();
    ctx.on_behalf = Some(OnBehalfOf {
        person_name: person.into(),
        basis,
        unproven: false,
    });
    ctx.extension = Some(Extension {
        new_due_on: chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
        reason: "Vi må hente opplysninger fra åtte systemer.".into(),
    });
    ctx
}

/// Every letter to the person a request can produce, composed for `ctx`.
fn every_letter(ctx: &LetterContext) -> Vec<(&'static str, LetterDocument)> {
    let res = Resources {
        legal_bases: &Catalogue::built_in(),
        registry: &Registry::built_in().unwrap(),
    };
    let granted = sample::answer(RightKind::Begrensning, Outcome::Granted, 2);
    let refused = sample::answer(RightKind::Begrensning, Outcome::Refused, 2);
    let lift_on = chrono::NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
    vec![
        ("answer", answer(ctx, &granted, res).unwrap()),
        ("decision", answer(ctx, &refused, res).unwrap()),
        ("extension", extension_notice(ctx).unwrap()),
        (
            "forwarded",
            forwarded_notice(
                ctx,
                &ForwardedTo::Outside,
                "Skatteetaten har opplysningene.",
            )
            .unwrap(),
        ),
        (
            "restriction lift",
            restriction_lift_notice(ctx, lift_on, "Retten har avgjort saken.").unwrap(),
        ),
        (
            "clarification",
            clarification(ctx, "Hvilken periode?").unwrap(),
        ),
        ("receipt", receipt(ctx)),
    ]
}

/// The greeting names `greeted` and the block right after it says `about` (a letter in an
/// unreviewed language starts with the notice that the Norwegian text is binding).
fn assert_opening(doc: &LetterDocument, greeted: &str, about: Option<&str>, what: &str) {
    let lang = doc.lang;
    let greeting = tf(lang, "letters.common.greeting", &[("name", greeted)]);
    let at = doc
        .blocks
        .iter()
        .take(2)
        .position(|b| text_of(b) == Some(greeting.as_str()))
        .unwrap_or_else(|| panic!("{what} {lang:?}: no greeting {greeting:?} at the top"));
    let next = doc.blocks.get(at + 1).and_then(text_of);
    match about {
        Some(about) => assert_eq!(next, Some(about), "{what} {lang:?}: the about line"),
        None => {
            for basis in RepresentationBasis::ALL {
                let stem = t(lang, &format!("letters.about.{}_unnamed", basis.as_str()));
                assert_ne!(next, Some(stem), "{what} {lang:?}: no about line");
            }
        }
    }
    assert_eq!(
        doc.letterhead.recipient.first().map(String::as_str),
        Some(greeted),
        "{what} {lang:?}: the letterhead names whom it is written to"
    );
}

#[test]
fn a_letter_to_a_representative_greets_them_and_says_whom_it_is_about() {
    // Each basis × languages of both directions and of both review states.
    for basis in RepresentationBasis::ALL {
        for lang in [
            Language::Nb,
            Language::En,
            Language::Uk,
            Language::Ar,
            Language::So,
        ] {
            let ctx = on_behalf(lang, basis, PERSON);
            let about = tf(
                lang,
                &format!("letters.about.{}", basis.as_str()),
                &[("name", PERSON)],
            );
            assert!(about.contains(PERSON), "{basis:?} {lang:?}: {about}");
            for (what, doc) in every_letter(&ctx) {
                assert_opening(&doc, REPRESENTATIVE, Some(&about), what);
                let html = html::render_html(&doc);
                assert!(html.contains(&esc(&about)), "{what} {basis:?} {lang:?}");
                let person_greeted = tf(lang, "letters.common.greeting", &[("name", PERSON)]);
                assert!(!html.contains(&esc(&person_greeted)), "{what} {lang:?}");
                // The binding Norwegian copy of an unreviewed translation says the same.
                if let Some(nb) = &doc.binding {
                    let about_nb = tf(
                        Language::Nb,
                        &format!("letters.about.{}", basis.as_str()),
                        &[("name", PERSON)],
                    );
                    assert_opening(nb, REPRESENTATIVE, Some(&about_nb), what);
                }
            }
        }
    }
}

#[test]
fn a_parent_is_told_the_letter_is_about_their_child() {
    let table = [
        (Language::Nb, "barnet ditt", "foreldreansvar"),
        (Language::Nn, "barnet ditt", "foreldreansvar"),
        (Language::En, "your child", "parental responsibility"),
        (Language::Uk, "вашої дитини", "батьківську відповідальність"),
    ];
    for (lang, child, basis) in table {
        let on = OnBehalfOf {
            person_name: PERSON.into(),
            basis: RepresentationBasis::ParentalResponsibility,
            unproven: false,
        };
        let line = compose::about_line(lang, &on);
        assert!(line.contains(child), "{lang:?}: {line}");
        assert!(line.contains(basis), "{lang:?}: {line}");
        assert!(line.contains(PERSON), "{lang:?}: {line}");
        let verge = compose::about_line(
            lang,
            &OnBehalfOf {
                basis: RepresentationBasis::Verge,
                ..on
            },
        );
        assert!(
            !verge.contains(child),
            "{lang:?}: a ward is not called a child"
        );
    }
}

#[test]
fn without_the_persons_name_the_letter_still_says_it_is_about_someone_else() {
    for basis in RepresentationBasis::ALL {
        for lang in Language::ALL {
            let ctx = on_behalf(lang, basis, " ");
            let want = t(lang, &format!("letters.about.{}_unnamed", basis.as_str()));
            let (what, doc) = every_letter(&ctx).remove(0);
            assert_opening(&doc, REPRESENTATIVE, Some(want), what);
            assert!(!want.contains('{'), "{lang:?} {basis:?}: {want}");
        }
    }
}

/// A representation that has ended (a child who turned 18) leaves no `on_behalf`: the letter
/// is the person's own, greeted by their name, with no line about someone else.
#[test]
fn after_the_representation_ended_the_letter_is_the_persons_own() {
    for lang in [Language::Nb, Language::En, Language::Ti] {
        let mut ctx = on_behalf(lang, RepresentationBasis::ParentalResponsibility, PERSON);
        ctx.on_behalf = None;
        ctx.recipient.name = PERSON.into();
        for (what, doc) in every_letter(&ctx) {
            assert_opening(&doc, PERSON, None, what);
            let html = html::render_html(&doc);
            assert!(!html.contains(REPRESENTATIVE), "{what} {lang:?}");
        }
    }
}

#[test]
fn the_case_stays_about_the_represented_person() {
    let ctx = on_behalf(Language::Nb, RepresentationBasis::Verge, PERSON);
    assert_eq!(ctx.subject_name(), PERSON);
    // The art. 19 notice to a recipient names the person the data is about.
    let notice = RecipientNotice {
        organisation: "NAV Gamle Oslo".into(),
        address: vec![],
        language: Language::Nb,
        operations: sample::operations(RightKind::Begrensning),
    };
    let doc = recipient_notice(&ctx, &notice, &Catalogue::built_in()).unwrap();
    let html = html::render_html(&doc);
    let intro = tf(Language::Nb, "letters.notice.intro", &[("subject", PERSON)]);
    assert!(html.contains(&esc(&intro)), "{intro}");
    assert!(!html.contains(REPRESENTATIVE));
    // The data package names the person as its subject.
    let mut ctx = ctx;
    ctx.kind = RightKind::Innsyn;
    let registry = Registry::built_in().unwrap();
    let res = Resources {
        legal_bases: &Catalogue::built_in(),
        registry: &registry,
    };
    let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, 2);
    let out = crate::documents::generate_innsyn(&ctx, &ans, res, chrono::Utc::now()).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out.package.bytes)).unwrap();
    let mut data = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("data.json").unwrap(), &mut data).unwrap();
    let json: serde_json::Value = serde_json::from_str(&data).unwrap();
    assert_eq!(json["subject"]["name"], PERSON, "{json}");
}

/// The decision refusing an unproven representation, in every language: to the writer by name,
/// saying what they claimed (never confirming it, never naming or describing the person), the
/// reasons, the rules, what they can do, the complaint to Datatilsynet (art. 12(4)), and the
/// appeal only where the controller names an appeal body (a dismissal is an individual
/// decision: forvaltningsloven § 2 third paragraph).
#[test]
fn a_refused_representation_tells_the_writer_why_and_nothing_about_the_person() {
    const REASONS: &str = "Folkeregisteret viser ikke at du har foreldreansvar.";
    for lang in Language::ALL {
        for basis in RepresentationBasis::ALL {
            let mut ctx = on_behalf(lang, basis, PERSON);
            ctx.extension = None;
            if let Some(o) = ctx.on_behalf.as_mut() {
                o.unproven = true;
            }
            let claimed = t(
                lang,
                &format!("letters.representation_refused.claimed_{}", basis.as_str()),
            );
            for appeal in [None, Some("Statsforvalteren i Oslo og Viken")] {
                ctx.controller.appeal_body = appeal.map(Into::into);
                let doc = compose::representation_refused(&ctx, REASONS).unwrap();
                let what = format!("{basis:?} appeal={appeal:?}");
                assert_opening(&doc, REPRESENTATIVE, Some(claimed), &what);
                let html = html::render_html(&doc);
                assert!(
                    !html.contains(PERSON),
                    "{what} {lang:?}: the person is named"
                );
                let about = t(lang, &format!("letters.about.{}_unnamed", basis.as_str()));
                assert!(!html.contains(&esc(about)), "{what} {lang:?}: confirms it");
                for key in [
                    "letters.representation_refused.outcome",
                    "letters.representation_refused.legal",
                    "letters.representation_refused.next",
                    "letters.representation_refused.complaint",
                ] {
                    assert!(html.contains(&esc(t(lang, key))), "{what} {lang:?}: {key}");
                }
                assert!(html.contains(REASONS), "{what} {lang:?}: the reasons");
                let appeal_heading = esc(t(lang, "letters.answer.appeal_heading"));
                assert_eq!(
                    html.contains(&appeal_heading),
                    appeal.is_some(),
                    "{what} {lang:?}: appeal only with an appeal body"
                );
                assert_eq!(
                    doc.binding.is_some(),
                    !crate::i18n::reviewed(lang),
                    "{what} {lang:?}: the binding Norwegian text"
                );
            }
        }
        // Without reasons there is no decision.
        let mut ctx = on_behalf(lang, RepresentationBasis::Fullmakt, PERSON);
        if let Some(o) = ctx.on_behalf.as_mut() {
            o.unproven = true;
        }
        assert!(compose::representation_refused(&ctx, "  ").is_err());
    }
}
