//! Reports: the period summary against figures worked out by hand on a seeded data set (a
//! controller of its own, rows inserted directly), the case list, the audit extract, and who
//! may read them.
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

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
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

struct Row {
    kind: &'static str,
    channel: &'static str,
    unit_b: bool,
    second_person: bool,
    received_on: NaiveDate,
    due_on: Option<NaiveDate>,
    status: &'static str,
    outcome: Option<&'static str>,
    closed_at: Option<DateTime<Utc>>,
}

fn row(kind: &'static str, channel: &'static str, received_on: &str, status: &'static str) -> Row {
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
async fn insert_request(
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

fn summary_path(f: &Fixture, format: &str) -> String {
    format!(
        "/api/v1/reports/summary?from=2026-01-01&to=2026-06-30&controller={}&format={format}",
        f.controller
    )
}

db_test!(summary_matches_hand_computed_figures, |app| {
    let f = seed(&app).await;
    // Working days counted on the calendar by hand (see the rows above).
    for (from, to, n) in [
        ("2026-03-02", "2026-04-07", 23),
        ("2026-01-12", "2026-02-12", 23),
        ("2026-02-02", "2026-04-20", 52),
        ("2026-01-05", "2026-02-20", 34),
    ] {
        assert_eq!(dsar::deadlines::working_days_between(d(from), d(to)), n);
    }
    let revisor = app.staff("revisor").await;
    let (status, s) = app.get(&summary_path(&f, "json"), &revisor).await;
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["received"], 7);
    assert_eq!(
        s["received_by_kind"],
        serde_json::json!({"innsyn": 3, "retting": 1, "sletting": 1, "protest": 1, "begrensning": 1})
    );
    assert_eq!(
        s["received_by_channel"],
        serde_json::json!({"letter": 2, "portal": 3, "email": 2})
    );
    assert_eq!(s["completed"], 4);
    assert_eq!(s["within_first_deadline"], 2);
    assert_eq!(s["within_extension"], 1);
    assert_eq!(s["late"], 1);
    assert_eq!(s["withdrawn"], 2);
    assert_eq!(s["forwarded"], 0);
    assert_eq!(s["still_open"], 1);
    // Sorted days 23, 23, 34, 52: nearest-rank median is the 2nd, p90 the 4th.
    assert_eq!(s["median_working_days"], 23);
    assert_eq!(s["p90_working_days"], 52);
    assert_eq!(
        s["outcomes"],
        serde_json::json!({"granted": 2, "partially_granted": 1, "refused": 1})
    );
    assert_eq!(
        s["refusal_grounds"],
        serde_json::json!({"gdpr-17-3-b": 2, "gdpr-23": 1})
    );
    assert_eq!(s["open_today"], 3);
    assert_eq!(s["overdue_today"], 2);
    let units = s["units"].as_array().unwrap();
    assert_eq!(units.len(), 2);
    assert_eq!(units[0]["unit"], "Enhet A");
    assert_eq!(units[0]["unit_id"], f.unit_a.to_string());
    assert_eq!(
        (
            &units[0]["received"],
            &units[0]["completed"],
            &units[0]["late"],
            &units[0]["still_open"]
        ),
        (
            &Value::from(5),
            &Value::from(3),
            &Value::from(0),
            &Value::from(1)
        )
    );
    // Received by receipt month; answered by the month of the answer (R2 and R4 in February,
    // R1 and R3 in April; R10's July answer is outside the period).
    let months: Vec<(String, i64, i64)> = s["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["month"].as_str().unwrap().to_string(),
                m["received"].as_i64().unwrap(),
                m["answered"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        months,
        [
            ("2026-01".to_string(), 2, 0),
            ("2026-02".to_string(), 1, 2),
            ("2026-03".to_string(), 1, 0),
            ("2026-04".to_string(), 1, 2),
            ("2026-05".to_string(), 1, 0),
            ("2026-06".to_string(), 1, 0),
        ]
    );
    assert_eq!(units[1]["unit_id"], f.unit_b.to_string());
    assert_eq!(
        (
            &units[1]["received"],
            &units[1]["completed"],
            &units[1]["late"],
            &units[1]["still_open"]
        ),
        (
            &Value::from(2),
            &Value::from(1),
            &Value::from(1),
            &Value::from(0)
        )
    );

    // The same figures as CSV rows.
    let r = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "csv"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"rapport-rapportkommune-2026-01-01-2026-06-30.csv\""
    );
    // Norwegian labels and semicolons by default, a block per table.
    let csv = r.text().await.unwrap();
    for line in [
        "Behandlingen av kravene mottatt i perioden",
        "Mål;Antall",
        "Behandlingsansvarlig;Rapportkommune",
        "Mottatt i perioden;7",
        "Besvart innen fristen;2",
        "Besvart innen forlenget frist;1",
        "Besvart etter fristen;1",
        "Trukket;2",
        "Virkedager fra mottak til svar, median;23",
        "Virkedager fra mottak til svar, 90. persentil;52",
        "Åpne krav over fristen;2",
        "Innsyn (art. 15);3",
        "Nettskjema;3",
        "Avslått;1",
        "gdpr-17-3-b;2",
        "Enhet;Mottatt;Besvart;Besvart etter fristen;Under behandling",
        "Måned;Mottatt;Besvart",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} missing in\n{csv}");
    }
    let cells = |line: &str| line.split(';').map(str::to_string).collect::<Vec<_>>();
    let unit_b = csv.lines().find(|l| l.starts_with("Enhet B;")).unwrap();
    assert_eq!(cells(unit_b)[3], "1", "late in Enhet B: {unit_b}");
    let january = csv.lines().find(|l| l.starts_with("2026-01;")).unwrap();
    assert_eq!(cells(january)[1], "2");
    let february = csv.lines().find(|l| l.starts_with("2026-02;")).unwrap();
    assert_eq!(cells(february)[2], "2");
    let june = csv.lines().find(|l| l.starts_with("2026-06;")).unwrap();
    assert_eq!(cells(june)[2], "0");
    // English labels and commas on request.
    let r = app
        .call(
            reqwest::Method::GET,
            &format!("{}&lang=en&delimiter=comma", summary_path(&f, "csv")),
            Some(&revisor),
            None,
        )
        .await;
    let csv = r.text().await.unwrap();
    for line in [
        "Received in the period,7",
        "\"Working days from receipt to answer, median\",23",
        "Access (Art. 15),3",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} missing in\n{csv}");
    }

    // The same rows as an XLSX workbook, figures as numbers.
    let r = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "xlsx"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut part = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let strings = part("xl/sharedStrings.xml");
    assert!(
        strings.contains("Besvart innen forlenget frist") && strings.contains("gdpr-17-3-b"),
        "{strings}"
    );
    let sheet = part("xl/worksheets/sheet1.xml");
    assert!(sheet.contains("<v>52</v>"), "p90 as a number");
    // One sheet per table, named for it.
    let workbook = part("xl/workbook.xml");
    for name in [
        "Etter rettighet",
        "Per enhet",
        "Mottatt og besvart per måned",
    ] {
        assert!(workbook.contains(&format!("name=\"{name}\"")), "{workbook}");
    }
    // The case list is not offered as PDF.
    let r = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "pdf").replace("/summary", "/cases"),
            Some(&revisor),
            None,
        )
        .await;
    TestApp::expect_problem(r, 422).await;

    // A period with only the R1 request: one answer, within the first deadline.
    let (_, one) = app
        .get(
            &format!(
                "/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&controller={}",
                f.controller
            ),
            &revisor,
        )
        .await;
    assert_eq!(
        (
            one["received"].clone(),
            one["within_first_deadline"].clone()
        ),
        (1.into(), 1.into())
    );
    assert_eq!(one["median_working_days"], 23);

    // Each download is in the audit trail.
    let downloads = entity::audit_event::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "report.summary" && e.actor == "staff:revisor")
        .count();
    assert_eq!(downloads, 5);
});

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

