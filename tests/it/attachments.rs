//! Files the person attaches to their request, through the real router: kept with the case
//! (type from the content, size and count limits, sanitised name), seen by whoever may read
//! the case and nobody else, scanned by a real clamd when one is configured (clean kept,
//! EICAR refused and audited, scanner down refused), on Min side with the clarification answer
//! (nothing typed lost on a refusal), on the office case page, and deleted by retention.
//!
//! By what they check: `files.rs` (kept, seen, deleted), `min_side.rs` (the portal and office
//! pages), `scanning.rs` (a real clamd); the shared steps are here.
use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{
    browser::*,
    db_test,
    support::{Backend, TestApp, free_addr, multipart, postgres_enabled},
};

mod files;
mod min_side;
mod scanning;

/// A small valid PDF.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
/// The start of a Windows program.
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";
/// The EICAR anti-virus test string (harmless; every scanner reports it).
const EICAR: &str = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// A request by citizen `index` (routed to Gamle Oslo), returning its id.
async fn citizen_request(app: &TestApp, index: usize) -> (String, String) {
    let citizen = app.citizen(index).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "innsyn", "description": "Alt om meg", "service_area": "settlement"}),
        )
        .await;
    (citizen, created["id"].as_str().unwrap().to_string())
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

fn stored_files(app: &TestApp) -> usize {
    let root = app.data_dir.path().join("documents");
    let Ok(fans) = std::fs::read_dir(root) else {
        return 0;
    };
    fans.flatten()
        .filter_map(|d| std::fs::read_dir(d.path()).ok())
        .flat_map(|f| f.flatten())
        .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
        .count()
}
