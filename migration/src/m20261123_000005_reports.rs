//! Scheduled background tasks (the daily retention run): one row per task, claimed with a lease
//! so that of several instances only one runs it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ScheduledTask {
    Table,
    Name,
    NextRunAt,
    LeaseOwner,
    LeaseUntil,
    LastRunAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ScheduledTask::Table)
                    .if_not_exists()
                    .col(string(ScheduledTask::Name).primary_key())
                    .col(timestamp_with_time_zone(ScheduledTask::NextRunAt))
                    .col(string_null(ScheduledTask::LeaseOwner))
                    .col(timestamp_with_time_zone_null(ScheduledTask::LeaseUntil))
                    .col(timestamp_with_time_zone_null(ScheduledTask::LastRunAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ScheduledTask::Table).to_owned())
            .await
    }
}
