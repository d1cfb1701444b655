//! The innsyn data package: a zip with `letter.pdf`, `letter.html`, `data.json` and `data.csv`.
//! The JSON schema is documented in `docs/data-package.md`. Records flagged `third_party` never
//! enter the package (art. 15(4)).
use std::io::{Cursor, Write};

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde::Serialize;
use zip::{CompressionMethod, ZipWriter, write::SimpleFileOptions};

use super::{DocumentError, sha256_hex};
use crate::letters::{CollectedRecord, LetterContext, RenderedLetter};

/// Version of the `data.json` layout; bumped on any incompatible change.
pub const SCHEMA: &str = "dsar-data-package/1";

/// One file in the package with its checksum (for the audit trail and the download list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageEntry {
    pub name: &'static str,
    pub media_type: &'static str,
    pub size: u64,
    pub sha256: String,
}

/// The finished zip.
#[derive(Debug, Clone)]
pub struct DataPackage {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub entries: Vec<PackageEntry>,
}

#[derive(Debug, Serialize)]
struct DataJson<'a> {
    schema: &'static str,
    reference: &'a str,
    generated_at: String,
    language: &'static str,
    controller: Controller<'a>,
    subject: Subject<'a>,
    withheld_third_party_records: usize,
    sources: Vec<SourceSummary<'a>>,
    records: Vec<RecordJson<'a>>,
}

#[derive(Debug, Serialize)]
struct Controller<'a> {
    name: &'a str,
    org_number: &'a str,
}

#[derive(Debug, Serialize)]
struct Subject<'a> {
    name: &'a str,
}

#[derive(Debug, Serialize)]
struct SourceSummary<'a> {
    id: &'a str,
    name: &'a str,
    records: usize,
}

#[derive(Debug, Serialize)]
struct RecordJson<'a> {
    source_id: &'a str,
    source_name: &'a str,
    id: &'a str,
    category: &'a str,
    label: &'a str,
    value: &'a serde_json::Value,
    recorded_at: Option<&'a str>,
    purpose: Option<&'a str>,
    legal_basis: Option<&'a str>,
    recipients: &'a [String],
    retention: Option<&'a str>,
    special_category: bool,
}

/// `data.json`: machine-readable copy, one entry per disclosed record.
pub fn data_json(
    ctx: &LetterContext,
    records: &[CollectedRecord],
    generated_at: DateTime<Utc>,
) -> Result<Vec<u8>, DocumentError> {
    let shown: Vec<&CollectedRecord> = records.iter().filter(|r| !r.third_party).collect();
    let mut sources: Vec<SourceSummary<'_>> = Vec::new();
    for r in &shown {
        match sources.iter_mut().find(|s| s.id == r.source_id) {
            Some(s) => s.records += 1,
            None => sources.push(SourceSummary {
                id: &r.source_id,
                name: &r.source_name,
                records: 1,
            }),
        }
    }
    let doc = DataJson {
        schema: SCHEMA,
        reference: ctx.reference.as_str(),
        generated_at: generated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        language: ctx.recipient.language.as_str(),
        controller: Controller {
            name: &ctx.controller.name,
            org_number: ctx.controller.org_number.as_str(),
        },
        // About the person even where the letter goes to their representative.
        subject: Subject {
            name: ctx.subject_name(),
        },
        withheld_third_party_records: records.len() - shown.len(),
        sources,
        records: shown
            .iter()
            .map(|r| RecordJson {
                source_id: &r.source_id,
                source_name: &r.source_name,
                id: &r.id,
                category: &r.category,
                label: &r.label,
                value: &r.value,
                recorded_at: r.recorded_at.as_deref(),
                purpose: r.purpose.as_deref(),
                legal_basis: r.legal_basis.as_deref(),
                recipients: &r.recipients,
                retention: r.retention.as_deref(),
                special_category: r.special_category,
            })
            .collect(),
    };
    Ok(serde_json::to_vec_pretty(&doc)?)
}

pub const CSV_HEADERS: [&str; 12] = [
    "source_id",
    "source_name",
    "record_id",
    "category",
    "label",
    "value",
    "recorded_at",
    "purpose",
    "legal_basis",
    "recipients",
    "retention",
    "special_category",
];

/// Cells a spreadsheet would run as a formula get a leading apostrophe (OWASP CSV injection);
/// data.json keeps the exact values.
fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    let risky = match s.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => true,
        Some('-') => s.parse::<f64>().is_err(),
        _ => false,
    };
    if risky {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// `data.csv`: UTF-8 with BOM (so spreadsheets detect the encoding), comma-separated, one row
/// per disclosed record, recipients joined with "; ".
pub fn data_csv(records: &[CollectedRecord]) -> Result<Vec<u8>, DocumentError> {
    let mut out = Vec::with_capacity(records.len() * 200 + 3);
    out.extend_from_slice("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(CSV_HEADERS)?;
        for r in records.iter().filter(|r| !r.third_party) {
            let value = r.value_text();
            let recipients = r.recipients.join("; ");
            let row = [
                r.source_id.as_str(),
                &r.source_name,
                &r.id,
                &r.category,
                &r.label,
                &value,
                r.recorded_at.as_deref().unwrap_or(""),
                r.purpose.as_deref().unwrap_or(""),
                r.legal_basis.as_deref().unwrap_or(""),
                &recipients,
                r.retention.as_deref().unwrap_or(""),
                if r.special_category { "true" } else { "false" },
            ];
            w.write_record(row.iter().map(|c| spreadsheet_safe(c).into_owned()))?;
        }
        w.flush()?;
    }
    Ok(out)
}

fn zip_time(t: DateTime<Utc>) -> zip::DateTime {
    let local = t.with_timezone(&chrono_tz::Europe::Oslo);
    zip::DateTime::from_date_and_time(
        u16::try_from(local.year()).unwrap_or(1980),
        local.month() as u8,
        local.day() as u8,
        local.hour() as u8,
        local.minute() as u8,
        local.second() as u8,
    )
    .unwrap_or_default()
}

/// Builds the zip from the rendered letter and the records.
pub fn build_package(
    ctx: &LetterContext,
    letter: &RenderedLetter,
    records: &[CollectedRecord],
    generated_at: DateTime<Utc>,
) -> Result<DataPackage, DocumentError> {
    let json = data_json(ctx, records, generated_at)?;
    let csv = data_csv(records)?;
    let files: [(&'static str, &'static str, &[u8], CompressionMethod); 4] = [
        // The PDF's streams are already compressed.
        (
            "letter.pdf",
            "application/pdf",
            &letter.pdf,
            CompressionMethod::Stored,
        ),
        (
            "letter.html",
            "text/html; charset=utf-8",
            letter.html.as_bytes(),
            CompressionMethod::Deflated,
        ),
        (
            "data.json",
            "application/json",
            &json,
            CompressionMethod::Deflated,
        ),
        (
            "data.csv",
            "text/csv; charset=utf-8",
            &csv,
            CompressionMethod::Deflated,
        ),
    ];
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let mut entries = Vec::with_capacity(files.len());
    for (name, media_type, bytes, method) in files {
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip_time(generated_at))
            .unix_permissions(0o644);
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
        entries.push(PackageEntry {
            name,
            media_type,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        });
    }
    let bytes = zip.finish()?.into_inner();
    Ok(DataPackage {
        sha256: sha256_hex(&bytes),
        bytes,
        entries,
    })
}
