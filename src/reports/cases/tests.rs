//! Unit tests of the case list: date parsing, the SQLite page format, rows and the workbook.
use super::pages::projected;
use super::projection::SqliteProjection;
use super::projection::parse_date;
use super::rows::Row;
use super::rows::iso_date;
use super::*;
use chrono::Utc;
use sea_orm::{ConnectionTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

#[test]
fn sqlite_dates_parse_by_hand_like_chrono() {
    for (text, want) in [
        ("2026-01-02", Some("2026-01-02")),
        ("1999-12-31", Some("1999-12-31")),
        ("2026-02-30", None),
        ("2026-1-02", None),
        ("2026-01-0x", None),
        ("2026-01-02T00:00", None),
        ("", None),
    ] {
        let want = want.map(|w| w.parse::<NaiveDate>().unwrap());
        assert_eq!(parse_date(text), want, "{text:?}");
    }
}

/// A record as SQLite joins it (`sqlite::RECORD_SQL`), from its fields as text; `None` is
/// SQL NULL.
fn record(fields: [Option<&str>; 13]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(sqlite::FIELD);
        }
        match f {
            Some(text) => out.extend_from_slice(text.as_bytes()),
            None => out.push(sqlite::NULL),
        }
    }
    out
}

fn joined(records: &[Vec<u8>]) -> Vec<u8> {
    records.join(&sqlite::RECORD)
}

const ID_A: &str = "01A2096F6247771D88EBE9DA4A04E90E";
const ID_B: &str = "01a2096f62537122a360981306e32fa3";
const UNIT: &str = "01A2096F625F72429B30D498368EC6AE";
const PERSON: &str = "0198F00DBA5E7000800000000000CAFE";

fn fields<'a>(id: &'a str, received_on: &'a str) -> [Option<&'a str>; 13] {
    [
        Some(id),
        Some("PV-2026-000004"),
        Some("retting"),
        Some("email"),
        Some(UNIT),
        Some(received_on),
        Some("2026-11-23"),
        Some("2026-12-23"),
        Some("2026-11-23T23:44:00.332638986+00:00"),
        Some("completed"),
        Some("granted"),
        Some("1"),
        Some(PERSON),
    ]
}

#[test]
fn a_joined_sqlite_page_parses_into_the_projection() {
    let mut open = fields(ID_B, "2026-10-23");
    open[1] = Some("R-\"2\", ø");
    open[8] = None;
    open[10] = None;
    open[11] = Some("0");
    let page = sqlite::parse(&joined(&[record(fields(ID_A, "2026-10-23")), record(open)])).unwrap();
    assert_eq!(page.len(), 2);
    let (a, b) = (&page[0], &page[1]);
    assert_eq!(a.id, ID_A.parse::<Uuid>().unwrap());
    assert_eq!(a.reference, "PV-2026-000004");
    assert_eq!((a.kind.as_str(), a.channel.as_str()), ("retting", "email"));
    assert_eq!(a.unit_id, UNIT.parse::<Uuid>().unwrap());
    assert_eq!(a.received_on, "2026-10-23".parse::<NaiveDate>().unwrap());
    assert_eq!(a.first_due_on, "2026-11-23".parse::<NaiveDate>().unwrap());
    assert_eq!(a.due_on, "2026-12-23".parse::<NaiveDate>().unwrap());
    assert_eq!(
        a.closed_at,
        Some("2026-11-23T23:44:00.332638986Z".parse().unwrap())
    );
    assert_eq!(a.status, "completed");
    assert_eq!(a.outcome.as_deref(), Some("granted"));
    assert!(a.extended);
    assert_eq!(a.person_id, PERSON.parse::<Uuid>().unwrap());
    assert_eq!(b.id, ID_B.parse::<Uuid>().unwrap());
    assert_eq!(b.reference, "R-\"2\", ø");
    assert_eq!(
        (b.closed_at, b.outcome.as_deref(), b.extended),
        (None, None, false)
    );
}

