//! Indexes for the reports, chosen from the query plans on 1,000,000 requests
//! (`examples/bench_reports.rs --explain`, SQLite and PostgreSQL):
//!
//! * `ix_request_received (received_on, id)`, `ix_request_controller_received (controller_id,
//!   received_on, id)`: the case list's keyset pages (all controllers, or one) and the
//!   summary's receipts per month, as index range reads; before, every page scanned the table.
//! * `ix_request_report_cohort (unit_id, status, kind, channel, outcome, received_on,
//!   controller_id)`: covers the summary's cohort `GROUP BY unit_id, status, kind, channel,
//!   outcome` with the period and controller filters, in group order, so SQLite neither sorts
//!   nor reads the table (full scan plus sort: about 2.3 s; this: 0.3 s).
//! * `ix_request_report_completed (status, received_on, closed_at, first_due_on, due_on,
//!   unit_id, controller_id)`: the completed requests' dates for timeliness and working days,
//!   and the answers per month, read off the index alone.
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Request {
    Table,
    Id,
    ControllerId,
    ReceivedOn,
    UnitId,
    Status,
    Kind,
    Channel,
    Outcome,
    ClosedAt,
    FirstDueOn,
    DueOn,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(
            Index::create()
                .name("ix_request_received")
                .table(Request::Table)
                .col(Request::ReceivedOn)
                .col(Request::Id)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_controller_received")
                .table(Request::Table)
                .col(Request::ControllerId)
                .col(Request::ReceivedOn)
                .col(Request::Id)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_report_cohort")
                .table(Request::Table)
                .col(Request::UnitId)
                .col(Request::Status)
                .col(Request::Kind)
                .col(Request::Channel)
                .col(Request::Outcome)
                .col(Request::ReceivedOn)
                .col(Request::ControllerId)
                .if_not_exists()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ix_request_report_completed")
                .table(Request::Table)
                .col(Request::Status)
                .col(Request::ReceivedOn)
                .col(Request::ClosedAt)
                .col(Request::FirstDueOn)
                .col(Request::DueOn)
                .col(Request::UnitId)
                .col(Request::ControllerId)
                .if_not_exists()
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for name in [
            "ix_request_report_completed",
            "ix_request_report_cohort",
            "ix_request_controller_received",
            "ix_request_received",
        ] {
            m.drop_index(Index::drop().name(name).table(Request::Table).to_owned())
                .await?;
        }
        Ok(())
    }
}
