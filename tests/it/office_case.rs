//! The case page as caseworkers and approvers work it: the letter in view before approving,
//! a way forward from every status, the answer language named, buttons that say what they do,
//! focus on the notice after each action, the approving role's name, and names instead of codes.
//! Over 500 lines on purpose: one page, the office case page, walked through each of its states.
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    browser::*,
    db_test,
    office::{page, post, shown_draft, staff_browser},
    support::TestApp,
};

/// A request for Utdanningsetaten (four eyes), started and drafted on the page by its
/// caseworker: it waits for approval. Returns its id and reference.
async fn awaiting_approval(app: &TestApp, text: &str) -> (String, String) {
    let token = app.staff("saksbehandler.ude").await;
    let created = app.create(&token, json!({"kind": "sletting", "description": "Slett kursdata", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(0).await})).await;
    let id = created["id"].as_str().unwrap().to_string();
    app.verify_identity(&token, &id).await;
    let (caseworker, html) = staff_browser(app, "saksbehandler.ude").await;
    let csrf = csrf_token(&html);
    let (status, _, _) = post(
        &caseworker,
        app,
        &format!("/office/sak/{id}/steg"),
        &csrf,
        &[("action", "start")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    app.collect_to_idle(&token, &id).await;
    let (status, to, _) = post(
        &caseworker,
        app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", text), ("go", "save")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("done=submitted#notice"));
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "awaiting_approval");
    (id, created["reference"].as_str().unwrap().to_string())
}

db_test!(the_approver_sees_the_exact_letter_before_approving, |app| {
    let (id, reference) = awaiting_approval(&app, "Kursdataene slettes innen en uke.").await;
    let (officer, html) = staff_browser(&app, "personvern.ude").await;
    let csrf = csrf_token(&html);
    let (status, html) = page(&officer, &app, &format!("/office/sak/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    // The letter (a sandboxed frame of the draft's rendering) and the PDF with its size come
    // before the button that sends them.
    let frame = html
        .find(&format!("<iframe class=\"letter-frame\" src=\"/office/sak/{id}/vedtak/utkast/brev\" sandbox=\"\""))
        .expect("the letter in a sandboxed frame");
    let pdf = html
        .find(&format!("href=\"/office/sak/{id}/vedtak/utkast/pdf\""))
        .expect("a link to the PDF");
    let button = html
        .find(">Godkjenn og send svaret</button>")
        .expect("the approve button");
    assert!(frame < button && pdf < button, "the letter comes first");
    assert!(
        html[pdf..button].contains(" kB)"),
        "the PDF's size is shown"
    );
    // The frame shows the letter approving would send: this case, these words.
    let r = officer
        .get(&app.url(&format!("/office/sak/{id}/vedtak/utkast/brev")))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-frame-options"], "SAMEORIGIN");
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'self'")
    );
    let letter = r.text().await.unwrap();
    assert!(letter.contains(&reference) && letter.contains("Kursdataene slettes innen en uke."));
    // The PDF is the draft's, and reading it is audited.
    let before = app
        .count("audit_event WHERE action = 'request.draft_document_read'")
        .await;
    let r = officer
        .get(&app.url(&format!("/office/sak/{id}/vedtak/utkast/pdf")))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.bytes().await.unwrap().starts_with(b"%PDF"));
    assert_eq!(
        app.count("audit_event WHERE action = 'request.draft_document_read'")
            .await,
        before + 1
    );
    // Approving without the letter shown (no draft named) or for another draft is refused, in
    // the page's language, and nothing is sent.
    let (status, _, refused) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &csrf,
        &[],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Se brevet før du sender svaret"));
    let (status, _, refused) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &csrf,
        &[("decision_id", &uuid::Uuid::now_v7().to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.contains("Utkastet er endret etter at du så brevet"));
    let token = app.staff("saksbehandler.ude").await;
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "awaiting_approval");
    // The draft shown is approved.
    let (status, to, _) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &csrf,
        &[("decision_id", &shown_draft(&html))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("?done=approved#notice"));
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "completed");
});

db_test!(
    buttons_say_what_they_do_and_the_sender_sees_the_letter,
    |app| {
        // Four eyes: saving sends to approval.
        let ude = app.staff("saksbehandler.ude").await;
        let created = app.create(&ude, json!({"kind": "innsyn", "description": "Alt", "service_area": "norwegian-training", "subject_pid": app.citizen_pid(0).await})).await;
        let ude_id = created["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/requests/{ude_id}/transitions"),
            &ude,
            json!({"action": "start"}),
        )
        .await;
        app.collect_to_idle(&ude, ude_id).await;
        let (browser, _) = staff_browser(&app, "saksbehandler.ude").await;
        let (_, html) = page(&browser, &app, &format!("/office/sak/{ude_id}")).await;
        assert!(html.contains(">Send til godkjenning</button>"));
        assert!(!html.contains("Lagre vedtaket") && !html.contains(">Lagre utkast<"));

        // Without four eyes: a draft is saved, then the decision is made and sent.
        let elverum = app.staff("saksbehandler.elverum").await;
        let created = app.create(&elverum, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await})).await;
        let id = created["id"].as_str().unwrap();
        app.verify_identity(&elverum, id).await;
        app.post(
            &format!("/api/v1/requests/{id}/transitions"),
            &elverum,
            json!({"action": "start"}),
        )
        .await;
        app.collect_to_idle(&elverum, id).await;
        let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
        let csrf = csrf_token(&html);
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(html.contains(">Lagre utkast</button>"));
        assert!(!html.contains("Send til godkjenning"));
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/vedtak"),
            &csrf,
            &[("outcome", "granted"), ("text", ""), ("go", "save")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let html = browser.get(&to.unwrap()).await.text().await.unwrap();
        assert!(html.contains("Utkastet er lagret."));
        // The letter, its PDF and the data package (innsyn) come before "make the decision".
        let button = html
            .find(">Fatt vedtak og send svaret</button>")
            .expect("the send button");
        let frame = html.find("class=\"letter-frame\"").expect("the letter");
        let package = html
            .find(&format!("href=\"/office/sak/{id}/vedtak/utkast/data\""))
            .expect("the data package");
        assert!(frame < button && package < button);
        let r = browser
            .get(&app.url(&format!("/office/sak/{id}/vedtak/utkast/data")))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        assert!(r.bytes().await.unwrap().starts_with(b"PK"), "a zip");
        let (status, _, _) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/vedtak/godkjenn"),
            &csrf,
            &[("decision_id", &shown_draft(&html))],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &elverum).await;
        assert_eq!(v["status"], "completed");
    }
);

