//! Sources, the audit chain and merge approval (docs/security.md): the number a source is asked
//! about, plain-HTTP source endpoints in production, Maskinporten tokens per source, the keyed
//! audit chain and the office page where a privacy officer approves merges.
//!
//! By what they check: `sources.rs`, `audit_chain.rs`, `merge_page.rs`; the shared steps are
//! here.
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use crate::{db_test, support::TestApp};

mod audit_chain;
mod merge_page;
mod sources;

fn synthetic(day: u32, month: u32, year: u32, d_number: bool) -> String {
    (100..999)
        .find_map(|i| dsar::identity::synthetic_pid(day, month, year, i, true, d_number))
        .unwrap()
        .as_str()
        .to_string()
}

fn pid(s: &str) -> dsar::identity::Pid {
    dsar::identity::Pid::parse(
        s,
        dsar::identity::PidPolicy {
            allow_synthetic: true,
        },
    )
    .unwrap()
}

/// The person a number belongs to.
async fn person_of(app: &TestApp, number: &str) -> uuid::Uuid {
    entity::person_identifier::Entity::find()
        .filter(
            entity::person_identifier::Column::PidHash.eq(app.app.vault.lookup_hash(&pid(number))),
        )
        .one(&app.app.db)
        .await
        .unwrap()
        .unwrap()
        .person_id
}

/// The settings of `app` as a production instance would have them (no demo features).
fn production(s: &dsar::config::Settings) -> dsar::config::Settings {
    let mut p = s.clone();
    p.environment = dsar::config::Environment::Production;
    p.demo = false;
    p.allow_synthetic_pids = false;
    p.sources.simulator = Some(false);
    p.metrics.token = dsar::config::Secret::new("scrape");
    p.mail.transport = "smtp".into();
    p.mail.smtp_host = "smtp.example.no".into();
    p
}

async fn build_error(settings: dsar::config::Settings) -> String {
    match dsar::app::App::build(settings).await {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}