#[test]
fn a_joined_sqlite_page_is_refused_unless_every_value_is_as_dsar_stores_it() {
    let good = fields(ID_A, "2026-10-23");
    assert!(sqlite::parse(&record(good)).is_some());
    let with = |i: usize, value: Option<&'static str>| {
        let mut f = good;
        f[i] = value;
        record(f)
    };
    for (what, blob) in [
        (
            "uuid stored as text",
            with(
                0,
                Some("30314132303936462D363234372D373731442D383845422D453944413441303445393045"),
            ),
        ),
        ("not hex", with(4, Some("01A2096F625F72429B30D498368EC6AG"))),
        ("NULL id", with(12, None)),
        ("date not YYYY-MM-DD", with(5, Some("2026-1-23"))),
        (
            "sqlx's other time format",
            with(8, Some("2026-11-23 23:44:00")),
        ),
        ("time as a number", with(8, Some("1795477440"))),
        ("extended neither 0 nor 1", with(11, Some("yes"))),
        ("NULL where there is none", with(2, None)),
        (
            "a field short",
            record(good)[..record(good).len() - 33].to_vec(),
        ),
        (
            "a field too many",
            [record(good), vec![sqlite::FIELD, b'x']].concat(),
        ),
        (
            "not UTF-8",
            with(1, None)
                .into_iter()
                .map(|b| if b == sqlite::NULL { 0xC3 } else { b })
                .collect(),
        ),
    ] {
        assert!(sqlite::parse(&blob).is_none(), "{what}");
    }
    // Out of the (received_on, id) order, or twice: read row by row.
    let first = record(fields(ID_B, "2026-10-23"));
    for second in [
        fields(ID_A, "2026-10-23"),
        fields(ID_B, "2026-10-23"),
        fields(ID_B, "2026-10-22"),
    ] {
        assert!(sqlite::parse(&joined(&[first.clone(), record(second)])).is_none());
    }
    assert!(sqlite::parse(&joined(&[first, record(fields(ID_A, "2026-10-24"))])).is_some());
}

/// The joined read on the real (bundled) SQLite with dsar's schema, against the row-by-row
/// read of the same page: the SQL and the parser agree, and such a page is not refused.
#[tokio::test]
async fn sqlite_reads_a_page_joined_the_same_as_row_by_row() {
    use crate::lifecycle::{Outcome, RightKind, Status};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let mut opts = sea_orm::ConnectOptions::new("sqlite::memory:");
    opts.max_connections(1).sqlx_logging(false);
    let db = sea_orm::Database::connect(opts).await.unwrap();
    crate::db::migrate(&db).await.unwrap();
    // Requests only: the page does not read the tables they refer to.
    db.execute_unprepared("PRAGMA foreign_keys = OFF")
        .await
        .unwrap();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    let rows = [
        (
            "R-1",
            "2026-03-02",
            Some("2026-03-28T23:30:00.123456789Z"),
            Some(Outcome::Granted),
            true,
        ),
        ("R-\"2\", ø", "2026-03-02", None, None, false),
        (
            "R-3",
            "2026-01-05",
            Some("2026-02-20T12:00:00Z"),
            None,
            false,
        ),
    ];
    for (reference, received, closed, outcome, extended) in rows {
        let received = day(received);
        request::ActiveModel {
            id: Set(Uuid::new_v4()),
            reference: Set(reference.into()),
            kind: Set(RightKind::Innsyn),
            status: Set(Status::Completed),
            outcome: Set(outcome),
            outcome_note: Set(None),
            description: Set("x".into()),
            service_area: Set(None),
            language: Set(entity::values::Language::Nb),
            channel: Set(crate::requests::view::Channel::Letter),
            person_id: Set(Uuid::now_v7()),
            controller_id: Set(Uuid::now_v7()),
            unit_id: Set(Uuid::now_v7()),
            assignee_id: Set(None),
            received_on: Set(received),
            first_due_on: Set(crate::deadlines::due_date(received)),
            due_on: Set(crate::deadlines::extended_due_date(received)),
            extension_reason: Set(extended.then(|| "Mange kilder".into())),
            routing: Set("{}".into()),
            created_at: Set(Utc::now()),
            updated_at: Set(Utc::now()),
            closed_at: Set(closed.map(|c| c.parse().unwrap())),
            version: Set(1),
            contact_email: Set(None),
            expected_answer_on: Set(None),
            wants_paper: Set(false),
        }
        .insert(&db)
        .await
        .unwrap();
    }
    let select = || {
        request::Entity::find()
            .order_by_asc(request::Column::ReceivedOn)
            .order_by_asc(request::Column::Id)
            .limit(PAGE)
    };
    let joined = sqlite::page(&db, select()).await.unwrap().unwrap();
    let row_by_row: Vec<Projection> = projected(select())
        .into_model::<SqliteProjection>()
        .all(&db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.0)
        .collect();
    assert_eq!(joined.len(), 3);
    assert_eq!(joined, row_by_row);
    assert_eq!(joined[0].reference, "R-3");
    let empty = select().filter(request::Column::ReceivedOn.gt(day("2026-12-31")));
    assert_eq!(sqlite::page(&db, empty).await.unwrap(), Some(Vec::new()));
}

