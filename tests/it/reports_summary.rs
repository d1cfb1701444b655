//! The period summary against figures worked out by hand on the seeded data set, its monthly
//! series, and its PDF.
use sea_orm::EntityTrait;
use serde_json::Value;

use crate::{
    db_test, reports::Row, reports::at, reports::cli, reports::d, reports::insert_request,
    reports::pdf_words, reports::row, reports::seed, reports::summary_path, support::*,
};

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
