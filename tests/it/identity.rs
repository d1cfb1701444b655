//! How the requester's identity is verified (GDPR art. 12(6)): an ID-porten login records itself,
//! staff record an ID document, a letter with an ID copy or that the person is known from the
//! case; no decision before that; asking for proof of identity pauses the deadline.
use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    office::{page, post, staff_browser},
    support::TestApp,
};

/// An Elverum innsyn request registered from a letter for demo citizen 2, started.
async fn registered(app: &TestApp) -> (String, String) {
    let staff = app.staff("saksbehandler.elverum").await;
    let created = app
        .create(
            &staff,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement", "subject_pid": app.citizen_pid(2).await}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &staff,
            json!({"action": "start"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    (id, staff)
}

fn granted() -> Value {
    json!({"outcome": "granted", "legal_bases": [], "text": ""})
}

db_test!(a_decision_waits_for_a_verified_identity, |app| {
    let (id, staff) = registered(&app).await;
    let base = format!("/api/v1/requests/{id}");
    let decisions = app.count("decision").await;
    let (status, problem) = app
        .post(&format!("{base}/decision"), &staff, granted())
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("identity is not verified"),
        "{problem}"
    );
    assert_eq!(app.count("decision").await, decisions, "nothing drafted");
    let (status, _) = app
        .get(&format!("{base}/identity-verification"), &staff)
        .await;
    assert_eq!(status, 404, "not verified yet");

    // Each method needs its evidence, named by field.
    for (body, field) in [
        (
            json!({"method": "id_document_in_person", "document_type": "passport"}),
            "document_number",
        ),
        (json!({"method": "letter_with_id_copy"}), "document_type"),
        (json!({"method": "known_from_case"}), "note"),
        (json!({"method": "id_porten"}), "method"),
        (
            json!({"method": "id_document_in_person", "document_type": "passport", "document_number": "<script>"}),
            "document_number",
        ),
    ] {
        let (status, problem) = app
            .post(
                &format!("{base}/identity-verification"),
                &staff,
                body.clone(),
            )
            .await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert!(problem.to_string().contains(field), "{body}: {problem}");
    }
    // A citizen cannot claim to be verified.
    let citizen = app.citizen(2).await;
    let (status, _) = app
        .post(
            &format!("{base}/identity-verification"),
            &citizen,
            json!({"method": "known_from_case", "note": "meg"}),
        )
        .await;
    assert_eq!(status, 403);

    let audits = app
        .count("audit_event WHERE action = 'request.identity_verified'")
        .await;
    let (status, v) = app
        .post(
            &format!("{base}/identity-verification"),
            &staff,
            json!({"method": "id_document_in_person", "document_type": "passport", "document_number": "AB 1234567"}),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["method"], "id_document_in_person");
    assert_eq!(v["document_type"], "passport");
    assert_eq!(v["document_number_masked"], "*******67");
    assert_eq!(v["verified_by"], "saksbehandler.elverum");
    let (status, shown) = app
        .get(&format!("{base}/identity-verification"), &staff)
        .await;
    assert_eq!(status, 200);
    assert_eq!(shown["document_number_masked"], "*******67");
    // The number is sealed at rest and never on the timeline.
    assert_eq!(
        app.count("identity_verification WHERE document_number LIKE '%1234567%'")
            .await,
        0
    );
    let (_, events) = app.get(&format!("{base}/events"), &staff).await;
    let event = events
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "identity_verified")
        .unwrap_or_else(|| panic!("{events}"));
    assert!(!event.to_string().contains("1234567"), "{event}");
    assert_eq!(
        app.count("audit_event WHERE action = 'request.identity_verified'")
            .await,
        audits + 1,
        "audited once"
    );

    // Verified, the decision still waits for what the sources hold.
    app.collect_to_idle(&staff, &id).await;
    let (status, d) = app
        .post(&format!("{base}/decision"), &staff, granted())
        .await;
    assert_eq!(status, 201, "{d}");
});

db_test!(a_portal_request_is_verified_by_its_id_porten_login, |app| {
    let citizen = app.citizen(2).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        )
        .await;
    let id = created["id"].as_str().unwrap();
    let staff = app.staff("saksbehandler.elverum").await;
    let (status, v) = app
        .get(
            &format!("/api/v1/requests/{id}/identity-verification"),
            &staff,
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["method"], "id_porten");
    assert_eq!(v["level"], "idporten-loa-substantial");
    assert_eq!(v["verified_by"], "id_porten");
    // The person does not read the office's record through this endpoint.
    let (status, _) = app
        .get(
            &format!("/api/v1/requests/{id}/identity-verification"),
            &citizen,
        )
        .await;
    assert_eq!(status, 403);
});

/// Moves the request's `ask_requester` events `days` back in time.
async fn asked_days_ago(app: &TestApp, id: &str, days: u64) {
    use entity::request_event;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
    let at = chrono::Utc::now() - chrono::Days::new(days);
    request_event::Entity::update_many()
        .col_expr(request_event::Column::At, Expr::value(at))
        .filter(request_event::Column::RequestId.eq(id.parse::<uuid::Uuid>().unwrap()))
        .filter(request_event::Column::Action.eq("ask_requester"))
        .exec(&app.app.db)
        .await
        .unwrap();
}

