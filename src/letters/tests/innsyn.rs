//! The innsyn answer's description of the processing: every applicable activity, only the
//! categories held, and automated decisions as the register says.
use super::*;

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