db_test!(case_list_is_pseudonymised_and_streams_every_row, |app| {
    let f = seed(&app).await;
    let revisor = app.staff("revisor").await;
    let path = format!(
        "/api/v1/reports/cases?from=2026-01-01&to=2026-06-30&controller={}&format=json",
        f.controller
    );
    let (status, list) = app.get(&path, &revisor).await;
    assert_eq!(status, 200, "{list}");
    let rows = list.as_array().unwrap();
    let refs: Vec<&str> = rows
        .iter()
        .map(|r| r["reference"].as_str().unwrap())
        .collect();
    // By receipt date: R4 (5 Jan), R2, R3, R1, R5, R6, R7.
    assert_eq!(
        refs,
        [
            "RAPP-0003",
            "RAPP-0001",
            "RAPP-0002",
            "RAPP-0000",
            "RAPP-0004",
            "RAPP-0005",
            "RAPP-0006"
        ]
    );
    let r3 = &rows[2];
    let r3_ref = entity::request::Entity::find_by_id(f.ids[2])
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .reference;
    assert_eq!(r3["reference"], r3_ref.as_str());
    assert_eq!(r3["extended"], true);
    assert_eq!(r3["working_days"], 52);
    assert_eq!(r3["closed_on"], "2026-04-20");
    assert_eq!(r3["unit"], "Enhet A");
    assert_eq!(rows[6]["closed_on"], Value::Null);
    // One person, one pseudonym; two persons, two.
    let persons: std::collections::HashSet<&str> =
        rows.iter().map(|r| r["person"].as_str().unwrap()).collect();
    assert_eq!(persons.len(), 2);
    assert_eq!(rows[0]["person"], rows[2]["person"]);
    assert_ne!(rows[1]["person"], rows[0]["person"]);
    let text = list.to_string();
    assert!(!text.contains("Hemmelig"), "no description");
    for pid in app.personas().await["citizens"].as_array().unwrap() {
        assert!(!text.contains(pid["pid"].as_str().unwrap()));
    }
    // CSV: a header and the same seven rows.
    let r = app
        .call(
            reqwest::Method::GET,
            &path.replace("json", "csv"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 8);
    assert!(lines[0].starts_with("reference,kind,channel,unit,received_on"));
    assert!(lines[3].starts_with("RAPP-0002,retting,portal,Enhet A,2026-02-02,2026-03-02,2026-05-04,2026-04-20,completed,granted,yes,52,"));
});

db_test!(
    audit_extract_shows_the_case_trail_and_verifies_the_chain,
    |app| {
        let citizen = app.citizen(0).await;
        let kari = app.staff("saksbehandler.gamleoslo").await;
        let r = app
        .create(
            &citizen,
            serde_json::json!({ "kind": "innsyn", "description": "x", "service_area": "settlement" }),
        )
        .await;
        let id = r["id"].as_str().unwrap().to_string();
        app.post(
            &format!("/api/v1/requests/{id}/transitions"),
            &kari,
            serde_json::json!({ "action": "start" }),
        )
        .await;
        let path = format!("/api/v1/requests/{id}/audit");
        // Caseworkers do not get extracts; privacy officers of the controller do.
        let r = app
            .call(reqwest::Method::GET, &path, Some(&kari), None)
            .await;
        TestApp::expect_problem(r, 403).await;
        let po = app.staff("personvern.gamleoslo").await;
        let (status, x) = app.get(&path, &po).await;
        assert_eq!(status, 200, "{x}");
        assert_eq!(x["request_id"], id.as_str());
        assert_eq!(x["verification"]["intact"], true);
        let actions: Vec<&str> = x["audit_events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert!(actions.contains(&"report.audit_extract"), "{actions:?}");
        assert!(actions.len() >= 3, "{actions:?}");
        assert!(x["timeline"].as_array().unwrap().len() >= 2);
        // Another controller's privacy officer does not see it at all.
        let ude = app.staff("personvern.ude").await;
        let r = app
            .call(reqwest::Method::GET, &path, Some(&ude), None)
            .await;
        TestApp::expect_problem(r, 404).await;
        // A tampered trail shows in the extract.
        let first = entity::audit_event::Entity::find_by_id(1i64)
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        let mut edit: entity::audit_event::ActiveModel = first.into();
        edit.actor = Set("staff:someone-else".into());
        edit.update(&app.app.db).await.unwrap();
        let (_, x) = app.get(&path, &po).await;
        assert_eq!(x["verification"]["intact"], false);
        assert_eq!(x["verification"]["first_break"]["problem"], "content");
    }
);

/// Collected records for the fixture: two for R1, one for R4 (both closed more than six months
/// ago), one for R10 (closed in July) and one for the open R7.
async fn seed_records(app: &TestApp, f: &Fixture) {
    use entity::{source_record, source_system, source_task};
    let db = &app.app.db;
    let source = source_system::Entity::find()
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let now = Utc::now();
    for (req, n) in [(f.ids[0], 2), (f.ids[3], 1), (f.ids[9], 1), (f.ids[6], 1)] {
        let task = Uuid::now_v7();
        source_task::ActiveModel {
            id: Set(task),
            request_id: Set(req),
            source_id: Set(source.clone()),
            operation: Set("access".into()),
            status: Set(entity::values::TaskStatus::Done),
            attempts: Set(1),
            round_attempts: Set(1),
            error: Set(None),
            record_count: Set(n),
            next_attempt_at: Set(now),
            lease_owner: Set(None),
            lease_until: Set(None),
            params: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            started_at: Set(None),
            finished_at: Set(Some(now)),
            last_duration_ms: Set(None),
        }
        .insert(db)
        .await
        .unwrap();
        for i in 0..n {
            source_record::ActiveModel {
                id: Set(Uuid::now_v7()),
                task_id: Set(task),
                request_id: Set(req),
                source_id: Set(source.clone()),
                operation: Set("access".into()),
                record_key: Set(format!("k{i}")),
                category: Set("c".into()),
                special_category: Set(false),
                third_party: Set(false),
                outcome: Set(None),
                payload: Set("sealed".into()),
                created_at: Set(now),
            }
            .insert(db)
            .await
            .unwrap();
        }
    }
}

db_test!(
    retention_dry_run_deletes_nothing_and_the_run_exactly_the_expired,
    setup = |s: &mut dsar::config::Settings| {
        s.retention.controllers.insert("999999999".into(), 6);
    },
    |app| {
        use entity::{decision, source_record};
        let f = seed(&app).await;
        seed_records(&app, &f).await;
        // "Now" fixed at 23 November 2026: six months back is 23 May; R1 (7 April) and R4
        // (20 February) are past it, R10 (20 July) is not, R7 is open.
        let now = at("2026-11-23T12:00:00Z");
        let before = app.count("source_record").await;
        let decisions = app.count("decision").await;
        let planned = dsar::retention::run(&app.app, now, true).await.unwrap();
        let mut got: Vec<(String, i64, u32)> = planned
            .iter()
            .map(|e| (e.reference.clone(), e.records, e.retention_months))
            .collect();
        got.sort();
        assert_eq!(
            got,
            [
                ("RAPP-0000".to_string(), 2, 6),
                ("RAPP-0003".to_string(), 1, 6)
            ]
        );
        assert_eq!(
            app.count("source_record").await,
            before,
            "dry run deletes nothing"
        );

        let done = dsar::retention::run(&app.app, now, false).await.unwrap();
        assert_eq!(done, planned);
        assert_eq!(app.count("source_record").await, before - 3);
        let left: Vec<Uuid> = source_record::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.request_id)
            .filter(|r| f.ids.contains(r))
            .collect();
        assert_eq!(left.len(), 2);
        assert!(left.contains(&f.ids[9]) && left.contains(&f.ids[6]));
        assert_eq!(app.count("decision").await, decisions, "decisions are kept");
        assert_eq!(
            decision::Entity::find()
                .all(&app.app.db)
                .await
                .unwrap()
                .len() as i64,
            decisions
        );
        let audited: Vec<(Option<Uuid>, Value)> = entity::audit_event::Entity::find()
            .all(&app.app.db)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "retention.source_records_deleted")
            .map(|e| (e.request_id, serde_json::from_str(&e.details).unwrap()))
            .collect();
        assert_eq!(audited.len(), 2);
        for (req, details) in &audited {
            let want = if *req == Some(f.ids[0]) { 2 } else { 1 };
            assert_eq!(details["records"], want);
            assert_eq!(details["retention_months"], 6);
        }
        assert!(
            dsar::audit::verify(&app.app.db, &app.app.audit_key)
                .await
                .unwrap()
                .intact
        );
        // A second run finds nothing more.
        assert!(
            dsar::retention::run(&app.app, now, false)
                .await
                .unwrap()
                .is_empty()
        );
        // With the default twelve months nothing of this fixture would have gone.
        assert_eq!(
            dsar::retention::months_for(&dsar::config::RetentionSettings::default(), "999999999"),
            12
        );
    }
);