db_test!(awaiting_approval_without_a_draft_has_a_way_forward, |app| {
    let (id, reference) = awaiting_approval(&app, "").await;
    // The draft is gone (as when four eyes changed under a case): nothing to approve.
    app.exec(&format!(
        "UPDATE decision SET status = 'superseded' WHERE request_id IN (SELECT id FROM request WHERE reference = '{reference}')"
    ))
    .await;
    let (officer, _) = staff_browser(&app, "personvern.ude").await;
    let (_, html) = page(&officer, &app, &format!("/office/sak/{id}")).await;
    assert!(
        !html.contains("Godkjenn og send svaret"),
        "nothing to approve"
    );
    assert!(html.contains("det finnes ikke noe utkast å godkjenne"));
    // The caseworker is offered the decision form and sends a new draft to approval.
    let (caseworker, html) = staff_browser(&app, "saksbehandler.ude").await;
    let csrf = csrf_token(&html);
    let (_, html) = page(&caseworker, &app, &format!("/office/sak/{id}")).await;
    assert!(html.contains("det finnes ikke noe utkast å godkjenne"));
    assert!(html.contains(">Send til godkjenning</button>"));
    let (status, _, _) = post(
        &caseworker,
        &app,
        &format!("/office/sak/{id}/vedtak"),
        &csrf,
        &[("outcome", "granted"), ("text", ""), ("go", "save")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let token = app.staff("saksbehandler.ude").await;
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "awaiting_approval");
    // Now the approver has a letter to approve.
    let (_, html) = page(&officer, &app, &format!("/office/sak/{id}")).await;
    assert!(html.contains("Godkjenn og send svaret") && html.contains("letter-frame"));

    // Four eyes switched off meanwhile: approving still works from awaiting approval.
    app.exec("UPDATE controller SET four_eyes = false WHERE name = 'Utdanningsetaten'")
        .await;
    app.app.registry.invalidate().await;
    let ocsrf = csrf_token(&html);
    let (status, _, body) = post(
        &officer,
        &app,
        &format!("/office/sak/{id}/vedtak/godkjenn"),
        &ocsrf,
        &[("decision_id", &shown_draft(&html))],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["status"], "completed");
});

db_test!(the_extend_form_offers_only_allowed_dates, |app| {
    let token = app.staff("saksbehandler.elverum").await;
    let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await})).await;
    let id = created["id"].as_str().unwrap();
    let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
    let csrf = csrf_token(&html);
    let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
    let due: chrono::NaiveDate = created["due_on"].as_str().unwrap().parse().unwrap();
    let max = created["extended_due_on"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "min=\"{}\" max=\"{max}\"",
            due.succ_opt().unwrap()
        )),
        "only later dates up to the latest allowed"
    );
    // A date the rule refuses comes back beside the field, in the page's language.
    let too_late: chrono::NaiveDate =
        max.parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(1);
    for (lang, wanted) in [
        ("en", "The new deadline cannot be later than"),
        ("nb", "Den nye fristen kan ikke være senere enn"),
    ] {
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("/office/sak/{id}/frist?lang={lang}"),
            &csrf,
            &[
                ("reason", "Mange kilder"),
                ("due_on", &too_late.to_string()),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        let error = html
            .split("id=\"extend-due_on-error\"")
            .nth(1)
            .expect("the error beside the date");
        assert!(error[..200].contains(wanted), "{lang}: {error}");
        assert!(
            !html.contains("The requested due date"),
            "not the domain's English"
        );
    }
    let (status, _, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/frist"),
        &csrf,
        &[("reason", "Mange kilder"), ("due_on", max)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // At the latest date there is nothing more to offer: the page says why.
    let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
    assert!(!html.contains("id=\"extend-due_on\""));
    assert!(html.contains("den seneste som er tillatt"), "{html}");

    // After the first deadline has passed, extending is not offered at all.
    let received = crate::support::today() - chrono::Days::new(40);
    let old = app.create(&token, json!({"kind": "innsyn", "description": "Brev som ble liggende", "service_area": "settlement", "channel": "letter", "received_on": received.to_string(), "subject_pid": app.citizen_pid(2).await})).await;
    let (_, html) = page(
        &browser,
        &app,
        &format!("/office/sak/{}", old["id"].as_str().unwrap()),
    )
    .await;
    assert!(html.contains("Fristen kan ikke lenger forlenges"));
    assert!(!html.contains("id=\"extend-due_on\""));
});

db_test!(
    the_answer_language_is_named_and_norwegian_reasons_warned,
    |app| {
        let token = app.staff("saksbehandler.elverum").await;
        let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "language": "uk", "subject_pid": app.citizen_pid(2).await})).await;
        let id = created["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/requests/{id}/transitions"),
            &token,
            json!({"action": "start"}),
        )
        .await;
        app.collect_to_idle(&token, id).await;
        let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert!(!html.contains("<dd>uk</dd>"), "no language code");
        assert!(html.contains("<dd>ukrainsk</dd>"));
        let hint = html
            .split("id=\"decision-text-hint\"")
            .nth(1)
            .expect("the reasons field's hint");
        let hint = &hint[..hint.find("</p>").unwrap()];
        assert!(hint.contains("Svaret skrives på ukrainsk."), "{hint}");
        assert!(
            hint.contains("blir den merket som norsk tekst i brevet på ukrainsk"),
            "{hint}"
        );
        // In bokmål there is nothing to warn about.
        let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await})).await;
        let nb = created["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/requests/{nb}/transitions"),
            &token,
            json!({"action": "start"}),
        )
        .await;
        app.collect_to_idle(&token, nb).await;
        let (_, html) = page(&browser, &app, &format!("/office/sak/{nb}")).await;
        assert!(html.contains("Svaret skrives på bokmål."));
        assert!(!html.contains("merket som norsk tekst"));
    }
);

