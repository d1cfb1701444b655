//! Representatives: a parent files for a child (parental responsibility checked against the
//! simulated Folkeregisteret's family relations), an unaccompanied minor's representative and
//! a power of attorney registered by staff from the document, staff registering a
//! representative's letter, refusals of representations that are not proven, the case showing
//! both persons and who acted, the child's own view, and the parent's access ending at 18.
//!
//! By what they check: `filing.rs` (who may file for whom), `letters.rs` (whom the letters
//! greet and where they go), `claimed.rs` (a representation claimed but not proven),
//! `portal.rs` (Min side and the wizard); the demo people and shared steps are here.
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, sea_query::Expr};
use serde_json::{Value, json};

use crate::{db_test, support::TestApp};

/// Demo citizens (src/sources/simulator/citizens.rs): Amina (0) holds parental responsibility
/// for Leah (6, born 2014); Yonas (3) is the representative of Ahmad (7), an unaccompanied
/// minor (registered by the demo); Olena (4) and Mariam (2) represent nobody.
const PARENT: usize = 0;
const CHILD: usize = 6;
const MINOR: usize = 7;
const MINOR_REPRESENTATIVE: usize = 3;
const STRANGER: usize = 4;
const ADULT: usize = 2;

fn for_someone(basis: &str, represented: &str) -> Value {
    json!({
        "request": {
            "kind": "innsyn",
            "description": "Hvilke opplysninger har dere om barnet mitt?",
            "service_area": "settlement",
            "geography": "030101",
        },
        "basis": basis,
        "represented_pid": represented,
    })
}

