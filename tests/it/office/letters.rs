//! Registering a letter from the office: once, with its receipt date, and for a person known
//! by their DUF number or only by name, shown masked.
use super::*;

db_test!(a_letter_is_registered_once_with_its_receipt_date, |app| {
    let (browser, _) = staff_browser(&app, "saksbehandler.elverum").await;
    let (status, html) = page(&browser, &app, "/office/registrer").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_token(&html);
    let marker = "name=\"form_id\" value=\"";
    let start = html.find(marker).unwrap() + marker.len();
    let form_id = html[start..start + 36].to_string();
    let pid = app.citizen_pid(2).await;
    // Missing kind and a future date: both shown, the typed description kept.
    let (status, _, html) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("subject_pid", &pid),
            ("received_on", "2999-01-01"),
            ("description", "Brev datert 1. mars"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("Velg hvilken rettighet") && html.contains("kan ikke være i framtiden"));
    assert!(html.contains("Brev datert 1. mars"));
    // An invalid number: the domain's check, beside the field.
    let (status, _, html) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("kind", "innsyn"),
            ("subject_pid", "12345678901"),
            ("received_on", "2026-11-02"),
            ("description", "Brev"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("register-subject_pid-error"));

    let fields = [
        ("form_id", form_id.as_str()),
        ("kind", "innsyn"),
        ("subject_pid", pid.as_str()),
        ("received_on", "2026-11-02"),
        ("channel", "letter"),
        ("service_area", "settlement"),
        ("language", "en"),
        ("description", "Brev datert 1. november"),
    ];
    let (status, to, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = to.unwrap();
    // The same form again (a double click) leads to the same request.
    let (_, again, _) = post(&browser, &app, "/office/registrer", &csrf, &fields).await;
    assert_eq!(again.as_deref(), Some(to.as_str()));
    assert_eq!(
        app.count("request WHERE description = 'Brev datert 1. november'")
            .await,
        1
    );
    let id = to
        .split("/office/sak/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap();
    let token = app.staff("saksbehandler.elverum").await;
    let (_, v) = app.get(&format!("/api/v1/requests/{id}"), &token).await;
    assert_eq!(v["received_on"], "2026-11-02");
    assert_eq!(v["channel"], "letter");
    assert_eq!(v["due_on"], "2026-12-02");

    // A person registered elsewhere by the rules: the registrant is told the reference only.
    let (_, html) = page(&browser, &app, "/office/registrer").await;
    let start = html.find(marker).unwrap() + marker.len();
    let form_id = html[start..start + 36].to_string();
    let other = app.citizen_pid(3).await;
    let (status, to, _) = post(
        &browser,
        &app,
        "/office/registrer",
        &csrf,
        &[
            ("form_id", &form_id),
            ("kind", "protest"),
            ("subject_pid", &other),
            ("received_on", "2026-11-02"),
            ("service_area", "settlement"),
            ("description", "Protest per brev"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (_, html) = page(&browser, &app, &to.unwrap().replace(&app.url(""), "")).await;
    assert!(html.contains("PV-"), "the reference");
    assert!(!html.contains("Lillestrøm"), "where it went is not told");
});

db_test!(
    a_letter_from_a_person_known_by_duf_number_or_by_name_is_registered_and_shown_masked,
    |app| {
        // Without a number nor an address, the request goes to the fallback unit.
        let (browser, _) = staff_browser(&app, "personvern.oslo").await;
        let (status, html) = page(&browser, &app, "/office/registrer").await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("register-subject_duf") && html.contains("register-subject_name"));
        let csrf = csrf_token(&html);
        let marker = "name=\"form_id\" value=\"";
        let start = html.find(marker).unwrap() + marker.len();
        let form_id = html[start..start + 36].to_string();
        let form = |extra: &[(&'static str, &'static str)]| {
            let mut fields = vec![
                ("form_id", form_id.clone()),
                ("kind", "innsyn".to_string()),
                ("received_on", crate::support::today().to_string()),
                (
                    "description",
                    "Brev fra en person uten fødselsnummer".to_string(),
                ),
            ];
            fields.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
            fields
        };
        let send = |fields: Vec<(&'static str, String)>| {
            let browser = &browser;
            let app = &app;
            let csrf = csrf.clone();
            async move {
                let fields: Vec<(&str, &str)> =
                    fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                post(browser, app, "/office/registrer", &csrf, &fields).await
            }
        };
        let before = app.count("request").await;
        // (fields, the field the error is shown beside)
        for (extra, field) in [
            (vec![], "subject"),
            (
                vec![
                    ("subject_duf", "201697430255"),
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "1999-11-23"),
                ],
                "subject",
            ),
            (vec![("subject_duf", "2016 97430")], "subject_duf"),
            (
                vec![
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "1999-11-23"),
                    ("channel", "email"),
                ],
                "subject_name",
            ),
            (
                vec![
                    ("subject_name", "Mariam Haidari"),
                    ("subject_birth_date", "23.11.1999"),
                ],
                "subject_birth_date",
            ),
        ] {
            let (status, _, html) = send(form(&extra)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{extra:?}");
            assert!(
                html.contains(&format!("id=\"register-{field}-error\"")),
                "{extra:?}"
            );
        }
        assert_eq!(
            app.count("request").await,
            before,
            "nothing written on error"
        );

        // By DUF number: the case page names the kind and hides the number until revealed.
        let (status, to, _) = send(form(&[
            ("subject_duf", "2016 974302 55"),
            ("channel", "letter"),
        ]))
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let case = &to[to.find("/office/sak/").unwrap()..];
        let (_, html) = page(&browser, &app, case).await;
        assert!(html.contains("DUF-nummer"), "the kind is shown");
        assert!(html.contains("2016 ****** **"), "masked");
        assert!(!html.contains("974302"), "never in full before the reveal");
        let id = case
            .split("/office/sak/")
            .nth(1)
            .unwrap()
            .split('?')
            .next()
            .unwrap();
        let (status, _, html) =
            post(&browser, &app, &format!("/office/sak/{id}/fnr"), &csrf, &[]).await;
        assert_eq!(status, StatusCode::OK);
        assert!(html.contains("2016 974302 55"), "revealed, audited");

        // By name and date of birth (a new form).
        let (_, html) = page(&browser, &app, "/office/registrer").await;
        let start = html.find(marker).unwrap() + marker.len();
        let mut fields = form(&[
            ("subject_name", "Ola Nordmann"),
            ("subject_birth_date", "1990-01-31"),
            ("channel", "letter"),
        ]);
        fields[0].1 = html[start..start + 36].to_string();
        let (status, to, _) = send(fields).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let to = to.unwrap();
        let (_, html) = page(&browser, &app, &to[to.find("/office/sak/").unwrap()..]).await;
        assert!(html.contains("Navn og fødselsdato (uten nummer)"));
        assert!(html.contains("O. N., 1990"));
        assert!(!html.contains("Nordmann"));
        assert_eq!(app.count("request").await, before + 2);
    }
);