db_test!(after_an_action_the_page_lands_on_the_notice, |app| {
    let token = app.staff("saksbehandler.elverum").await;
    let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await})).await;
    let id = created["id"].as_str().unwrap();
    let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
    let csrf = csrf_token(&html);
    let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
    // The skip link jumps to the case's actions.
    assert!(html.contains("href=\"#actions\">Gå til handlinger</a>"));
    assert!(html.contains("id=\"actions\" tabindex=\"-1\""));
    let (status, to, _) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/notat"),
        &csrf,
        &[("text", "Ringte")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = to.unwrap();
    assert!(to.ends_with("?done=noted#notice"), "{to}");
    let html = browser.get(&to).await.text().await.unwrap();
    assert!(
        html.contains("id=\"notice\" role=\"status\" tabindex=\"-1\" autofocus>Notatet er lagret.")
    );
    // A refused form lands on its errors.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/sak/{id}/notat"),
        &csrf,
        &[("text", " ")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("<div id=\"notice\" tabindex=\"-1\" autofocus><div class=\"error-summary\"")
    );
});

db_test!(
    the_office_names_people_places_languages_and_the_approving_role,
    |app| {
        let token = app.staff("saksbehandler.ude").await;
        let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "norwegian-training", "geography": "030101", "subject_pid": app.citizen_pid(0).await})).await;
        let id = created["id"].as_str().unwrap();
        let (browser, html) = staff_browser(&app, "saksbehandler.ude").await;
        let csrf = csrf_token(&html);
        post(
            &browser,
            &app,
            &format!("/office/sak/{id}/tildel"),
            &csrf,
            &[("assignee", "saksbehandler.ude")],
        )
        .await;
        let (_, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        let main = &html[html.find("<main").unwrap()..];
        // The staff member's name, not their username, as assignee and in the history.
        assert!(main.contains("<dd>Jonas Saksbehandler (Utdanningsetaten)</dd>"));
        assert!(main.contains(" – Jonas Saksbehandler (Utdanningsetaten)"));
        assert!(!main.contains("saksbehandler.ude<"), "no username shown");
        assert!(
            !main.contains(" – saksbehandler.ude"),
            "no username in the history"
        );
        // The district by name.
        assert!(
            main.contains("Gamle Oslo (bydel 030101)"),
            "the place named"
        );
        // No "Mottatt → Mottatt".
        assert!(!main.contains("Mottatt</strong> → Mottatt"));
        assert!(main.contains("<strong>Mottatt</strong>"));

        // The approving role is named for what it does, never as the DPO.
        let (officer, html) = staff_browser(&app, "personvern.ude").await;
        assert!(html.contains("Godkjenner (personvernrådgiver)"));
        let (_, html) = page(&officer, &app, &format!("/office/sak/{id}")).await;
        let header = &html[..html.find("<main").unwrap()];
        assert!(!header.contains("Personvernombud"));
    }
);

