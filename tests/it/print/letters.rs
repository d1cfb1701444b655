//! Which letters are printed: a paper request's extension letter by post, none without an
//! address, none for a portal request with an e-mail address, and one for a person who asks
//! for paper.
use super::*;

db_test!(
    a_paper_request_gets_its_extension_letter_by_post,
    setup = worker_on,
    |app| {
        let kari = app.staff(ELVERUM).await;
        let id = paper_request_of(&app, &kari, "Brev: alt om meg", 2, "3420").await;
        // Folkeregisteret first: the printed letter carries the registered address.
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &kari,
                json!({ "operation": "access" }),
            )
            .await;
        assert_eq!(status, 202, "{v}");
        app.settled(&kari, &id, Duration::from_secs(20)).await;
        let extended = extend(&app, &kari, &id).await;

        // One letter to post: the extension, serving the first deadline, with an address.
        let jobs = jobs_of(&app, &kari, &id).await;
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        let job = &jobs[0];
        assert_eq!(job["letter_kind"], "extension");
        assert_eq!(job["status"], "queued");
        assert_eq!(job["address_needed"], false);
        assert_eq!(job["serves_due_on"], extended["first_due_on"]);
        assert_eq!(job["late"], false);
        assert_eq!(job["reference"], extended["reference"]);
        let text = serde_json::to_string(&jobs).unwrap();
        let address = registered_address(&app, 2).await;
        assert_eq!(address.last().map(String::as_str), Some("2408 ELVERUM"));
        assert!(
            !text.contains(&address[0]),
            "the API never shows the address: {text}"
        );
        // The letter (its HTML twin) carries the address block from Folkeregisteret.
        let (_, docs) = app
            .get(&format!("/api/v1/requests/{id}/documents"), &kari)
            .await;
        let html = docs
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["kind"] == "extension_html")
            .unwrap();
        let letter = app
            .call(
                reqwest::Method::GET,
                html["href"].as_str().unwrap(),
                Some(&kari),
                None,
            )
            .await
            .text()
            .await
            .unwrap();
        for line in &address {
            assert!(letter.contains(line.as_str()), "{line} in {letter}");
        }
        let pdf = app
            .call(
                reqwest::Method::GET,
                job["document_href"].as_str().unwrap(),
                Some(&kari),
                None,
            )
            .await;
        assert_eq!(pdf.status(), StatusCode::OK);
        assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF"));

        // Another unit's caseworker neither sees nor marks it; a citizen may not list letters.
        let other = app.staff(OTHER_UNIT).await;
        assert!(jobs_of(&app, &other, &id).await.is_empty());
        let job_path = format!("/api/v1/print-jobs/{}", job["id"].as_str().unwrap());
        let (status, _) = app
            .post(&job_path, &other, json!({ "action": "posted" }))
            .await;
        assert_eq!(status, 404);
        let (status, _) = app.get("/api/v1/print-jobs", &app.citizen(0).await).await;
        assert_eq!(status, 403);
        // A posting day in the future is refused beside the field.
        let tomorrow = today() + chrono::Days::new(1);
        let (status, problem) = app
            .post(
                &job_path,
                &kari,
                json!({ "action": "posted", "posted_on": tomorrow }),
            )
            .await;
        assert_eq!(status, 422, "{problem}");
        assert!(problem.to_string().contains("posted_on"), "{problem}");

        // The queue page lists it; marked posted there.
        let (browser, _) = staff_browser(&app, ELVERUM).await;
        let (status, html) = page(&browser, &app, "/office/utsending").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Brev til utsending"), "{html}");
        let reference = extended["reference"].as_str().unwrap();
        assert!(html.contains(reference), "{html}");
        assert!(html.contains("Forlenget frist"));
        assert!(
            !html.contains(&address[0]),
            "the page never shows the address"
        );
        let csrf = csrf_token(&html);
        let job_id = job["id"].as_str().unwrap();
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("/office/utsending/{job_id}/postet"),
            &csrf,
            &[("posted_on", &today().to_string())],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().ends_with("/office/utsending?done=posted"));
        let (_, html) = page(&browser, &app, "/office/utsending?done=posted").await;
        assert!(html.contains("registrert som postlagt"));
        assert!(!html.contains(reference), "no longer waiting");
        // Posted once: again is a conflict.
        let (status, _) = app
            .post(&job_path, &kari, json!({ "action": "posted" }))
            .await;
        assert_eq!(status, 409);
        assert_eq!(
            app.count("audit_event WHERE action = 'request.letter_posted'")
                .await,
            1
        );

        // The case shows each letter's delivery: through the API and on the case page.
        let (status, letters) = app
            .get(&format!("/api/v1/requests/{id}/letters"), &kari)
            .await;
        assert_eq!(status, 200, "{letters}");
        let ext = letters
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["letter_kind"] == "extension")
            .unwrap();
        assert_eq!(ext["min_side"], true);
        assert_eq!(ext["email"], Value::Null, "no e-mail address given");
        assert_eq!(ext["printed"]["status"], "posted");
        assert_eq!(ext["printed"]["posted_on"], json!(today()));
        assert_eq!(ext["printed"]["posted_by"], ELVERUM);
        let (status, html) = page(&browser, &app, &format!("/office/sak/{id}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("Brev til personen"), "{html}");
        assert!(
            html.contains(&format!("Postlagt {}", today().format("%d.%m.%Y"))),
            "{html}"
        );
        assert!(html.contains("Ingen e-postadresse"));
    }
);

