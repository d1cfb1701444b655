//! The summary names the cases behind three of its figures: the extended ones with the reasons
//! the person was given, those answered late, and those overdue today, by reference and unit,
//! the worst first, in JSON, CSV, XLSX, PDF and on the office page.
use serde_json::json;

use crate::{
    browser::*,
    db_test,
    reports::{Fixture, seed},
    support::*,
};

fn summary_path(f: &Fixture, format: &str) -> String {
    format!(
        "/api/v1/reports/summary?from=2026-01-01&to=2026-06-30&controller={}&format={format}",
        f.controller
    )
}

db_test!(the_summary_lists_extended_late_and_overdue_cases, |app| {
    let f = seed(&app).await;
    let revisor = app.staff("revisor").await;
    let (status, s) = app.get(&summary_path(&f, "json"), &revisor).await;
    assert_eq!(status, 200, "{s}");

    // R3 (RAPP-0002) was extended to 4 May with a reason; no other request of the period was.
    assert_eq!(s["extended"], 1);
    assert_eq!(
        s["extended_cases"],
        json!([{
            "reference": "RAPP-0002",
            "unit_id": f.unit_a,
            "unit": "Enhet A",
            "received_on": "2026-02-02",
            "first_due_on": "2026-03-02",
            "due_on": "2026-05-04",
            "reason": "Mange kilder",
        }])
    );
    // R4 (RAPP-0003): due 5 February, answered 20 February.
    assert_eq!(
        s["late_cases"],
        json!([{
            "reference": "RAPP-0003",
            "unit_id": f.unit_b,
            "unit": "Enhet B",
            "received_on": "2026-01-05",
            "due_on": "2026-02-05",
            "answered_on": "2026-02-20",
            "days_late": 15,
        }])
    );
    // Overdue today, whenever received: R8 (since January) before R7 (since July).
    let overdue: Vec<&str> = s["overdue_cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reference"].as_str().unwrap())
        .collect();
    assert_eq!(overdue, ["RAPP-0007", "RAPP-0006"]);
    assert_eq!(s["overdue_today"], 2);
    let r8 = &s["overdue_cases"][0];
    // 1 December 2025 + one month is 1 January, a public holiday: due Friday 2 January.
    assert_eq!(r8["due_on"], "2026-01-02");
    let today = today();
    assert_eq!(
        r8["days_overdue"],
        (today - chrono::NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()).num_days()
    );
    // Only references and units: nothing about the person.
    let text = s.to_string();
    assert!(!text.contains("Hemmelig beskrivelse"), "{text}");
    for person in &f.persons {
        assert!(!text.contains(&person.to_string()));
    }

    // CSV: a block per list, Norwegian headings.
    let csv = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "csv"),
            Some(&revisor),
            None,
        )
        .await
        .text()
        .await
        .unwrap();
    for line in [
        "Fristen forlenget;1",
        "Krav med forlenget frist",
        "Saksnummer;Enhet;Mottatt;Første frist;Forlenget frist;Begrunnelse",
        "RAPP-0002;Enhet A;2026-02-02;2026-03-02;2026-05-04;Mange kilder",
        "Krav besvart etter fristen",
        "RAPP-0003;Enhet B;2026-01-05;2026-02-05;2026-02-20;15",
        "Åpne krav over fristen i dag",
    ] {
        assert!(csv.lines().any(|l| l == line), "{line} missing in\n{csv}");
    }

    // XLSX: one sheet per list.
    let bytes = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "xlsx"),
            Some(&revisor),
            None,
        )
        .await
        .bytes()
        .await
        .unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut workbook = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/workbook.xml").unwrap(), &mut workbook)
        .unwrap();
    for name in [
        "Krav med forlenget frist",
        "Krav besvart etter fristen",
        "Åpne krav over fristen i dag",
    ] {
        assert!(workbook.contains(&format!("name=\"{name}\"")), "{workbook}");
    }

    // PDF: the lists with their headings and the reason.
    let pdf = app
        .call(
            reqwest::Method::GET,
            &summary_path(&f, "pdf"),
            Some(&revisor),
            None,
        )
        .await
        .bytes()
        .await
        .unwrap();
    let words = crate::reports::pdf_words(&pdf);
    for needle in [
        "Krav med forlenget frist",
        "RAPP-0002",
        "Mange kilder",
        "Krav besvart etter fristen",
        "RAPP-0003",
        "Åpne krav over fristen i dag",
        "RAPP-0007",
    ] {
        assert!(words.contains(needle), "{needle} missing in {words}");
    }
});

db_test!(a_period_without_such_cases_says_none, |app| {
    let f = seed(&app).await;
    let revisor = app.staff("revisor").await;
    // March 2026: only R1, answered on time, not extended.
    let (status, s) = app
        .get(
            &format!(
                "/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&controller={}",
                f.controller
            ),
            &revisor,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(s["extended"], 0);
    assert_eq!(s["extended_cases"], json!([]));
    assert_eq!(s["late_cases"], json!([]));
    // Overdue is today's snapshot, not the period's.
    assert_eq!(s["overdue_cases"].as_array().map(Vec::len), Some(2));
});

db_test!(the_office_report_page_shows_the_lists, |app| {
    let browser = Browser::new();
    let (page, visited) = demo_staff_login(&browser, &app, "personvern.oslo").await;
    assert_eq!(page.status(), 200, "{visited:?}");
    let html = browser
        .get(&app.url(&format!(
            "/office/rapporter?from={}&to={}",
            today() - chrono::Duration::days(3000),
            today()
        )))
        .await
        .text()
        .await
        .unwrap();
    for heading in [
        "Krav med forlenget frist",
        "Krav besvart etter fristen",
        "Åpne krav over fristen i dag",
    ] {
        assert!(html.contains(heading), "{heading} missing in {html}");
    }
    // Each list is a table with a header row, or says there is none.
    assert!(
        html.contains("<th scope=\"col\">Saksnummer</th>") || html.contains("Ingen i perioden.")
    );
});
