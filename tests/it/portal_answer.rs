//! What the person meets on a request's page in Min side: a late answer with an apology and how
//! to complain; the answer first (outcome, date, one link with type and size, the data package
//! explained); where a forwarded request went; withdrawing only after a confirmation step;
//! Norwegian names marked as such on pages in other languages, and no jargon.
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{browser::*, db_test, support::TestApp, support::today};

async fn page(browser: &Browser, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = browser.get(&app.url(path)).await;
    (r.status(), r.text().await.unwrap())
}

/// Starts, decides and approves (by the same caseworker: Elverum answers without a second pair
/// of eyes) with `outcome`; returns the approval's answer.
async fn answer(app: &TestApp, staff: &str, id: &str, outcome: &str) -> Value {
    app.verify_identity(staff, id).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            staff,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    app.collect_to_idle(staff, id).await;
    app.decide_and_approve(staff, staff, id, json!({"outcome": outcome}))
        .await
}

db_test!(
    a_late_answer_is_apologised_for_with_the_way_to_complain,
    |app| {
        let staff = app.staff("saksbehandler.elverum").await;
        let pid = app.citizen_pid(2).await;
        // Received on paper 45 days ago: the month has run out without an answer.
        let received = today() - chrono::Days::new(45);
        let late = app.create(&staff, json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "subject_pid": pid, "received_on": received.to_string()})).await;
        let late_id = late["id"].as_str().unwrap().to_string();
        let due: chrono::NaiveDate = late["due_on"].as_str().unwrap().parse().unwrap();
        assert!(due < today(), "{late}");
        let fresh = app.create(&staff, json!({"kind": "retting", "description": "Feil adresse", "service_area": "settlement", "subject_pid": pid})).await;
        let fresh_id = fresh["id"].as_str().unwrap().to_string();

        let browser = Browser::new();
        demo_citizen_login(&browser, &app, &pid).await;
        let (status, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Svaret er forsinket"), "{html}");
        assert!(
            html.contains("Vi beklager at svaret ikke har kommet"),
            "an apology"
        );
        // The date it should have come by, as the page writes dates.
        let due_text = format!("{}. ", chrono::Datelike::day(&due));
        let warning = &html[html.find("Svaret er forsinket").unwrap()..];
        let warning = &warning[..warning.find("</section>").unwrap()];
        assert!(warning.contains(&due_text), "{warning}");
        assert!(warning.contains(&chrono::Datelike::year(&due).to_string()));
        // No expected date is made up: none was recorded.
        assert!(warning.contains("Saksbehandleren har ikke oppgitt når du kan vente svar."));
        assert!(warning.contains("Datatilsynet") && warning.contains("artikkel 77"));
        assert!(warning.contains("href=\"https://www.datatilsynet.no/\""));
        // Min side marks it; the request still within its deadline has no warning and no mark.
        let (_, mine) = page(&browser, &app, "/min-side").await;
        let row = |reference: &str| {
            let at = mine.find(reference).unwrap();
            let end = at + mine[at..].find("</tr>").unwrap();
            mine[at..end].to_string()
        };
        assert!(row(late["reference"].as_str().unwrap()).contains("forsinket"));
        assert!(!row(fresh["reference"].as_str().unwrap()).contains("forsinket"));
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{fresh_id}")).await;
        assert!(!html.contains("Svaret er forsinket"));
        // In English and Ukrainian too, with the authority's address.
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}?lang=en")).await;
        assert!(html.contains("The answer is late") && html.contains("GDPR Article 77"));
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}?lang=uk")).await;
        assert!(html.contains("Відповідь запізнюється") && html.contains("datatilsynet.no"));
        assert!(
            !html.contains("р.."),
            "no double stop after a Ukrainian date"
        );

        // The caseworker says when the answer can be expected: the person sees that date, in
        // place of "no date"; a date in the past is refused; clearing it says "no date" again.
        let expected_path = format!("/api/v1/requests/{late_id}/expected-answer");
        let yesterday = today() - chrono::Days::new(1);
        let (s, p) = app
            .post(
                &expected_path,
                &staff,
                json!({"expected_on": yesterday.to_string()}),
            )
            .await;
        assert_eq!(s, 422, "{p}");
        assert_eq!(p["field"], "expected_on");
        let expected = today() + chrono::Days::new(9);
        let (s, v) = app
            .post(
                &expected_path,
                &staff,
                json!({"expected_on": expected.to_string()}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        assert_eq!(v["expected_answer_on"], expected.to_string());
        let citizen = app.citizen(2).await;
        let (s, _) = app
            .post(
                &expected_path,
                &citizen,
                json!({"expected_on": expected.to_string()}),
            )
            .await;
        assert!(s == 403 || s == 404, "{s}");
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}?lang=nb")).await;
        let warning = &html[html.find("Svaret er forsinket").unwrap()..];
        let warning = &warning[..warning.find("</section>").unwrap()];
        assert!(
            warning.contains("Saksbehandleren regner med at du får svar senest"),
            "{warning}"
        );
        assert!(warning.contains(&format!("{}. ", chrono::Datelike::day(&expected))));
        assert!(warning.contains("Vi beklager at svaret ikke har kommet"));
        assert!(
            warning.contains("Datatilsynet"),
            "the way to complain stays"
        );
        assert!(!warning.contains("har ikke oppgitt"));
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}?lang=nn")).await;
        assert!(html.contains("Saksbehandlaren reknar med at du får svar seinast"));
        let (s, _) = app
            .post(&expected_path, &staff, json!({"expected_on": null}))
            .await;
        assert_eq!(s, 200);
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}?lang=nb")).await;
        assert!(html.contains("Saksbehandleren har ikke oppgitt når du kan vente svar."));

        // Answered (late): the warning goes.
        answer(&app, &staff, &late_id, "granted").await;
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{late_id}")).await;
        assert!(!html.contains("Svaret er forsinket"), "{html}");
        let (_, mine) = page(&browser, &app, "/min-side").await;
        let at = mine.find(late["reference"].as_str().unwrap()).unwrap();
        let end = at + mine[at..].find("</tr>").unwrap();
        assert!(!mine[at..end].contains("forsinket"), "{}", &mine[at..end]);
    }
);