async fn ids(app: &TestApp, token: &str) -> Vec<String> {
    let (status, page) = app.get("/api/v1/requests", token).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

mod claimed;
mod filing;
mod letters;
mod portal;

/// Drafts `outcome` on request `id` and approves it (by the unit's privacy officer where four
/// eyes apply); returns the approval.
async fn decide(app: &TestApp, caseworker: &str, officer: Option<&str>, id: &str) -> Value {
    let (status, draft) = app
        .post(
            &format!("/api/v1/requests/{id}/decision"),
            caseworker,
            json!({ "outcome": "granted", "legal_bases": [], "text": "" }),
        )
        .await;
    assert_eq!(status, 201, "{draft}");
    let approver = match (draft["four_eyes"].as_bool(), officer) {
        (Some(true), Some(o)) => o,
        _ => caseworker,
    };
    let (status, approved) = app
        .post(
            &format!("/api/v1/requests/{id}/decision/approve"),
            approver,
            json!({}),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    approved
}

/// The text of the request's document of `kind` (the newest), read with `token`.
async fn letter(app: &TestApp, token: &str, id: &str, kind: &str) -> String {
    let (status, docs) = app
        .get(&format!("/api/v1/requests/{id}/documents"), token)
        .await;
    assert_eq!(status, 200, "{docs}");
    let doc = docs
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}: {docs}"))
        .clone();
    let r = app
        .call(
            reqwest::Method::GET,
            doc["href"].as_str().unwrap(),
            Some(token),
            None,
        )
        .await;
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// The e-mail addresses the request's notices of `template` are queued to.
async fn mailed_to(app: &TestApp, id: &str, template: &str) -> Vec<String> {
    entity::outbox::Entity::find()
        .filter(entity::outbox::Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .filter(entity::outbox::Column::Template.eq(template))
        .all(&app.app.db)
        .await
        .unwrap()
        .iter()
        .map(|m| app.app.vault.open(&m.recipient).unwrap())
        .collect()
}

/// The printed letters of the request, and the sealed address each was queued with.
async fn printed(app: &TestApp, id: &str) -> Vec<(String, Option<Vec<String>>)> {
    entity::print_job::Entity::find()
        .filter(entity::print_job::Column::RequestId.eq(uuid::Uuid::parse_str(id).unwrap()))
        .order_by_asc(entity::print_job::Column::CreatedAt)
        .all(&app.app.db)
        .await
        .unwrap()
        .iter()
        .map(|j| {
            let address = j.address.as_deref().map(|a| {
                serde_json::from_str::<Vec<String>>(&app.app.vault.open(a).unwrap()).unwrap()
            });
            (j.letter_kind.to_string(), address)
        })
        .collect()
}

/// The lines of a letter's recipient block (its letterhead).
fn recipient_block(html: &str) -> Vec<String> {
    let start = html
        .find("<div class=\"recipient\">")
        .expect("a recipient block");
    let block = &html[start..];
    let block = &block[..block.find("</div>").unwrap()];
    block
        .split("<p>")
        .skip(1)
        .map(|p| p.trim_end_matches("</p>").to_string())
        .collect()
}

fn esc(s: &str) -> String {
    maud::html! { (s) }.into_string()
}

fn nb(key: &str, name: &str) -> String {
    dsar::i18n::tf(dsar::i18n::Language::Nb, key, &[("name", name)])
}

/// Folkeregisteret's postal address of demo citizen `index`, as the simulator gives it.
async fn registered_address(app: &TestApp, index: usize) -> Vec<String> {
    let pid = app.citizen_pid(index).await;
    dsar::sources::simulator::data::records("folkeregisteret", &pid)
        .unwrap()
        .iter()
        .find(|r| r.id == dsar::sources::simulator::data::POSTAL_ADDRESS_RECORD)
        .unwrap()
        .value
        .split(',')
        .map(|l| l.trim().to_string())
        .collect()
}

/// A parent files for the child with their own e-mail address and asks for paper.
async fn parent_files_with_contact(app: &TestApp) -> (String, String) {
    let parent = app.citizen(PARENT).await;
    let mut body = for_someone("parental_responsibility", &app.citizen_pid(CHILD).await);
    body["request"]["contact_email"] = json!("forelder@example.no");
    body["request"]["wants_paper"] = json!(true);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &parent, body).await;
    assert_eq!(status, 201, "{created}");
    (created["id"].as_str().unwrap().to_string(), parent)
}

async fn start_and_collect(app: &TestApp, token: &str, id: &str) {
    let (status, v) = app
        .post(
            &format!("/api/v1/requests/{id}/transitions"),
            token,
            json!({ "action": "start" }),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    app.collect_to_idle(token, id).await;
}

const OLENA_ADDRESS: [&str; 2] = ["Postboks 12 Sentrum", "0101 OSLO"];

/// Staff register Olena's power of attorney for Ahmad with her name and address.
async fn register_olena(app: &TestApp, staff: &str) -> Value {
    let (status, rep) = app
        .post(
            "/api/v1/representations",
            staff,
            json!({
                "basis": "fullmakt",
                "representative_pid": app.citizen_pid(STRANGER).await,
                "represented_pid": app.citizen_pid(MINOR).await,
                "evidence": "Skriftlig fullmakt datert 2026-11-20",
                "representative_name": "Olena Shevchenko",
                "representative_address": OLENA_ADDRESS,
            }),
        )
        .await;
    assert_eq!(status, 201, "{rep}");
    rep
}

/// Olena files for Ahmad, in English, on paper; returns the request id and her token.
async fn olena_files(app: &TestApp) -> (String, String) {
    let olena = app.citizen(STRANGER).await;
    let mut body = for_someone("fullmakt", &app.citizen_pid(MINOR).await);
    body["request"]["language"] = json!("en");
    body["request"]["wants_paper"] = json!(true);
    let (status, created) = app.post("/api/v1/requests/on-behalf", &olena, body).await;
    assert_eq!(status, 201, "{created}");
    (created["id"].as_str().unwrap().to_string(), olena)
}

/// Logs demo citizen `index` in through the demo provider; returns the browser and the CSRF
/// token of their session.
async fn portal_login(app: &TestApp, index: usize) -> (crate::browser::Browser, String) {
    let browser = crate::browser::Browser::new();
    let pid = app.citizen_pid(index).await;
    let (page, _) = crate::browser::demo_citizen_login(&browser, app, &pid).await;
    let html = page.text().await.unwrap();
    (browser, crate::browser::csrf_token(&html))
}

async fn page(browser: &crate::browser::Browser, app: &TestApp, path: &str) -> String {
    let r = browser.get(&app.url(path)).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

/// The value of the hidden field `name` in a page.
fn hidden_value(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).expect("the field") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_string()
}
