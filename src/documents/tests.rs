#![allow(clippy::unwrap_used)]

use std::io::Read;

use chrono::TimeZone;

use super::*;
use crate::{
    i18n::Language,
    legal_bases::Catalogue,
    letters::sample,
    lifecycle::{Outcome, RightKind},
    processing_activities::Registry,
};

fn generate(n: usize) -> (LetterContext, Answer, InnsynDocuments) {
    let catalogue = Catalogue::built_in();
    let registry = Registry::built_in().unwrap();
    let ctx = sample::context(Language::Nn, RightKind::Innsyn);
    let ans = sample::answer(RightKind::Innsyn, Outcome::Granted, n);
    let at = Utc.with_ymd_and_hms(2026, 2, 20, 12, 30, 0).unwrap();
    let docs = generate_innsyn(
        &ctx,
        &ans,
        Resources {
            legal_bases: &catalogue,
            registry: &registry,
        },
        at,
    )
    .unwrap();
    (ctx, ans, docs)
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut f = archive.by_index(i).unwrap();
            let mut content = Vec::new();
            f.read_to_end(&mut content).unwrap();
            (f.name().unwrap().to_string(), content)
        })
        .collect()
}

#[test]
fn the_package_holds_the_four_files_with_their_checksums() {
    let (_, _, docs) = generate(200);
    let files = unzip(&docs.package.bytes);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["letter.pdf", "letter.html", "data.json", "data.csv"]
    );
    for ((name, content), entry) in files.iter().zip(&docs.package.entries) {
        assert_eq!(name, entry.name);
        assert_eq!(content.len() as u64, entry.size, "{name}");
        assert_eq!(sha256_hex(content), entry.sha256, "{name}");
    }
    assert_eq!(files[0].1, docs.letter.pdf);
    assert_eq!(files[1].1, docs.letter.html.as_bytes());
    assert_eq!(docs.package.sha256, sha256_hex(&docs.package.bytes));
    assert_eq!(docs.package.sha256.len(), 64);
}

#[test]
fn data_json_follows_the_documented_schema_and_leaves_third_parties_out() {
    let (ctx, ans, docs) = generate(200);
    let files = unzip(&docs.package.bytes);
    let json: serde_json::Value = serde_json::from_slice(&files[2].1).unwrap();
    assert_eq!(json["schema"], package::SCHEMA);
    assert_eq!(json["reference"], ctx.reference.as_str());
    assert_eq!(json["language"], "nn");
    assert_eq!(json["generated_at"], "2026-02-20T12:30:00Z");
    assert_eq!(json["controller"]["org_number"], "958935420");
    let third = ans.records.iter().filter(|r| r.third_party).count();
    assert_eq!(third, 4);
    assert_eq!(json["withheld_third_party_records"], third);
    let records = json["records"].as_array().unwrap();
    assert_eq!(records.len(), ans.records.len() - third);
    let shown: Vec<_> = ans.records.iter().filter(|r| !r.third_party).collect();
    for (entry, record) in records.iter().zip(&shown) {
        assert_eq!(entry["id"], record.id.as_str());
        assert_eq!(entry["source_id"], record.source_id.as_str());
        assert_eq!(entry["source_name"], record.source_name.as_str());
        assert_eq!(entry["category"], record.category.as_str());
        assert_eq!(entry["value"], record.value);
        assert_eq!(entry["special_category"], record.special_category);
        assert!(entry.get("third_party").is_none());
    }
    let sources = json["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 8);
    let total: u64 = sources.iter().map(|s| s["records"].as_u64().unwrap()).sum();
    assert_eq!(total as usize, records.len());
    // The documented field list (docs/data-package.md) is exactly what we write.
    let doc = include_str!("../../docs/data-package.md");
    for key in records[0]
        .as_object()
        .unwrap()
        .keys()
        .chain(json.as_object().unwrap().keys())
    {
        assert!(doc.contains(&format!("`{key}`")), "{key} not documented");
    }
}

#[test]
fn data_csv_has_one_row_per_disclosed_record() {
    let (_, ans, docs) = generate(120);
    let files = unzip(&docs.package.bytes);
    let csv_bytes = &files[3].1;
    assert!(
        csv_bytes.starts_with("\u{feff}".as_bytes()),
        "BOM for spreadsheets"
    );
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        package::CSV_HEADERS
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let shown: Vec<_> = ans.records.iter().filter(|r| !r.third_party).collect();
    assert_eq!(rows.len(), shown.len());
    for (row, record) in rows.iter().zip(&shown) {
        assert_eq!(&row[2], record.id);
        assert_eq!(&row[5], record.value_text());
        assert_eq!(
            &row[11],
            if record.special_category {
                "true"
            } else {
                "false"
            }
        );
    }
}

#[test]
fn csv_cells_that_look_like_formulas_are_defused() {
    let mut records = sample::records(4);
    records[0].value = serde_json::json!("=HYPERLINK(\"http://x\")");
    records[1].value = serde_json::json!("-1200");
    records[2].value = serde_json::json!("-rm");
    let csv_bytes = data_csv(&records).unwrap();
    let mut reader = csv::Reader::from_reader(&csv_bytes[3..]);
    let values: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[5].to_string())
        .collect();
    assert_eq!(values[0], "'=HYPERLINK(\"http://x\")");
    assert_eq!(values[1], "-1200");
    assert_eq!(values[2], "'-rm");
}

