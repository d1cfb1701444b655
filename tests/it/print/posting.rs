//! Posting: an extension posted late does not count in the report, and a protected person's
//! letter stays with the protected unit without an address.
use super::*;

/// Moves the request's first deadline (and so the deadline its letters serve) to yesterday, as
/// if time had passed; with `posted_before`, its printed letters were posted the day before
/// that. Past the service: the report reads only the rows.
async fn backdate(app: &TestApp, id: &str, posted_before: bool) {
    use entity::{print_job, request};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
    let db = &app.app.db;
    let id: uuid::Uuid = id.parse().unwrap();
    let yesterday = today() - chrono::Days::new(1);
    let row = request::Entity::find_by_id(id)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut r: request::ActiveModel = row.into();
    r.first_due_on = Set(yesterday);
    r.update(db).await.unwrap();
    let mut update = print_job::Entity::update_many()
        .col_expr(print_job::Column::ServesDueOn, Expr::value(yesterday));
    if posted_before {
        update = update.col_expr(
            print_job::Column::PostedOn,
            Expr::value(yesterday - chrono::Days::new(1)),
        );
    }
    update
        .filter(print_job::Column::RequestId.eq(id))
        .exec(db)
        .await
        .unwrap();
}

/// Closes the request as answered today, past the service.
async fn answered_today(app: &TestApp, id: &str) {
    use entity::request;
    use sea_orm::{ActiveModelTrait, EntityTrait, Set};
    let db = &app.app.db;
    let row = request::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let mut r: request::ActiveModel = row.into();
    r.status = Set(dsar::lifecycle::Status::Completed);
    r.outcome = Set(Some(dsar::lifecycle::Outcome::Granted));
    r.closed_at = Set(Some(chrono::Utc::now()));
    r.update(db).await.unwrap();
}

async fn post_with_address(app: &TestApp, token: &str, job: &Value) -> Value {
    let (status, v) = app
        .post(
            &format!("/api/v1/print-jobs/{}", job["id"].as_str().unwrap()),
            token,
            json!({ "action": "posted", "address": ["Storgata 1", "0182 OSLO"] }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    v
}

db_test!(
    an_extension_posted_late_does_not_count_in_the_report,
    |app| {
        let kari = app.staff(CASEWORKER).await;
        let officer = app.staff("personvern.gamleoslo").await;
        let from = today() - chrono::Days::new(30);
        let path = format!("/api/v1/reports/summary?from={from}&to={}", today());
        let figures = |s: &Value| {
            (
                s["within_extension"].as_i64().unwrap(),
                s["late"].as_i64().unwrap(),
            )
        };
        // Told in time: the extension letter was posted before the first deadline, which has
        // passed since; the answer comes within the extension.
        let on_time = paper_request(&app, &kari, "Brev i tide").await;
        extend(&app, &kari, &on_time).await;
        let job = jobs_of(&app, &kari, &on_time).await[0].clone();
        assert_eq!(post_with_address(&app, &kari, &job).await["late"], false);
        backdate(&app, &on_time, true).await;
        // Told too late: the first deadline passed before the letter was posted.
        let late = paper_request(&app, &kari, "Brev for sent").await;
        extend(&app, &kari, &late).await;
        backdate(&app, &late, false).await;
        let job = jobs_of(&app, &kari, &late).await[0].clone();
        assert_eq!(job["late"], true, "not posted and the deadline passed");
        assert_eq!(
            post_with_address(&app, &kari, &job).await["late"],
            true,
            "posted after the first deadline"
        );

        let (status, before) = app.get(&path, &officer).await;
        assert_eq!(status, 200, "{before}");
        let (ext0, late0) = figures(&before);
        answered_today(&app, &on_time).await;
        let (_, s) = app.get(&path, &officer).await;
        assert_eq!(
            figures(&s),
            (ext0 + 1, late0),
            "told in time: within the extension"
        );
        answered_today(&app, &late).await;
        let (_, s) = app.get(&path, &officer).await;
        assert_eq!(
            figures(&s),
            (ext0 + 1, late0 + 1),
            "told too late: the extension does not count, the answer is late"
        );
    }
);

db_test!(
    a_protected_persons_letter_stays_with_the_protected_unit_without_an_address,
    setup = worker_on,
    |app| {
        // A person with a strictly confidential address writes on paper to an Oslo district.
        let kari = app.staff(CASEWORKER).await;
        let body = json!({
            "kind": "innsyn",
            "description": "Brev fra skjermet person",
            "service_area": "settlement",
            "geography": "030101",
            "channel": "letter",
            "subject_pid": app.citizen_pid(5).await,
        });
        let created = app.create(&kari, body).await;
        let id = created["id"].as_str().unwrap().to_string();
        // Oslo's unit for such persons handles it, Folkeregisteret included.
        let sara = app.staff("saksbehandler.skjermet.oslo").await;
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{id}/transitions"),
                &sara,
                json!({ "action": "start" }),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        let (status, v) = app
            .post(
                &format!("/api/v1/requests/{id}/collect"),
                &sara,
                json!({ "operation": "access" }),
            )
            .await;
        assert_eq!(status, 202, "{v}");
        app.settled(&sara, &id, Duration::from_secs(20)).await;
        extend(&app, &sara, &id).await;
        // Folkeregisteret gives no address: the letter waits for one, with the protected unit only.
        let jobs = jobs_of(&app, &sara, &id).await;
        assert_eq!(jobs.len(), 1, "{jobs:?}");
        assert_eq!(jobs[0]["address_needed"], true);
        assert!(jobs_of(&app, &kari, &id).await.is_empty());
        let job_path = format!("/api/v1/print-jobs/{}", jobs[0]["id"].as_str().unwrap());
        let (status, _) = app
            .post(
                &job_path,
                &kari,
                json!({ "action": "posted", "address": ["Postboks 1", "0101 OSLO"] }),
            )
            .await;
        assert_eq!(
            status, 404,
            "the registrant outside the unit cannot mark it"
        );
        let (status, _) = app
            .post(&job_path, &sara, json!({ "action": "posted" }))
            .await;
        assert_eq!(status, 422, "address needed");
        let (status, v) = app
            .post(
                &job_path,
                &sara,
                json!({ "action": "posted", "address": ["Postboks 1", "0101 OSLO"] }),
            )
            .await;
        assert_eq!(status, 200, "{v}");
        assert_eq!(v["posted_by"], "saksbehandler.skjermet.oslo");
        assert!(
            !v.to_string().contains("Postboks"),
            "the address is never shown"
        );
    }
);
