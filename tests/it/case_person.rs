//! The person on a case: staff change the language they are written to (GDPR art. 12(1)), and
//! link another number of theirs, also a number for a person registered by name and date of
//! birth, through the API and the case page.
use reqwest::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    office::{page, post, staff_browser},
    support::TestApp,
};

/// A synthetic number (Tenor) born on this day: a fødselsnummer or a d-nummer.
fn number(day: u32, month: u32, year2: u32, d_number: bool) -> String {
    (100..499)
        .find_map(|i| dsar::identity::synthetic_pid(day, month, year2, i, true, d_number))
        .unwrap()
        .as_str()
        .to_string()
}

/// A Gamle Oslo innsyn request registered from a letter; returns its id.
async fn registered(app: &TestApp, token: &str, subject: Value) -> String {
    let mut body = json!({ "kind": "innsyn", "description": "Brev", "geography": "030101", "service_area": "settlement" });
    for (k, v) in subject.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.create(token, body).await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn events(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let (status, events) = app
        .get(&format!("/api/v1/requests/{id}/events"), token)
        .await;
    assert_eq!(status, 200, "{events}");
    events.as_array().unwrap().clone()
}

async fn audited(app: &TestApp, action: &str, id: &str) -> u64 {
    use entity::audit_event::{Column, Entity};
    Entity::find()
        .filter(Column::Action.eq(action))
        .filter(Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .count(&app.app.db)
        .await
        .unwrap()
}

/// How many numbers the person of the request has.
async fn numbers_of_person(app: &TestApp, id: &str) -> u64 {
    use entity::{person_identifier, request};
    let req = request::Entity::find_by_id(uuid::Uuid::parse_str(id).unwrap())
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap();
    person_identifier::Entity::find()
        .filter(person_identifier::Column::PersonId.eq(req.person_id))
        .count(&app.app.db)
        .await
        .unwrap()
}

db_test!(staff_change_the_language_and_later_letters_follow, |app| {
    let citizen = app.citizen(0).await;
    let req = app
        .create(
            &citizen,
            json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "contact_email": "innbygger@example.no" }),
        )
        .await;
    assert_eq!(req["language"], "nb");
    let id = req["id"].as_str().unwrap();
    let path = format!("/api/v1/requests/{id}/language");
    let kari = app.staff("saksbehandler.gamleoslo").await;
    // Only staff who work the case: the person, an auditor, a caseworker of another unit.
    let (status, _) = app.post(&path, &citizen, json!({ "language": "en" })).await;
    assert_eq!(status, 403);
    let elverum = app.staff("saksbehandler.elverum").await;
    let (status, _) = app.post(&path, &elverum, json!({ "language": "en" })).await;
    assert_eq!(status, 404);
    // An unknown language, or the one it has.
    for (body, what) in [
        (json!({ "language": "de" }), "unknown"),
        (json!({ "language": "nb" }), "the same"),
        (json!({}), "missing"),
    ] {
        let (status, problem) = app.post(&path, &kari, body).await;
        assert_eq!(status, 422, "{what}: {problem}");
    }
    assert_eq!(audited(&app, "request.language_changed", id).await, 0);
    // Changed: on the timeline and in the audit trail, from and to.
    let (status, view) = app.post(&path, &kari, json!({ "language": "en" })).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["language"], "en");
    let changed: Vec<Value> = events(&app, &kari, id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "language_changed")
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0]["details"], json!({ "from": "nb", "to": "en" }));
    assert_eq!(audited(&app, "request.language_changed", id).await, 1);
    // The next letter and its e-mail are in English.
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &kari,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/extend"),
            &kari,
            json!({ "reason": "Many sources must be asked" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (_, docs) = app
        .get(&format!("/api/v1/requests/{id}/documents"), &citizen)
        .await;
    let letter = docs
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "extension_html")
        .unwrap_or_else(|| panic!("{docs}"));
    assert_eq!(letter["language"], "en");
    let text = app
        .call(
            reqwest::Method::GET,
            letter["href"].as_str().unwrap(),
            Some(&citizen),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("We need more time to answer you"), "{text}");
    assert!(!text.contains("Vi trenger mer tid"), "{text}");
    let emails = entity::outbox::Entity::find()
        .filter(entity::outbox::Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .filter(entity::outbox::Column::Template.eq("extension"))
        .all(&app.app.db)
        .await
        .unwrap();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].language, dsar::i18n::Language::En);
    // Closed by the person's withdrawal: no more letters, so the language is kept.
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &citizen,
            json!({ "action": "withdraw" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    let (status, problem) = app.post(&path, &kari, json!({ "language": "uk" })).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(audited(&app, "request.language_changed", id).await, 1);
});