db_test!(
    the_caseworker_sets_the_expected_answer_date_after_a_missed_deadline,
    |app| {
        let token = app.staff("saksbehandler.elverum").await;
        // Received on paper 45 days ago: past its deadline.
        let received = crate::support::today() - chrono::Days::new(45);
        let created = app.create(&token, json!({"kind": "innsyn", "description": "Alt", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await, "received_on": received.to_string()})).await;
        let id = created["id"].as_str().unwrap();
        let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
        let csrf = csrf_token(&html);
        let path = format!("/office/sak/{id}");
        let (_, html) = page(&browser, &app, &path).await;
        // Late and no date set: the form is open.
        assert!(
            html.contains("<details id=\"expected\" open"),
            "the form is open"
        );
        // A date that has passed is refused beside the field, in the page's language.
        let past = (crate::support::today() - chrono::Days::new(2)).to_string();
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{path}/forventet-svar"),
            &csrf,
            &[("expected_on", &past)],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"expected-expected_on-error\"")
                || html.contains("Skriv en dato som ikke er passert"),
            "{html}"
        );
        assert!(html.contains("Skriv en dato som ikke er passert"));
        assert!(
            html.contains(&format!("value=\"{past}\"")),
            "what was typed stays"
        );
        let expected = (crate::support::today() + chrono::Days::new(7)).to_string();
        let (status, _, _) = post(
            &browser,
            &app,
            &format!("{path}/forventet-svar"),
            &csrf,
            &[("expected_on", &expected)],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
        assert_eq!(v["expected_answer_on"], expected);
        let (_, html) = page(&browser, &app, &format!("{path}?lang=en")).await;
        assert!(html.contains(&format!("value=\"{expected}\"")));
        assert!(html.contains("Expected answer date set"), "on the timeline");
    }
);