#[test]
fn iso_dates_match_chrono() {
    for s in ["2026-01-02", "1999-12-31", "0001-01-01", "2030-10-09"] {
        let d: NaiveDate = s.parse().unwrap();
        assert_eq!(std::str::from_utf8(&iso_date(d)).unwrap(), s);
    }
}

#[test]
fn a_written_row_has_the_documented_fields_in_the_header_order() {
    let d: NaiveDate = "2026-02-02".parse().unwrap();
    let row = Row {
        reference: "R-1",
        kind: "innsyn",
        channel: "letter",
        unit: "Enhet, A",
        received_on: d,
        first_due_on: d,
        due_on: d,
        closed_on: None,
        status: "received",
        outcome: None,
        extended: true,
        working_days: Some(3),
        person: "abc",
    };
    let json = serde_json::to_value(&row).unwrap();
    let documented = serde_json::to_value(CaseRow {
        reference: "R-1".into(),
        kind: "innsyn".into(),
        channel: "letter".into(),
        unit: "Enhet, A".into(),
        received_on: d,
        first_due_on: d,
        due_on: d,
        closed_on: None,
        status: "received".into(),
        outcome: None,
        extended: true,
        working_days: Some(3),
        person: "abc".into(),
    })
    .unwrap();
    assert_eq!(json, documented);
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut header = HEADER.to_vec();
    header.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, header);
    let mut w = csv::Writer::from_writer(Vec::new());
    write_csv(&mut w, &row).unwrap();
    let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_eq!(
        line,
        "R-1,innsyn,letter,\"Enhet, A\",2026-02-02,2026-02-02,2026-02-02,,received,,yes,3,abc\n"
    );
}

#[test]
fn a_unit_name_cannot_inject_a_formula() {
    let d: NaiveDate = "2026-02-02".parse().unwrap();
    let row = Row {
        reference: "R-1",
        kind: "innsyn",
        channel: "letter",
        unit: "=HYPERLINK(\"http://evil.example\",\"x\")",
        received_on: d,
        first_due_on: d,
        due_on: d,
        closed_on: None,
        status: "received",
        outcome: Some("@SUM(1)"),
        extended: false,
        working_days: Some(-1),
        person: "abc",
    };
    let mut w = csv::Writer::from_writer(Vec::new());
    write_csv(&mut w, &row).unwrap();
    let line = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_eq!(
        line,
        "R-1,innsyn,letter,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",2026-02-02,2026-02-02,2026-02-02,,received,'@SUM(1),no,-1,abc\n"
    );
}