db_test!(without_an_address_the_letter_cannot_be_posted, |app| {
    let kari = app.staff(CASEWORKER).await;
    // Extended before Folkeregisteret was asked: no address to print.
    let id = paper_request(&app, &kari, "Brev uten adresse").await;
    extend(&app, &kari, &id).await;
    let jobs = jobs_of(&app, &kari, &id).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    assert_eq!(jobs[0]["address_needed"], true);
    let job_path = format!("/api/v1/print-jobs/{}", jobs[0]["id"].as_str().unwrap());
    let (status, problem) = app
        .post(&job_path, &kari, json!({ "action": "posted" }))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem.to_string().contains("address"), "{problem}");
    // On the page: the field for the address, and the error beside it.
    let (browser, html) = staff_browser(&app, CASEWORKER).await;
    let csrf = csrf_token(&html);
    let (_, html) = page(&browser, &app, "/office/utsending").await;
    assert!(html.contains("Adresse mangler"));
    let job_id = jobs[0]["id"].as_str().unwrap();
    let (status, _, html) = post(
        &browser,
        &app,
        &format!("/office/utsending/{job_id}/postet"),
        &csrf,
        &[("posted_on", &today().to_string()), ("address", "")],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains(&format!("post-{job_id}-address-error")),
        "{html}"
    );
    // With the address the letter went to: posted; the address is kept encrypted.
    let (status, v) = app
        .post(
            &job_path,
            &kari,
            json!({ "action": "posted", "address": ["Postboks 12", "0101 OSLO"] }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["status"], "posted");
    assert_eq!(v["address_needed"], false);
    assert_eq!(
        app.count("print_job WHERE address LIKE '%Postboks%'").await,
        0
    );
});

