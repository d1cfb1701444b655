//! "Kvittering (PDF)" on Min side: the owner of a request downloads a tagged PDF whose text has
//! the reference and the deadline, never cached; another citizen, or someone logged out, does
//! not get it; a closed request has none.
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::{browser::*, db_test};

fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

db_test!(the_owner_downloads_the_receipt_and_no_one_else, |app| {
    let citizen = app.citizen(0).await;
    let created = app
        .create(
            &citizen,
            json!({"kind": "innsyn", "description": "Alt dere har om meg", "service_area": "settlement", "language": "en"}),
        )
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    let reference = created["reference"].as_str().unwrap().to_string();
    let due: chrono::NaiveDate = created["due_on"].as_str().unwrap().parse().unwrap();

    let browser = Browser::new();
    demo_citizen_login(&browser, &app, &app.citizen_pid(0).await).await;
    let case = browser
        .get(&app.url(&format!("/min-side/sak/{id}?lang=en")))
        .await
        .text()
        .await
        .unwrap();
    let href = format!("/min-side/sak/{id}/kvittering");
    assert!(
        case.contains(&href) && case.contains("Receipt (PDF)"),
        "{case}"
    );

    let r = browser.get(&app.url(&href)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let headers = r.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    assert!(
        headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(&format!("kvittering-{reference}.pdf"))
    );
    let pdf = r.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let text = squash(&pdf_extract::extract_text_from_mem(&pdf).unwrap());
    assert!(text.contains(&squash(&reference)), "{text}");
    let due_text = dsar::letters::format_date(dsar::i18n::Language::En, due);
    assert!(text.contains(&squash(&due_text)), "{due_text} in {text}");
    // Tagged: a structure tree and the request's language.
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    assert!(catalog.get(b"StructTreeRoot").is_ok());
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"en");

    // Another citizen, and someone logged out, do not get it.
    let other = Browser::new();
    demo_citizen_login(&other, &app, &app.citizen_pid(3).await).await;
    let r = other.get(&app.url(&href)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = Browser::new().get(&app.url(&href)).await;
    assert!(location(&r).contains("/login?return_to=/min-side/sak/"));

    // Withdrawn, the request has no receipt (it would promise an answer).
    let (s, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            &citizen,
            json!({"action": "withdraw"}),
        )
        .await;
    assert_eq!(s, 200, "{v}");
    let r = browser.get(&app.url(&href)).await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
});
