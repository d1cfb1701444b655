//! Schema migrations; they run on SQLite and PostgreSQL alike.
pub use sea_orm_migration::prelude::*;

mod m20261123_000001_initial;
mod m20261123_000002_sessions;
mod m20261123_000003_sources;
mod m20261123_000004_decisions;
mod m20261123_000005_reports;
mod m20261123_000006_report_indexes;
mod m20261123_000007_portal_drafts;
mod m20261123_000008_open_queue_index;
mod m20261123_000009_staff_names;
mod m20261206_000010_collection_queue;
mod m20261206_000011_population_register_person_links;
mod m20261206_000012_controller_appeal;
mod m20261206_000014_audit_checkpoint;
mod m20261206_000015_recipient_notices;
mod m20261206_000017_controller_protected_unit;
mod m20261206_000018_shared_limits;
mod m20261206_000019_closing_steps;
mod m20261206_000021_controller_public_body;
mod m20261207_000020_print_jobs;
mod m20261207_000024_complaints;
mod m20261207_000025_identity_verification;
mod m20261207_000027_representation;
mod m20261207_000032_expected_answer;
mod m20261207_000033_paper_wish;
mod m20261207_000034_source_duf;
mod m20261207_000036_representative_contact;
mod m20261207_000037_representation_claim;
mod m20261208_000038_attachments;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261123_000001_initial::Migration),
            Box::new(m20261123_000002_sessions::Migration),
            Box::new(m20261123_000003_sources::Migration),
            Box::new(m20261123_000004_decisions::Migration),
            Box::new(m20261123_000005_reports::Migration),
            Box::new(m20261123_000006_report_indexes::Migration),
            Box::new(m20261123_000007_portal_drafts::Migration),
            Box::new(m20261123_000008_open_queue_index::Migration),
            Box::new(m20261123_000009_staff_names::Migration),
            Box::new(m20261206_000010_collection_queue::Migration),
            Box::new(m20261206_000011_population_register_person_links::Migration),
            Box::new(m20261206_000012_controller_appeal::Migration),
            Box::new(m20261206_000014_audit_checkpoint::Migration),
            Box::new(m20261206_000015_recipient_notices::Migration),
            Box::new(m20261206_000017_controller_protected_unit::Migration),
            Box::new(m20261206_000018_shared_limits::Migration),
            Box::new(m20261206_000019_closing_steps::Migration),
            Box::new(m20261206_000021_controller_public_body::Migration),
            Box::new(m20261207_000020_print_jobs::Migration),
            Box::new(m20261207_000024_complaints::Migration),
            Box::new(m20261207_000027_representation::Migration),
            Box::new(m20261207_000032_expected_answer::Migration),
            Box::new(m20261207_000033_paper_wish::Migration),
            Box::new(m20261207_000025_identity_verification::Migration),
            Box::new(m20261207_000034_source_duf::Migration),
            Box::new(m20261207_000036_representative_contact::Migration),
            Box::new(m20261207_000037_representation_claim::Migration),
            Box::new(m20261208_000038_attachments::Migration),
        ]
    }
}