db_test!(the_answer_comes_first_with_outcome_date_and_sizes, |app| {
    let staff = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app.create(&staff, json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap().to_string();
    let approved = answer(&app, &staff, &id, "granted").await;
    let docs = approved["documents"].as_array().unwrap();
    let doc = |kind: &str| {
        docs.iter()
            .find(|d| d["kind"] == kind)
            .unwrap_or_else(|| panic!("{kind} in {docs:?}"))
            .clone()
    };
    let kb = |d: &Value| {
        (d["size"].as_i64().unwrap() as f64 / 1000.0)
            .ceil()
            .max(1.0) as i64
    };
    let (pdf, web, zip) = (doc("answer_pdf"), doc("answer_html"), doc("data_package"));

    let browser = Browser::new();
    demo_citizen_login(&browser, &app, &pid).await;
    let (_, html) = page(&browser, &app, &format!("/min-side/sak/{id}")).await;
    let at = |needle: &str| {
        html.find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not on the page:\n{html}"))
    };
    // The outcome and the date lead, before the case's details.
    let outcome = at("Forespørselen er innvilget.");
    assert!(outcome < at("class=\"summary\""));
    let today = today();
    assert!(html.contains(&format!("Du fikk svar {}. ", chrono::Datelike::day(&today))));
    // One clear link to read the answer, with type and size.
    let read = format!("Les svaret (PDF, {} kB)", kb(&pdf));
    assert_eq!(html.matches(&read).count(), 1, "{read}");
    let href = format!(
        "/min-side/sak/{id}/dokument/{}",
        pdf["id"].as_str().unwrap()
    );
    assert!(at(&href) < at(&read));
    // The data package explained, file by file; the web page version with its size.
    assert!(html.contains(&format!("Last ned opplysningene (ZIP, {} kB)", kb(&zip))));
    for file in ["letter.pdf", "letter.html", "data.json", "data.csv"] {
        assert!(html.contains(&format!("<code>{file}</code>")), "{file}");
    }
    assert!(html.contains("regneark") && html.contains("dataprogrammer"));
    assert!(html.contains(&format!("Svaret som nettside (HTML, {} kB)", kb(&web))));
    // No bare file names as links, and no "no answer yet" beside the answer.
    assert!(!html.contains("Last ned PV-"));
    assert!(!html.contains("Det er ikke noe svar ennå"));
    // Each link downloads what it says.
    let r = browser.get(&app.url(&href)).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert_eq!(
        r.bytes().await.unwrap().len() as i64,
        pdf["size"].as_i64().unwrap()
    );

    // A refusal says so, in the person's language.
    let refused = app.create(&staff, json!({"kind": "sletting", "description": "Slett alt", "service_area": "settlement", "subject_pid": pid})).await;
    let refused_id = refused["id"].as_str().unwrap().to_string();
    app.verify_identity(&staff, &refused_id).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/requests/{refused_id}/transitions"),
            &staff,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    app.collect_to_idle(&staff, &refused_id).await;
    let (s, v) = app
        .post(
            &format!("/api/v1/requests/{refused_id}/decision"),
            &staff,
            json!({"outcome": "refused", "legal_bases": ["arkivloven-arkivplikt"], "text": "Opplysningene må arkiveres."}),
        )
        .await;
    if s == 201 {
        let (s, v) = app
            .post(
                &format!("/api/v1/requests/{refused_id}/decision/approve"),
                &staff,
                json!({}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let (_, html) = page(
            &browser,
            &app,
            &format!("/min-side/sak/{refused_id}?lang=en"),
        )
        .await;
        assert!(html.contains("The request is refused."), "{html}");
        assert!(html.contains("Read the answer (PDF, "));
        assert!(
            !html.contains("Download the information"),
            "no data package for a refusal"
        );
    } else {
        panic!("the refusal could not be drafted: {v}");
    }
});

db_test!(a_forwarded_request_says_where_when_and_why, |app| {
    let alna = app.staff("saksbehandler.alna").await;
    let pid = app.citizen_pid(4).await;
    let req = app.create(&alna, json!({ "kind": "innsyn", "description": "Norskkurset mitt", "service_area": "settlement", "subject_pid": pid })).await;
    let id = req["id"].as_str().unwrap().to_string();
    let reason = "Forespørselen gjelder norskopplæringen, som Utdanningsetaten har ansvaret for.";
    let (status, body) = app
        .post(
            &format!("/api/v1/requests/{id}/forward"),
            &alna,
            json!({ "unit_id": app.unit_of("saksbehandler.ude").await, "note": reason }),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "forwarded");
    let onward = app.onward_request(&alna, &id).await;
    let ude = app.staff("saksbehandler.ude").await;
    let (_, onward_view) = app.get(&format!("/api/v1/requests/{onward}"), &ude).await;
    let new_body = onward_view["controller"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(new_body, "Bydel Alna");

    let browser = Browser::new();
    demo_citizen_login(&browser, &app, &pid).await;
    let (_, html) = page(&browser, &app, &format!("/min-side/sak/{id}")).await;
    let section = &html[html
        .find("id=\"forwarded-title\"")
        .expect("the forwarding explained")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains(&new_body), "where: {section}");
    assert!(section.contains(reason), "why: {section}");
    assert!(
        section.contains(&format!(
            "Den ble sendt videre {}. ",
            chrono::Datelike::day(&today())
        )),
        "when: {section}"
    );
    assert!(section.contains(onward_view["reference"].as_str().unwrap()));
    // The old body is no longer named as handling it.
    assert!(!html.contains("Behandles av"), "{html}");
    assert!(!html.contains("Bydel Alna"), "{html}");
    // The letter about it, by what it is, with type and size.
    assert!(html.contains("Brev om at forespørselen er sendt videre (PDF, "));
    assert!(html.contains("Forespørselen ble sendt videre til en annen virksomhet"));
    // In English the Norwegian name is marked as Norwegian.
    let (_, html) = page(&browser, &app, &format!("/min-side/sak/{id}?lang=en")).await;
    assert!(
        html.contains(&format!("<span lang=\"nb\">{new_body}</span>")),
        "{html}"
    );
});

db_test!(withdrawing_asks_first_and_explains, |app| {
    let staff = app.staff("saksbehandler.elverum").await;
    let pid = app.citizen_pid(2).await;
    let created = app.create(&staff, json!({"kind": "sletting", "description": "Slett kopien", "service_area": "settlement", "subject_pid": pid})).await;
    let id = created["id"].as_str().unwrap().to_string();
    let browser = Browser::new();
    demo_citizen_login(&browser, &app, &pid).await;
    let (_, case) = page(&browser, &app, &format!("/min-side/sak/{id}")).await;
    // The case page links to the confirmation step; it has no form that withdraws.
    assert!(case.contains(&format!("href=\"/min-side/sak/{id}/trekk?lang=nb\"")));
    assert!(
        !case.contains(&format!("action=\"/min-side/sak/{id}/trekk")),
        "{case}"
    );
    let (status, confirm) = page(&browser, &app, &format!("/min-side/sak/{id}/trekk")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Vil du trekke forespørsel",
        "Saken blir avsluttet",
        "Du kan ikke angre etterpå.",
        "Du kan når som helst sende en ny forespørsel.",
        "Ja, trekk forespørselen",
        "Nei, tilbake til saken",
    ] {
        assert!(confirm.contains(text), "{text}: {confirm}");
    }
    let action = app.url(&format!("/min-side/sak/{id}/trekk?lang=nb"));
    let token = csrf_token(&confirm);
    // A post without the confirmation withdraws nothing and asks.
    let r = browser
        .post_form(&action, &[("csrf_token".into(), token.clone())])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&app.url(&format!("/min-side/sak/{id}/trekk"))));
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
    assert_eq!(view["status"], "received");
    // A forged token is refused even when confirmed.
    let r = browser
        .post_form(
            &action,
            &[
                ("csrf_token".into(), "forged".into()),
                ("confirm".into(), "yes".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // Confirmed: withdrawn.
    let r = browser
        .post_form(
            &action,
            &[
                ("csrf_token".into(), token),
                ("confirm".into(), "yes".into()),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &staff).await;
    assert_eq!(view["status"], "withdrawn");
    // Now the confirmation step leads back to the case.
    let r = browser
        .get(&app.url(&format!("/min-side/sak/{id}/trekk")))
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(location(&r).starts_with(&app.url(&format!("/min-side/sak/{id}?"))));
});

db_test!(
    other_languages_mark_norwegian_names_and_avoid_jargon,
    |app| {
        let staff = app.staff("saksbehandler.elverum").await;
        let pid = app.citizen_pid(2).await;
        let created = app.create(&staff, json!({"kind": "retting", "description": "Feil adresse", "service_area": "settlement", "subject_pid": pid})).await;
        let id = created["id"].as_str().unwrap().to_string();
        let body_name = created["controller"]["name"].as_str().unwrap().to_string();
        let (s, v) = app
            .post(
                &format!("/api/v1/requests/{id}/extend"),
                &staff,
                json!({"reason": "Mange kilder må kontrolleres"}),
            )
            .await;
        assert_eq!(s, 200, "{v}");
        let browser = Browser::new();
        demo_citizen_login(&browser, &app, &pid).await;
        for lang in ["en", "uk", "nn"] {
            let (_, html) = page(&browser, &app, &format!("/min-side/sak/{id}?lang={lang}")).await;
            assert!(
                html.contains(&format!("<span lang=\"nb\">{body_name}</span>")),
                "{lang}: {html}"
            );
            assert!(!html.contains("р.."), "{lang}: a double stop");
            let (_, start) = page(&browser, &app, &format!("/?lang={lang}")).await;
            assert!(
                start.contains("<li><span lang=\"nb\">Bydel Gamle Oslo</span></li>"),
                "{lang}"
            );
            // The service areas in the wizard are Norwegian names too.
            let (_, wizard) = page(&browser, &app, &format!("/min-side/ny?lang={lang}")).await;
            let url = app.url(&format!("/min-side/ny?lang={lang}"));
            let r = browser
                .post_form(
                    &url,
                    &[
                        ("csrf_token".into(), csrf_token(&wizard)),
                        ("step".into(), "1".into()),
                        ("go".into(), "next".into()),
                        ("kind".into(), "innsyn".into()),
                    ],
                )
                .await;
            let step2 = r.text().await.unwrap();
            assert!(step2.contains("id=\"area-settlement\""), "{step2}");
            assert!(
                step2.contains("for=\"area-settlement\"><span lang=\"nb\">"),
                "{lang}: {step2}"
            );
        }
        // On bokmål pages the names are not marked: they are the page's language.
        let (_, html) = page(&browser, &app, &format!("/min-side/sak/{id}?lang=nb")).await;
        assert!(html.contains(&body_name));
        assert!(!html.contains(&format!("<span lang=\"nb\">{body_name}")));
        // The login level in plain words, never the protocol's value.
        let (_, mine) = page(&browser, &app, "/min-side?lang=nb").await;
        assert!(!mine.contains("idporten-loa"), "{mine}");
        assert!(mine.contains("Betydelig (som MinID)"), "{mine}");
        // The state of a drafted answer awaiting a second look, in the person's terms.
        for (lang, text) in [
            ("nb", "Svaret kontrolleres"),
            ("nn", "Svaret vert kontrollert"),
            ("en", "Answer being checked"),
            ("uk", "Відповідь перевіряється"),
        ] {
            assert_eq!(
                dsar::i18n::t(
                    dsar::i18n::Language::from_code(lang).unwrap(),
                    "portal.status.awaiting_approval"
                ),
                text
            );
        }
    }
);