fn due_on(v: &Value) -> NaiveDate {
    v["due_on"].as_str().unwrap().parse().unwrap()
}

db_test!(
    asking_for_proof_of_identity_moves_the_deadline_by_the_days_waited,
    |app| {
        let (id, staff) = registered(&app).await;
        let base = format!("/api/v1/requests/{id}");
        let (_, before) = app.get(&base, &staff).await;
        // Only with ask_requester.
        let (status, problem) = app
            .post(
                &format!("{base}/transitions"),
                &staff,
                json!({"action": "start", "for_identity": true}),
            )
            .await;
        assert_eq!(status, 422, "{problem}");
        let (status, v) = app
            .post(
                &format!("{base}/transitions"),
                &staff,
                json!({"action": "ask_requester", "note": "Send oss en kopi av passet ditt.", "for_identity": true}),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["status"], "awaiting_requester");
        asked_days_ago(&app, &id, 9).await;
        let (status, after) = app
            .post(
                &format!("{base}/transitions"),
                &staff,
                json!({"action": "requester_answered", "note": "Kopi av pass kom i posten."}),
            )
            .await;
        assert_eq!(status, 200, "{after}");
        let oslo = |t: chrono::DateTime<chrono::Utc>| {
            t.with_timezone(&chrono_tz::Europe::Oslo).date_naive()
        };
        let now = chrono::Utc::now();
        let want = dsar::deadlines::due_after_identity_pause(
            due_on(&before),
            oslo(now - chrono::Days::new(9)),
            oslo(now),
        );
        assert_eq!(due_on(&after), want);
        assert!(
            due_on(&after) >= due_on(&before) + chrono::Days::new(9),
            "{} -> {}",
            before["due_on"],
            after["due_on"]
        );
        let (_, events) = app.get(&format!("{base}/events"), &staff).await;
        let answered = events
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["action"] == "requester_answered")
            .unwrap_or_else(|| panic!("{events}"));
        assert_eq!(answered["details"]["identity_pause_days"], 9, "{answered}");

        // A question about something else does not stop the clock.
        let (status, _) = app
            .post(
                &format!("{base}/transitions"),
                &staff,
                json!({"action": "ask_requester", "note": "Hvilke år gjelder det?"}),
            )
            .await;
        assert_eq!(status, 200);
        asked_days_ago(&app, &id, 4).await;
        let (status, again) = app
            .post(
                &format!("{base}/transitions"),
                &staff,
                json!({"action": "requester_answered", "note": "2019-2021"}),
            )
            .await;
        assert_eq!(status, 200, "{again}");
        assert_eq!(due_on(&again), due_on(&after), "the deadline stands");
    }
);

db_test!(
    the_case_page_records_identity_and_refuses_a_decision_before_it,
    |app| {
        let (id, staff) = registered(&app).await;
        // The sources have answered: only the identity holds the decision back.
        app.collect_to_idle(&staff, &id).await;
        let (browser, html) = staff_browser(&app, "saksbehandler.elverum").await;
        let csrf = csrf_token(&html);
        let case_path = format!("/office/sak/{id}");
        let (_, html) = page(&browser, &app, &case_path).await;
        assert!(
            html.contains("Identiteten er ikke bekreftet"),
            "not verified is said"
        );
        assert!(html.contains("Registrer hvordan identiteten er bekreftet"));
        // The decision form refuses beside itself, in Norwegian.
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{case_path}/vedtak"),
            &csrf,
            &[("outcome", "granted"), ("text", ""), ("go", "save")],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            html.contains("id=\"decision-identity-error\""),
            "beside the decision form"
        );
        assert!(html.contains("Identiteten til den som krever, er ikke bekreftet"));
        // A document seen in person needs its number; what was typed stays.
        let (status, _, html) = post(
            &browser,
            &app,
            &format!("{case_path}/identitet"),
            &csrf,
            &[
                ("method", "id_document_in_person"),
                ("document_type", "passport"),
                ("document_number", ""),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(html.contains("id=\"identity-document_number-error\""));
        let (status, to, _) = post(
            &browser,
            &app,
            &format!("{case_path}/identitet"),
            &csrf,
            &[
                ("method", "id_document_in_person"),
                ("document_type", "passport"),
                ("document_number", "NO9876543"),
            ],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert!(to.unwrap().contains("done=identity_verified"));
        let (_, html) = page(&browser, &app, &case_path).await;
        assert!(html.contains("Identitetsdokument vist personlig"));
        assert!(html.contains("*******43"), "the number masked");
        assert!(!html.contains("NO9876543"), "never in full");
        assert!(!html.contains("Identiteten er ikke bekreftet"));
        let (status, _, _) = post(
            &browser,
            &app,
            &format!("{case_path}/vedtak"),
            &csrf,
            &[("outcome", "granted"), ("text", ""), ("go", "save")],
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
);
