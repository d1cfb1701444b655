//! The audit chain's verification checkpoint: the last event a verification found intact, with
//! a MAC under the audit key, so the next verification starts after it.
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditCheckpoint {
    Table,
    Id,
    Seq,
    Hash,
    Mac,
    VerifiedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(AuditCheckpoint::Table)
                .if_not_exists()
                .col(integer(AuditCheckpoint::Id).primary_key())
                .col(big_integer(AuditCheckpoint::Seq))
                .col(string(AuditCheckpoint::Hash))
                .col(string(AuditCheckpoint::Mac))
                .col(timestamp_with_time_zone(AuditCheckpoint::VerifiedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditCheckpoint::Table).to_owned())
            .await
    }
}