db_test!(retention_run_is_claimed_by_one_instance_at_a_time, |app| {
    let (_, other) = app.another_instance(|_| {}).await;
    let now = Utc::now();
    assert!(
        dsar::jobs::retention::claim(&app.app, "a", now)
            .await
            .unwrap()
    );
    // The other instance finds the lease held, also a moment later.
    assert!(
        !dsar::jobs::retention::claim(&other, "b", now)
            .await
            .unwrap()
    );
    let later = now + chrono::Duration::minutes(5);
    assert!(
        !dsar::jobs::retention::claim(&other, "b", later)
            .await
            .unwrap()
    );
    // Finished: not due again until the next day.
    dsar::jobs::retention::finish(&app.app, "a", later)
        .await
        .unwrap();
    assert!(
        !dsar::jobs::retention::claim(&other, "b", later)
            .await
            .unwrap()
    );
    let tomorrow = later + chrono::Duration::hours(24);
    assert!(
        dsar::jobs::retention::claim(&other, "b", tomorrow)
            .await
            .unwrap()
    );
    // A lease whose instance died runs out after an hour.
    let after_crash = tomorrow + chrono::Duration::minutes(61);
    assert!(
        dsar::jobs::retention::claim(&app.app, "a", after_crash)
            .await
            .unwrap()
    );
});