db_test!(the_case_page_changes_the_language, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let id = registered(
        &app,
        &kari,
        json!({ "subject_pid": app.citizen_pid(0).await }),
    )
    .await;
    let (browser, html) = staff_browser(&app, "saksbehandler.gamleoslo").await;
    let csrf = csrf_token(&html);
    let case = format!("/office/sak/{id}");
    let (status, html) = page(&browser, &app, &case).await;
    assert_eq!(status, StatusCode::OK);
    // The languages by their own names.
    assert!(html.contains("id=\"language-language\""), "the form");
    assert!(html.contains("lang=\"uk\">Українська</option>"));
    assert!(html.contains("value=\"nb\" lang=\"nb\" selected>Norsk bokmål</option>"));
    // Errors beside the field, in the page's language.
    let action = format!("{case}/sprak");
    let (status, _, html) = post(&browser, &app, &action, &csrf, &[("language", "xx")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"language-language-error\">Velg et språk fra listen."));
    // Changed: back to the case with the notice; the facts and the history say it.
    let (status, to, _) = post(&browser, &app, &action, &csrf, &[("language", "uk")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("?done=language_changed#notice"));
    let (_, html) = page(&browser, &app, &format!("{case}?done=language_changed")).await;
    assert!(html.contains("Språket er endret."));
    assert!(
        html.contains("<dd>ukrainsk</dd>"),
        "the facts name the new language"
    );
    assert!(html.contains("Språk for brev endret</strong> bokmål → ukrainsk"));
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
    assert_eq!(v["language"], "uk");
    // In English on an English page.
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("{action}?lang=en"),
        &csrf,
        &[("language", "uk")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("The case already has this language."),
        "{html}"
    );
});