#[test]
fn a_third_party_value_never_reaches_any_document() {
    let (_, ans, docs) = generate(300);
    let secrets: Vec<String> = ans
        .records
        .iter()
        .filter(|r| r.third_party)
        .map(|r| r.value_text())
        .collect();
    assert!(!secrets.is_empty());
    let pdf_text = pdf_extract::extract_text_from_mem(&docs.letter.pdf).unwrap();
    let files = unzip(&docs.package.bytes);
    let texts = [
        ("html", docs.letter.html.clone()),
        ("pdf text", pdf_text),
        ("data.json", String::from_utf8(files[2].1.clone()).unwrap()),
        ("data.csv", String::from_utf8(files[3].1.clone()).unwrap()),
    ];
    for (what, text) in &texts {
        assert!(!text.contains(sample::THIRD_PARTY_MARKER), "{what}");
        for s in &secrets {
            assert!(!text.contains(s.as_str()), "{what} contains {s}");
        }
    }
    // The zip's raw bytes too (compressed entries are checked above, stored ones here).
    let needle = sample::THIRD_PARTY_MARKER.as_bytes();
    assert!(
        !docs
            .package
            .bytes
            .windows(needle.len())
            .any(|w| w == needle)
    );
}

#[tokio::test]
async fn the_folder_store_is_put_once_read_many() {
    let dir = tempfile::tempdir().unwrap();
    let store = FolderStore::in_data_dir(dir.path());
    let id = DocumentId::new();
    let stored = store.put(id, b"letter bytes").await.unwrap();
    assert_eq!(stored.id, id);
    assert_eq!(stored.size, 12);
    assert_eq!(stored.sha256, sha256_hex(b"letter bytes"));
    assert_eq!(store.get(id).await.unwrap(), b"letter bytes");
    assert_eq!(
        get_verified(&store, id, &stored.sha256).await.unwrap(),
        b"letter bytes"
    );

    // Same id again: refused, and the original is untouched.
    let again = store.put(id, b"other bytes").await;
    assert!(matches!(again, Err(StoreError::AlreadyExists(x)) if x == id));
    assert_eq!(store.get(id).await.unwrap(), b"letter bytes");

    // Read-only on disk, no temporary files left behind.
    let path = store
        .root()
        .join(&id.0.simple().to_string()[30..])
        .join(id.0.simple().to_string());
    assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(leftovers, [id.0.simple().to_string()]);

    let missing = DocumentId::new();
    assert!(matches!(store.get(missing).await, Err(StoreError::NotFound(x)) if x == missing));
    assert!(matches!(
        get_verified(&store, id, &sha256_hex(b"tampered")).await,
        Err(StoreError::ChecksumMismatch(x)) if x == id
    ));
}

#[tokio::test]
async fn concurrent_writers_of_one_id_cannot_both_win() {
    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(FolderStore::new(dir.path()));
    let id = DocumentId::new();
    let tasks: Vec<_> = (0..8u8)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { store.put(id, &[i; 64]).await })
        })
        .collect();
    let mut won = Vec::new();
    for task in tasks {
        if let Ok(doc) = task.await.unwrap() {
            won.push(doc);
        }
    }
    assert_eq!(won.len(), 1, "exactly one writer stores the id");
    let bytes = store.get(id).await.unwrap();
    assert_eq!(sha256_hex(&bytes), won[0].sha256);
}

#[test]
fn document_ids_round_trip() {
    let id = DocumentId::new();
    assert_eq!(id.to_string().parse::<DocumentId>().unwrap(), id);
    assert!("nope".parse::<DocumentId>().is_err());
}