/// Runs the `dsar` binary on the test's database with its keys (from a config file: numeric
/// environment values would be parsed as numbers) and `extra` config.
fn cli(app: &TestApp, args: &[&str], extra: &str) -> (bool, String) {
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

db_test!(cli_exports_and_retention_dry_run, |app| {
    let f = seed(&app).await;
    seed_records(&app, &f).await;
    let dir = tempfile::tempdir().unwrap();
    let controller = f.controller.to_string();
    let period = [
        "--from",
        "2026-01-01",
        "--to",
        "2026-06-30",
        "--controller",
        &controller,
    ];

    let out = dir.path().join("cases.csv");
    let mut args = vec!["export", "cases", "--format", "csv", "--quiet", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(period);
    let (ok, text) = cli(&app, &args, "");
    assert!(ok, "{text}");
    assert!(text.contains("exported 7 row(s)"), "{text}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert_eq!(csv.lines().count(), 8);
    // The same pseudonyms as the API gives (same key).
    let revisor = app.staff("revisor").await;
    let (_, api) = app
        .get(
            &format!("/api/v1/reports/cases?from=2026-01-01&to=2026-06-30&controller={controller}"),
            &revisor,
        )
        .await;
    let first_person = api[0]["person"].as_str().unwrap();
    assert!(csv.lines().nth(1).unwrap().ends_with(first_person));

    let out = dir.path().join("summary.json");
    let mut args = vec!["export", "summary", "--format", "json", "--out"];
    args.push(out.to_str().unwrap());
    args.extend(period);
    let (ok, text) = cli(&app, &args, "");
    assert!(ok, "{text}");
    let s: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(
        (s["received"].clone(), s["late"].clone()),
        (7.into(), 1.into())
    );

    let out = dir.path().join("audit.json");
    let id = f.ids[0].to_string();
    let (ok, text) = cli(
        &app,
        &[
            "export",
            "audit",
            "--request",
            &id,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{text}");
    let x: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(x["verification"]["intact"], true);

    let out = dir.path().join("art30.csv");
    let (ok, text) = cli(
        &app,
        &[
            "export",
            "processing-activities",
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{text}");
    let activities = dsar::processing_activities::Registry::built_in()
        .unwrap()
        .activities
        .len();
    assert!(
        text.contains(&format!("exported {activities} row(s)")),
        "{text}"
    );

    // Missing period: a clear error, non-zero exit.
    let (ok, _) = cli(
        &app,
        &["export", "cases", "--out", out.to_str().unwrap()],
        "",
    );
    assert!(!ok);

    // Retention dry run with a six-month override: lists R1 and R4 (whose closing is more than
    // six months before today, 23 Nov 2026 or later), deletes nothing.
    let before = app.count("source_record").await;
    let (ok, text) = cli(
        &app,
        &["retention", "--dry-run"],
        "[retention.controllers]\n\"999999999\" = 6\n",
    );
    assert!(ok, "{text}");
    assert!(
        text.contains("would delete 2 record(s) of RAPP-0000"),
        "{text}"
    );
    assert!(
        text.contains("would delete 1 record(s) of RAPP-0003"),
        "{text}"
    );
    assert_eq!(app.count("source_record").await, before);
});

db_test!(art30_record_is_exported_for_privacy_officers, |app| {
    let po = app.staff("personvern.gamleoslo").await;
    let (status, json) = app.get("/api/v1/reports/processing-activities", &po).await;
    assert_eq!(status, 200, "{json}");
    let entries = json.as_array().unwrap();
    let registry = dsar::processing_activities::Registry::built_in().unwrap();
    // Their own controller's (a district: `oslo-bydel`); an auditor of no controller gets all.
    assert_eq!(
        entries.len(),
        registry.for_controller("oslo-bydel", None).count()
    );
    let revisor = app.staff("revisor").await;
    let (_, all) = app
        .get("/api/v1/reports/processing-activities", &revisor)
        .await;
    assert_eq!(all.as_array().unwrap().len(), registry.activities.len());
    assert!(
        entries
            .iter()
            .all(|e| !e["retention"].as_str().unwrap().is_empty())
    );
    let key = registry.activities[0].controller_key.clone();
    let r = app
        .call(
            reqwest::Method::GET,
            &format!(
                "/api/v1/reports/processing-activities?format=csv&lang=en&controller_key={key}"
            ),
            Some(&po),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    let expected = registry.for_controller(&key, None).count();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(reader.records().count(), expected);
    assert!(csv.starts_with("id,controller_key,service_area,name,purposes,categories"));
    let kari = app.staff("saksbehandler.gamleoslo").await;
    let r = app
        .call(
            reqwest::Method::GET,
            "/api/v1/reports/processing-activities",
            Some(&kari),
            None,
        )
        .await;
    TestApp::expect_problem(r, 403).await;
    let audited = entity::audit_event::Entity::find()
        .all(&app.app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "report.processing_activities")
        .count();
    assert_eq!(audited, 3);
});

/// A month's expected figures: month, received, answered.
type MonthRow<'a> = (&'a str, i64, i64);

db_test!(
    monthly_series_counts_receipts_and_norwegian_answer_dates,
    |app| {
        let f = seed(&app).await;
        let units = [f.unit_a, f.unit_b];
        // Answers close to midnight at the end of a month: Norwegian time decides the month.
        for (reference, r) in [
            // Received before any period below; answered 1 February 00:30 in Oslo.
            (
                "RAPP-0011",
                Row {
                    outcome: Some("granted"),
                    closed_at: Some(at("2026-01-31T23:30:00Z")),
                    ..row("innsyn", "email", "2025-12-15", "completed")
                },
            ),
            // Answered 1 July 00:30 in Oslo (summer time): July, not June.
            (
                "RAPP-0012",
                Row {
                    outcome: Some("granted"),
                    closed_at: Some(at("2026-06-30T22:30:00Z")),
                    ..row("innsyn", "email", "2026-05-20", "completed")
                },
            ),
            // Answered 31 May 23:59:59 in Oslo: still May.
            (
                "RAPP-0013",
                Row {
                    outcome: Some("refused"),
                    closed_at: Some(at("2026-05-31T21:59:59Z")),
                    ..row("retting", "letter", "2026-05-04", "completed")
                },
            ),
            // Withdrawn in June: closed, but not answered.
            (
                "RAPP-0014",
                Row {
                    closed_at: Some(at("2026-06-02T10:00:00Z")),
                    ..row("innsyn", "letter", "2026-06-30", "withdrawn")
                },
            ),
        ] {
            insert_request(&app, f.controller, &units, &f.persons, reference, r).await;
        }
        let registry = app.app.registry.get(&app.app.db).await.unwrap();
        let scope = |from: &str, to: &str| {
            dsar::reports::Scope::new(&registry, d(from), d(to), Some(f.controller))
        };
        // (period, [(month, received, answered)]), worked out by hand from the rows of `seed` and
        // the four above.
        let cases: [(&str, &str, &[MonthRow]); 4] = [
            (
                "2026-01-01",
                "2026-06-30",
                &[
                    ("2026-01", 2, 0),
                    ("2026-02", 1, 3),
                    ("2026-03", 1, 0),
                    ("2026-04", 1, 2),
                    ("2026-05", 3, 1),
                    ("2026-06", 2, 0),
                ],
            ),
            // Partial months at both ends: R3 (2 Feb), R11's answer (1 Feb) and R3's answer
            // (20 April) fall outside.
            (
                "2026-02-15",
                "2026-04-10",
                &[("2026-02", 0, 1), ("2026-03", 1, 0), ("2026-04", 1, 1)],
            ),
            // One day: R11's answer on 1 February, Norwegian date.
            ("2026-02-01", "2026-02-01", &[("2026-02", 0, 1)]),
            // Across the year end; R11 received in December, R10 answered in July (not here).
            (
                "2025-12-01",
                "2026-01-31",
                &[("2025-12", 2, 0), ("2026-01", 2, 0)],
            ),
        ];
        for (from, to, want) in cases {
            let got: Vec<(String, i64, i64)> =
                dsar::reports::summary::monthly(&app.app.db, &scope(from, to))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|m| (m.month, m.received, m.answered))
                    .collect();
            let want: Vec<(String, i64, i64)> = want
                .iter()
                .map(|(m, r, a)| (m.to_string(), *r, *a))
                .collect();
            assert_eq!(got, want, "{from}..{to}");
        }
        // The months add up to the period's figures where the two definitions meet: every request
        // received in the first half-year is counted once.
        let s = dsar::reports::summary::summary(
            &app.app.db,
            &scope("2026-01-01", "2026-06-30"),
            today(),
        )
        .await
        .unwrap();
        assert_eq!(s.months.iter().map(|m| m.received).sum::<i64>(), s.received);
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

db_test!(summary_pdf_has_the_headings_figures_and_chart, |app| {
    let f = seed(&app).await;
    let revisor = app.staff("revisor").await;
    let r = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "pdf"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("rapport-rapportkommune-2026-01-01-2026-06-30.pdf")
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_words(&pdf);
    for want in [
        "Rapport om krav etter personvernforordningen",
        "Rapportkommune",
        "Org.nr. 999999999",
        "01.01.2026 – 30.06.2026",
        "Mottatt i perioden 7",
        "Innsyn (art. 15) 3",
        "Nettskjema 3",
        "Besvart innen fristen 2",
        "Besvart innen forlenget frist 1",
        "Besvart etter fristen 1",
        "Trukket 2",
        "Virkedager fra mottak til svar, median 23",
        "Virkedager fra mottak til svar, 90. persentil 52",
        // The chart: caption, axis title, legend; then the same figures as a table.
        "Krav mottatt og besvart per måned",
        "Antall krav",
        "2026-02 1 2",
        "2026-04 1 2",
        "Delvis innvilget 1",
        "(gdpr-17-3-b) 2",
        "Åpne krav over fristen 2",
        "Enhet B 2 1 1 0",
    ] {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
    assert!(!text.contains("Hemmelig"), "no case content");

    // In English, and from the command line.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("summary.pdf");
    let controller = f.controller.to_string();
    let (ok, log) = cli(
        &app,
        &[
            "export",
            "summary",
            "--format",
            "pdf",
            "--lang",
            "en",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--controller",
            &controller,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{log}");
    let text = pdf_words(&std::fs::read(&out).unwrap());
    for want in [
        "Report on requests under the GDPR",
        "Answered within the extended deadline 1",
        "Requests received and answered per month",
        "Received",
        "Answered",
    ] {
        assert!(text.contains(want), "{want:?} missing in\n{text}");
    }
});

db_test!(case_list_as_xlsx_reads_back_with_every_row, |app| {
    use calamine::{Data, Reader, Xlsx};
    let f = seed(&app).await;
    let revisor = app.staff("revisor").await;
    let path = format!(
        "/api/v1/reports/cases?from=2026-01-01&to=2026-06-30&controller={}",
        f.controller
    );
    let (_, json) = app.get(&format!("{path}&format=json"), &revisor).await;
    let json = json.as_array().unwrap().clone();
    let r = app
        .call(
            reqwest::Method::GET,
            &format!("{path}&format=xlsx"),
            Some(&revisor),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = r.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Cases").unwrap();
    let rows: Vec<&[Data]> = sheet.rows().collect();
    assert_eq!(rows.len(), 1 + 7, "header and the seven cases");
    let text = |c: &Data| match c {
        Data::String(s) => s.clone(),
        Data::Float(n) => n.to_string(),
        Data::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{d:02}")
        }
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    };
    let header: Vec<String> = rows[0].iter().map(text).collect();
    assert_eq!(header[0], "reference");
    assert_eq!(header[12], "person");
    assert_eq!(header.len(), 13);
    // Row for row the same as the JSON list: references, dates, working days, pseudonyms.
    for (row, want) in rows[1..].iter().zip(&json) {
        let cells: Vec<String> = row.iter().map(text).collect();
        assert_eq!(cells[0], want["reference"].as_str().unwrap());
        assert_eq!(cells[3], want["unit"].as_str().unwrap());
        assert_eq!(cells[4], want["received_on"].as_str().unwrap());
        assert_eq!(
            cells[7],
            want["closed_on"].as_str().unwrap_or(""),
            "{cells:?}"
        );
        assert_eq!(
            cells[11],
            want["working_days"]
                .as_i64()
                .map(|n| n.to_string())
                .unwrap_or_default()
        );
        assert_eq!(cells[12], want["person"].as_str().unwrap());
    }
    // R3: extended, 52 working days, a number in the sheet.
    assert_eq!(rows[3][10], Data::String("yes".into()));
    assert_eq!(rows[3][11], Data::Float(52.0));
    assert!(matches!(rows[3][4], Data::DateTime(_)), "dates are dates");

    // The command line writes the same workbook.
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cases.xlsx");
    let controller = f.controller.to_string();
    let (ok, log) = cli(
        &app,
        &[
            "export",
            "cases",
            "--format",
            "xlsx",
            "--quiet",
            "--from",
            "2026-01-01",
            "--to",
            "2026-06-30",
            "--controller",
            &controller,
            "--out",
            out.to_str().unwrap(),
        ],
        "",
    );
    assert!(ok, "{log}");
    assert!(log.contains("exported 7 row(s)"), "{log}");
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    let sheet = book.worksheet_range("Cases").unwrap();
    assert_eq!(sheet.rows().count(), 8);
    assert_eq!(
        sheet.get((1, 0)),
        Some(&Data::String(json[0]["reference"].as_str().unwrap().into()))
    );
});

db_test!(
    art30_export_for_a_controller_matches_its_processing_key,
    |app| {
        use entity::controller;
        use sea_orm::{ColumnTrait, QueryFilter};
        let registry = dsar::processing_activities::Registry::built_in().unwrap();
        // The demo registry's controllers and their keys: every key group is non-empty, and each
        // controller gets exactly its group's activities.
        let controllers = controller::Entity::find().all(&app.app.db).await.unwrap();
        let revisor = app.staff("revisor").await;
        let mut checked = std::collections::BTreeSet::new();
        for c in &controllers {
            let Some(key) = &c.processing_key else {
                continue;
            };
            if !checked.insert(key.clone()) {
                continue;
            }
            let (status, json) = app
                .get(
                    &format!("/api/v1/reports/processing-activities?controller={}", c.id),
                    &revisor,
                )
                .await;
            assert_eq!(status, 200, "{json}");
            let got: Vec<&str> = json
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["id"].as_str().unwrap())
                .collect();
            let want: Vec<&str> = registry
                .activities
                .iter()
                .filter(|a| &a.controller_key == key)
                .map(|a| a.id.as_str())
                .collect();
            assert!(!want.is_empty(), "{key}: the registry has entries");
            assert_eq!(got, want, "{}", c.name);
        }
        assert!(checked.len() >= 3, "{checked:?}");

        // A privacy officer gets their own controller's entries without asking, and not another's.
        let po = app.staff("personvern.gamleoslo").await;
        let (_, own) = app.get("/api/v1/reports/processing-activities", &po).await;
        let own = own.as_array().unwrap();
        assert!(!own.is_empty());
        assert!(
            own.iter().all(|e| e["controller_key"] == "oslo-bydel"),
            "{own:?}"
        );
        let elverum = controller::Entity::find()
            .filter(controller::Column::ProcessingKey.eq("elverum"))
            .one(&app.app.db)
            .await
            .unwrap()
            .unwrap();
        let r = app
            .call(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    elverum.id
                ),
                Some(&po),
                None,
            )
            .await;
        TestApp::expect_problem(r, 403).await;
        // Asking for the controller and another registry group at once is refused.
        let r = app
            .call(
                reqwest::Method::GET,
                "/api/v1/reports/processing-activities?controller_key=elverum",
                Some(&po),
                None,
            )
            .await;
        TestApp::expect_problem(r, 422).await;

        // A controller without a processing key has no entries (the fixture's), an unknown one 404.
        let f = seed(&app).await;
        let (status, none) = app
            .get(
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    f.controller
                ),
                &revisor,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(none, serde_json::json!([]));
        let r = app
            .call(
                reqwest::Method::GET,
                &format!(
                    "/api/v1/reports/processing-activities?controller={}",
                    Uuid::now_v7()
                ),
                Some(&revisor),
                None,
            )
            .await;
        TestApp::expect_problem(r, 404).await;

        // The command line filters the same way.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("art30.json");
        let id = elverum.id.to_string();
        let (ok, log) = cli(
            &app,
            &[
                "export",
                "processing-activities",
                "--format",
                "json",
                "--controller",
                &id,
                "--out",
                out.to_str().unwrap(),
            ],
            "",
        );
        assert!(ok, "{log}");
        let list: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
        let n = registry.for_controller("elverum", None).count();
        assert_eq!(list.as_array().unwrap().len(), n);
        assert!(
            list.as_array()
                .unwrap()
                .iter()
                .all(|e| e["controller_key"] == "elverum")
        );
    }
);

/// The case list of `controller` worked out here from the stored requests, in the list's
/// order: one CSV record and one JSON object per request.
async fn expected_case_list(
    app: &TestApp,
    controller: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> (String, Vec<Value>) {
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let db = &app.app.db;
    let units: std::collections::HashMap<Uuid, String> = unit::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect();
    let requests = request::Entity::find()
        .filter(request::Column::ControllerId.eq(controller))
        .filter(request::Column::ReceivedOn.gte(from))
        .filter(request::Column::ReceivedOn.lte(to))
        .order_by_asc(request::Column::ReceivedOn)
        .order_by_asc(request::Column::Id)
        .all(db)
        .await
        .unwrap();
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "reference",
        "kind",
        "channel",
        "unit",
        "received_on",
        "first_due_on",
        "due_on",
        "closed_on",
        "status",
        "outcome",
        "extended",
        "working_days",
        "person",
    ])
    .unwrap();
    let mut json = vec![];
    for r in requests {
        let closed_on = r
            .closed_at
            .map(|at| at.with_timezone(&chrono_tz::Europe::Oslo).date_naive());
        let working_days =
            closed_on.map(|c| dsar::deadlines::working_days_between(r.received_on, c));
        let person = app.app.vault.pseudonym_of(r.person_id.as_bytes());
        let unit = units[&r.unit_id].clone();
        let extended = r.extension_reason.is_some();
        csv.write_record([
            r.reference.clone(),
            r.kind.as_str().into(),
            r.channel.as_str().into(),
            unit.clone(),
            r.received_on.to_string(),
            r.first_due_on.to_string(),
            r.due_on.to_string(),
            closed_on.map(|d| d.to_string()).unwrap_or_default(),
            r.status.as_str().into(),
            r.outcome.map(|o| o.as_str().into()).unwrap_or_default(),
            if extended { "yes" } else { "no" }.into(),
            working_days.map(|n| n.to_string()).unwrap_or_default(),
            person.clone(),
        ])
        .unwrap();
        json.push(serde_json::json!({
            "reference": r.reference,
            "kind": r.kind,
            "channel": r.channel,
            "unit": unit,
            "received_on": r.received_on,
            "first_due_on": r.first_due_on,
            "due_on": r.due_on,
            "closed_on": closed_on,
            "status": r.status,
            "outcome": r.outcome,
            "extended": extended,
            "working_days": working_days,
            "person": person,
        }));
    }
    (String::from_utf8(csv.into_inner().unwrap()).unwrap(), json)
}

// The list read page by page (2,000 rows each: the first ends inside 15 June) against the
// stored requests: values CSV has to quote, times either side of a Norwegian midnight in winter
// and summer, and on SQLite a time stored in another format than dsar's on 16 June (so the
// first page is read as one joined value, the second row by row).
db_test!(
    case_list_matches_the_stored_requests_over_several_pages,
    |app| {
        use sea_orm::ConnectionTrait;
        let f = seed(&app).await;
        let db = &app.app.db;
        let now = Utc::now();
        let quoted_unit = Uuid::now_v7();
        unit::ActiveModel {
            id: Set(quoted_unit),
            controller_id: Set(f.controller),
            name: Set("Enhet \"C\", Øst".into()),
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
        let model = |i: usize, received_on: NaiveDate| {
            let first_due_on = dsar::deadlines::due_date(received_on);
            let closed_at = match i % 4 {
                0 => None,
                // 23:30 UTC on Saturday 28 March is 00:30 on the 29th in Oslo (still winter time).
                1 => Some(at("2026-03-28T23:30:00Z")),
                // 22:30 UTC on 29 June is 00:30 on the 30th (summer time).
                2 => Some(at("2026-06-29T22:30:00Z")),
                _ => Some(at("2026-06-29T21:59:59.999999999Z")),
            };
            request::ActiveModel {
                // Random ids: the order within a day is not the order of insertion.
                id: Set(Uuid::new_v4()),
                reference: Set(format!("SIDE-{i:05}")),
                kind: Set([RightKind::Innsyn, RightKind::Retting, RightKind::Sletting][i % 3]),
                status: Set(if closed_at.is_some() {
                    Status::Completed
                } else {
                    Status::InProgress
                }),
                outcome: Set(closed_at.map(|_| Outcome::Granted)),
                outcome_note: Set(None),
                description: Set("Hemmelig beskrivelse".into()),
                service_area: Set(None),
                language: Set(dsar::i18n::Language::Nb),
                channel: Set([Channel::Letter, Channel::Portal][i % 2]),
                person_id: Set(f.persons[i % 2]),
                controller_id: Set(f.controller),
                unit_id: Set([f.unit_a, f.unit_b, quoted_unit][i % 3]),
                assignee_id: Set(None),
                received_on: Set(received_on),
                first_due_on: Set(first_due_on),
                due_on: Set(first_due_on),
                extension_reason: Set(i.is_multiple_of(5).then(|| "Mange kilder".into())),
                routing: Set("{}".into()),
                created_at: Set(now),
                updated_at: Set(now),
                closed_at: Set(closed_at),
                version: Set(1),
                contact_email: Set(None),
                expected_answer_on: Set(None),
                wants_paper: Set(false),
            }
        };
        let rows: Vec<request::ActiveModel> = (0..2_100)
            .map(|i| {
                model(
                    i,
                    d(if i < 1_995 {
                        "2026-06-15"
                    } else {
                        "2026-06-16"
                    }),
                )
            })
            .collect();
        for chunk in rows.chunks(500) {
            request::Entity::insert_many(chunk.to_vec())
                .exec_without_returning(db)
                .await
                .unwrap();
        }
        let mut odd = model(9_999, d("2026-06-16"));
        odd.reference = Set("RAPP-\"odd\", with\nnewline".into());
        odd.closed_at = Set(Some(at("2026-06-20T09:00:00Z")));
        let odd = odd.insert(db).await.unwrap();
        if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
            // A form sqlx also reads (as UTC), but not dsar's RFC 3339.
            db.execute_unprepared(&format!(
                "UPDATE request SET closed_at = '2026-06-20 09:00:00' WHERE id = X'{}'",
                odd.id.simple()
            ))
            .await
            .unwrap();
        }
        let (want_csv, want_json) =
            expected_case_list(&app, f.controller, d("2026-01-01"), d("2026-06-30")).await;
        assert_eq!(want_json.len(), 7 + 2_100 + 1);

        let revisor = app.staff("revisor").await;
        let path = format!(
            "/api/v1/reports/cases?from=2026-01-01&to=2026-06-30&controller={}",
            f.controller
        );
        let r = app
            .call(
                reqwest::Method::GET,
                &format!("{path}&format=csv"),
                Some(&revisor),
                None,
            )
            .await;
        assert_eq!(r.status(), 200);
        let csv = r.text().await.unwrap();
        if csv != want_csv {
            let first = csv.lines().zip(want_csv.lines()).position(|(a, b)| a != b);
            panic!(
                "the CSV differs from the stored requests, first at line {first:?}: {:?} vs {:?}",
                first.and_then(|i| csv.lines().nth(i)),
                first.and_then(|i| want_csv.lines().nth(i))
            );
        }
        assert!(csv.contains(",2026-03-29,"), "winter: Oslo's date");
        assert!(csv.contains(",2026-06-30,"), "summer: Oslo's date");
        assert!(csv.contains("\"RAPP-\"\"odd\"\", with\nnewline\""));
        assert!(csv.contains(",\"Enhet \"\"C\"\", Øst\","));

        let (status, json) = app.get(&format!("{path}&format=json"), &revisor).await;
        assert_eq!(status, 200);
        assert_eq!(json.as_array().unwrap(), &want_json);
    }
);
