//! Reports: the seeded data set the report tests share (a controller of its own, rows inserted
//! directly) and who may read reports. The figures are checked in `reports_summary.rs`, the
//! exports in `reports_exports.rs` and `reports_art30.rs`, the audit extract and retention in
//! `reports_audit_retention.rs`.
use chrono::{DateTime, NaiveDate, Utc};
use dsar::{
    lifecycle::{Outcome, RightKind, Status},
    requests::view::Channel,
};
use entity::{controller, decision, person, request, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::{db_test, support::*};

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub struct Fixture {
    pub controller: Uuid,
    pub unit_a: Uuid,
    pub unit_b: Uuid,
    /// R1..R10 in the order of `seed`.
    pub ids: Vec<Uuid>,
    pub persons: Vec<Uuid>,
}

pub struct Row {
    pub kind: &'static str,
    pub channel: &'static str,
    pub unit_b: bool,
    pub second_person: bool,
    pub received_on: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub status: &'static str,
    pub outcome: Option<&'static str>,
    pub closed_at: Option<DateTime<Utc>>,
}

pub fn row(
    kind: &'static str,
    channel: &'static str,
    received_on: &str,
    status: &'static str,
) -> Row {
    Row {
        kind,
        channel,
        unit_b: false,
        second_person: false,
        received_on: d(received_on),
        due_on: None,
        status,
        outcome: None,
        closed_at: None,
    }
}

/// Inserts one request of the fixture's controller (unit A or B, first or second person).
pub async fn insert_request(
    app: &TestApp,
    controller: Uuid,
    units: &[Uuid],
    persons: &[Uuid],
    reference: &str,
    r: Row,
) -> Uuid {
    let now = Utc::now();
    let id = Uuid::now_v7();
    let first_due_on = dsar::deadlines::due_date(r.received_on);
    request::ActiveModel {
        id: Set(id),
        reference: Set(reference.into()),
        kind: Set(RightKind::parse(r.kind).unwrap()),
        status: Set(Status::parse(r.status).unwrap()),
        outcome: Set(r.outcome.map(|o| Outcome::parse(o).unwrap())),
        outcome_note: Set(None),
        description: Set("Hemmelig beskrivelse".into()),
        service_area: Set(None),
        language: Set(dsar::i18n::Language::Nb),
        channel: Set(Channel::parse(r.channel)),
        person_id: Set(persons[usize::from(r.second_person)]),
        controller_id: Set(controller),
        unit_id: Set(units[usize::from(r.unit_b)]),
        assignee_id: Set(None),
        received_on: Set(r.received_on),
        first_due_on: Set(first_due_on),
        due_on: Set(r.due_on.unwrap_or(first_due_on)),
        extension_reason: Set(r.due_on.map(|_| "Mange kilder".into())),
        routing: Set("{}".into()),
        created_at: Set(now),
        updated_at: Set(now),
        closed_at: Set(r.closed_at),
        version: Set(1),
        contact_email: Set(None),
        expected_answer_on: Set(None),
        wants_paper: Set(false),
    }
    .insert(&app.app.db)
    .await
    .unwrap();
    id
}

async fn two_persons(app: &TestApp) -> Vec<Uuid> {
    person::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .take(2)
        .collect()
}

/// The known-answer data set. Deadlines come from `deadlines::due_date` and are checked against
/// the calendar by hand below.
pub async fn seed(app: &TestApp) -> Fixture {
    let db = &app.app.db;
    let now = Utc::now();
    let controller = Uuid::now_v7();
    controller::ActiveModel {
        id: Set(controller),
        name: Set("Rapportkommune".into()),
        org_number: Set("999999999".into()),
        four_eyes: Set(false),
        created_at: Set(now),
        contact_email: Set(None),
        address: Set(None),
        phone: Set(None),
        dpo_name: Set(None),
        dpo_email: Set(None),
        processing_key: Set(None),
        show_staff_names_to_citizens: Set(false),
        appeal_body: Set(None),
        protected_unit_id: Set(None),
        public_body_id: Set(None),
    }
    .insert(db)
    .await
    .unwrap();
    let mut units = vec![];
    for name in ["Enhet A", "Enhet B"] {
        let id = Uuid::now_v7();
        unit::ActiveModel {
            id: Set(id),
            controller_id: Set(controller),
            name: Set(name.into()),
            code: Set(None),
            is_fallback: Set(false),
            is_protected: Set(false),
            auto_collect: Set(false),
            email: Set(None),
            created_at: Set(now),
        }
        .insert(db)
        .await
        .unwrap();
        units.push(id);
    }
    let persons = two_persons(app).await;
    let today = today();

    // Hand-checked deadlines: 2 March 2026 + 1 month = Thu 2 April, Skjærtorsdag; 3 April is
    // Langfredag, 4-5 the weekend, 6 April 2. påskedag: due Tue 7 April.
    assert_eq!(dsar::deadlines::due_date(d("2026-03-02")), d("2026-04-07"));
    assert_eq!(dsar::deadlines::due_date(d("2026-01-12")), d("2026-02-12"));
    assert_eq!(dsar::deadlines::due_date(d("2026-02-02")), d("2026-03-02"));
    // 2 May 2026 is a Saturday: the extended deadline is Mon 4 May.
    assert_eq!(
        dsar::deadlines::extended_due_date(d("2026-02-02")),
        d("2026-05-04")
    );
    assert_eq!(dsar::deadlines::due_date(d("2026-01-05")), d("2026-02-05"));

    let rows = vec![
        // R1: answered on its Easter-shifted due date (23 working days).
        Row {
            outcome: Some("granted"),
            closed_at: Some(at("2026-04-07T10:00:00Z")),
            ..row("innsyn", "letter", "2026-03-02", "completed")
        },
        // R2: answered exactly on the due date (23 working days), partially granted.
        Row {
            outcome: Some("partially_granted"),
            closed_at: Some(at("2026-02-12T14:00:00Z")),
            second_person: true,
            ..row("innsyn", "portal", "2026-01-12", "completed")
        },
        // R3: extended to 4 May, answered 20 April (52 working days).
        Row {
            due_on: Some(d("2026-05-04")),
            outcome: Some("granted"),
            closed_at: Some(at("2026-04-20T09:00:00Z")),
            ..row("retting", "portal", "2026-02-02", "completed")
        },
        // R4: due 5 February, answered 20 February: late (34 working days), refused.
        Row {
            unit_b: true,
            outcome: Some("refused"),
            closed_at: Some(at("2026-02-20T12:00:00Z")),
            ..row("sletting", "email", "2026-01-05", "completed")
        },
        // R5, R6: withdrawn.
        Row {
            closed_at: Some(at("2026-04-10T12:00:00Z")),
            ..row("innsyn", "email", "2026-04-01", "withdrawn")
        },
        Row {
            unit_b: true,
            closed_at: Some(at("2026-05-04T12:00:00Z")),
            ..row("protest", "letter", "2026-05-01", "withdrawn")
        },
        // R7: still open, overdue since July.
        row("begrensning", "portal", "2026-06-10", "in_progress"),
        // Outside the period: R8 open and overdue, R9 open and not yet due, R10 answered.
        Row {
            unit_b: true,
            ..row("innsyn", "letter", "2025-12-01", "received")
        },
        Row {
            unit_b: true,
            received_on: today,
            ..row("innsyn", "portal", "2026-01-01", "received")
        },
        Row {
            unit_b: true,
            outcome: Some("granted"),
            closed_at: Some(at("2026-07-20T12:00:00Z")),
            ..row("innsyn", "portal", "2026-07-01", "completed")
        },
    ];
    let mut ids = vec![];
    for (i, r) in rows.into_iter().enumerate() {
        ids.push(
            insert_request(
                app,
                controller,
                &units,
                &persons,
                &format!("RAPP-{i:04}"),
                r,
            )
            .await,
        );
    }
    let staff = entity::staff_user::Entity::find()
        .all(db)
        .await
        .unwrap()
        .remove(0)
        .id;
    // Approved refusing decisions count with their legal bases; returned and draft ones do not.
    for (req, outcome, bases, status) in [
        (
            ids[3],
            "refused",
            r#"["gdpr-17-3-b","gdpr-23"]"#,
            "approved",
        ),
        (ids[3], "refused", r#"["gdpr-12-5"]"#, "returned"),
        (
            ids[1],
            "partially_granted",
            r#"["gdpr-17-3-b"]"#,
            "approved",
        ),
        (ids[0], "granted", r#"[]"#, "approved"),
        (ids[6], "refused", r#"["gdpr-12-5"]"#, "draft"),
    ] {
        decision::ActiveModel {
            id: Set(Uuid::now_v7()),
            request_id: Set(req),
            outcome: Set(Outcome::parse(outcome).unwrap()),
            legal_bases: Set(bases.into()),
            text: Set("Begrunnelse".into()),
            status: Set(dsar::decisions::DecisionStatus::parse(status).unwrap()),
            drafted_by: Set(staff),
            drafted_at: Set(now),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            review_comment: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
    }
    // The controller and units were written past the administration service: refresh the
    // registry it keeps in memory, as an administrator's change does.
    app.app.registry.invalidate().await;
    Fixture {
        controller,
        unit_a: units[0],
        unit_b: units[1],
        ids,
        persons,
    }
}

pub fn summary_path(f: &Fixture, format: &str) -> String {
    format!(
        "/api/v1/reports/summary?from=2026-01-01&to=2026-06-30&controller={}&format={format}",
        f.controller
    )
}

db_test!(
    reports_are_for_privacy_officers_and_auditors_of_the_controller,
    |app| {
        let f = seed(&app).await;
        let path = summary_path(&f, "json");
        // A privacy officer of another controller, and a caseworker: 403.
        for user in ["personvern.gamleoslo", "saksbehandler.gamleoslo"] {
            let token = app.staff(user).await;
            let r = app
                .call(reqwest::Method::GET, &path, Some(&token), None)
                .await;
            TestApp::expect_problem(r, 403).await;
            let cases = path.replace("/summary", "/cases");
            let r = app
                .call(reqwest::Method::GET, &cases, Some(&token), None)
                .await;
            TestApp::expect_problem(r, 403).await;
        }
        // A citizen: 403.
        let citizen = app.citizen(0).await;
        let r = app
            .call(reqwest::Method::GET, &path, Some(&citizen), None)
            .await;
        TestApp::expect_problem(r, 403).await;
        // A privacy officer without a controller filter gets their own controller only.
        let po = app.staff("personvern.gamleoslo").await;
        let (status, own) = app
            .get("/api/v1/reports/summary?from=2026-01-01&to=2026-06-30", &po)
            .await;
        assert_eq!(status, 200);
        assert_ne!(own["controller"], Value::Null);
        assert_eq!(
            own["received"], 0,
            "the fixture's requests are another controller's"
        );
        // A period backwards is invalid.
        let r = app
            .call(
                reqwest::Method::GET,
                "/api/v1/reports/summary?from=2026-06-30&to=2026-01-01",
                Some(&po),
                None,
            )
            .await;
        TestApp::expect_problem(r, 422).await;
    }
);

/// The words of a PDF's text, one space apart (the extractor's line breaks and spacing vary).
pub fn pdf_words(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs the `dsar` binary on the test's database with its keys (from a config file: numeric
/// environment values would be parsed as numbers) and `extra` config.
pub fn cli(app: &TestApp, args: &[&str], extra: &str) -> (bool, String) {
    let config = app.data_dir.path().join("cli.toml");
    std::fs::write(
        &config,
        format!(
            "pid_encryption_key = \"{}\"\npid_hash_key = \"{}\"\n{extra}",
            "11".repeat(32),
            "22".repeat(32)
        ),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dsar"))
        .args(args)
        .env("DSAR_DATABASE_URL", &app.database_url)
        .env("DSAR_DATA_DIR", app.data_dir.path())
        .env("DSAR_CONFIG", &config)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}
