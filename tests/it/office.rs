//! The office pages through a real staff login: the queue with its counts, filters and search,
//! a case worked from start to answer (reveal audited, note kept from the person, extension,
//! decision with errors beside the fields and a letter preview, four-eyes approval by a second
//! person), registering a letter without duplicates, reports, and administration.
//!
//! By what they check: `queue.rs`, `case.rs` (a case worked, four eyes, forwarding),
//! `letters.rs` (registering a letter), `administration.rs` (reports and the registry); the
//! browser steps the other office tests share are here.
use reqwest::StatusCode;
use serde_json::json;

use crate::{browser::*, db_test, support::TestApp};

/// A logged-in staff browser and the office start page's HTML.
pub(crate) async fn staff_browser(app: &TestApp, username: &str) -> (Browser, String) {
    let browser = Browser::new();
    let (page, visited) = demo_staff_login(&browser, app, username).await;
    assert_eq!(page.status(), StatusCode::OK, "{visited:?}");
    let html = page.text().await.unwrap();
    (browser, html)
}

pub(crate) async fn page(browser: &Browser, app: &TestApp, path: &str) -> (StatusCode, String) {
    let r = browser.get(&app.url(path)).await;
    let status = r.status();
    (status, r.text().await.unwrap())
}

/// Posts a form with the page's CSRF token; returns the status, the redirect target (if any)
/// and the body.
pub(crate) async fn post(
    browser: &Browser,
    app: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>, String) {
    let mut all: Vec<(String, String)> = vec![("csrf_token".into(), csrf.into())];
    all.extend(fields.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let r = browser.post_form(&app.url(path), &all).await;
    let status = r.status();
    let to = status.is_redirection().then(|| location(&r));
    (status, to, r.text().await.unwrap())
}

/// The draft whose letter the case page shows beside its approve (or send) button.
pub(crate) fn shown_draft(html: &str) -> String {
    let marker = "name=\"decision_id\" value=\"";
    let start = html.find(marker).expect("the letter and its button") + marker.len();
    html[start..start + 36].to_string()
}

mod administration;
mod case;
mod letters;
mod queue;
