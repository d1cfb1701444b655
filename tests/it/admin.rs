//! The administration through a real staff login: its pages and their navigation, the staff
//! search with pages, adding a staff member (errors beside the fields, in the page's language,
//! what was typed kept, the focus on the error summary), a person's units added and taken away
//! after a confirmation and back, a routing rule turned off after a confirmation and on again,
//! a source taken out of use the same way, and the sources' health without personal data.
//!
//! By what they check: `pages.rs` (navigation and the staff search), `staff.rs` (adding staff,
//! their units), `rules_and_sources.rs` (routing rules and sources in and out of use); the shared
//! steps are here.
use reqwest::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    browser::*,
    db_test,
    office::{page, post, staff_browser},
    support::TestApp,
};

const PAGES: [&str; 6] = [
    "/office/admin",
    "/office/admin/ansatte",
    "/office/admin/enheter",
    "/office/admin/regler",
    "/office/admin/kilder",
    "/office/admin/behandlingsansvarlige",
];

async fn unit_id(app: &TestApp, name: &str) -> Uuid {
    entity::unit::Entity::find()
        .filter(entity::unit::Column::Name.eq(name))
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .id
}

async fn staff_row(app: &TestApp, username: &str) -> Option<entity::staff_user::Model> {
    entity::staff_user::Entity::find()
        .filter(entity::staff_user::Column::Username.eq(username))
        .one(&app.app.db)
        .await
        .unwrap()
}

async fn audits(app: &TestApp, action: &str) -> i64 {
    app.count(&format!("audit_event WHERE action = '{action}'"))
        .await
}

async fn units_of(app: &TestApp, staff: Uuid) -> usize {
    entity::staff_unit::Entity::find()
        .filter(entity::staff_unit::Column::StaffId.eq(staff))
        .all(&app.app.db)
        .await
        .unwrap()
        .len()
}

async fn out(app: &TestApp, id: &str) -> i64 {
    app.count(&format!("source_system WHERE id = '{id}' AND NOT active"))
        .await
}

/// The path and query of a redirect's absolute target.
fn path(to: Option<String>) -> String {
    let url = reqwest::Url::parse(&to.expect("a redirect")).unwrap();
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// The `<option>` for `value`, from `<option` to its `>`.
fn option_tag<'a>(html: &'a str, value: &str) -> &'a str {
    let at = html
        .find(&format!("<option value=\"{value}\""))
        .unwrap_or_else(|| panic!("no option {value}"));
    &html[at..at + html[at..].find('>').unwrap()]
}

mod pages;
mod rules_and_sources;
mod staff;
