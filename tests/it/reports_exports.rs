//! The case list exports: pseudonymised and streamed, as XLSX, and against the stored requests
//! over several pages.
use chrono::{NaiveDate, Utc};
use dsar::{lifecycle::Outcome, lifecycle::RightKind, lifecycle::Status, requests::view::Channel};
use entity::{request, unit};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
use serde_json::Value;
use uuid::Uuid;

use crate::{db_test, reports::at, reports::cli, reports::d, reports::seed, support::*};

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