db_test!(a_person_known_by_name_is_linked_to_their_number, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let by_name = json!({ "subject_name": "Ola Nordmann", "subject_birth_date": "1992-06-21" });
    let id = registered(&app, &kari, by_name.clone()).await;
    let link = "/api/v1/persons/link-numbers";
    let fnr = number(21, 6, 92, false);
    // No source can be asked about a person known only by name.
    let (status, started) = app
        .post(&format!("/api/v1/requests/{id}/collect"), &kari, json!({}))
        .await;
    assert_eq!(status, 202, "{started}");
    let retry = format!("/api/v1/requests/{id}/sources/nav/retry");
    let (status, _) = app.post(&retry, &kari, json!({})).await;
    assert_eq!(status, 409, "not until the person has a number");
    // Refused: another birth date; a request the caller cannot see; the person and the request
    // named at once; a citizen.
    let (status, problem) = app
        .post(
            link,
            &kari,
            json!({ "request_id": id, "other_pid": number(22, 6, 92, false) }),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["field"], "other_pid");
    assert!(problem["detail"].as_str().unwrap().contains("registered"));
    let elverum = app.staff("saksbehandler.elverum").await;
    let (status, _) = app
        .post(
            link,
            &elverum,
            json!({ "request_id": id, "other_pid": fnr }),
        )
        .await;
    assert_eq!(status, 404);
    let (status, problem) = app
        .post(
            link,
            &kari,
            json!({ "request_id": id, "pid": fnr, "other_pid": fnr }),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(problem["field"], "request_id");
    let someone = app.citizen(1).await;
    let (status, _) = app
        .post(
            link,
            &someone,
            json!({ "request_id": id, "other_pid": fnr }),
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(numbers_of_person(&app, &id).await, 1, "nothing linked yet");
    // The number nobody has yet: recorded for the person at once.
    let (status, body) = app
        .post(link, &kari, json!({ "request_id": id, "other_pid": fnr }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body,
        json!({ "status": "linked", "numbers": 2, "merged": false, "link_id": null })
    );
    assert_eq!(numbers_of_person(&app, &id).await, 2);
    assert!(
        events(&app, &kari, &id)
            .await
            .iter()
            .any(|e| e["action"] == "numbers_linked")
    );
    assert_eq!(audited(&app, "person.numbers_linked", &id).await, 1);
    // The person sees the request under the number, and the sources are asked by it.
    let citizen = app.token(json!({ "pid": fnr })).await;
    let (status, _) = app.get(&format!("/api/v1/requests/{id}"), &citizen).await;
    assert_eq!(status, 200);
    let (status, task) = app.post(&retry, &kari, json!({})).await;
    assert_eq!(status, 202, "{task}");
    assert_eq!(task["status"], "pending");

    // The number already is another person: the merge waits for a privacy officer.
    let later = number(1, 7, 88, false);
    let theirs = app.token(json!({ "pid": later })).await;
    let other = app
        .create(
            &theirs,
            json!({ "kind": "retting", "description": "y", "service_area": "settlement" }),
        )
        .await;
    let other = other["id"].as_str().unwrap().to_string();
    let second = registered(
        &app,
        &kari,
        json!({ "subject_name": "Kari Nordmann", "subject_birth_date": "1988-07-01" }),
    )
    .await;
    let (status, body) = app
        .post(
            link,
            &kari,
            json!({ "request_id": second, "other_pid": later }),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "awaiting_approval");
    for r in [&second, &other] {
        assert_eq!(audited(&app, "person.merge_requested", r).await, 1, "{r}");
    }
    assert!(
        events(&app, &kari, &second)
            .await
            .iter()
            .any(|e| e["action"] == "merge_requested")
    );
    let (status, _) = app
        .get(&format!("/api/v1/requests/{second}"), &theirs)
        .await;
    assert_eq!(status, 404, "apart while the merge waits");
    let approve = format!(
        "/api/v1/persons/links/{}/approve",
        body["link_id"].as_str().unwrap()
    );
    let (status, _) = app.post(&approve, &kari, json!({})).await;
    assert_eq!(status, 403, "four eyes");
    let ingrid = app.staff("personvern.gamleoslo").await;
    let (status, body) = app.post(&approve, &ingrid, json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["merged"], true);
    for r in [&second, &other] {
        let (status, _) = app.get(&format!("/api/v1/requests/{r}"), &theirs).await;
        assert_eq!(status, 200, "one person now");
        assert_eq!(audited(&app, "person.numbers_linked", r).await, 1, "{r}");
    }
});

db_test!(the_case_page_links_another_number_of_the_person, |app| {
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let d_nummer = number(3, 4, 95, true);
    let id = registered(&app, &kari, json!({ "subject_pid": d_nummer })).await;
    let (browser, html) = staff_browser(&app, "saksbehandler.gamleoslo").await;
    let csrf = csrf_token(&html);
    let case = format!("/office/sak/{id}");
    let (_, html) = page(&browser, &app, &case).await;
    assert!(html.contains("Knytt et annet nummer til personen"));
    let action = format!("{case}/nummer");
    // Refused beside the field, in the page's language.
    for (other, text) in [
        (
            "123",
            "Skriv et fødselsnummer eller d-nummer med 11 siffer.",
        ),
        (
            number(4, 4, 95, false).as_str(),
            "Numrene har ikke samme fødselsdato",
        ),
        (
            d_nummer.as_str(),
            "Dette er nummeret personen allerede har.",
        ),
    ] {
        let (status, _, html) = post(&browser, &app, &action, &csrf, &[("other_pid", other)]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{other}");
        assert!(
            html.contains("id=\"link-other_pid-error\">") && html.contains(text),
            "{other}: {text}"
        );
    }
    // The fødselsnummer that replaced the d-nummer: one person at once.
    let fnr = number(3, 4, 95, false);
    let (status, to, _) = post(&browser, &app, &action, &csrf, &[("other_pid", &fnr)]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("?done=numbers_linked#notice"));
    let (_, html) = page(&browser, &app, &format!("{case}?done=numbers_linked")).await;
    assert!(html.contains("numrene er nå én person"));
    assert!(
        html.contains("Nummer knyttet til personen"),
        "on the timeline"
    );

    // A fødselsnummer that already is another person: the merge waits, and the page says so.
    let other_d = number(5, 6, 93, true);
    let second = registered(&app, &kari, json!({ "subject_pid": other_d })).await;
    let taken = number(5, 6, 93, false);
    let theirs = app.token(json!({ "pid": taken })).await;
    app.create(
        &theirs,
        json!({ "kind": "retting", "description": "y", "service_area": "settlement" }),
    )
    .await;
    let case = format!("/office/sak/{second}");
    let (status, to, _) = post(
        &browser,
        &app,
        &format!("{case}/nummer"),
        &csrf,
        &[("other_pid", &taken)],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(to.unwrap().ends_with("?done=merge_waiting#notice"));
    let (_, html) = page(&browser, &app, &format!("{case}?done=merge_waiting")).await;
    assert!(html.contains("Sammenslåingen venter på godkjenning"));
    assert!(html.contains("id=\"link-waiting\""));
    assert!(
        !html.contains("id=\"link-other_pid\""),
        "no second merge meanwhile"
    );
    // The privacy officer is pointed to the merges to decide it.
    let (officer, _) = staff_browser(&app, "personvern.gamleoslo").await;
    let (_, html) = page(&officer, &app, &case).await;
    assert!(html.contains("href=\"/office/sammenslaing\""));
    let (_, html) = page(&officer, &app, "/office/sammenslaing").await;
    assert!(
        html.contains("Godkjenn sammenslåingen"),
        "another officer decides it"
    );
});

db_test!(
    the_case_page_records_the_number_of_a_person_known_by_name,
    |app| {
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let id = registered(
            &app,
            &kari,
            json!({ "subject_name": "Amina Yusuf", "subject_birth_date": "1990-02-14" }),
        )
        .await;
        let (browser, html) = staff_browser(&app, "saksbehandler.gamleoslo").await;
        let csrf = csrf_token(&html);
        let case = format!("/office/sak/{id}");
        let (_, html) = page(&browser, &app, &case).await;
        assert!(html.contains("Registrer personens nummer"));
        let action = format!("{case}/nummer");
        let (status, _, html) = post(
            &browser,
            &app,
            &action,
            &csrf,
            &[("other_pid", &number(15, 2, 90, false))],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains(
            "Fødselsdatoen i nummeret er ikke fødselsdatoen som er registrert for personen."
        ));
        let d_nummer = number(14, 2, 90, true);
        let (status, to, _) =
            post(&browser, &app, &action, &csrf, &[("other_pid", &d_nummer)]).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().ends_with("?done=numbers_linked#notice"));
        // The person is now shown by the number (masked), and the form offers a further number.
        let (_, html) = page(&browser, &app, &case).await;
        assert!(html.contains(&d_nummer[..6]), "the masked d-nummer");
        assert!(!html.contains("Registrer personens nummer"));
        assert!(html.contains("Knytt et annet nummer til personen"));
    }
);