db_test!(
    a_portal_request_with_an_email_address_gets_no_printed_letter,
    |app| {
        let citizen = app.citizen(0).await;
        let with_email = app
        .create(
            &citizen,
            json!({ "kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "geography": "030101", "contact_email": "amina@example.no" }),
        )
        .await;
        let without = app
        .create(
            &citizen,
            json!({ "kind": "innsyn", "description": "Alt om meg, uten e-post", "service_area": "settlement", "geography": "030101" }),
        )
        .await;
        let kari = app.staff(CASEWORKER).await;
        for r in [&with_email, &without] {
            let id = r["id"].as_str().unwrap();
            let (status, v) = app
                .post(
                    &format!("/api/v1/requests/{id}/transitions"),
                    &kari,
                    json!({ "action": "start" }),
                )
                .await;
            assert_eq!(status, 200, "{v}");
            extend(&app, &kari, id).await;
        }
        let id = with_email["id"].as_str().unwrap();
        assert!(jobs_of(&app, &kari, id).await.is_empty());
        let (_, letters) = app
            .get(&format!("/api/v1/requests/{id}/letters"), &kari)
            .await;
        let ext = &letters.as_array().unwrap()[0];
        assert_eq!(ext["letter_kind"], "extension");
        assert_ne!(ext["email"], Value::Null, "the e-mail notice: {ext}");
        assert_eq!(ext["printed"], Value::Null);
        // No e-mail address: the person is told by post.
        let id = without["id"].as_str().unwrap();
        let jobs = jobs_of(&app, &kari, id).await;
        assert_eq!(jobs.len(), 1);
        // Printed, then not sent by post after all: only with a reason, and it leaves the list.
        let job_path = format!("/api/v1/print-jobs/{}", jobs[0]["id"].as_str().unwrap());
        let (status, v) = app
            .post(&job_path, &kari, json!({ "action": "printed" }))
            .await;
        assert_eq!(
            (status, v["status"].as_str()),
            (200, Some("printed")),
            "{v}"
        );
        let (status, _) = app
            .post(&job_path, &kari, json!({ "action": "cancel" }))
            .await;
        assert_eq!(status, 422, "a cancel needs a reason");
        let (status, v) = app
            .post(
                &job_path,
                &kari,
                json!({ "action": "cancel", "reason": "Personen hentet brevet ved skranken" }),
            )
            .await;
        assert_eq!(
            (status, v["status"].as_str()),
            (200, Some("cancelled")),
            "{v}"
        );
        assert!(jobs_of(&app, &kari, id).await.is_empty());
        let (status, _) = app
            .post(&job_path, &kari, json!({ "action": "posted" }))
            .await;
        assert_eq!(status, 409);
    }
);

db_test!(
    a_person_who_asks_for_paper_gets_the_letter_by_post_too,
    |app| {
        // A portal request with an e-mail address, and the wish for paper: recorded on the
        // request, and the letter is printed as well as put on Min side with the e-mail notice.
        let citizen = app.citizen(0).await;
        let paper = app
            .create(
                &citizen,
                json!({ "kind": "innsyn", "description": "Alt om meg, på papir", "service_area": "settlement", "geography": "030101", "contact_email": "amina@example.no", "wants_paper": true }),
            )
            .await;
        assert_eq!(paper["wants_paper"], true, "{paper}");
        let id = paper["id"].as_str().unwrap();
        let kari = app.staff(CASEWORKER).await;
        let (_, view) = app.get(&format!("/api/v1/requests/{id}"), &kari).await;
        assert_eq!(view["wants_paper"], true);
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{id}/transitions"),
                &kari,
                json!({ "action": "start" }),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        extend(&app, &kari, id).await;
        assert_eq!(jobs_of(&app, &kari, id).await.len(), 1, "printed");
        let (_, letters) = app
            .get(&format!("/api/v1/requests/{id}/letters"), &kari)
            .await;
        let ext = &letters.as_array().unwrap()[0];
        assert_ne!(ext["email"], Value::Null, "the e-mail notice too: {ext}");
        // Not a boolean: refused, nothing written.
        let before = app.count("request").await;
        let (status, _) = app
            .post(
                "/api/v1/requests",
                &citizen,
                json!({ "kind": "innsyn", "description": "x", "service_area": "settlement", "wants_paper": "ja" }),
            )
            .await;
        assert!(status == 400 || status == 422, "{status}");
        assert_eq!(app.count("request").await, before);
    }
);
