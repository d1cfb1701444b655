//! Min side and the wizard for represented requests: whom a request is for and who sent it,
//! and why a request for someone else was refused.
use super::*;

// Min side and the case page say whom a request made through a representation is for (to the
// representative: the person by the name Folkeregisteret gave for the request, else by the
// relation and birth date, never a number) and who sent it (to the person it is about).
db_test!(min_side_says_whom_a_request_is_for_and_who_sent_it, |app| {
    let parent = app.citizen(PARENT).await;
    let child_pid = app.citizen_pid(CHILD).await;
    let (status, created) = app
        .post(
            "/api/v1/requests/on-behalf",
            &parent,
            for_someone("parental_responsibility", &child_pid),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    // The parent's own request says nothing of the kind.
    let own = app
        .create(
            &parent,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        )
        .await;
    let own_reference = own["reference"].as_str().unwrap().to_string();

    let (browser, _) = portal_login(&app, PARENT).await;
    // Before collection the case knows no name: the relation and the birth date.
    let list = page(&browser, &app, "/min-side?lang=nb").await;
    assert!(
        list.contains("Gjelder: barnet ditt, født 2. mai 2014"),
        "{list}"
    );
    assert_eq!(
        list.matches("Gjelder:").count(),
        1,
        "only the child's request: {list}"
    );
    let row = |html: &str, reference: &str| {
        let at = html.find(reference).unwrap();
        html[at..at + html[at..].find("</tr>").unwrap()].to_string()
    };
    assert!(row(&list, &reference).contains("Gjelder:"));
    assert!(!row(&list, &own_reference).contains("Gjelder:"));

    // Collection brings Folkeregisteret's name of the child.
    let kari = app.staff("saksbehandler.gamleoslo").await;
    start_and_collect(&app, &kari, &id).await;
    for (lang, line, label, who) in [
        (
            "nb",
            "Gjelder: Leah Yusuf, barnet ditt",
            "Gjelder",
            "Leah Yusuf, barnet ditt",
        ),
        (
            "en",
            "For: Leah Yusuf, your child",
            "For",
            "Leah Yusuf, your child",
        ),
    ] {
        let list = page(&browser, &app, &format!("/min-side?lang={lang}")).await;
        assert!(row(&list, &reference).contains(line), "{lang}: {list}");
        let case = page(&browser, &app, &format!("/min-side/sak/{id}?lang={lang}")).await;
        assert!(
            case.contains(&format!("<dt>{label}</dt><dd>{who}</dd>")),
            "{lang}: {case}"
        );
        assert!(!list.contains(&child_pid) && !case.contains(&child_pid));
    }

    // The child, whose request it is, is told that her parent sent it for her, and by whom.
    let (browser, _) = portal_login(&app, CHILD).await;
    for (lang, line, label, who) in [
        (
            "nb",
            "Sendt for deg av Amina Yusuf, forelderen din",
            "Sendt for deg av",
            "Amina Yusuf, forelderen din",
        ),
        (
            "en",
            "Sent for you by Amina Yusuf, your parent",
            "Sent for you by",
            "Amina Yusuf, your parent",
        ),
    ] {
        let list = page(&browser, &app, &format!("/min-side?lang={lang}")).await;
        assert!(row(&list, &reference).contains(line), "{lang}: {list}");
        let case = page(&browser, &app, &format!("/min-side/sak/{id}?lang={lang}")).await;
        assert!(
            case.contains(&format!("<dt>{label}</dt><dd>{who}</dd>")),
            "{lang}: {case}"
        );
    }
});

// A refused request for someone else in the portal's wizard: a page in the person's language
// with the reason in its words (not the API's English), what to do instead and a way back to
// the first step; 403, nothing filed, the draft kept.
db_test!(
    the_wizard_says_why_a_request_for_someone_else_was_refused,
    |app| {
        let child_pid = app.citizen_pid(CHILD).await;
        let minor_pid = app.citizen_pid(MINOR).await;
        let (browser, csrf) = portal_login(&app, STRANGER).await;
        let post = |lang: &'static str, fields: Vec<(&'static str, String)>| {
            let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.clone())];
            all.extend(fields.into_iter().map(|(k, v)| (k.to_string(), v)));
            let browser = &browser;
            let url = app.url(&format!("/min-side/ny?lang={lang}"));
            async move { browser.post_form(&url, &all).await }
        };
        let r = post(
            "en",
            vec![
                ("step", "1".into()),
                ("go", "next".into()),
                ("kind", "innsyn".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
        let draft = hidden_value(&r.text().await.unwrap(), "draft");
        assert!(!draft.is_empty());
        let requests = app.count("request").await;
        let drafts = app.count("portal_draft").await;
        let send = |lang: &'static str, on_behalf: String| {
            post(
                lang,
                vec![
                    ("step", "5".into()),
                    ("go", "send".into()),
                    ("draft", draft.clone()),
                    ("kind", "innsyn".into()),
                    ("service_area", "settlement".into()),
                    ("description", "Alt dere har om henne.".into()),
                    ("on_behalf", on_behalf),
                ],
            )
        };
        let cases = [
            (
                "en",
                format!("parental_responsibility:{child_pid}"),
                "We could not confirm that you may send the request for this person",
                "does not show that you have parental responsibility for the person",
                "Folkeregisteret does not record you",
            ),
            (
                "nb",
                format!("asylum_representative:{minor_pid}"),
                "Vi kunne ikke bekrefte at du kan sende forespørselen for denne personen",
                "Vi har ikke registrert at du er verge, representant eller fullmektig for personen.",
                "no representation on this basis is registered",
            ),
        ];
        for (lang, on_behalf, title, reason, english) in cases {
            let r = send(lang, on_behalf).await;
            assert_eq!(r.status(), 403, "{lang}");
            let html = r.text().await.unwrap();
            assert!(
                html.contains(&format!("<h1>{title}</h1>")),
                "{lang}: {html}"
            );
            assert!(html.contains(&esc(reason)), "{lang}: {html}");
            assert!(!html.contains(english), "no English reason: {html}");
            assert!(html.contains(&format!("lang=\"{lang}\"")));
            // What to do, and the way back to the first step.
            assert!(html.contains("name=\"go\" value=\"back\""), "{html}");
            assert!(html.contains(&format!("/min-side/ny?lang={lang}")));
        }
        assert_eq!(app.count("request").await, requests, "nothing filed");
        assert_eq!(app.count("portal_draft").await, drafts, "the draft is kept");
        // Back: the first step, with the answers kept.
        let r = post(
            "en",
            vec![
                ("step", "2".into()),
                ("go", "back".into()),
                ("draft", draft.clone()),
                ("kind", "innsyn".into()),
                ("service_area", "settlement".into()),
                ("description", "Alt dere har om henne.".into()),
            ],
        )
        .await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.unwrap();
        assert!(html.contains("Step 1 of 5") && html.contains("Alt dere har om henne."));
    }
);
